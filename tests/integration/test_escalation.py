"""Escalation on Azurite, travelling in time: planned checkpoints, each level once, the right people."""

from __future__ import annotations

import secrets
import threading
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.mail.render import render
from shared.adapters.storage_layout import TICKETS_TABLE
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.outbox import OutboxStore
from shared.adapters.stores.schedule import EscalationSchedule
from shared.adapters.stores.tickets import TicketStore
from shared.domain.customers import Customer
from shared.domain.history import EventType
from shared.domain.lifecycle import Action, Role
from shared.domain.outgoing_mail import OutgoingMail
from shared.domain.sla.calendar import SlaCalendar, default_calendar
from shared.domain.sla.escalation import Checkpoint
from shared.domain.sla.policy import Category, Clock, Priority
from shared.usecases.desk import Desk, EscalationPolicy, NewTicket
from shared.usecases.dispatch import Dispatcher, MailIdentity
from shared.usecases.escalator import sweep
from shared.usecases.notifier import Notifier
from shared.usecases.replanning import replan_from
from shared.usecases.stored import StoredTicket
from tests.integration.conftest import Clock as SetClock
from tests.integration.conftest import customer_caller, staff_caller

ROME = ZoneInfo("Europe/Rome")
OPERATOR = staff_caller("olga@desk.example", Role.OPERATOR)
SUPERVISOR = staff_caller("sara@desk.example", Role.SUPERVISOR)


def rome(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)


class Recorder:
    """A sender that keeps what it was given."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []
        self._lock = threading.Lock()

    def send(self, mail: OutgoingMail) -> None:
        with self._lock:
            self.sent.append(mail)

    def escalations(self, ticket_id: str) -> list[tuple[str, str]]:
        """(recipient, level word in the Message-ID) of the ticket's escalation mails, in order."""
        return [
            (mail.to[0][0], mail.message_id)
            for mail in self.sent
            if ticket_id.lower() in mail.message_id and ".escalation@" in mail.message_id
        ]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def escalating(
    desk: Desk, table_service: TableServiceClient, clock: SetClock, recorder: Recorder, mail_budget: MailBudgetStore
) -> Desk:
    outbox = OutboxStore(table_service)
    identity = MailIdentity(
        "donotreply@desk.example", "Support", "support@desk.example", secrets.token_bytes(32), "desk.example"
    )
    dispatcher = Dispatcher(outbox, recorder, render, identity, clock, mail_budget)
    return replace(
        desk,
        notifier=Notifier(outbox, dispatcher, "team@desk.example", None),
        schedule=EscalationSchedule(table_service),
        escalation=EscalationPolicy(supervisors="supervisors@desk.example", management="management@desk.example"),
    )


def travel(desk: Desk, clock: SetClock, text: str) -> None:
    clock.set(text)
    assert desk.schedule is not None
    sweep(desk, desk.schedule, clock())


def levels(desk: Desk, customer: Customer, ticket_id: str) -> list[tuple[str, int]]:
    events = desk.events(customer_caller(customer), ticket_id, limit=100, cursor=None).items  # public only
    assert all(event.type is not EventType.ESCALATED for event in events)  # escalations are internal
    staff = desk.events(SUPERVISOR, ticket_id, limit=100, cursor=None).items
    return [(e.data["clock"], e.data["level"]) for e in staff if e.type is EventType.ESCALATED]


def open_ticket(desk: Desk, customer: Customer, priority: Priority, category: Category = Category.BUG) -> str:
    request = NewTicket(
        subject="Il gestionale è bloccato",
        description="Da stamattina nessuno riesce ad accedere al gestionale documentale.",
        customer_id=customer.id,
        contact_email=customer.contacts[0].email,
        priority=priority,
        category=category,
    )
    return desk.open(customer_caller(customer), request).ticket.id


def test_a_p1_opened_at_half_past_twelve_on_friday_escalates_each_level_once_at_the_right_working_instant(
    escalating: Desk, customer: Customer, clock: SetClock, recorder: Recorder
) -> None:
    clock.set("2026-11-27 12:30")
    ticket_id = open_ticket(escalating, customer, Priority.BLOCKING)
    travel(escalating, clock, "2026-11-27 14:44")
    assert levels(escalating, customer, ticket_id) == []
    travel(escalating, clock, "2026-11-27 14:45")  # 45 working minutes: 30 before lunch, 15 after
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1)]
    travel(escalating, clock, "2026-11-27 15:00")  # the deadline
    travel(escalating, clock, "2026-11-27 15:10")
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1), ("take_charge", 2)]
    travel(escalating, clock, "2026-11-27 15:30")
    travel(escalating, clock, "2026-11-27 16:30")
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1), ("take_charge", 2), ("take_charge", 3)]
    assert [to for to, _ in recorder.escalations(ticket_id)] == [
        "team@desk.example",
        "supervisors@desk.example",
        "management@desk.example",
    ]
    view = escalating.get(SUPERVISOR, ticket_id)
    assert view.ticket.escalation == {Clock.TAKE_CHARGE: 3}
    assert view.sla.escalation_level == 3
    assert view.sla.breached
    travel(escalating, clock, "2026-11-30 10:30")  # the resolution clock's warning: 6 of 8 working hours
    assert levels(escalating, customer, ticket_id)[-1] == ("resolution", 1)


def test_a_day_of_missed_runs_is_caught_up_by_the_next_sweep_each_level_once(
    escalating: Desk, customer: Customer, clock: SetClock, recorder: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set("2026-11-26 10:00")
    ticket_id = open_ticket(escalating, customer, Priority.BLOCKING)
    caplog.set_level("WARNING", logger="shared.usecases.desk")
    travel(escalating, clock, "2026-11-27 11:00")  # the host was down for a day
    breaches = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"sla_breached ticket={ticket_id}")]
    assert sorted(breaches) == [
        f"sla_breached ticket={ticket_id} clock=resolution level=2",  # a P1 has one working day to resolve
        f"sla_breached ticket={ticket_id} clock=take_charge level=2",
    ]
    assert levels(escalating, customer, ticket_id)[:3] == [("take_charge", 1), ("take_charge", 2), ("take_charge", 3)]
    travel(escalating, clock, "2026-11-27 11:05")
    assert [lv for lv in levels(escalating, customer, ticket_id) if lv[0] == "take_charge"] == [
        ("take_charge", 1),
        ("take_charge", 2),
        ("take_charge", 3),
    ]
    assert len([m for m in recorder.escalations(ticket_id) if ".escalation@" in m[1]]) >= 3


def test_two_sweeps_at_once_escalate_each_level_once(
    escalating: Desk, customer: Customer, clock: SetClock, recorder: Recorder
) -> None:
    clock.set("2026-11-26 10:00")
    ticket_id = open_ticket(escalating, customer, Priority.BLOCKING)
    clock.set("2026-11-26 10:50")
    assert escalating.schedule is not None
    barrier = threading.Barrier(2)

    schedule = escalating.schedule

    def one_sweep() -> None:
        barrier.wait()
        sweep(escalating, schedule, clock())

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    travel(escalating, clock, "2026-11-26 10:51")
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1)]
    assert len(recorder.escalations(ticket_id)) == 1


def test_a_paused_clock_does_not_escalate_and_a_resumed_one_picks_up_where_it_was(
    escalating: Desk, customer: Customer, clock: SetClock
) -> None:
    clock.set("2026-11-26 10:00")
    ticket_id = open_ticket(escalating, customer, Priority.HIGH)  # resolution: 16 working hours
    escalating.act(OPERATOR, ticket_id, Action.ACCEPT, {}, None)
    clock.set("2026-11-26 12:00")  # 2 working hours counted
    escalating.act(OPERATOR, ticket_id, Action.REQUEST_CLARIFICATION, {"message": "Quale utente?"}, None)
    travel(escalating, clock, "2026-12-04 12:00")  # a week of waiting for the customer
    assert levels(escalating, customer, ticket_id) == []
    clock.set("2026-12-07 09:00")
    escalating.write(customer_caller(customer), ticket_id, "L'utente mario.rossi.", internal=False)
    travel(escalating, clock, "2026-12-07 17:59")  # 2 h before the pause + 8 h now: 10 of 16
    assert levels(escalating, customer, ticket_id) == []
    travel(escalating, clock, "2026-12-09 11:00")  # the 8th of December is a holiday: 12 h reached on the 9th at 11:00
    assert levels(escalating, customer, ticket_id) == [("resolution", 1)]


def test_a_priority_raised_after_a_warning_replans_the_levels_not_yet_reached(
    escalating: Desk, customer: Customer, clock: SetClock, recorder: Recorder
) -> None:
    clock.set("2026-11-26 09:00")
    ticket_id = open_ticket(escalating, customer, Priority.LOW)  # take charge: 16 working hours
    travel(escalating, clock, "2026-11-27 13:00")  # 12 working hours: the warning
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1)]
    escalating.act(SUPERVISOR, ticket_id, Action.CLASSIFY, {"priority": 2}, None)  # 4 h: long overdue
    travel(escalating, clock, "2026-11-27 13:05")
    reached = levels(escalating, customer, ticket_id)
    assert [lv for lv in reached if lv[0] == "take_charge"] == [
        ("take_charge", 1),
        ("take_charge", 2),
        ("take_charge", 3),
    ]
    assert ("resolution", 1) in reached  # 12 of the P2's 16 resolution hours: its warning too


def test_a_stopped_clock_escalates_no_more(escalating: Desk, customer: Customer, clock: SetClock) -> None:
    clock.set("2026-11-26 10:00")
    ticket_id = open_ticket(escalating, customer, Priority.BLOCKING)
    clock.set("2026-11-26 10:30")
    escalating.act(OPERATOR, ticket_id, Action.ACCEPT, {}, None)
    travel(escalating, clock, "2026-11-26 12:00")
    assert levels(escalating, customer, ticket_id) == []


def test_a_sweep_that_dies_midway_is_completed_by_the_next_without_repeating_a_level(
    escalating: Desk, customer: Customer, clock: SetClock, recorder: Recorder, table_service: TableServiceClient
) -> None:
    clock.set("2026-11-26 10:00")
    ticket_id = open_ticket(escalating, customer, Priority.BLOCKING)
    clock.set("2026-11-26 10:50")

    class Dying(EscalationSchedule):
        """Dies after the escalation committed, before its checkpoint is dropped."""

        def drop(self, checkpoint: Checkpoint) -> None:
            raise RuntimeError("the worker died")

    dying = Dying(table_service)
    report = sweep(replace(escalating, schedule=dying), dying, clock())
    assert report.failed >= 1
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1)]
    travel(escalating, clock, "2026-11-26 10:51")
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1)]
    assert len(recorder.escalations(ticket_id)) == 1


def test_a_p4_opened_before_the_august_closure_escalates_after_it(
    escalating: Desk, customer: Customer, clock: SetClock
) -> None:
    summer = default_calendar(closures=[(date(2026, 8, 10), date(2026, 8, 21))])
    closed_in_august = replace(escalating, calendar=lambda: summer)
    clock.set("2026-08-07 10:00")  # a Friday; take charge within 16 working hours
    ticket_id = open_ticket(closed_in_august, customer, Priority.LOW)
    travel(closed_in_august, clock, "2026-08-21 18:00")  # 7 working hours so far: the closure counts none
    assert levels(closed_in_august, customer, ticket_id) == []
    travel(closed_in_august, clock, "2026-08-24 15:29")
    assert levels(closed_in_august, customer, ticket_id) == []
    travel(closed_in_august, clock, "2026-08-24 15:30")  # 12 working hours
    assert levels(closed_in_august, customer, ticket_id) == [("take_charge", 1)]
    travel(closed_in_august, clock, "2026-08-25 10:00")  # 16 working hours
    assert levels(closed_in_august, customer, ticket_id) == [("take_charge", 1), ("take_charge", 2)]


def test_a_p2_across_the_last_sunday_of_october_escalates_on_monday_s_wall_clock(
    escalating: Desk, customer: Customer, clock: SetClock
) -> None:
    clock.set("2026-10-23 17:00")  # Friday, summer time; take charge within 4 working hours
    ticket_id = open_ticket(escalating, customer, Priority.HIGH)
    travel(escalating, clock, "2026-10-26 10:29")  # Monday, winter time
    assert levels(escalating, customer, ticket_id) == []
    travel(escalating, clock, "2026-10-26 10:30")  # 1.5 h on Friday + 1.5 h on Monday = 3 h
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1)]
    travel(escalating, clock, "2026-10-26 11:30")
    assert levels(escalating, customer, ticket_id) == [("take_charge", 1), ("take_charge", 2)]


class Calendars:
    """The desk's calendar, which a test changes as an administrator changes closures."""

    def __init__(self, *closures: tuple[date, date]) -> None:
        self.now = default_calendar(closures=closures)

    def __call__(self) -> SlaCalendar:
        return self.now


SUMMER = (date(2026, 8, 10), date(2026, 8, 21))


def test_a_withdrawn_closure_re_plans_from_the_checkpoints_alone_and_the_warning_fires_at_its_earlier_instant(
    escalating: Desk, customer: Customer, clock: SetClock
) -> None:
    calendars = Calendars(SUMMER)
    desk = replace(escalating, calendar=calendars)
    clock.set("2026-08-07 10:00")  # a Friday; take charge within 16 working hours, warning at 12
    ticket_id = open_ticket(desk, customer, Priority.LOW)
    clock.set("2026-08-07 11:00")
    calendars.now = default_calendar()
    assert desk.schedule is not None
    report = replan_from(desk, desk.schedule, *SUMMER)
    mine = [c for c in desk.schedule.planned_from(rome("2026-08-10 00:00")) if c.checkpoint.ticket_id == ticket_id]
    assert sorted((c.checkpoint.clock, c.checkpoint.due) for c in mine) == [
        (Clock.RESOLUTION, rome("2026-09-08 15:30")),  # 75% of 30 working days: 180 working hours
        (Clock.TAKE_CHARGE, rome("2026-08-10 15:30")),  # 7 h on Friday, 5 h on Monday
    ]
    assert report.moved >= 2
    assert report.failed == 0
    travel(desk, clock, "2026-08-10 15:29")
    assert levels(desk, customer, ticket_id) == []
    travel(desk, clock, "2026-08-10 15:30")
    assert levels(desk, customer, ticket_id) == [("take_charge", 1)]


def test_a_ticket_opened_inside_a_withdrawn_closure_is_re_planned_from_its_ledger(
    escalating: Desk, customer: Customer, clock: SetClock
) -> None:
    closure = (date(2026, 8, 3), date(2026, 8, 21))
    calendars = Calendars(closure)
    desk = replace(escalating, calendar=calendars)
    clock.set("2026-08-05 10:00")  # inside the closure: the clocks count from 24 August
    ticket_id = open_ticket(desk, customer, Priority.LOW)
    clock.set("2026-08-05 11:00")
    calendars.now = default_calendar()  # withdrawn: the clocks count from the opening
    assert desk.schedule is not None
    report = replan_from(desk, desk.schedule, *closure)
    assert report.from_ledger >= 2
    assert report.failed == 0
    travel(desk, clock, "2026-08-06 15:29")
    assert levels(desk, customer, ticket_id) == []
    travel(desk, clock, "2026-08-06 15:30")  # 7 h on the 5th, 5 h on the 6th
    assert levels(desk, customer, ticket_id) == [("take_charge", 1)]


def test_a_closure_announced_after_the_opening_leaves_the_warning_to_its_later_instant_with_or_without_a_re_plan(
    escalating: Desk, customer: Customer, clock: SetClock
) -> None:
    calendars = Calendars()
    desk = replace(escalating, calendar=calendars)
    clock.set("2026-08-07 10:00")
    first, second = open_ticket(desk, customer, Priority.LOW), open_ticket(desk, customer, Priority.LOW)
    calendars.now = default_calendar(closures=[SUMMER])
    assert desk.schedule is not None
    desk.replan(
        [c.checkpoint for c in desk.schedule.planned_from(rome("2026-08-10 00:00")) if c.checkpoint.ticket_id == first]
    )
    travel(desk, clock, "2026-08-10 15:30")  # the second's checkpoint, planned before the closure: found stale
    assert (levels(desk, customer, first), levels(desk, customer, second)) == ([], [])
    travel(desk, clock, "2026-08-24 15:29")
    assert (levels(desk, customer, first), levels(desk, customer, second)) == ([], [])
    travel(desk, clock, "2026-08-24 15:30")
    assert levels(desk, customer, first) == levels(desk, customer, second) == [("take_charge", 1)]


class ReadsRecorded(TicketStore):
    """The ticket store, recording the tickets read."""

    def __init__(self, service: TableServiceClient) -> None:
        super().__init__(service)
        self.read: list[str] = []

    def get(self, customer_id: str, ticket_id: str) -> StoredTicket | None:
        self.read.append(ticket_id)
        return super().get(customer_id, ticket_id)


def test_a_closure_shortened_while_it_runs_re_plans_a_ticket_opened_inside_it_without_reading_it(
    escalating: Desk, customer: Customer, clock: SetClock, table_service: TableServiceClient
) -> None:
    calendars = Calendars((date(2026, 8, 3), date(2026, 8, 21)))
    tickets = ReadsRecorded(table_service)
    desk = replace(escalating, calendar=calendars, tickets=tickets)
    clock.set("2026-08-05 10:00")  # inside the closure: the clocks count from 24 August
    ticket_id = open_ticket(desk, customer, Priority.LOW)
    clock.set("2026-08-06 10:00")
    calendars.now = default_calendar(closures=[(date(2026, 8, 3), date(2026, 8, 14))])  # open again from the 17th
    assert desk.schedule is not None
    replan_from(desk, desk.schedule, date(2026, 8, 15), date(2026, 8, 21))
    assert ticket_id not in tickets.read
    travel(desk, clock, "2026-08-18 12:59")
    assert levels(desk, customer, ticket_id) == []
    travel(desk, clock, "2026-08-18 13:00")  # 8 h on the 17th, 4 h on the 18th
    assert levels(desk, customer, ticket_id) == [("take_charge", 1)]


def outbox_rows(table_service: TableServiceClient, customer: Customer, ticket_id: str) -> list[tuple[str, str]]:
    """(kind, recipient) of every notification row of the ticket, in order."""
    rows = table_service.get_table_client(TICKETS_TABLE).query_entities(
        "PartitionKey eq @pk and Kind eq @kind and TicketId eq @ticket",
        parameters={"pk": customer.id, "kind": "outbox", "ticket": ticket_id},
    )
    return [(row["NotificationKind"], row["Recipient"]) for row in sorted(rows, key=lambda row: row["RowKey"])]


def test_a_vulnerability_s_staff_mails_go_to_the_security_address_only_and_the_customer_s_to_the_contact(
    escalating: Desk, customer: Customer, clock: SetClock, table_service: TableServiceClient, recorder: Recorder
) -> None:
    assert escalating.notifier is not None
    security = "security@desk.example"
    desk = replace(escalating, notifier=replace(escalating.notifier, security_address=security))
    sue = staff_caller("sue@desk.example", Role.SUPERVISOR, Role.SECURITY)
    clock.set("2026-11-26 09:00")  # a Thursday: a P2 has 4 working hours to take charge
    ticket_id = open_ticket(desk, customer, Priority.HIGH, Category.VULNERABILITY)
    desk.act(sue, ticket_id, Action.ASSIGN, {"assignee": "sam@desk.example"}, None)
    for instant in ("2026-11-26 12:00", "2026-11-26 15:30", "2026-11-27 10:00"):  # 75%, 100%, 150% of 4 h
        travel(desk, clock, instant)

    rows = outbox_rows(table_service, customer, ticket_id)
    assert [kind for kind, _ in rows] == [
        "received",
        "new_in_queue",
        "assigned_to_you",
        "escalation",
        "escalation",
        "escalation",
    ]
    assert {recipient for kind, recipient in rows if kind != "received"} == {security}
    assert [recipient for kind, recipient in rows if kind == "received"] == [customer.contacts[0].email]
    ours = [mail for mail in recorder.sent if ticket_id.lower() in mail.message_id]
    assert len(ours) == len(rows)
    assert {address for mail in ours for address, _ in mail.to} == {security, customer.contacts[0].email}
