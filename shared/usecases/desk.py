"""The desk's use cases: open a ticket, act on it, write to it, read it, list tickets.

Each use case takes the caller and the input, checks who may see the ticket
(:mod:`shared.domain.access`), has the action rules make the change (:mod:`shared.domain.change`,
which asks the lifecycle who may do what), and commits the ticket with its history events in one
transaction. Errors are the domain's (:mod:`shared.domain.errors`);
the HTTP edge maps them. Time comes from the injected clock, the calendar from the injected
provider (it carries the closure periods administrators set).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from shared.domain.access import Caller, can_see, display_name_of, handle_of, staff_filter
from shared.domain.change import SYSTEM, Change, MailSource, role_of
from shared.domain.contacts import TicketContact, contact_for
from shared.domain.customers import Customer
from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.history import EventType, HistoryEvent
from shared.domain.language import Language
from shared.domain.lifecycle import STAFF, Action, Role, Status
from shared.domain.mail_recipients import RecipientRole, recipient_role
from shared.domain.notifications import CUSTOMER, TEAM, Notice, Notification, NotificationKind
from shared.domain.paging import Page
from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.clock import ClockEvent, ClockState, clock_state
from shared.domain.sla.escalation import DEFAULT_MATRIX, Checkpoint, EscalationMatrix, level_reached, next_checkpoint
from shared.domain.sla.policy import Category, Clock, Priority, SlaPolicy
from shared.domain.ticket import Channel, Ticket
from shared.usecases.notifier import Notifier
from shared.usecases.ports import (
    Audit,
    CreationLimiter,
    Customers,
    LanguageDetector,
    Schedule,
    StaffDirectory,
    Tickets,
    ViewUpdates,
)
from shared.usecases.staff import check_assignee
from shared.usecases.stored import CreationToken, MailClaim, StoredTicket
from shared.usecases.visibility import customer_of, visible_ticket

__all__ = ["Desk", "EscalationPolicy", "NewTicket", "ScreenMail", "SlaView", "TicketScreen", "TicketView", "sla_view"]

LOG = logging.getLogger(__name__)

_LIMIT_ATTEMPTS = 64  # commits lost to concurrent creators of one customer before giving up
DEFAULT_CATEGORY = Category.HELPDESK
DEFAULT_PRIORITY = Priority.MEDIUM
#: How many of a customer's other open tickets the ticket screen's customer panel shows (the newest).
OTHER_OPEN_SHOWN = 50


@dataclass(frozen=True)
class EscalationPolicy:
    """The escalation matrix and who hears of levels 2 (``supervisors``) and 3 (``management``)."""

    matrix: EscalationMatrix = DEFAULT_MATRIX
    supervisors: str | None = None
    management: str | None = None


@dataclass(frozen=True)
class NewTicket:
    """What opening a ticket needs. ``customer_id``/``contact_email`` are the caller's own for a
    customer; staff give them when opening on a caller's behalf (phone, forwarded mail)."""

    subject: str
    description: str
    customer_id: str
    contact_email: str
    contact_name: str | None = None
    channel: Channel = Channel.WEB
    category: Category | None = None
    priority: Priority | None = None
    language: Language | None = None
    related_ticket: str | None = None


@dataclass(frozen=True)
class SlaView:
    """The two clocks as of an instant, and the ticket-level summary the API shows."""

    take_charge: ClockState
    resolution: ClockState
    escalation_level: int = 0
    escalated_as_breached: bool = False

    @property
    def paused(self) -> bool:
        return self.take_charge.paused or self.resolution.paused

    @property
    def breached(self) -> bool:
        """A clock is past its budget now, or was escalated as breached (a level that was
        reached stays reached)."""
        return self.take_charge.breached or self.resolution.breached or self.escalated_as_breached


def sla_view(ticket: Ticket, calendar: SlaCalendar, at: datetime, matrix: EscalationMatrix) -> SlaView:
    """The ticket's two clocks as of ``at`` on ``calendar``, its escalation level, and whether a
    level reached is ``matrix``'s breach level."""
    states = {clock: clock_state(clock, ticket.clocks, calendar, at) for clock in Clock}
    level = max(ticket.escalation.values(), default=0)
    breach = matrix.breach_level
    escalated_as_breached = breach is not None and level >= breach
    return SlaView(states[Clock.TAKE_CHARGE], states[Clock.RESOLUTION], level, escalated_as_breached)


@dataclass(frozen=True)
class TicketView:
    """A ticket as read, with its SLA as of the read and its revision (the API's ETag)."""

    ticket: Ticket
    sla: SlaView


@dataclass(frozen=True)
class TicketScreen:
    """What the ticket screen shows: the ticket as read, the first page of its history, its
    customer (None when the registry no longer holds it), the customer's other open tickets the
    caller may see (the :data:`OTHER_OPEN_SHOWN` newest) and the ticket's outgoing mails (in the
    order they were made)."""

    view: TicketView
    history: Page[HistoryEvent]
    customer: Customer | None
    other_open: list[Ticket]
    mails: list[ScreenMail]


@dataclass(frozen=True)
class ScreenMail:
    """An outgoing mail of the ticket, with the role of whoever it went to (never the address)."""

    notification: Notification
    to_role: RecipientRole


@dataclass
class Desk:
    """The use cases, bound to their ports (:mod:`shared.usecases.ports`): the tickets, the
    customers, the audit trail, the escalation schedule and the creation limit; the calendar, the
    SLA policy, the clock and the language detector; the notifier that sends the changes' mail;
    the staff directory an assignment's target must be an active member of (none: not checked);
    the console's view index, told of every change and of the assignee's reads (none: no index)."""

    tickets: Tickets
    customers: Customers
    audit: Audit
    calendar: Callable[[], SlaCalendar]
    policy: SlaPolicy
    now: Callable[[], datetime]
    detect_language: LanguageDetector
    ticket_prefix: str = "IZ"
    notifier: Notifier | None = None
    schedule: Schedule | None = None
    escalation: EscalationPolicy = field(default_factory=EscalationPolicy)
    creation_limits: CreationLimiter | None = None
    staff: StaffDirectory | None = None
    views: ViewUpdates | None = None

    # --- reads ---------------------------------------------------------------------------------------

    def get(self, caller: Caller, ticket_id: str, *, reading: str = "read") -> TicketView:
        """The ticket if ``caller`` may see it, else :class:`NotFound`. Staff reads are audited
        as ``reading`` (what they read: the ticket, or one of its files)."""
        stored = self._visible(caller, ticket_id)
        self._audit(caller, stored.ticket.id, reading)
        if self.views is not None and caller.roles & STAFF:
            self.views.opened(handle_of(caller), stored.ticket)
        return self._view(stored.ticket)

    def list_tickets(
        self, caller: Caller, *, status: Status | None, limit: int, cursor: str | None
    ) -> Page[TicketView]:
        """The tickets ``caller`` may see, a page at a time: a customer's own (newest first), an
        operator's queue and assignments, a supervisor's all."""
        if Role.CUSTOMER in caller.roles and caller.customer_id:
            page = self.tickets.list_for_customer(caller.customer_id, status=status, limit=limit, cursor=cursor)
        elif caller.roles & STAFF:
            page = self.tickets.list_all(status=status, visible=staff_filter(caller), limit=limit, cursor=cursor)
            self.audit.record_list([t.id for t in page.items], self.now(), handle_of(caller), role_of(caller))
        else:
            raise Forbidden("this role has no tickets")
        visible = [self._view(ticket) for ticket in page.items if can_see(caller, ticket, self.policy)]
        return Page(visible, page.cursor)

    def events(self, caller: Caller, ticket_id: str, *, limit: int, cursor: str | None) -> Page[HistoryEvent]:
        """The ticket's history; customers see only its public events."""
        stored = self._visible(caller, ticket_id)
        self._audit(caller, stored.ticket.id, "read-history")
        public_only = Role.CUSTOMER in caller.roles
        return self.tickets.events(stored.ticket, public_only=public_only, limit=limit, cursor=cursor)

    # --- the ticket screen ---------------------------------------------------------------------------

    def screen(self, caller: Caller, ticket_id: str, *, events: int) -> TicketScreen:
        """Everything the console's ticket screen shows, for staff who may see the ticket (else
        :class:`NotFound`; other callers :class:`Forbidden`): the ticket, the first ``events`` of
        its history, its customer, the customer's other open tickets the caller may see, and the
        ticket's outgoing mails. Four reads: the locator's (none once the worker knows the id),
        the ticket partition's one query (:meth:`Tickets.screen`), the history's first page and
        the customer's record; one more, a point read, only where the ticket's row is not on the
        partition query's page (filled by its mails and its customer's open tickets newer than
        it). Audited as a read."""
        if not caller.roles & STAFF:
            raise Forbidden("the ticket screen is for staff")
        customer_id = customer_of(self.tickets, caller, ticket_id)
        read = self.tickets.screen(customer_id, ticket_id) if customer_id else None
        if read is None or not can_see(caller, read.ticket.ticket, self.policy):
            raise NotFound(f"ticket {ticket_id} not found")
        ticket = read.ticket.ticket
        history = self.tickets.events(ticket, public_only=False, limit=events, cursor=None)
        others = [other for other in read.open_tickets if other.id != ticket.id and can_see(caller, other, self.policy)]
        others = others[:OTHER_OPEN_SHOWN]
        mailboxes = self._shared_mailboxes()
        mails = [ScreenMail(mail, recipient_role(mail, mailboxes)) for mail in read.notifications]
        self._audit(caller, ticket.id, "read-screen")
        if self.views is not None:
            self.views.opened(handle_of(caller), ticket)
        return TicketScreen(self._view(ticket), history, self.customers.get(ticket.customer_id), others, mails)

    def _shared_mailboxes(self) -> dict[str, RecipientRole]:
        """The desk's shared addresses, by the role a mail to one of them reached."""
        notifier, escalation = self.notifier, self.escalation
        named = (
            (RecipientRole.TEAM, notifier.team_address if notifier else None),
            (RecipientRole.SUPERVISORS, escalation.supervisors),
            (RecipientRole.MANAGEMENT, escalation.management),
            (RecipientRole.SECURITY, notifier.security_address if notifier else None),
        )
        return {address.lower(): role for role, address in named if address}

    # --- changes -------------------------------------------------------------------------------------

    def open(self, caller: Caller, request: NewTicket, source: MailSource | None = None) -> TicketView:
        """Open a ticket: the language is the request's, or detected from its text, or the
        customer's; the category's minimum priority applies; the clocks the category runs start now.
        Its contact must be the customer's (:func:`shared.domain.contacts.contact_for`). A customer
        opening over the API is held to the creation limit (:class:`TooManyRequests` when over it;
        staff opening on a caller's behalf are not). A ticket opened from a mail (``source``)
        records it (see :class:`MailSource`); whose the mail is, and how many it may open, the
        intake decided."""
        customer = self._customer_for(caller, request)
        category = request.category or DEFAULT_CATEGORY
        if self.policy.rule_for(category).closes_ticket:
            raise InvalidInput("category", f"{category.value} is an outcome, not a category to open a request with")
        contact = TicketContact(request.contact_email, None)
        if source is None:
            contact = contact_for(caller, request.contact_email, request.contact_name, customer, self.customers)
        at = self.now()
        limits = self.creation_limits if source is None and Role.CUSTOMER in caller.roles else None
        spent = limits.spend(customer.id, at) if limits is not None else None
        priority = self.policy.effective_priority(category, request.priority or DEFAULT_PRIORITY)
        language = request.language or self.detect_language(
            f"{request.subject}\n{request.description}", customer.language
        )
        ticket_id = self.tickets.allocate_id(self.ticket_prefix, at.year, customer.id)
        calendar = self.calendar()
        clocks = tuple(
            ClockEvent.start(clock, at, self.policy.budget(calendar, clock, priority, at))
            for clock in Clock
            if self.policy.runs(clock, category)
        )
        ticket = Ticket(
            id=ticket_id,
            customer_id=customer.id,
            contact_email=contact.email,
            contact_name=request.contact_name or contact.name or _contact_name(customer, contact.email),
            subject=request.subject,
            description=request.description,
            category=category,
            priority=priority,
            status=Status.NEW,
            language=language,
            channel=request.channel,
            assignee=None,
            created_at=at,
            updated_at=at,
            created_by=handle_of(caller),
            clocks=clocks,
            customer_name=customer.name,
            event_count=1,
        )
        data: dict[str, Any] = {"channel": request.channel.value, "category": category.value, "priority": int(priority)}
        if request.related_ticket:
            data["related_ticket"] = request.related_ticket
        if source is not None:
            data |= source.event_data()
        created = HistoryEvent(
            ticket_id,
            1,
            EventType.CREATED,
            at,
            handle_of(caller),
            role_of(caller),
            True,
            request.description,
            data,
            display_name_of(caller),
        )
        notices = [Notice(NotificationKind.RECEIVED, CUSTOMER), Notice(NotificationKind.NEW_IN_QUEUE, TEAM)]
        view = self._view(ticket)
        self._plan_checkpoints(view, at)
        notifications = self._plan(view, notices, seq=1, at=at)
        claim = _claim(source, "created")
        stored = self._indexed(
            ticket,
            lambda: self._add_within_limit(ticket, [created], notifications, claim, spent, at),
            customer_wrote=Role.CUSTOMER in caller.roles or source is not None,
        )
        self._dispatch(notifications)
        if caller.roles & STAFF:
            self._audit(caller, ticket_id, "open")
        if contact.registered:
            self._audit(caller, ticket_id, f"add-contact:{contact.email}")
        return TicketView(stored.ticket, view.sla)

    def act(
        self,
        caller: Caller,
        ticket_id: str,
        action: Action,
        payload: Mapping[str, Any],
        if_match: int | None,
        source: MailSource | None = None,
    ) -> TicketView:
        """Take ``action`` on the ticket: the lifecycle table decides whether the caller's roles
        may take it from the ticket's status; the clocks follow (see ``docs/tickets.md``). A
        reopening by mail (``source``) records the mail."""
        stored = self._visible(caller, ticket_id)
        ticket = stored.ticket
        _hold_to(if_match, ticket)
        change = self._change(caller, ticket, source)
        taken = change.take(action, payload)
        if action == Action.ASSIGN and self.staff is not None and change.ticket.assignee is not None:
            member = check_assignee(self.staff, change.ticket.assignee, change.ticket.category)
            change.ticket = replace(change.ticket, assignee_name=member.name)  # the directory names people
        return self._commit(caller, stored, change, taken.value)[0]

    def write(
        self,
        caller: Caller,
        ticket_id: str,
        body: str,
        *,
        internal: bool,
        source: MailSource | None = None,
        if_match: int | None = None,
    ) -> HistoryEvent:
        """Add a message. A customer's message to a ticket waiting for it answers the clarification
        request (the ticket goes back to ``accepted`` and its clocks resume); internal notes are
        for staff only; a customer writes to a resolved or closed ticket by reopening it; a public
        message by staff is mailed to the customer (``reply``). A message that came by mail
        (``source``) records the mail. With ``if_match``, a ticket at another revision is
        :class:`PreconditionFailed` and nothing is written."""
        stored = self._visible(caller, ticket_id)
        _hold_to(if_match, stored.ticket)
        change = self._change(caller, stored.ticket, source)
        change.write(body, internal=internal)
        self._commit(caller, stored, change, "message")
        return change.events[-1]

    # --- internals -----------------------------------------------------------------------------------

    def _visible(self, caller: Caller, ticket_id: str) -> StoredTicket:
        return visible_ticket(self.tickets, self.policy, caller, ticket_id)

    def _customer_for(self, caller: Caller, request: NewTicket) -> Customer:
        if Role.CUSTOMER in caller.roles:
            if request.customer_id != caller.customer_id:
                raise Forbidden("customers open tickets for their own company only")
        elif not caller.roles & STAFF:
            raise Forbidden("this role cannot open tickets")
        customer = self.customers.get(request.customer_id)
        if customer is None:
            raise InvalidInput("customer_id", f"no customer {request.customer_id!r}")
        if not customer.entitled:
            raise Forbidden(f"customer {customer.id} is not entitled to support")
        return customer

    def _add_within_limit(
        self,
        ticket: Ticket,
        events: list[HistoryEvent],
        notifications: list[Notification],
        claim: MailClaim | None,
        spent: CreationToken | None,
        at: datetime,
    ) -> StoredTicket:
        """Create the ticket, with its notifications, its mail claim and the creation limit's
        token when one was ``spent``. A commit that fails on the token (another creator of the
        customer took one meanwhile) spends again and retries; an empty bucket then refuses
        (:class:`TooManyRequests`), leaving a gap in the numbering as any failed creation does."""
        if spent is None or self.creation_limits is None:
            return self.tickets.add(ticket, events, notifications, claim)
        for _ in range(_LIMIT_ATTEMPTS):
            try:
                return self.tickets.add(ticket, events, notifications, claim, spent)
            except Conflict:
                spent = self.creation_limits.spend(ticket.customer_id, at)
        raise Conflict(f"customer {ticket.customer_id} is opening too many tickets at once; try again")

    def _change(self, caller: Caller, ticket: Ticket, source: MailSource | None = None) -> Change:
        """A change of ``ticket`` by ``caller`` now, on the current calendar."""
        return Change(caller, ticket, self.now(), self.policy, self.calendar(), source)

    def _commit(
        self, caller: Caller, stored: StoredTicket, change: Change, what: str, replan: Iterable[Clock] | None = None
    ) -> tuple[TicketView, list[Checkpoint]]:
        """Save the change (:meth:`Change.finish`) with its events, notifications and mail claim
        under the ticket's ETag; the ticket as saved and the escalation checkpoints planned. Those
        of ``replan`` are planned anew (by default the clocks whose ledger the change grew: the
        others' checkpoints still hold)."""
        change.finish()
        ticket = change.ticket
        view = self._view(ticket)
        planned = self._plan_checkpoints(view, change.at, change.clocks_grown if replan is None else replan)
        notifications = self._plan(view, change.notices, seq=ticket.event_count, at=change.at)
        saved = self._indexed(
            ticket,
            lambda: self.tickets.save(stored, ticket, change.events, notifications, _claim(change.source, "appended")),
            customer_wrote=any(_from_customer(event) for event in change.events),
        )
        self._dispatch(notifications)
        self._audit(caller, ticket.id, what)
        return TicketView(saved.ticket, view.sla), planned

    def _indexed(self, ticket: Ticket, commit: Callable[[], StoredTicket], *, customer_wrote: bool) -> StoredTicket:
        """Run ``commit`` (the change of ``ticket``) between the view index's intent and the
        placing of its rows (:class:`~shared.usecases.ports.ViewUpdates`)."""
        if self.views is None:
            return commit()
        intent = self.views.intend(ticket, customer_wrote=customer_wrote)
        stored = commit()
        self.views.place(stored.ticket, intent)
        return stored

    def _plan_checkpoints(self, view: TicketView, at: datetime, clocks: Iterable[Clock] = Clock) -> list[Checkpoint]:
        """Write the next escalation checkpoint of each running clock of ``clocks`` (before the
        change commits: a checkpoint whose change fails is found stale when due, and dropped)."""
        if self.schedule is None:
            return []
        ticket, wanted = view.ticket, set(clocks)
        planned = [
            checkpoint
            for state in (view.sla.take_charge, view.sla.resolution)
            if state.clock in wanted
            and (
                checkpoint := next_checkpoint(
                    state,
                    self.escalation.matrix,
                    ticket.escalation.get(state.clock, 0),
                    self.calendar(),
                    at,
                    ticket.customer_id,
                    ticket.id,
                )
            )
        ]
        self.schedule.plan(planned)
        return planned

    # --- escalation ----------------------------------------------------------------------------------

    def escalate(self, checkpoint: Checkpoint) -> str:
        """Handle a due checkpoint: escalate its clock to every level it has reached and not yet
        escalated (each level once: the ticket records it, and its ETag makes a concurrent sweep
        lose), notify the level's people, plan the next checkpoint, drop this one. Answers
        ``escalated``, ``stale`` (nothing new reached: paused, stopped, re-planned) or ``gone``."""
        if self.schedule is None:
            raise RuntimeError("escalation needs the schedule")
        stored = self.tickets.get(checkpoint.customer_id, checkpoint.ticket_id)
        if stored is None:
            self.schedule.drop(checkpoint)
            return "gone"
        ticket, at, clock = stored.ticket, self.now(), checkpoint.clock
        state = clock_state(clock, ticket.clocks, self.calendar(), at)
        already = ticket.escalation.get(clock, 0)
        reached = level_reached(state, self.escalation.matrix, already)
        if reached > already:
            change = Change(SYSTEM, ticket, at, self.policy, self.calendar())
            change.escalate(clock, state, reached, lambda level: self._escalation_to(ticket, level))
            _, planned = self._commit(SYSTEM, stored, change, f"escalate:{clock.value}:{reached}", [clock])
            breach = self.escalation.matrix.breach_level
            if breach is not None and already < breach <= reached:  # the alert on SLA breaches watches this
                LOG.warning("sla_breached ticket=%s clock=%s level=%d", ticket.id, clock.value, breach)
            _drop_unless_replaced(self.schedule, [checkpoint], planned)
            return "escalated"
        _drop_unless_replaced(self.schedule, [checkpoint], self._plan_checkpoints(self._view(ticket), at, [clock]))
        return "stale"

    def replan(self, checkpoints: Sequence[Checkpoint]) -> bool:
        """Plan anew, from its ticket's ledger as of now, the clock whose rows ``checkpoints`` are
        (one ticket's, one clock's: after a change of the calendar), and drop those rows the new
        plan did not replace. Whether the clock's next checkpoint moved (a clock that no longer
        runs, or a ticket gone, only loses its rows)."""
        if self.schedule is None:
            raise RuntimeError("re-planning needs the schedule")
        first = checkpoints[0]
        stored = self.tickets.get(first.customer_id, first.ticket_id)
        planned = [] if stored is None else self._plan_checkpoints(self._view(stored.ticket), self.now(), [first.clock])
        _drop_unless_replaced(self.schedule, checkpoints, planned)
        before = {(checkpoint.level, checkpoint.due) for checkpoint in checkpoints}
        return any((checkpoint.level, checkpoint.due) not in before for checkpoint in planned)

    def _escalation_to(self, ticket: Ticket, level: int) -> str:
        """Level 1 goes to the assignee (the team while unassigned), 2 to the supervisors, 3 and
        beyond to management; an address not configured falls back to the level below."""
        policy = self.escalation
        if level >= 3 and policy.management:
            return policy.management
        if level >= 2 and policy.supervisors:
            return policy.supervisors
        return ticket.assignee or TEAM

    def _plan(self, view: TicketView, notices: list[Notice], *, seq: int, at: datetime) -> list[Notification]:
        """The change's notifications, their intents recorded (before the change commits)."""
        if self.notifier is None or not notices:
            return []
        sla = view.sla
        notifications = self.notifier.plan(view.ticket, notices, seq, at, sla.take_charge, sla.resolution)
        self.notifier.record(notifications)
        return notifications

    def _dispatch(self, notifications: list[Notification]) -> None:
        if self.notifier is not None and notifications:
            self.notifier.dispatch(notifications)

    def _view(self, ticket: Ticket) -> TicketView:
        return TicketView(ticket, sla_view(ticket, self.calendar(), self.now(), self.escalation.matrix))

    def _audit(self, caller: Caller, ticket_id: str, action: str) -> None:
        if Role.CUSTOMER not in caller.roles:
            self.audit.record(ticket_id, self.now(), handle_of(caller), role_of(caller), action)


def _drop_unless_replaced(schedule: Schedule, checkpoints: Iterable[Checkpoint], planned: Sequence[Checkpoint]) -> None:
    """Drop each of ``checkpoints`` whose row no checkpoint of ``planned`` was written over."""
    for checkpoint in checkpoints:
        if not any(schedule.same_row(checkpoint, new) for new in planned):
            schedule.drop(checkpoint)


def _from_customer(event: HistoryEvent) -> bool:
    """A message the customer wrote (by the portal or by mail)."""
    return event.type is EventType.MESSAGE and event.actor_role == Role.CUSTOMER.value


def _hold_to(if_match: int | None, ticket: Ticket) -> None:
    """:class:`PreconditionFailed` unless ``if_match`` is None or the ticket's revision."""
    if if_match is not None and if_match != ticket.revision:
        raise PreconditionFailed(f"the ticket is at revision {ticket.revision}, not {if_match}")


def _contact_name(customer: Customer, email: str) -> str | None:
    """The name the registry knows for ``email`` among the customer's contacts."""
    return next((contact.name for contact in customer.contacts if contact.email == email.lower()), None)


def _claim(source: MailSource | None, outcome: str) -> MailClaim | None:
    """The claim of the mail a change comes from (none for a change not made by mail)."""
    return None if source is None else MailClaim(source.mail_id, outcome)
