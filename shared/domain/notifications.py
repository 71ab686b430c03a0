"""Notifications waiting to be sent: the outbox's values and rules, pure.

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
from enum import StrEnum
from typing import Any

from shared.adapters.mail.render import EscalationLevel, NotificationContext, NotificationKind
from shared.domain.language import Language
from shared.domain.sla.policy import Category, Clock, Priority

__all__ = [
    "MAX_ATTEMPTS",
    "DeliveryState",
    "Notification",
    "context_from_json",
    "context_to_json",
    "next_attempt",
]

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
