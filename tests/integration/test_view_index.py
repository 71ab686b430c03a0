"""The console's view index on Azurite: kept in step with every ticket change (rows in the views a
ticket belongs to, none left where it no longer is), unread marks, the re-key after a change of
closures, and the repair sweep after a crash between a change's commit and its rows.

Azurite is shared by the whole session, so every assertion reads a view through the test's own
customer (the ``customer`` filter) or the test's own operators (``mine``)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.storage_layout import CONSOLE_VIEWS_TABLE
from shared.adapters.stores.views import ViewIndexStore
from shared.domain.access import Principal
from shared.domain.customers import Customer
from shared.domain.lifecycle import Action, Role, Status
from shared.domain.sla.calendar import SlaCalendar, default_calendar
from shared.domain.sla.policy import Clock as SlaClock
from shared.domain.views import Slice, Sort, View
from shared.usecases.desk import Desk, NewTicket
from shared.usecases.view_records import Placement
from shared.usecases.views import ConsoleViews, ShownRow, ViewKeeper
from tests.integration.conftest import Clock, customer_caller, desk_on, staff_caller


class Calendar:
    """The calendar the desk and the index read, which a test changes (a closure announced)."""

    def __init__(self) -> None:
        self.current: SlaCalendar = default_calendar()

    def __call__(self) -> SlaCalendar:
        return self.current


@pytest.fixture
def calendar() -> Calendar:
    return Calendar()


@pytest.fixture
def index(table_service: TableServiceClient) -> ViewIndexStore:
    return ViewIndexStore(table_service)


@pytest.fixture
def keeper(desk: Desk, index: ViewIndexStore, calendar: Calendar, clock: Clock) -> ViewKeeper:
    return ViewKeeper(index, desk.tickets, calendar, clock)


@pytest.fixture
def desk(table_service: TableServiceClient, clock: Clock, calendar: Calendar) -> Desk:
    plain = desk_on(table_service, clock)
    return replace(plain, calendar=calendar)


@pytest.fixture
def indexed(desk: Desk, keeper: ViewKeeper) -> Desk:
    """The desk with its changes told to the view index."""
    return replace(desk, views=keeper)


@pytest.fixture
def views(index: ViewIndexStore, desk: Desk, calendar: Calendar, clock: Clock) -> ConsoleViews:
    return ConsoleViews(index, desk.audit, calendar, clock)


def operator() -> Principal:
    return staff_caller(f"op-{uuid.uuid4().hex[:10]}@desk.example", Role.OPERATOR)


SUPERVISOR = staff_caller("sue@desk.example", Role.SUPERVISOR)
SECURITY = staff_caller("sam@desk.example", Role.SECURITY, Role.OPERATOR)


def shown(
    views: ConsoleViews, caller: Principal, view: View, customer: Customer, sort: Sort | None = None
) -> list[ShownRow]:
    return views.page(caller, view, sort=sort, wanted=Slice("customer", customer.id), limit=100, cursor=None).items


def ids(rows: list[ShownRow]) -> list[str]:
    return [row.row.id for row in rows]


def stored_rows(table_service: TableServiceClient, ticket_id: str) -> set[tuple[str, str]]:
    """Every row of the view index that shows ``ticket_id`` (a scan: for the test only)."""
    table = table_service.get_table_client(CONSOLE_VIEWS_TABLE)
    found = table.query_entities("TicketId eq @id", parameters={"id": ticket_id}, select=["PartitionKey", "RowKey"])
    return {(row["PartitionKey"], row["RowKey"]) for row in found}


def placed_keys(index: ViewIndexStore, customer: Customer, ticket_id: str) -> set[tuple[str, str]]:
    placement = index.placement(customer.id, ticket_id)
    assert placement is not None
    return {(key.partition, key.row) for key in placement.keys}


def open_ticket(desk: Desk, customer: Customer, **fields: Any) -> str:
    request = NewTicket(
        subject=fields.pop("subject", "Il gestionale non parte"),
        description="Da stamattina il gestionale non si avvia.",
        customer_id=customer.id,
        contact_email=customer.contacts[0].email,
        **fields,
    )
    return desk.open(customer_caller(customer), request).ticket.id


def test_a_ticket_moves_through_the_views_as_it_changes_and_leaves_no_row_behind(
    indexed: Desk, views: ConsoleViews, index: ViewIndexStore, customer: Customer, table_service: TableServiceClient
) -> None:
    olga, otto = operator(), operator()
    ticket_id = open_ticket(indexed, customer)
    queue = shown(views, olga, View.QUEUE, customer)
    assert ids(queue) == [ticket_id]
    assert queue[0].row.unread, "the customer's request is unread until its assignee opens it"
    assert queue[0].row.sla.clock is SlaClock.TAKE_CHARGE
    assert queue[0].badge.working_time_left == timedelta(hours=8)
    assert ids(shown(views, SUPERVISOR, View.ALL_OPEN, customer)) == [ticket_id]
    assert stored_rows(table_service, ticket_id) == placed_keys(index, customer, ticket_id)
    assert len(stored_rows(table_service, ticket_id)) == 2 * 20, "queue and open, 20 rows each"

    indexed.act(olga, ticket_id, Action.ACCEPT, {}, None)
    assert ids(shown(views, olga, View.QUEUE, customer)) == []
    mine = shown(views, olga, View.MINE, customer)
    assert ids(mine) == [ticket_id]
    assert mine[0].row.assignee == olga.email
    assert mine[0].row.status is Status.ACCEPTED
    assert mine[0].row.sla.clock is SlaClock.RESOLUTION

    indexed.get(olga, ticket_id)
    assert not shown(views, olga, View.MINE, customer)[0].row.unread, "the assignee opened it"

    indexed.act(olga, ticket_id, Action.ASSIGN, {"assignee": otto.email}, None)
    assert ids(shown(views, olga, View.MINE, customer)) == []
    assert ids(shown(views, otto, View.MINE, customer)) == [ticket_id]

    indexed.act(otto, ticket_id, Action.REQUEST_CLARIFICATION, {"message": "Quale versione?"}, None)
    waiting = shown(views, otto, View.WAITING, customer)
    assert ids(waiting) == [ticket_id]
    assert waiting[0].row.sla.paused
    assert waiting[0].row.sla.due is None
    assert ids(shown(views, SUPERVISOR, View.WAITING, customer)) == [ticket_id]
    assert ids(shown(views, olga, View.WAITING, customer)) == [], "an operator's waiting view is his own"

    indexed.write(customer_caller(customer), ticket_id, "La 4.2.", internal=False)
    mine = shown(views, otto, View.MINE, customer)
    assert mine[0].row.unread
    assert mine[0].row.status is Status.ACCEPTED
    assert not mine[0].row.sla.paused
    assert ids(shown(views, otto, View.WAITING, customer)) == []

    indexed.act(otto, ticket_id, Action.RESOLVE, {"resolution": "Aggiornato alla 4.3."}, None)
    for view in (View.MINE, View.AT_RISK):
        assert ids(shown(views, otto, view, customer)) == []
    assert ids(shown(views, SUPERVISOR, View.ALL_OPEN, customer)) == []
    assert stored_rows(table_service, ticket_id) == set() == placed_keys(index, customer, ticket_id)

    indexed.act(customer_caller(customer), ticket_id, Action.REOPEN, {"reason": "Non va ancora."}, None)
    assert ids(shown(views, otto, View.MINE, customer)) == [ticket_id]
    indexed.act(otto, ticket_id, Action.RESOLVE, {"resolution": "Ora sì."}, None)
    indexed.act(otto, ticket_id, Action.CLOSE, {}, None)
    assert stored_rows(table_service, ticket_id) == set()


def test_at_risk_puts_the_nearest_deadline_first_across_the_queue_and_the_callers_own(
    indexed: Desk, views: ConsoleViews, customer: Customer, clock: Clock
) -> None:
    olga = operator()
    low = open_ticket(indexed, customer, subject="Domanda", priority=4)
    clock.at += timedelta(minutes=5)
    urgent = open_ticket(indexed, customer, subject="Bloccante", priority=1)
    clock.at += timedelta(minutes=5)
    mine = open_ticket(indexed, customer, subject="Lento", priority=2)
    indexed.act(olga, mine, Action.ACCEPT, {}, None)
    # charge taking within 1 and 16 working hours, resolution within 2 working days (from 10:10)
    assert ids(shown(views, olga, View.AT_RISK, customer)) == [urgent, low, mine]
    assert ids(shown(views, olga, View.QUEUE, customer, Sort.ACTIVITY)) == [urgent, low]
    page = views.page(olga, View.AT_RISK, sort=None, wanted=Slice("customer", customer.id), limit=2, cursor=None)
    assert ids(page.items) == [urgent, low]
    assert page.cursor is not None
    rest = views.page(olga, View.AT_RISK, sort=None, wanted=Slice("customer", customer.id), limit=2, cursor=page.cursor)
    assert ids(rest.items) == [mine]
    assert rest.cursor is None
    clock.at += timedelta(hours=3)  # the blocking one's hour of charge taking is long gone
    first = shown(views, olga, View.AT_RISK, customer)[0]
    assert first.row.id == urgent
    assert first.badge.breached
    assert first.badge.working_time_left is not None
    assert first.badge.working_time_left < timedelta(0)


def test_a_vulnerability_is_in_the_security_roles_views_only(
    indexed: Desk, views: ConsoleViews, customer: Customer, table_service: TableServiceClient
) -> None:
    olga = operator()
    ticket_id = open_ticket(indexed, customer)
    indexed.act(SUPERVISOR, ticket_id, Action.CLASSIFY, {"category": "vulnerability", "reason": "CVE"}, None)
    for view in (View.QUEUE, View.AT_RISK):
        assert ids(shown(views, olga, view, customer)) == []
    assert ids(shown(views, SUPERVISOR, View.ALL_OPEN, customer)) == []
    assert ids(shown(views, SECURITY, View.QUEUE, customer)) == [ticket_id]
    vulnerabilities = views.page(SECURITY, View.VULNERABILITIES, sort=None, wanted=Slice(), limit=100, cursor=None)
    assert ticket_id in ids(vulnerabilities.items)
    assert all(row.row.category.value == "vulnerability" for row in vulnerabilities.items)
    assert len(stored_rows(table_service, ticket_id)) == 2 * 10, "the security clearance's rows only"


def test_a_change_of_closures_re_keys_the_deadline_rows_it_moves(
    indexed: Desk, views: ConsoleViews, keeper: ViewKeeper, customer: Customer, calendar: Calendar
) -> None:
    ticket_id = open_ticket(indexed, customer, priority=4)  # 16 working hours: due on 1 December
    before = shown(views, SUPERVISOR, View.ALL_OPEN, customer, Sort.DEADLINE)[0].row.sla.due
    assert before is not None
    calendar.current = default_calendar(closures=[(date(2026, 11, 27), date(2026, 11, 30))])
    assert keeper.rekey(date(2026, 11, 27)) >= 1
    after = shown(views, SUPERVISOR, View.ALL_OPEN, customer, Sort.DEADLINE)
    assert ids(after) == [ticket_id]
    assert after[0].row.sla.due is not None
    assert after[0].row.sla.due - before == timedelta(days=2)


def test_the_repair_sweep_places_a_ticket_whose_rows_a_crash_left_behind(
    indexed: Desk,
    views: ConsoleViews,
    keeper: ViewKeeper,
    index: ViewIndexStore,
    customer: Customer,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    olga = operator()
    ticket_id = open_ticket(indexed, customer)

    def crash(*_: object) -> None:
        raise ConnectionError("the worker died after the commit")

    with monkeypatch.context() as patched:
        patched.setattr(index, "write", crash)
        indexed.act(olga, ticket_id, Action.ACCEPT, {}, None)
    assert ids(shown(views, olga, View.MINE, customer)) == [], "the rows lag behind the ticket"
    assert ids(shown(views, olga, View.QUEUE, customer)) == [ticket_id]
    assert [intent for intent in index.intents_before(clock.at + timedelta(seconds=1)) if intent.ticket_id == ticket_id]
    keeper.repair(timedelta(seconds=60))
    assert ids(shown(views, olga, View.QUEUE, customer)) == [ticket_id], "an intent younger than the grace waits"
    clock.at += timedelta(minutes=2)
    assert keeper.repair(timedelta(seconds=60)) >= 1
    assert ids(shown(views, olga, View.QUEUE, customer)) == []
    assert ids(shown(views, olga, View.MINE, customer)) == [ticket_id]
    assert not [intent for intent in index.intents_before(clock.at) if intent.ticket_id == ticket_id]


def test_a_late_placement_of_an_older_revision_leaves_the_newer_rows_alone(
    indexed: Desk,
    views: ConsoleViews,
    keeper: ViewKeeper,
    index: ViewIndexStore,
    customer: Customer,
    table_service: TableServiceClient,
) -> None:
    olga = operator()
    ticket_id = open_ticket(indexed, customer)
    stored = indexed.tickets.get(customer.id, ticket_id)
    assert stored is not None
    indexed.act(olga, ticket_id, Action.ACCEPT, {}, None)
    rows_now = stored_rows(table_service, ticket_id)
    keeper.place(stored.ticket, keeper.intend(stored.ticket, customer_wrote=False))  # the opening's, late
    assert stored_rows(table_service, ticket_id) == rows_now == placed_keys(index, customer, ticket_id)
    assert ids(shown(views, olga, View.QUEUE, customer)) == []
    assert ids(shown(views, olga, View.MINE, customer)) == [ticket_id]


def test_a_placement_that_loses_to_a_concurrent_one_starts_again_from_the_ticket_and_leaves_no_orphan(
    indexed: Desk,
    keeper: ViewKeeper,
    index: ViewIndexStore,
    customer: Customer,
    table_service: TableServiceClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A placement of the ticket as opened (its queue rows) writes its first placement; before it
    writes its rows, another worker places the ticket as accepted; the first then writes the queue
    rows, loses its last placement write, and must delete them again."""
    olga = operator()
    ticket_id = open_ticket(indexed, customer)
    opened = indexed.tickets.get(customer.id, ticket_id)
    assert opened is not None
    accepted = indexed.act(olga, ticket_id, Action.ACCEPT, {}, None).ticket
    other = ViewKeeper(ViewIndexStore(table_service), indexed.tickets, keeper.calendar, keeper.now)
    put = index.put_placement

    def racing(placement: Placement) -> str:
        etag = put(placement)
        monkeypatch.setattr(index, "put_placement", put)
        other.place(accepted, other.intend(accepted, customer_wrote=False))
        return etag

    late = replace(opened.ticket, revision=accepted.revision)  # not older on its face: it is placed
    monkeypatch.setattr(index, "put_placement", racing)
    keeper.place(late, keeper.intend(late, customer_wrote=False))
    rows = stored_rows(table_service, ticket_id)
    assert rows == placed_keys(index, customer, ticket_id)
    assert {partition for partition, _ in rows} == {"open", f"mine|{olga.email}"}, "no queue row left behind"


def test_a_re_key_asked_for_is_kept_for_the_sweep_until_it_is_done(index: ViewIndexStore) -> None:
    days = [date(2031, 8, 10 + offset) for offset in range(3)]  # far from any other test's
    for day in reversed(days):
        index.intend_rekey(day)
    assert set(days) <= set(index.rekeys_due())
    for day in days:
        index.drop_rekey(day)
    assert not set(days) & set(index.rekeys_due())


class OneCustomersTickets:
    """The ticket store, its list across customers kept to one customer's partition (so that the
    backfill's scan does not walk every ticket the session's other tests wrote)."""

    def __init__(self, desk: Desk, customer: Customer) -> None:
        self._desk, self._customer = desk, customer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._desk.tickets, name)

    def list_all(self, *, status: Status | None, visible: object, limit: int, cursor: str | None) -> Any:
        return self._desk.tickets.list_for_customer(self._customer.id, status=status, limit=limit, cursor=cursor)


def test_the_backfill_places_the_open_tickets_from_before_the_index_once(
    desk: Desk, indexed: Desk, views: ConsoleViews, keeper: ViewKeeper, customer: Customer
) -> None:
    olga = operator()
    before = [open_ticket(desk, customer, subject=f"Prima {n}") for n in range(3)]  # no index yet
    desk.act(olga, before[0], Action.ACCEPT, {}, None)
    closed = open_ticket(desk, customer, subject="Chiusa")
    desk.act(olga, closed, Action.ACCEPT, {}, None)
    desk.act(olga, closed, Action.RESOLVE, {"resolution": "Fatto."}, None)
    since = open_ticket(indexed, customer, subject="Dopo")
    assert ids(shown(views, SUPERVISOR, View.ALL_OPEN, customer)) == [since]
    backfilling = replace(keeper, tickets=OneCustomersTickets(desk, customer))
    assert backfilling.backfill() == 3
    assert set(ids(shown(views, SUPERVISOR, View.ALL_OPEN, customer))) == {*before, since}
    assert ids(shown(views, olga, View.MINE, customer)) == [before[0]]
    assert backfilling.backfill() == 0, "placed already"
