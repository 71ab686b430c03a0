"""The desk's use cases against Azurite: the lifecycle with its clocks, concurrency, paging, access."""

from __future__ import annotations

import base64
import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.customers import Customer
from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.history import EventType
from shared.domain.language import Language
from shared.domain.lifecycle import Action, Role, Status
from shared.domain.sla.policy import Category, Priority
from shared.usecases.desk import Desk, NewTicket
from tests.integration.conftest import Clock, customer_caller, staff_caller

ROME = ZoneInfo("Europe/Rome")
OPERATOR = staff_caller("olga@desk.example", Role.OPERATOR)
OTHER_OPERATOR = staff_caller("oscar@desk.example", Role.OPERATOR)
SUPERVISOR = staff_caller("sara@desk.example", Role.SUPERVISOR)
SECURITY = staff_caller("sid@desk.example", Role.OPERATOR, Role.SECURITY)


def rome(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)


def request_for(customer: Customer, **overrides: object) -> NewTicket:
    fields: dict[str, object] = {
        "subject": "Il portale non risponde",
        "description": "Da stamattina il portale documentale non risponde e non riusciamo a lavorare.",
        "customer_id": customer.id,
        "contact_email": customer.contacts[0].email,
    }
    fields.update(overrides)
    return NewTicket(**fields)  # type: ignore[arg-type]


def test_a_customer_opens_a_ticket_in_its_language_with_both_clocks_running(desk: Desk, customer: Customer) -> None:
    view = desk.open(customer_caller(customer), request_for(customer))
    ticket = view.ticket
    assert re.fullmatch(r"IT-2026-\d{6}", ticket.id)
    assert (ticket.status, ticket.language, ticket.category, ticket.priority) == (
        Status.NEW,
        Language.ITALIAN,
        Category.HELPDESK,
        Priority.MEDIUM,
    )
    assert view.sla.take_charge.due == rome("2026-11-27 10:00")  # 8 working hours
    assert view.sla.resolution.due == rome("2026-12-03 10:00")  # 5 working days
    events = desk.events(customer_caller(customer), ticket.id, limit=10, cursor=None).items
    assert [(e.seq, e.type, e.public) for e in events] == [(1, EventType.CREATED, True)]


def test_an_english_request_gets_an_english_ticket_even_for_an_italian_customer(desk: Desk, customer: Customer) -> None:
    request = request_for(
        customer, subject="Login broken", description="Since this morning nobody can sign in to the portal."
    )
    assert desk.open(customer_caller(customer), request).ticket.language is Language.ENGLISH


def test_twenty_tickets_opened_at_once_get_twenty_different_ids(desk: Desk, customer: Customer) -> None:
    caller = customer_caller(customer)
    with ThreadPoolExecutor(max_workers=20) as pool:
        views = list(pool.map(lambda _: desk.open(caller, request_for(customer)), range(20)))
    assert len({view.ticket.id for view in views}) == 20
    listed = desk.list_tickets(caller, status=None, limit=100, cursor=None).items
    assert {v.ticket.id for v in views} <= {v.ticket.id for v in listed}


def test_a_ticket_walks_from_opening_to_closing_with_a_clarification_pause(
    desk: Desk, customer: Customer, clock: Clock
) -> None:
    caller = customer_caller(customer)
    ticket = desk.open(caller, request_for(customer, priority=Priority.HIGH)).ticket  # Thu 10:00, P2
    clock.set("2026-11-26 11:00")
    accepted = desk.act(OPERATOR, ticket.id, Action.ACCEPT, {}, if_match=1)
    assert (accepted.ticket.status, accepted.ticket.assignee) == (Status.ACCEPTED, "olga@desk.example")
    assert accepted.sla.take_charge.met is True
    assert accepted.sla.resolution.due == rome("2026-11-30 10:00")  # 16 working hours from Thu 10:00

    clock.set("2026-11-26 12:00")
    waiting = desk.act(OPERATOR, ticket.id, Action.REQUEST_CLARIFICATION, {"message": "Quale browser?"}, None)
    assert waiting.ticket.status is Status.WAITING_CUSTOMER
    assert waiting.sla.paused
    assert waiting.sla.resolution.due is None

    clock.set("2026-11-27 12:00")  # a whole working day later: not charged
    desk.write(caller, ticket.id, "Firefox 140.", internal=False)
    resumed = desk.get(caller, ticket.id)
    assert resumed.ticket.status is Status.ACCEPTED
    assert not resumed.sla.paused
    assert resumed.sla.resolution.due == rome("2026-12-01 10:00")  # Mon 10:00 plus the 8 working hours paused

    clock.set("2026-11-27 15:00")
    resolved = desk.act(OPERATOR, ticket.id, Action.RESOLVE, {"resolution": "Cache svuotata."}, None)
    assert resolved.ticket.status is Status.RESOLVED
    assert resolved.sla.resolution.met is True
    closed = desk.act(OPERATOR, ticket.id, Action.CLOSE, {}, None)
    assert closed.ticket.status is Status.CLOSED

    public = desk.events(caller, ticket.id, limit=50, cursor=None).items
    assert [e.type for e in public] == [
        EventType.CREATED,
        EventType.ACCEPTED,
        EventType.CLARIFICATION_REQUESTED,
        EventType.MESSAGE,
        EventType.RESOLVED,
        EventType.CLOSED,
    ]
    assert closed.ticket.revision == 6


def test_a_priority_raised_after_a_pause_keeps_the_paused_time(desk: Desk, customer: Customer, clock: Clock) -> None:
    ticket = desk.open(customer_caller(customer), request_for(customer, priority=Priority.LOW)).ticket  # Thu 10:00
    desk.act(OPERATOR, ticket.id, Action.ACCEPT, {}, None)
    clock.set("2026-11-26 11:00")
    desk.act(OPERATOR, ticket.id, Action.REQUEST_CLARIFICATION, {"message": "Log?"}, None)
    clock.set("2026-11-27 11:00")
    desk.write(customer_caller(customer), ticket.id, "Eccolo.", internal=False)
    raised = desk.act(SUPERVISOR, ticket.id, Action.CLASSIFY, {"category": "bug", "priority": 2}, None)
    assert raised.ticket.priority is Priority.HIGH
    assert raised.sla.resolution.budget == timedelta(hours=16)
    assert raised.sla.resolution.due == rome("2026-12-01 10:00")  # 1 h counted before the pause, 15 h from Fri 11:00


def test_a_stale_update_is_refused_and_nothing_is_lost(desk: Desk, customer: Customer) -> None:
    ticket = desk.open(customer_caller(customer), request_for(customer)).ticket
    stored = desk.tickets.get(customer.id, ticket.id)
    assert stored is not None
    desk.act(OPERATOR, ticket.id, Action.ACCEPT, {}, None)
    with pytest.raises(Conflict):
        desk.tickets.save(stored, stored.ticket, [])
    with pytest.raises(PreconditionFailed):
        desk.act(OPERATOR, ticket.id, Action.CLASSIFY, {"priority": 1}, if_match=1)
    assert desk.get(OPERATOR, ticket.id).ticket.status is Status.ACCEPTED


def test_another_customer_s_ticket_does_not_exist_for_a_customer(
    desk: Desk, customer: Customer, table_service: object
) -> None:
    ticket = desk.open(customer_caller(customer), request_for(customer)).ticket
    stranger = customer_caller(customer)
    stranger = type(stranger)(stranger.subject, stranger.email, None, stranger.roles, "someone-else")
    with pytest.raises(NotFound):
        desk.get(stranger, ticket.id)
    with pytest.raises(NotFound):
        desk.write(stranger, ticket.id, "hello", internal=False)
    with pytest.raises(Forbidden):
        desk.open(stranger, request_for(customer))


def test_a_customer_pages_through_its_own_tickets_newest_first_and_a_forged_cursor_stays_home(
    desk: Desk, customer: Customer
) -> None:
    caller = customer_caller(customer)
    opened = [desk.open(caller, request_for(customer, subject=f"Richiesta {n}")).ticket.id for n in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        page = desk.list_tickets(caller, status=None, limit=2, cursor=cursor)
        seen += [view.ticket.id for view in page.items]
        cursor = page.cursor
        if cursor is None:
            break
    assert seen == list(reversed(opened))
    forged = base64.urlsafe_b64encode(json.dumps({"pk": "other", "rk": "T|"}).encode()).decode()
    assert {v.ticket.customer_id for v in desk.list_tickets(caller, status=None, limit=50, cursor=forged).items} <= {
        customer.id
    }
    with pytest.raises(InvalidInput) as invalid:
        desk.list_tickets(caller, status=None, limit=2, cursor="not a cursor")
    assert invalid.value.field == "cursor"


def test_an_operator_sees_the_queue_and_his_own_tickets_but_not_a_colleague_s(desk: Desk, customer: Customer) -> None:
    caller = customer_caller(customer)
    mine = desk.open(caller, request_for(customer)).ticket.id
    theirs = desk.open(caller, request_for(customer)).ticket.id
    queued = desk.open(caller, request_for(customer)).ticket.id
    desk.act(OPERATOR, mine, Action.ACCEPT, {}, None)
    desk.act(OTHER_OPERATOR, theirs, Action.ACCEPT, {}, None)
    with pytest.raises(NotFound):
        desk.get(OPERATOR, theirs)
    assert desk.get(OPERATOR, queued).ticket.assignee is None
    assert desk.get(SUPERVISOR, theirs).ticket.assignee == "oscar@desk.example"
    with pytest.raises(Forbidden):
        desk.act(OPERATOR, queued, Action.ASSIGN, {"assignee": "olga@desk.example"}, None)


def test_a_vulnerability_is_at_least_high_and_hidden_from_staff_without_the_security_role(
    desk: Desk, customer: Customer
) -> None:
    caller = customer_caller(customer)
    view = desk.open(caller, request_for(customer, category=Category.VULNERABILITY, priority=Priority.LOW))
    assert view.ticket.priority is Priority.HIGH
    with pytest.raises(NotFound):
        desk.get(SUPERVISOR, view.ticket.id)
    assert desk.get(SECURITY, view.ticket.id).ticket.id == view.ticket.id
    assert desk.get(caller, view.ticket.id).ticket.id == view.ticket.id


def test_an_outcome_closes_the_ticket_with_its_reason_and_a_reopen_resumes_resolution(
    desk: Desk, customer: Customer, clock: Clock
) -> None:
    caller = customer_caller(customer)
    ticket = desk.open(caller, request_for(customer)).ticket
    closed = desk.act(OPERATOR, ticket.id, Action.CLASSIFY, {"category": "out_of_scope", "reason": "Not ours."}, None)
    assert (closed.ticket.status, closed.ticket.category, closed.ticket.resolution) == (
        Status.CLOSED,
        Category.OUT_OF_SCOPE,
        "Not ours.",
    )
    with pytest.raises(Conflict):
        desk.write(caller, ticket.id, "Ma come?", internal=False)

    other = desk.open(caller, request_for(customer)).ticket
    desk.act(OPERATOR, other.id, Action.ACCEPT, {}, None)
    clock.set("2026-11-26 12:00")
    desk.act(OPERATOR, other.id, Action.RESOLVE, {"resolution": "Fatto."}, None)
    clock.set("2026-11-30 09:00")
    reopened = desk.act(caller, other.id, Action.REOPEN, {"reason": "Di nuovo rotto."}, None)
    assert reopened.ticket.status is Status.ACCEPTED
    assert reopened.sla.resolution.running
    assert reopened.sla.resolution.elapsed == timedelta(hours=2)


def test_customers_cannot_act_as_operators_nor_write_internal_notes(desk: Desk, customer: Customer) -> None:
    caller = customer_caller(customer)
    ticket = desk.open(caller, request_for(customer)).ticket
    with pytest.raises(Forbidden):
        desk.act(caller, ticket.id, Action.ACCEPT, {}, None)
    with pytest.raises(Forbidden):
        desk.write(caller, ticket.id, "psst", internal=True)
    note = desk.write(OPERATOR, ticket.id, "Probabile cache.", internal=True)
    assert not note.public
    public = desk.events(caller, ticket.id, limit=10, cursor=None).items
    assert all(event.public for event in public)


def test_every_staff_read_and_change_is_audited(desk: Desk, customer: Customer) -> None:
    ticket = desk.open(customer_caller(customer), request_for(customer)).ticket
    desk.get(OPERATOR, ticket.id)
    desk.act(OPERATOR, ticket.id, Action.ACCEPT, {}, None)
    trail = desk.audit.for_ticket(ticket.id, limit=10)
    assert [(r.actor, r.action) for r in trail] == [("olga@desk.example", "read"), ("olga@desk.example", "accept")]
