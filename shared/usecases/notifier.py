"""Which mails a ticket change sends, and their journey into the outbox with the change.

The desk's use cases say *what* happened as :class:`~shared.domain.notifications.Notice` values
(a customer mail, a mail to the team, a mail to an operator). :class:`Notifier` turns them into
:class:`~shared.domain.notifications.Notification` values that commit in the change's own
transaction (their intents recorded just before it), then hands them to the dispatcher right
after the commit.

Confidential tickets stay confidential by mail too: every staff mail about a ``vulnerability``
ticket (new in the queue, assigned, escalated at any level) goes to the security address instead
of the team, the assignee, the supervisors or management; with no security address set it is not
sent at all (logged), never sent to anyone else. The customer's own mails are unchanged: a
staff reply on a ``vulnerability`` ticket goes to its contact like any other customer mail (the
customer sees its own ticket), and never to staff.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from shared.domain.language import Language
from shared.domain.notifications import (
    CUSTOMER,
    TEAM,
    EscalationLevel,
    Notice,
    Notification,
    NotificationContext,
    NotificationKind,
)
from shared.domain.sla.policy import Category
from shared.domain.ticket import Ticket

if TYPE_CHECKING:
    from shared.domain.sla.clock import ClockState
    from shared.usecases.dispatch import Dispatcher
    from shared.usecases.ports import Outbox


logger = logging.getLogger(__name__)


@dataclass
class Notifier:
    """Plans, records and dispatches a change's notifications. ``team_address`` receives the
    queue's news (None: no team mails); ``portal_url`` is the portal's base URL (None: no link);
    ``security_address`` receives every staff mail about a ``vulnerability`` ticket (None: no
    staff mail about one). Customer mails speak the ticket's language, staff mails
    ``staff_language``."""

    outbox: Outbox
    dispatcher: Dispatcher
    team_address: str | None
    portal_url: str | None
    staff_language: Language = Language.ITALIAN
    security_address: str | None = None

    def plan(
        self,
        ticket: Ticket,
        notices: Sequence[Notice],
        seq: int,
        at: datetime,
        take_charge: ClockState,
        resolution: ClockState,
    ) -> list[Notification]:
        """The notifications of one change (the history event ``seq`` caused them), in order."""
        planned: list[Notification] = []
        for notice in notices:
            recipient = self._recipient(ticket, notice)
            if recipient is None:
                continue
            address, name = recipient
            context = NotificationContext(
                ticket_id=ticket.id,
                subject=ticket.subject,
                customer_name=ticket.customer_name or ticket.customer_id,
                priority=ticket.priority,
                category=ticket.category,
                contact_name=ticket.contact_name,
                take_charge_due=take_charge.due,
                resolution_due=resolution.due,
                operator_name=_operator_named(ticket, notice),
                message=notice.message,
                escalation_level=EscalationLevel(min(notice.escalation.level, 3)) if notice.escalation else None,
                escalation_clock=notice.escalation.clock if notice.escalation else None,
                working_time_left=notice.escalation.working_time_left if notice.escalation else None,
                portal_url=f"{self.portal_url.rstrip('/')}/tickets/{ticket.id}" if self.portal_url else None,
            )
            planned.append(
                Notification(
                    ticket_id=ticket.id,
                    customer_id=ticket.customer_id,
                    seq=seq,
                    index=len(planned),
                    kind=notice.kind,
                    language=self.staff_language if notice.kind.internal else ticket.language,
                    recipient=address,
                    recipient_name=name,
                    context=context,
                    created_at=at,
                    next_attempt_at=at,
                )
            )
        return planned

    def _recipient(self, ticket: Ticket, notice: Notice) -> tuple[str, str] | None:
        """``(address, display name)`` of the notice's mail, or None when it goes to nobody."""
        if notice.to == CUSTOMER:
            return ticket.contact_email, ticket.contact_name or ""
        if notice.kind.internal and ticket.category is Category.VULNERABILITY:
            if self.security_address is None:
                logger.warning("no SECURITY_TEAM_ADDRESS: %s mail about %s not sent", notice.kind.value, ticket.id)
                return None
            return self.security_address, ""
        if notice.to == TEAM:
            return (self.team_address, "") if self.team_address else None
        return notice.to, ""

    def record(self, notifications: list[Notification]) -> None:
        """Before the change commits: the intents (one transaction)."""
        if notifications:
            self.outbox.intend(notifications)

    def dispatch(self, notifications: list[Notification]) -> None:
        """Right after the change committed: one attempt each; what fails is the sweep's."""
        self.dispatcher.deliver(notifications)


def _operator_named(ticket: Ticket, notice: Notice) -> str | None:
    """Who the mail names as the operator: staff mails the assignee's handle; customer mails a
    name, never an address (:mod:`shared.domain.access`): a reply its author's, the others the
    assignee's."""
    if notice.kind.internal:
        return ticket.assignee
    if notice.kind is NotificationKind.REPLY:
        return notice.author
    return ticket.assignee_name
