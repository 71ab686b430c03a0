"""The action rules: what an action, a message or an escalation does to a ticket, to its SLA clocks,
its history and its mail. Pure: a :class:`Change` is given the ticket as read, the caller, the
instant, the SLA policy and the calendar; the use case (:mod:`shared.usecases.desk`) reads the
ticket, then commits what the change became.

Who may take which action from which status is the lifecycle's table
(:func:`shared.domain.lifecycle.transition`): a role that may never take it, or may take it only on
its own ticket and this one is not (an operator assigning a ticket that is not his), is
:class:`Forbidden`, a status it cannot be taken from a :class:`Conflict`. What each action then does:

=========================  ========================================================================
action                     effect
=========================  ========================================================================
``accept``                 the caller becomes the assignee (unless there is one); the charge-taking
                           clock stops; the customer is told
``assign``                 ``assignee`` becomes the assignee (internal event); they are told (a
                           supervisor assigns any ticket, an operator hands his own over)
``classify``               new category and/or priority: clocks the category no longer runs stop,
                           one it now runs starts, the others count to the new goal from their start
``classify`` to an         (``declined_by_customer``, ``out_of_scope``, with ``reason``) every clock
outcome                    stops and the ticket closes; the customer is told why
``request-clarification``  running clocks pause (``waiting_customer``); the question is mailed
``resolve``                every clock stops; the resolution is recorded and mailed
``close``                  every clock stops; the customer is told
``reopen``                 the resolution clock resumes from the working time at its stop; the
                           reason is recorded and mailed
=========================  ========================================================================

A message (:meth:`Change.write`) from a customer to a ticket waiting for it answers the
clarification request (back to ``accepted``, the clocks resume); customers write neither internal
notes nor to a ticket that is no longer open (they reopen it). A public message from staff is a
reply: it is mailed to the customer's contact (``reply``, quoting it); an internal note mails
nobody, and a customer's own message is not mailed back to the customer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.domain.access import Caller, display_name_of, handle_of
from shared.domain.errors import Conflict, Forbidden, InvalidInput
from shared.domain.history import EventType, HistoryEvent
from shared.domain.lifecycle import STAFF, Action, Role, Status, TransitionRefused, transition
from shared.domain.notifications import CUSTOMER, Escalated, Notice, NotificationKind
from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.clock import ClockEvent, ClockState, clock_state
from shared.domain.sla.policy import Category, Clock, Priority, SlaPolicy
from shared.domain.ticket import Ticket

__all__ = ["PAUSED_FOR_CUSTOMER", "SYSTEM", "Change", "MailSource", "clock_record", "role_of"]

#: Why a clarification request pauses the clocks (the pause event's reason).
PAUSED_FOR_CUSTOMER = "waiting_customer"


@dataclass(frozen=True)
class _System:
    """The desk itself, acting on its own (escalations): named ``sla-escalation`` in history."""

    subject: str = "sla-escalation"
    email: str | None = None
    roles: frozenset[Role] = frozenset()
    customer_id: str | None = None


#: The caller of the changes the desk makes on its own.
SYSTEM = _System()


def role_of(caller: Caller) -> str:
    """The role a caller acts in, as history and the audit trail record it: ``system`` for the
    desk itself, else the first held of customer, supervisor, security, operator, admin
    (``none`` when it holds none of them)."""
    if caller is SYSTEM:
        return "system"
    for role in (Role.CUSTOMER, Role.SUPERVISOR, Role.SECURITY, Role.OPERATOR, Role.ADMIN):
        if role in caller.roles:
            return role.value
    return "none"


@dataclass(frozen=True)
class MailSource:
    """The received mail a change comes from. Its id and files go on the change's event, and the
    change's transaction claims the mail (a row of the ticket's partition), so one mail changes a
    ticket at most once however often it is delivered. ``attachments`` are the files kept
    (``{id, name, size, content_type}``), ``left_out`` those over the limits (``{name, size, reason}``)."""

    mail_id: str
    attachments: tuple[Mapping[str, Any], ...] = ()
    left_out: tuple[Mapping[str, Any], ...] = ()

    def event_data(self) -> dict[str, Any]:
        """What the change's event records of the mail."""
        data: dict[str, Any] = {"mail": self.mail_id}
        if self.attachments:
            data["attachments"] = [dict(item) for item in self.attachments]
        if self.left_out:
            data["attachments_left_out"] = [dict(item) for item in self.left_out]
        return data


class Change:
    """A change in the making: the ticket as it becomes, the status it leads to, the history
    events to write with it and the mails it asks for (:class:`~shared.domain.notifications.Notice`).
    ``before`` is the ticket as read; clocks are read on ``calendar`` as of ``at``."""

    def __init__(
        self,
        caller: Caller,
        ticket: Ticket,
        at: datetime,
        policy: SlaPolicy,
        calendar: SlaCalendar,
        source: MailSource | None = None,
    ) -> None:
        self.caller, self.before, self.ticket, self.at, self.source = caller, ticket, ticket, at, source
        self.policy, self.calendar = policy, calendar
        self.status = ticket.status
        self.events: list[HistoryEvent] = []
        self.notices: list[Notice] = []

    # --- what happens ----------------------------------------------------------------------------

    def take(self, action: Action, payload: Mapping[str, Any]) -> Action:
        """Take ``action`` with its ``payload``; the action taken (``classify`` to a closing
        category is the ``outcome`` action). :class:`Forbidden` when the caller's roles may never
        take it, :class:`Conflict` when it cannot be taken from the ticket's status,
        :class:`InvalidInput` naming the payload's field at fault. A customer's reply is a message
        (:meth:`write`), not an action to take."""
        if action is Action.CUSTOMER_REPLY:
            raise ValueError("a customer's reply is a message: write it")
        if action is Action.CLASSIFY and _is_outcome(self.policy, payload.get("category")):
            action = Action.OUTCOME
        assignee = self.before.assignee is not None and self.before.assignee == handle_of(self.caller)
        try:
            self.status = transition(action, self.before.status, self.caller.roles, assignee=assignee)
        except TransitionRefused as refused:
            if refused.reason == "status":
                raise Conflict(str(refused)) from None
            raise Forbidden(str(refused)) from None
        _APPLY[action](self, payload)
        return action

    def write(self, body: str, *, internal: bool) -> None:
        """Add a message (an internal note when ``internal``). A customer writes to an open ticket
        only, never an internal note; its message to a ticket waiting for it answers the
        clarification request: the ticket is accepted again and its clocks resume. A public
        message by staff (operator, supervisor, security) asks for the ``reply`` mail to the
        customer, quoting it; nothing else written asks for a mail."""
        is_customer = Role.CUSTOMER in self.caller.roles
        if internal and is_customer:
            raise Forbidden("customers cannot write internal notes")
        if is_customer:
            if not self.before.status.is_open:
                raise Conflict(f"the ticket is {self.before.status.value}; reopen it to write")
            if self.before.status is Status.WAITING_CUSTOMER:
                self.status = transition(Action.CUSTOMER_REPLY, self.before.status, self.caller.roles)
                self.resume_clocks()
        self.event(EventType.MESSAGE, public=not internal, body=body)
        if not internal and self.caller.roles & STAFF:
            self.notices.append(Notice(NotificationKind.REPLY, CUSTOMER, body, author=display_name_of(self.caller)))

    def escalate(self, clock: Clock, state: ClockState, reached: int, recipient: Callable[[int], str]) -> None:
        """Escalate ``clock`` (``state``: as of the change) to level ``reached``: the ticket
        records the level, and each level from the one after the last escalated up to ``reached``
        is an internal event and a mail to ``recipient(level)``."""
        already = self.ticket.escalation.get(clock, 0)
        self.ticket = replace(self.ticket, escalation={**self.ticket.escalation, clock: reached})
        for level in range(already + 1, reached + 1):
            self.event(EventType.ESCALATED, public=False, clock=clock.value, level=level)
            details = Escalated(level, clock, state.remaining)
            self.notices.append(Notice(NotificationKind.ESCALATION, recipient(level), None, details))

    def finish(self) -> None:
        """Close the change: the ticket takes its new status, the change's instant, the next
        revision and its event count; a change by the assignee records their display name (an
        assignment by a supervisor could not know it); the last event records the status change
        (``status: {from, to}``), the clock events (``clocks``: :func:`clock_record` of each) and
        the mail the change came from, whichever there are."""
        name = display_name_of(self.caller)
        assigned_to_caller = self.ticket.assignee is not None and self.ticket.assignee == handle_of(self.caller)
        self.ticket = replace(
            self.ticket,
            assignee_name=name if assigned_to_caller and name else self.ticket.assignee_name,
            status=self.status,
            updated_at=self.at,
            revision=self.before.revision + 1,
            event_count=self.before.event_count + len(self.events),
        )
        if self.events:
            recorded: dict[str, Any] = {}
            if self.status is not self.before.status:
                recorded["status"] = {"from": self.before.status.value, "to": self.status.value}
            if grown := self.ticket.clocks[len(self.before.clocks) :]:
                recorded["clocks"] = [clock_record(event) for event in grown]
            if self.source is not None:
                recorded.update(self.source.event_data())
            last = self.events[-1]
            self.events[-1] = replace(last, data={**last.data, **recorded})

    @property
    def clocks_grown(self) -> set[Clock]:
        """The clocks whose ledger the change grew (their escalation checkpoints move)."""
        return {event.clock for event in self.ticket.clocks[len(self.before.clocks) :]}

    # --- the parts of a change -------------------------------------------------------------------

    def event(self, kind: EventType, *, public: bool, body: str | None = None, **data: Any) -> None:
        """A history event of the change, numbered after the ticket's and the change's others."""
        seq = self.ticket.event_count + len(self.events) + 1
        actor, role, name = handle_of(self.caller), role_of(self.caller), display_name_of(self.caller)
        self.events.append(HistoryEvent(self.ticket.id, seq, kind, self.at, actor, role, public, body, data, name))

    def notify(self, kind: NotificationKind, to: str = CUSTOMER, message: str | None = None) -> None:
        self.notices.append(Notice(kind, to, message))

    def state(self, clock: Clock) -> ClockState:
        """``clock`` as the change has left it so far, as of the change's instant."""
        return clock_state(clock, self.ticket.clocks, self.calendar, self.at)

    def add_clock_events(self, events: Iterable[ClockEvent]) -> None:
        self.ticket = replace(self.ticket, clocks=self.ticket.clocks + tuple(events))

    def pause_clocks(self) -> None:
        self.add_clock_events(ClockEvent.pause(c, self.at, PAUSED_FOR_CUSTOMER) for c in Clock if self.state(c).running)

    def resume_clocks(self) -> None:
        self.add_clock_events(ClockEvent.resume(c, self.at) for c in Clock if self.state(c).paused)

    def stop_clocks(self, *clocks: Clock) -> None:
        states = [self.state(clock) for clock in clocks]
        self.add_clock_events(s.stop_event(self.at) for s in states if s.started_at and s.stopped_at is None)

    def reopen_clock(self, clock: Clock) -> None:
        if self.state(clock).stopped_at is not None:
            self.add_clock_events([ClockEvent.resume(clock, self.at)])


def clock_record(event: ClockEvent) -> dict[str, Any]:
    """A clock event as a history event records it: the clock and what happened to it (``start``,
    ``pause``, ``resume``, ``goal_change``, ``stop``), with the working-time goal of a start or a
    goal change (``budget_seconds``), the reason of a pause and whether a stop met the goal."""
    record: dict[str, Any] = {"clock": event.clock.value, "kind": event.kind.value}
    if event.budget is not None:
        record["budget_seconds"] = int(event.budget.total_seconds())
    if event.reason is not None:
        record["reason"] = event.reason
    if event.met is not None:
        record["met"] = event.met
    return record


# --- the actions -------------------------------------------------------------------------------------


def _accept(change: Change, payload: Mapping[str, Any]) -> None:
    ticket = change.ticket
    if ticket.assignee is None:
        change.ticket = replace(ticket, assignee=handle_of(change.caller), assignee_name=display_name_of(change.caller))
    assignee = change.ticket.assignee
    change.stop_clocks(Clock.TAKE_CHARGE)
    change.event(EventType.ACCEPTED, public=True, assignee=assignee)
    change.notify(NotificationKind.ACCEPTED)


def _assign(change: Change, payload: Mapping[str, Any]) -> None:
    assignee = _text(payload, "assignee").lower()
    ticket = change.ticket
    change.event(EventType.ASSIGNED, public=False, assignee={"from": ticket.assignee, "to": assignee})
    name = ticket.assignee_name if assignee == ticket.assignee else None  # learnt when the assignee acts
    change.ticket = replace(ticket, assignee=assignee, assignee_name=name)
    change.notify(NotificationKind.ASSIGNED_TO_YOU, to=assignee)


def _classify(change: Change, payload: Mapping[str, Any]) -> None:
    policy, ticket = change.policy, change.ticket
    category = Category(payload["category"]) if payload.get("category") is not None else ticket.category
    priority = Priority(payload["priority"]) if payload.get("priority") is not None else ticket.priority
    priority = policy.effective_priority(category, priority)
    if (category, priority) == (ticket.category, ticket.priority):
        raise InvalidInput("category", "neither the category nor the priority changes")
    for clock in Clock:
        state = change.state(clock)
        if not policy.runs(clock, category):
            change.stop_clocks(clock)
        elif state.started_at is None:
            budget = policy.budget(change.calendar, clock, priority, change.at)
            change.add_clock_events([ClockEvent.start(clock, change.at, budget)])
        elif state.stopped_at is None:
            budget = policy.budget(change.calendar, clock, priority, state.started_at)
            change.add_clock_events([ClockEvent.goal_change(clock, change.at, budget)])
    change.event(
        EventType.CLASSIFIED,
        public=True,
        category={"from": ticket.category.value, "to": category.value},
        priority={"from": int(ticket.priority), "to": int(priority)},
    )
    change.ticket = replace(change.ticket, category=category, priority=priority)


def _outcome(change: Change, payload: Mapping[str, Any]) -> None:
    category = Category(payload["category"])
    reason = _text(payload, "reason")
    change.stop_clocks(*Clock)
    change.event(
        EventType.CLOSED,
        public=True,
        body=reason,
        category={"from": change.ticket.category.value, "to": category.value},
    )
    change.ticket = replace(change.ticket, category=category, resolution=reason)
    change.notify(NotificationKind(category.value), message=reason)


def _request_clarification(change: Change, payload: Mapping[str, Any]) -> None:
    change.pause_clocks()
    question = _text(payload, "message")
    change.event(EventType.CLARIFICATION_REQUESTED, public=True, body=question)
    change.notify(NotificationKind.CLARIFICATION_REQUESTED, message=question)


def _resolve(change: Change, payload: Mapping[str, Any]) -> None:
    resolution = _text(payload, "resolution")
    change.stop_clocks(*Clock)
    change.event(EventType.RESOLVED, public=True, body=resolution)
    change.notify(NotificationKind.RESOLVED, message=resolution)
    change.ticket = replace(change.ticket, resolution=resolution)


def _close(change: Change, payload: Mapping[str, Any]) -> None:
    change.stop_clocks(*Clock)
    change.event(EventType.CLOSED, public=True)
    change.notify(NotificationKind.CLOSED)


def _reopen(change: Change, payload: Mapping[str, Any]) -> None:
    change.reopen_clock(Clock.RESOLUTION)
    reason = _text(payload, "reason")
    change.event(EventType.REOPENED, public=True, body=reason)
    change.notify(NotificationKind.REOPENED, message=reason)


_APPLY: Mapping[Action, Callable[[Change, Mapping[str, Any]], None]] = {
    Action.ACCEPT: _accept,
    Action.ASSIGN: _assign,
    Action.CLASSIFY: _classify,
    Action.OUTCOME: _outcome,
    Action.REQUEST_CLARIFICATION: _request_clarification,
    Action.RESOLVE: _resolve,
    Action.CLOSE: _close,
    Action.REOPEN: _reopen,
}


def _is_outcome(policy: SlaPolicy, category: object) -> bool:
    return isinstance(category, str) and category in set(Category) and policy.rule_for(Category(category)).closes_ticket


def _text(payload: Mapping[str, Any], field: str) -> str:
    value = payload.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, "is required")
    return value.strip()
