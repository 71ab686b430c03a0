"""The administrators' use cases: customers, closure periods, the audit trail, the mail received and
the mail that failed for good.

Who may call them (the ``admin`` role) is the edge's business; these check what is asked. Errors
are the domain's: :class:`InvalidInput` names the field at fault, :class:`NotFound` answers an id
that is malformed exactly like one that does not exist.

* A customer is written as typed, normalised: its id checked, its domains and contact addresses
  in lower case (a domain given twice is kept once), none of them another customer's
  (:class:`Conflict`, from the registry).
* A closure announced, changed or withdrawn (:func:`shared.domain.sla.closures.check_closure`)
  makes the SLA calendar be read anew, then re-plans the escalations the change moves
  (:mod:`shared.usecases.replanning`); the answer says how many moved and how many failed.
* A failed notification is sent again by the outbox (:meth:`Dispatcher.retry`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from shared.domain.customers import Contact, Customer, normalise_domain, normalise_email, valid_customer_id
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.sla.closures import Closure, changed_days, check_closure, valid_closure_id
from shared.domain.ticket import parse_ticket_id
from shared.usecases.replanning import ReplanReport

if TYPE_CHECKING:
    from shared.domain.inbound.record import InboundRecord, Outcome
    from shared.domain.notifications import DeliveryState
    from shared.domain.paging import Page
    from shared.usecases.dispatch import Dispatcher
    from shared.usecases.ports import Audit, Closures, Customers, InboundMailLog, Outbox, Tickets
    from shared.usecases.stored import AuditRecord, FailedNotification

__all__ = ["Administration", "ClosureChange"]

#: What follows the ticket id in a notification's id: the event's sequence number and the index of
#: the notification among the event's (``IZ-2026-000123.4.0``).
_EVENT_AND_INDEX = re.compile(r"[0-9]{1,6}\.[0-9]{1,2}")

#: Re-plans the escalations due from the first of the days whose working time changed to the last.
Replan = Callable[[date, date], ReplanReport]


@dataclass(frozen=True)
class ClosureChange:
    """A closure as it is after being announced or changed (or as it was, once withdrawn), and the
    re-plan of the escalations the change moved."""

    closure: Closure
    replan: ReplanReport


class Administration:
    """The administrators' use cases, each on the collaborators it names. ``reread_calendar`` makes
    the next read of the SLA calendar take the closures anew; ``replan`` then re-plans on it."""

    def __init__(
        self,
        *,
        customers: Customers,
        closures: Closures,
        reread_calendar: Callable[[], None],
        replan: Replan,
        audit: Audit,
        inbound: InboundMailLog,
        tickets: Tickets,
        outbox: Outbox,
        dispatcher: Dispatcher,
    ) -> None:
        self._customers, self._closures = customers, closures
        self._reread_calendar, self._replan = reread_calendar, replan
        self._audit, self._inbound = audit, inbound
        self._tickets, self._outbox, self._dispatcher = tickets, outbox, dispatcher

    def put_customer(self, typed: Customer) -> Customer:
        """Create or replace the customer ``typed`` (see the module): the customer as stored.
        Faults name ``id``, ``email_domains.<i>`` or ``contacts.<i>.email``."""
        if not valid_customer_id(typed.id):
            raise InvalidInput("id", "must be 2–63 lower-case letters, digits or dashes")
        domains = dict.fromkeys(normalise_domain(d, f"email_domains.{i}") for i, d in enumerate(typed.email_domains))
        contacts = [
            Contact(normalise_email(contact.email, f"contacts.{i}.email"), contact.name)
            for i, contact in enumerate(typed.contacts)
        ]
        return self._customers.put(replace(typed, email_domains=tuple(domains), contacts=tuple(contacts)))

    def customer(self, customer_id: str) -> Customer:
        """One customer: one point read (none for a malformed id)."""
        customer = self._customers.get(customer_id) if valid_customer_id(customer_id) else None
        if customer is None:
            raise NotFound("no such customer")
        return customer

    def customers(self) -> list[Customer]:
        """Every customer."""
        return self._customers.list()

    def put_closure(self, closure: Closure) -> ClosureChange:
        """Announce ``closure``, or change the one of its id: running SLA clocks follow it, stopped
        ones do not (their verdicts stand). Faults name ``id``, ``first_day`` or ``last_day``."""
        check_closure(closure)
        before = self._closures.get(closure.id)
        self._closures.put(closure)
        return self._changed(before, closure, shown=closure)

    def closure(self, closure_id: str) -> Closure:
        """One closure period: one point read (none for a malformed id)."""
        closure = self._closures.get(closure_id) if valid_closure_id(closure_id) else None
        if closure is None:
            raise NotFound("no such closure")
        return closure

    def closures(self) -> list[Closure]:
        """Every closure period, by first day."""
        return self._closures.list()

    def withdraw_closure(self, closure_id: str) -> ClosureChange:
        """Withdraw a closure period: running SLA clocks count its days again."""
        removed = self._closures.delete(closure_id) if valid_closure_id(closure_id) else None
        if removed is None:
            raise NotFound("no such closure")
        return self._changed(removed, None, shown=removed)

    def _changed(self, before: Closure | None, after: Closure | None, *, shown: Closure) -> ClosureChange:
        self._reread_calendar()
        return ClosureChange(shown, self._replan(*changed_days(before, after)))

    def audit_trail(self, ticket: str | None, limit: int) -> list[AuditRecord]:
        """Who read or changed the ticket ``ticket``, oldest first, up to ``limit`` records."""
        if not ticket or parse_ticket_id(ticket) is None:
            raise InvalidInput("ticket", "must be a ticket id")
        return self._audit.for_ticket(ticket, limit)

    def received_mail(self, outcome: Outcome | None, *, limit: int, cursor: str | None) -> Page[InboundRecord]:
        """Received mail and its outcome (only ``outcome``'s, when given), newest first, a page at a time."""
        return self._inbound.list(outcome, limit=limit, cursor=cursor)

    def failed_notifications(self, limit: int) -> list[FailedNotification]:
        """Up to ``limit`` notifications that failed for good."""
        return self._outbox.failures(limit)

    def retry(self, notification_id: str) -> DeliveryState:
        """Send the failed notification ``notification_id`` again: its state after one new attempt.
        :class:`NotFound` for an id of no notification, or of one that has not failed for good."""
        ticket_id, _, event_and_index = notification_id.partition(".")
        if parse_ticket_id(ticket_id) is None or not _EVENT_AND_INDEX.fullmatch(event_and_index):
            raise NotFound("no such notification")
        customer_id = self._tickets.customer_of(ticket_id)
        if customer_id is None:
            raise NotFound("no such notification")
        try:
            return self._dispatcher.retry(customer_id, notification_id)
        except LookupError:
            raise NotFound("no failed notification with this id") from None
