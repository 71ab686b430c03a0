"""Notifications: what a mail about a ticket tells, what a change asks to be told, and the outbox's
values and rules. Pure: the renderer (:mod:`shared.adapters.mail.render`) and the outbox's table
(:mod:`shared.adapters.stores.outbox`) speak this vocabulary; it knows neither.

A use case says *what* happened as :class:`Notice` values (a mail to the customer's contact, to
the team, to a person); the notifier turns them into :class:`Notification` values, each holding
the :class:`NotificationContext` its mail may quote, and the renderer turns a notification's kind
and context into a :class:`RenderedMail` in its language.

A :class:`Notification` is born with the ticket change that causes it and committed in the same
transaction, so a change never happens without its mail nor a mail without its change. Its id
(``IZ-2026-000123.4.0``: ticket, the history event that caused it, its index among that event's
mails) never changes, and neither does its ``Message-ID``, so every delivery attempt of the same
mail carries the same identity and senders can drop duplicates.

Delivery: ``pending`` until a sender takes it (``sent``) or it fails for good (``failed``: a
permanent refusal, :data:`MAX_ATTEMPTS` transient failures, a mail that cannot be built, or
:data:`MAX_ATTEMPTS` attempts claimed without any outcome recorded). Between attempts the wait
grows (:func:`next_attempt`), never shorter than what the service asked for.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any
from urllib.parse import urlsplit

from shared.domain.language import Language
from shared.domain.sla.policy import Category, Clock, Priority
from shared.domain.ticket import TicketId

__all__ = [
    "CUSTOMER",
    "MAX_ATTEMPTS",
    "TEAM",
    "DeliveryState",
    "Escalated",
    "EscalationLevel",
    "Notice",
    "Notification",
    "NotificationContext",
    "NotificationKind",
    "RenderedMail",
    "context_from_json",
    "context_to_json",
    "next_attempt",
]


# --- what a mail tells -------------------------------------------------------------------------------


class NotificationKind(StrEnum):
    """What a mail tells. The first nine go to the customer's contact, the last three to staff."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    CLARIFICATION_REQUESTED = "clarification_requested"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    DECLINED_BY_CUSTOMER = "declined_by_customer"
    OUT_OF_SCOPE = "out_of_scope"
    REPLY = "reply"
    NEW_IN_QUEUE = "new_in_queue"
    ASSIGNED_TO_YOU = "assigned_to_you"
    ESCALATION = "escalation"

    @property
    def internal(self) -> bool:
        """Whether the mail goes to staff rather than to the customer."""
        return self in _INTERNAL_KINDS


_INTERNAL_KINDS = frozenset(
    {NotificationKind.NEW_IN_QUEUE, NotificationKind.ASSIGNED_TO_YOU, NotificationKind.ESCALATION}
)


class EscalationLevel(IntEnum):
    """How far an SLA clock has run through its budget of working time."""

    WARNING = 1
    """75% of the budget used."""
    BREACHED = 2
    """The budget exceeded."""
    CRITICAL = 3
    """150% of the budget used."""


@dataclass(frozen=True, kw_only=True)
class NotificationContext:
    """What a notification may say about its ticket.

    ``operator_name`` is the operator in charge of the ticket (who took charge, or the assignee);
    ``message`` is the operator's question (clarification), the resolution text (resolved), the
    staff's public message (reply) or the reason (reopened and the two closing outcomes). ``escalation_level`` and
    ``escalation_clock`` say which clock an escalation is about; ``working_time_left`` is that
    clock's working time before its due instant, negative once it is overdue. ``portal_url`` is
    the ticket's page on the portal. A naive due instant, or a portal URL that is not http(s),
    raises ``ValueError``.
    """

    ticket_id: TicketId
    subject: str
    customer_name: str
    priority: Priority
    category: Category
    contact_name: str | None = None
    take_charge_due: datetime | None = None
    resolution_due: datetime | None = None
    operator_name: str | None = None
    message: str | None = None
    escalation_level: EscalationLevel | None = None
    escalation_clock: Clock | None = None
    working_time_left: timedelta | None = None
    portal_url: str | None = None

    def __post_init__(self) -> None:
        for name, at in (("take_charge_due", self.take_charge_due), ("resolution_due", self.resolution_due)):
            if at is not None and at.utcoffset() is None:
                raise ValueError(f"{name} must be an aware datetime")
        if self.portal_url is not None and urlsplit(self.portal_url).scheme not in {"http", "https"}:
            raise ValueError("portal_url must be an http or https URL")


# --- what a change asks to be told ----------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """A mail a change asks for. ``to`` is ``customer`` (the ticket's contact), ``team`` (the
    support team's address) or a person's address; ``message`` is the text it quotes;
    ``escalation`` what an escalation mail reports; ``author`` the display name of whoever wrote
    the quoted message (a reply; None when they have none), who is not always the assignee."""

    kind: NotificationKind
    to: str
    message: str | None = None
    escalation: Escalated | None = None
    author: str | None = None


@dataclass(frozen=True)
class Escalated:
    """What an escalation mail is about: the level reached, the clock, its working time left
    (negative when overdue)."""

    level: int
    clock: Clock
    working_time_left: timedelta


#: A :class:`Notice` addressed to the ticket's contact.
CUSTOMER = "customer"
#: A :class:`Notice` addressed to the support team's address.
TEAM = "team"


@dataclass(frozen=True)
class RenderedMail:
    """A notification ready to send: a one-line subject and two bodies saying the same."""

    subject: str
    text: str
    html: str


# --- the outbox -----------------------------------------------------------------------------------

MAX_ATTEMPTS = 8
_FIRST_WAIT = timedelta(seconds=30)
_LONGEST_WAIT = timedelta(hours=1)
#: How long a dispatcher holds a notification it claimed before another may take it over (by
#: default; longer than a send may take, the senders' timeouts included).
LEASE = timedelta(minutes=2)


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class Notification:
    """One mail about a ticket, to ``recipient``, in ``language``."""

    ticket_id: str
    customer_id: str
    seq: int
    index: int
    kind: NotificationKind
    language: Language
    recipient: str
    recipient_name: str
    context: NotificationContext
    created_at: datetime
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    lease_until: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None

    @property
    def id(self) -> str:
        """``IZ-2026-000123.4.0``: stable, URL-safe, and the key of its row."""
        return f"{self.ticket_id}.{self.seq}.{self.index}"

    def message_id(self, domain: str) -> str:
        """The RFC 5322 Message-ID of every attempt of this mail."""
        return f"<{self.ticket_id.lower()}.{self.seq}.{self.index}.{self.kind.value}@{domain}>"

    def due(self, now: datetime) -> bool:
        """Pending, its next attempt due and nobody holding it."""
        return (
            self.state is DeliveryState.PENDING
            and (self.next_attempt_at is None or self.next_attempt_at <= now)
            and (self.lease_until is None or self.lease_until <= now)
        )

    def claimed(self, now: datetime, lease: timedelta = LEASE) -> Notification:
        """Held by a dispatcher for ``lease`` while it sends; the attempt is counted."""
        return replace(self, attempts=self.attempts + 1, lease_until=now + lease)

    def sent(self, now: datetime) -> Notification:
        return replace(self, state=DeliveryState.SENT, sent_at=now, lease_until=None, last_error=None)

    def failed_attempt(self, now: datetime, error: str, retry_after: float | None, permanent: bool) -> Notification:
        """After a failed attempt: failed for good when ``permanent`` or out of attempts, else
        pending again after the back-off."""
        if permanent or self.attempts_spent:
            return replace(self, state=DeliveryState.FAILED, lease_until=None, last_error=error)
        return replace(
            self, next_attempt_at=next_attempt(now, self.attempts, retry_after), lease_until=None, last_error=error
        )

    def given_up(self, error: str) -> Notification:
        """Failed for good without another attempt: the mail cannot be built from what it holds,
        or its attempts are spent (each one claimed, none with an outcome recorded)."""
        return replace(self, state=DeliveryState.FAILED, lease_until=None, last_error=error)

    @property
    def attempts_spent(self) -> bool:
        """Whether every attempt it may have is claimed already (:data:`MAX_ATTEMPTS`)."""
        return self.attempts >= MAX_ATTEMPTS

    def retried(self, now: datetime) -> Notification:
        """Back to pending with a fresh count of attempts (an administrator's retry)."""
        return replace(
            self, state=DeliveryState.PENDING, attempts=0, next_attempt_at=now, lease_until=None, last_error=None
        )


def next_attempt(now: datetime, attempts: int, retry_after: float | None) -> datetime:
    """When to try again after ``attempts`` tries: 30 s, 1 min, 2 min, … up to an hour, and
    never sooner than ``retry_after`` seconds."""
    wait: timedelta = min(_FIRST_WAIT * 2 ** max(attempts - 1, 0), _LONGEST_WAIT)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return now + wait


def context_to_json(context: NotificationContext) -> str:
    """The context as JSON (instants in ISO 8601, durations in microseconds, enums by value)."""
    document = {name: _plain(value) for name, value in asdict(context).items()}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    return value


_DECODERS: dict[str, Any] = {
    "priority": Priority,
    "category": Category,
    "take_charge_due": datetime.fromisoformat,
    "resolution_due": datetime.fromisoformat,
    "escalation_level": EscalationLevel,
    "escalation_clock": Clock,
    "working_time_left": lambda micros: timedelta(microseconds=micros),
}


def context_from_json(text: str) -> NotificationContext:
    """The inverse of :func:`context_to_json`."""
    document = json.loads(text)
    known = {field.name for field in fields(NotificationContext)}
    values = {
        name: (_DECODERS[name](value) if name in _DECODERS and value is not None else value)
        for name, value in document.items()
        if name in known
    }
    return NotificationContext(**values)
