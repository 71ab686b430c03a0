"""The action rules without storage: every action, from every status, by every role, is refused
as the lifecycle's table says (403 for the role, 409 for the status) or changes the ticket, its
clocks, its history and its mail as ``docs/tickets.md`` says; and so do messages and escalations."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.domain.access import Caller, display_name_of, handle_of
from shared.domain.change import SYSTEM, Change, MailSource, role_of
from shared.domain.errors import Conflict, Forbidden, InvalidInput
from shared.domain.history import EventType
from shared.domain.language import Language
from shared.domain.lifecycle import STAFF, TRANSITIONS, Action, Role, Status
from shared.domain.notifications import CUSTOMER, Escalated, Notice, NotificationKind
from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.clock import ClockEvent, ClockEventKind, clock_state
from shared.domain.sla.policy import Category, Clock, Priority, SlaPolicy
from shared.domain.ticket import Channel, Ticket

ROME = ZoneInfo("Europe/Rome")
CALENDAR = default_calendar()
POLICY = SlaPolicy()
OPENED = datetime(2026, 11, 26, 9, 0, tzinfo=ROME)  # a Thursday, a working day
ACCEPTED_AT = OPENED + timedelta(minutes=30)
ASKED_AT = OPENED + timedelta(hours=1)
RESOLVED_AT = OPENED + timedelta(hours=2)
NOW = OPENED + timedelta(hours=3)
OLGA_ADDRESS = "olga@desk.example"

START, STOP, PAUSE, RESUME, GOAL = (
    ClockEventKind.START,
    ClockEventKind.STOP,
    ClockEventKind.PAUSE,
    ClockEventKind.RESUME,
    ClockEventKind.GOAL_CHANGE,
)
TC, RES = Clock.TAKE_CHARGE, Clock.RESOLUTION


@dataclass(frozen=True)
class Person:
    """A caller as a token would describe it."""

    subject: str
    email: str | None
    roles: frozenset[Role]
    customer_id: str | None = None
    name: str | None = None


ANNA = Person("anna@acme.example", "anna@acme.example", frozenset({Role.CUSTOMER}), "acme", "Anna Bianchi")
OLGA = Person(OLGA_ADDRESS, OLGA_ADDRESS, frozenset({Role.OPERATOR}), name="Olga Neri")
SARA = Person("sara@desk.example", "sara@desk.example", frozenset({Role.SUPERVISOR}), name="Sara Blu")
SEC = Person("sec@desk.example", "sec@desk.example", frozenset({Role.SECURITY}), name="Ivo Sec")
ADA = Person("ada@desk.example", "ada@desk.example", frozenset({Role.ADMIN}), name="Ada Admin")
CALLERS: dict[str, Caller] = {
    "customer": ANNA,
    "operator": OLGA,
    "supervisor": SARA,
    "security": SEC,
    "admin": ADA,
    "the desk itself": SYSTEM,
}


def _stop(clock: Clock, clocks: tuple[ClockEvent, ...], at: datetime) -> ClockEvent:
    return clock_state(clock, clocks, CALENDAR, at).stop_event(at)


def _ledger(status: Status) -> tuple[ClockEvent, ...]:
    """The clocks of a medium helpdesk ticket that reached ``status`` the usual way: opened,
    accepted, asked for details, resolved (and closed)."""
    clocks = tuple(ClockEvent.start(c, OPENED, POLICY.budget(CALENDAR, c, Priority.MEDIUM, OPENED)) for c in Clock)
    if status is Status.NEW:
        return clocks
    clocks += (_stop(TC, clocks, ACCEPTED_AT),)
    if status is Status.WAITING_CUSTOMER:
        return (*clocks, ClockEvent.pause(RES, ASKED_AT, "waiting_customer"))
    if status in (Status.RESOLVED, Status.CLOSED):
        clocks += (_stop(RES, clocks, RESOLVED_AT),)
    return clocks


def ticket_in(status: Status) -> Ticket:
    """ACME's ticket in ``status``: unassigned while new, Olga's afterwards."""
    return Ticket(
        id="IZ-2026-000123",
        customer_id="acme",
        contact_email="anna@acme.example",
        contact_name="Anna Bianchi",
        subject="Il gestionale non stampa",
        description="Errore 500 alla stampa delle fatture",
        category=Category.HELPDESK,
        priority=Priority.MEDIUM,
        status=status,
        language=Language.ITALIAN,
        channel=Channel.WEB,
        assignee=None if status is Status.NEW else OLGA_ADDRESS,
        assignee_name=None if status is Status.NEW else "Olga Neri",
        created_at=OPENED,
        updated_at=OPENED,
        created_by="anna@acme.example",
        clocks=_ledger(status),
        customer_name="ACME S.p.A.",
        revision=3,
        event_count=4,
    )


def change_of(caller: Caller, ticket: Ticket, source: MailSource | None = None) -> Change:
    return Change(caller, ticket, NOW, POLICY, CALENDAR, source)


# --- every action × every status × every role ---------------------------------------------------------

#: What is asked for: the action named and its payload (``classify`` to a closing category is the
#: ``outcome`` action), and the status it leads to (None: it stays).
REQUESTS: dict[str, tuple[Action, Mapping[str, Any], Action, Status | None]] = {
    "accept": (Action.ACCEPT, {}, Action.ACCEPT, Status.ACCEPTED),
    "assign": (Action.ASSIGN, {"assignee": "Pia@Desk.example"}, Action.ASSIGN, None),
    "classify": (Action.CLASSIFY, {"priority": 1}, Action.CLASSIFY, None),
    "classify-to-an-outcome": (
        Action.CLASSIFY,
        {"category": "out_of_scope", "reason": "Not our product"},
        Action.OUTCOME,
        Status.CLOSED,
    ),
    "outcome": (
        Action.OUTCOME,
        {"category": "declined_by_customer", "reason": "Withdrawn"},
        Action.OUTCOME,
        Status.CLOSED,
    ),
    "request-clarification": (
        Action.REQUEST_CLARIFICATION,
        {"message": "Which version?"},
        Action.REQUEST_CLARIFICATION,
        Status.WAITING_CUSTOMER,
    ),
    "resolve": (Action.RESOLVE, {"resolution": "Patched in 4.2"}, Action.RESOLVE, Status.RESOLVED),
    "close": (Action.CLOSE, {}, Action.CLOSE, Status.CLOSED),
    "reopen": (Action.REOPEN, {"reason": "Still broken"}, Action.REOPEN, Status.ACCEPTED),
}

#: The clock events each allowed request appends from each status, and each clock's state after it
#: (the ledgers of :func:`_ledger`; a classification to Blocking moves the goal of every clock
#: still counting, paused or not).
CLOCKS: dict[tuple[str, Status], tuple[tuple[tuple[Clock, ClockEventKind], ...], dict[Clock, str]]] = {
    ("accept", Status.NEW): (((TC, STOP),), {TC: "stopped", RES: "running"}),
    ("assign", Status.NEW): ((), {TC: "running", RES: "running"}),
    ("assign", Status.ACCEPTED): ((), {TC: "stopped", RES: "running"}),
    ("assign", Status.WAITING_CUSTOMER): ((), {TC: "stopped", RES: "paused"}),
    ("classify", Status.NEW): (((TC, GOAL), (RES, GOAL)), {TC: "running", RES: "running"}),
    ("classify", Status.ACCEPTED): (((RES, GOAL),), {TC: "stopped", RES: "running"}),
    ("classify", Status.WAITING_CUSTOMER): (((RES, GOAL),), {TC: "stopped", RES: "paused"}),
    ("classify-to-an-outcome", Status.NEW): (((TC, STOP), (RES, STOP)), {TC: "stopped", RES: "stopped"}),
    ("classify-to-an-outcome", Status.ACCEPTED): (((RES, STOP),), {TC: "stopped", RES: "stopped"}),
    ("classify-to-an-outcome", Status.WAITING_CUSTOMER): (((RES, STOP),), {TC: "stopped", RES: "stopped"}),
    ("outcome", Status.NEW): (((TC, STOP), (RES, STOP)), {TC: "stopped", RES: "stopped"}),
    ("outcome", Status.ACCEPTED): (((RES, STOP),), {TC: "stopped", RES: "stopped"}),
    ("outcome", Status.WAITING_CUSTOMER): (((RES, STOP),), {TC: "stopped", RES: "stopped"}),
    ("request-clarification", Status.ACCEPTED): (((RES, PAUSE),), {TC: "stopped", RES: "paused"}),
    ("resolve", Status.ACCEPTED): (((RES, STOP),), {TC: "stopped", RES: "stopped"}),
    ("resolve", Status.WAITING_CUSTOMER): (((RES, STOP),), {TC: "stopped", RES: "stopped"}),
    ("close", Status.RESOLVED): ((), {TC: "stopped", RES: "stopped"}),
    ("reopen", Status.RESOLVED): (((RES, RESUME),), {TC: "stopped", RES: "running"}),
    ("reopen", Status.CLOSED): (((RES, RESUME),), {TC: "stopped", RES: "running"}),
}

#: The history event each request writes: its type, whether the customer sees it, its body.
EVENTS: dict[str, tuple[EventType, bool, str | None]] = {
    "accept": (EventType.ACCEPTED, True, None),
    "assign": (EventType.ASSIGNED, False, None),
    "classify": (EventType.CLASSIFIED, True, None),
    "classify-to-an-outcome": (EventType.CLOSED, True, "Not our product"),
    "outcome": (EventType.CLOSED, True, "Withdrawn"),
    "request-clarification": (EventType.CLARIFICATION_REQUESTED, True, "Which version?"),
    "resolve": (EventType.RESOLVED, True, "Patched in 4.2"),
    "close": (EventType.CLOSED, True, None),
    "reopen": (EventType.REOPENED, True, "Still broken"),
}

#: The mails each request asks for: (kind, to, message).
NOTICES: dict[str, list[tuple[NotificationKind, str, str | None]]] = {
    "accept": [(NotificationKind.ACCEPTED, CUSTOMER, None)],
    "assign": [(NotificationKind.ASSIGNED_TO_YOU, "pia@desk.example", None)],
    "classify": [],
    "classify-to-an-outcome": [(NotificationKind.OUT_OF_SCOPE, CUSTOMER, "Not our product")],
    "outcome": [(NotificationKind.DECLINED_BY_CUSTOMER, CUSTOMER, "Withdrawn")],
    "request-clarification": [(NotificationKind.CLARIFICATION_REQUESTED, CUSTOMER, "Which version?")],
    "resolve": [(NotificationKind.RESOLVED, CUSTOMER, "Patched in 4.2")],
    "close": [(NotificationKind.CLOSED, CUSTOMER, None)],
    "reopen": [(NotificationKind.REOPENED, CUSTOMER, "Still broken")],
}


def _refusal(request: str, status: Status, caller: Caller) -> type[Exception] | None:
    """What the lifecycle's table says of the request: Forbidden when no role of the caller may
    ever take it, or only on its own ticket and the caller is not the assignee of
    :func:`ticket_in` (Olga, once accepted), Conflict when it cannot be taken from ``status``,
    None when it may."""
    row = TRANSITIONS[REQUESTS[request][2]]
    own = ticket_in(status).assignee == handle_of(caller)
    if not row.roles & caller.roles and not (row.assignee_roles & caller.roles and own):
        return Forbidden
    if status not in row.sources:
        return Conflict
    return None


CASES = [
    pytest.param(request, status, caller, id=f"{request}-from-{status.value}-by-{who}")
    for request in REQUESTS
    for status in Status
    for who, caller in CALLERS.items()
]
REFUSED = [case for case in CASES if _refusal(*case.values) is not None]
ALLOWED = [case for case in CASES if _refusal(*case.values) is None]


def test_the_table_covers_every_action_but_the_customers_reply_and_allows_only_the_cases_written_out() -> None:
    assert {taken for _, _, taken, _ in REQUESTS.values()} == set(Action) - {Action.CUSTOMER_REPLY}
    assert {(case.values[0], case.values[1]) for case in ALLOWED} == set(CLOCKS)


@pytest.mark.parametrize(("request_name", "status", "caller"), REFUSED)
def test_a_refused_action_answers_403_for_the_role_or_409_for_the_status_and_changes_nothing(
    request_name: str, status: Status, caller: Caller
) -> None:
    action, payload, _, _ = REQUESTS[request_name]
    ticket = ticket_in(status)
    change = change_of(caller, ticket)
    refusal = _refusal(request_name, status, caller)
    assert refusal is not None

    with pytest.raises(refusal):
        change.take(action, payload)

    assert (change.ticket, change.status, change.events, change.notices) == (ticket, status, [], [])


@pytest.mark.parametrize(("request_name", "status", "caller"), ALLOWED)
def test_an_allowed_action_leads_to_its_status_with_its_clocks_event_and_mails(
    request_name: str, status: Status, caller: Caller
) -> None:
    action, payload, taken, target = REQUESTS[request_name]
    ticket = ticket_in(status)
    change = change_of(caller, ticket)

    assert change.take(action, payload) is taken

    appended, after = CLOCKS[(request_name, status)]
    assert change.status is (target or status)
    assert tuple((event.clock, event.kind) for event in change.ticket.clocks[len(ticket.clocks) :]) == appended
    assert {clock: _shown(change, clock) for clock in Clock} == after
    [event] = change.events
    assert (event.type, event.public, event.body) == EVENTS[request_name]
    assert (event.seq, event.at, event.actor, event.actor_role) == (5, NOW, handle_of(caller), role_of(caller))
    assert [(notice.kind, notice.to, notice.message) for notice in change.notices] == NOTICES[request_name]


def _shown(change: Change, clock: Clock) -> str:
    state = change.state(clock)
    if state.stopped_at is not None:
        return "stopped"
    return "paused" if state.paused else "running"


# --- what each action records --------------------------------------------------------------------------


def test_accepting_makes_the_caller_the_assignee_and_stops_the_charge_taking_clock_within_its_goal() -> None:
    change = change_of(SEC, ticket_in(Status.NEW))

    change.take(Action.ACCEPT, {})

    assert (change.ticket.assignee, change.ticket.assignee_name) == ("sec@desk.example", "Ivo Sec")
    assert change.events[0].data == {"assignee": "sec@desk.example"}
    assert change.state(TC).met is True


def test_accepting_a_ticket_assigned_already_keeps_its_assignee() -> None:
    assigned = replace(ticket_in(Status.NEW), assignee=OLGA_ADDRESS, assignee_name="Olga Neri")
    change = change_of(SARA, assigned)

    change.take(Action.ACCEPT, {})

    assert (change.ticket.assignee, change.ticket.assignee_name) == (OLGA_ADDRESS, "Olga Neri")
    assert change.events[0].data == {"assignee": OLGA_ADDRESS}


def test_assigning_names_the_new_assignee_in_lower_case_and_forgets_the_old_ones_name() -> None:
    change = change_of(SARA, ticket_in(Status.ACCEPTED))

    change.take(Action.ASSIGN, {"assignee": "Pia@Desk.example"})

    assert (change.ticket.assignee, change.ticket.assignee_name) == ("pia@desk.example", None)
    assert change.events[0].data == {"assignee": {"from": OLGA_ADDRESS, "to": "pia@desk.example"}}


def test_classifying_records_both_values_and_counts_the_new_goal_from_the_clocks_start() -> None:
    change = change_of(OLGA, ticket_in(Status.ACCEPTED))

    change.take(Action.CLASSIFY, {"priority": 1})

    assert change.ticket.priority is Priority.BLOCKING
    assert change.events[0].data == {
        "category": {"from": "helpdesk", "to": "helpdesk"},
        "priority": {"from": 3, "to": 1},
    }
    assert change.state(RES).budget == POLICY.budget(CALENDAR, RES, Priority.BLOCKING, OPENED)


def test_classifying_to_a_category_without_a_charge_taking_clock_stops_it_and_one_that_runs_it_starts_it() -> None:
    evolution = change_of(OLGA, ticket_in(Status.NEW))
    evolution.take(Action.CLASSIFY, {"category": "evolution"})
    assert [(e.clock, e.kind) for e in evolution.ticket.clocks[2:]] == [(TC, GOAL), (RES, STOP)]

    never_started = replace(ticket_in(Status.NEW), category=Category.EVOLUTION, clocks=_ledger(Status.NEW)[:1])
    bug = change_of(OLGA, never_started)
    bug.take(Action.CLASSIFY, {"category": "bug"})
    assert [(e.clock, e.kind, e.at) for e in bug.ticket.clocks[1:]] == [(TC, GOAL, NOW), (RES, START, NOW)]


def test_a_vulnerability_is_classified_at_least_high() -> None:
    change = change_of(SEC, ticket_in(Status.NEW))

    change.take(Action.CLASSIFY, {"category": "vulnerability", "priority": 4})

    assert (change.ticket.category, change.ticket.priority) == (Category.VULNERABILITY, Priority.HIGH)


def test_an_outcome_records_its_category_and_reason_as_the_resolution() -> None:
    change = change_of(OLGA, ticket_in(Status.ACCEPTED))

    change.take(Action.CLASSIFY, {"category": "out_of_scope", "reason": " Not our product "})

    assert (change.ticket.category, change.ticket.resolution) == (Category.OUT_OF_SCOPE, "Not our product")
    assert change.events[0].data == {"category": {"from": "helpdesk", "to": "out_of_scope"}}


def test_resolving_records_the_resolution_and_reopening_counts_on_from_the_working_time_at_the_stop() -> None:
    resolved = change_of(OLGA, ticket_in(Status.ACCEPTED))
    resolved.take(Action.RESOLVE, {"resolution": "Patched in 4.2"})
    assert resolved.ticket.resolution == "Patched in 4.2"

    reopened = change_of(ANNA, ticket_in(Status.RESOLVED))
    reopened.take(Action.REOPEN, {"reason": "Still broken"})
    assert reopened.state(RES).elapsed == timedelta(hours=2)


@pytest.mark.parametrize(
    ("action", "status", "payload", "field"),
    [
        (Action.ASSIGN, Status.NEW, {}, "assignee"),
        (Action.ASSIGN, Status.NEW, {"assignee": "  "}, "assignee"),
        (Action.CLASSIFY, Status.NEW, {"priority": 3}, "category"),
        (Action.CLASSIFY, Status.NEW, {}, "category"),
        (Action.CLASSIFY, Status.NEW, {"category": "out_of_scope"}, "reason"),
        (Action.REQUEST_CLARIFICATION, Status.ACCEPTED, {"message": ""}, "message"),
        (Action.RESOLVE, Status.ACCEPTED, {}, "resolution"),
        (Action.REOPEN, Status.CLOSED, {"reason": None}, "reason"),
    ],
)
def test_an_action_without_what_it_needs_names_the_missing_field(
    action: Action, status: Status, payload: Mapping[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as invalid:
        change_of(SARA, ticket_in(status)).take(action, payload)
    assert invalid.value.field == field


def test_a_customers_reply_is_a_message_not_an_action_to_take() -> None:
    with pytest.raises(ValueError, match="write it"):
        change_of(ANNA, ticket_in(Status.WAITING_CUSTOMER)).take(Action.CUSTOMER_REPLY, {})


# --- messages ----------------------------------------------------------------------------------------


def _written(caller: Caller, status: Status, internal: bool) -> type[Exception] | tuple[Status, tuple[Any, ...]]:
    """What a message does, by the rules: a customer writes no internal note and nothing to a
    ticket no longer open; its message to a ticket waiting for it accepts it again and resumes
    the clock; anyone else's message changes neither status nor clocks."""
    if Role.CUSTOMER in caller.roles:
        if internal:
            return Forbidden
        if not status.is_open:
            return Conflict
        if status is Status.WAITING_CUSTOMER:
            return Status.ACCEPTED, ((RES, RESUME),)
    return status, ()


@pytest.mark.parametrize(
    ("status", "caller", "internal"),
    [
        pytest.param(status, caller, internal, id=f"{'note' if internal else 'message'}-{status.value}-by-{who}")
        for status in Status
        for who, caller in CALLERS.items()
        for internal in (False, True)
    ],
)
def test_a_message_is_refused_or_written_by_the_rules(status: Status, caller: Caller, internal: bool) -> None:
    ticket = ticket_in(status)
    change = change_of(caller, ticket)
    expected = _written(caller, status, internal)

    if isinstance(expected, type):
        with pytest.raises(expected):
            change.write("Allego il log", internal=internal)
        assert (change.ticket, change.events) == (ticket, [])
        return
    change.write("Allego il log", internal=internal)

    assert (change.status, tuple((e.clock, e.kind) for e in change.ticket.clocks[len(ticket.clocks) :])) == expected
    [event] = change.events
    assert (event.type, event.public, event.body, event.seq) == (EventType.MESSAGE, not internal, "Allego il log", 5)
    reply = Notice(NotificationKind.REPLY, CUSTOMER, "Allego il log", author=display_name_of(caller))
    assert change.notices == ([reply] if not internal and caller.roles & STAFF else [])


# --- escalations ---------------------------------------------------------------------------------------


def test_an_escalation_records_its_level_and_tells_each_level_passed_since_the_last_one() -> None:
    ticket = replace(ticket_in(Status.ACCEPTED), escalation={RES: 1})
    change = change_of(SYSTEM, ticket)
    state = change.state(RES)

    change.escalate(RES, state, 3, lambda level: f"level-{level}@desk.example")

    assert change.ticket.escalation == {RES: 3}
    assert [(e.type, e.public, e.actor, e.actor_role, dict(e.data)) for e in change.events] == [
        (EventType.ESCALATED, False, "sla-escalation", "system", {"clock": "resolution", "level": 2}),
        (EventType.ESCALATED, False, "sla-escalation", "system", {"clock": "resolution", "level": 3}),
    ]
    assert [(n.kind, n.to, n.escalation) for n in change.notices] == [
        (NotificationKind.ESCALATION, "level-2@desk.example", Escalated(2, RES, state.remaining)),
        (NotificationKind.ESCALATION, "level-3@desk.example", Escalated(3, RES, state.remaining)),
    ]
    assert change.ticket.clocks == ticket.clocks


# --- finishing a change ----------------------------------------------------------------------------------


def test_a_finished_change_moves_the_ticket_on_one_revision_with_its_status_instant_and_events() -> None:
    change = change_of(OLGA, ticket_in(Status.ACCEPTED))
    change.take(Action.REQUEST_CLARIFICATION, {"message": "Which version?"})

    change.finish()

    ticket = change.ticket
    assert (ticket.status, ticket.updated_at, ticket.revision, ticket.event_count) == (
        Status.WAITING_CUSTOMER,
        NOW,
        4,
        5,
    )
    assert change.clocks_grown == {RES}


def test_a_change_by_the_assignee_teaches_the_ticket_their_display_name() -> None:
    unnamed = replace(ticket_in(Status.ACCEPTED), assignee_name=None)
    by_assignee, by_supervisor = change_of(OLGA, unnamed), change_of(SARA, unnamed)
    for change in (by_assignee, by_supervisor):
        change.write("Nota", internal=True)
        change.finish()

    assert (by_assignee.ticket.assignee_name, by_supervisor.ticket.assignee_name) == ("Olga Neri", None)


def test_a_change_from_a_mail_records_the_mail_and_its_files_on_its_last_event() -> None:
    source = MailSource(
        "0123456789abcdef01234567",
        attachments=({"id": "0123456789abcdef01234567.0", "name": "log.txt", "size": 10},),
        left_out=({"name": "film.mov", "size": 10**9, "reason": "too large"},),
    )
    change = change_of(ANNA, ticket_in(Status.WAITING_CUSTOMER), source)
    change.write("Ecco il log", internal=False)

    change.finish()

    assert change.events[-1].data == {
        "status": {"from": "waiting_customer", "to": "accepted"},
        "clocks": [{"clock": "resolution", "kind": "resume"}],
        "mail": "0123456789abcdef01234567",
        "attachments": [{"id": "0123456789abcdef01234567.0", "name": "log.txt", "size": 10}],
        "attachments_left_out": [{"name": "film.mov", "size": 10**9, "reason": "too large"}],
    }


@pytest.mark.parametrize(
    ("caller", "role"),
    [
        (ANNA, "customer"),
        (OLGA, "operator"),
        (SARA, "supervisor"),
        (SEC, "security"),
        (ADA, "admin"),
        (SYSTEM, "system"),
        (Person("x", None, frozenset({Role.OPERATOR, Role.SECURITY})), "security"),
        (Person("x", None, frozenset({Role.SUPERVISOR, Role.SECURITY})), "supervisor"),
        (Person("x", None, frozenset()), "none"),
    ],
)
def test_history_and_the_audit_trail_name_the_role_a_caller_acts_in(caller: Caller, role: str) -> None:
    assert role_of(caller) == role


def test_the_last_event_records_the_status_change_and_the_clock_events_for_the_timeline() -> None:
    asked = change_of(OLGA, ticket_in(Status.ACCEPTED))
    asked.take(Action.REQUEST_CLARIFICATION, {"message": "Which printer?"})
    asked.finish()
    answered = change_of(ANNA, asked.ticket)
    answered.write("The HP one.", internal=False)
    answered.finish()
    classified = change_of(OLGA, answered.ticket)
    classified.take(Action.CLASSIFY, {"priority": 1})
    classified.finish()

    assert asked.events[-1].data == {
        "status": {"from": "accepted", "to": "waiting_customer"},
        "clocks": [{"clock": "resolution", "kind": "pause", "reason": "waiting_customer"}],
    }
    assert answered.events[-1].data == {
        "status": {"from": "waiting_customer", "to": "accepted"},
        "clocks": [{"clock": "resolution", "kind": "resume"}],
    }
    goal = POLICY.budget(CALENDAR, RES, Priority.BLOCKING, OPENED)
    assert classified.events[-1].data["clocks"] == [
        {"clock": "resolution", "kind": "goal_change", "budget_seconds": int(goal.total_seconds())}
    ]
    assert "status" not in classified.events[-1].data
