"""The view index's pure rules: the lists a ticket is a member of, its row keys and their order,
the ranges a view reads for each role, and a row's badge as of a later read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.domain.errors import Forbidden, InvalidInput
from shared.domain.language import Language
from shared.domain.lifecycle import Role, Status
from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.policy import Category, Clock, Priority
from shared.domain.ticket import Channel, Ticket
from shared.domain.views import (
    RowSla,
    Slice,
    Sort,
    View,
    badge_now,
    key_part,
    lists_of,
    row_keys,
    sources_of,
)

AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
RUNNING = RowSla(Clock.TAKE_CHARGE, AT + timedelta(hours=4), timedelta(hours=4), False, False, 0)
OPERATOR = frozenset({Role.OPERATOR})
SUPERVISOR = frozenset({Role.SUPERVISOR})
SECURITY = frozenset({Role.SECURITY, Role.OPERATOR})


def ticket(**changes: Any) -> Ticket:
    plain = Ticket(
        id="IZ-2026-000001",
        customer_id="acme",
        contact_email="anna@acme.example",
        contact_name="Anna",
        subject="Il gestionale non parte",
        description="…",
        category=Category.BUG,
        priority=Priority.HIGH,
        status=Status.NEW,
        language=Language.ITALIAN,
        channel=Channel.WEB,
        assignee=None,
        created_at=AT,
        updated_at=AT,
        created_by="anna@acme.example",
        clocks=(),
    )
    return replace(plain, **changes)


def test_key_part_escapes_what_a_table_key_or_the_separator_cannot_hold_one_to_one() -> None:
    assert key_part("olga@desk.example") == "olga@desk.example"
    assert key_part("a/b\\c#d?e|f%g\x01") == "a%2Fb%5Cc%23d%3Fe%7Cf%25g%01"
    assert key_part("%2F") != key_part("/"), "the escape character is escaped too"


@pytest.mark.parametrize(
    ("status", "assignee", "lists"),
    [
        (Status.NEW, None, ("open", "queue")),
        (Status.ACCEPTED, "olga@desk.example", ("open", "mine|olga@desk.example")),
        (
            Status.WAITING_CUSTOMER,
            "olga@desk.example",
            ("open", "mine|olga@desk.example", "waiting", "waiting|olga@desk.example"),
        ),
        (Status.RESOLVED, "olga@desk.example", ()),
        (Status.CLOSED, None, ()),
    ],
)
def test_an_open_ticket_is_in_the_lists_of_its_status_and_assignee_and_a_done_one_in_none(
    status: Status, assignee: str | None, lists: tuple[str, ...]
) -> None:
    assert lists_of(ticket(status=status, assignee=assignee)) == lists


def test_each_list_holds_a_row_per_clearance_sort_and_slice_and_a_vulnerability_only_the_security_clearances() -> None:
    keys = row_keys(ticket(), RUNNING)
    assert len(keys) == 2 * 2 * 2 * 5, "queue and open; g and s; deadline and activity; whole and 4 filters"
    assert all(key.row.endswith("|IZ-2026-000001") for key in keys)
    vulnerability = row_keys(ticket(category=Category.VULNERABILITY), RUNNING)
    assert len(vulnerability) == 2 * 1 * 2 * 5
    assert all(key.row.startswith("s|") for key in vulnerability)
    slices = {key.row.split("|")[2] for key in keys}
    assert slices == {"-", "customer=acme", "priority=2", "category=bug", "status=new"}


def test_deadline_keys_sort_breached_first_then_nearest_and_paused_last() -> None:
    def deadline_row(sla: RowSla) -> str:
        return next(
            key.row for key in row_keys(ticket(), sla) if key.row.startswith("g|d|-|") and key.partition == "open"
        )

    breached = replace(RUNNING, due=AT - timedelta(hours=1), breached=True)
    later = replace(RUNNING, due=AT + timedelta(days=2))
    paused = replace(RUNNING, due=None, paused=True)
    rows = [deadline_row(sla) for sla in (later, paused, RUNNING, breached)]
    assert sorted(rows) == [deadline_row(sla) for sla in (breached, RUNNING, later, paused)]


def test_activity_keys_sort_the_latest_change_first() -> None:
    def activity_row(at: datetime) -> str:
        return next(key.row for key in row_keys(ticket(updated_at=at), RUNNING) if key.row.startswith("g|a|-|"))

    assert activity_row(AT + timedelta(seconds=1)) < activity_row(AT)


def test_an_operator_reads_one_list_or_the_queue_and_his_own_and_a_supervisor_every_open_ticket() -> None:
    none = Slice()
    assert sources_of(View.QUEUE, OPERATOR, "olga@x", None, none)[1][0].partition == "queue"
    sort, mine = sources_of(View.MINE, OPERATOR, "olga@x", None, none)
    assert sort is Sort.ACTIVITY
    assert [source.partition for source in mine] == ["mine|olga@x"]
    sort, risk = sources_of(View.AT_RISK, OPERATOR, "olga@x", None, none)
    assert sort is Sort.DEADLINE
    assert [source.partition for source in risk] == ["queue", "mine|olga@x"]
    assert [s.partition for s in sources_of(View.AT_RISK, SUPERVISOR, "sue@x", None, none)[1]] == ["open"]
    assert [s.partition for s in sources_of(View.WAITING, OPERATOR, "olga@x", None, none)[1]] == ["waiting|olga@x"]
    assert [s.partition for s in sources_of(View.WAITING, SUPERVISOR, "sue@x", None, none)[1]] == ["waiting"]
    assert {s.prefix for s in risk} == {"g|d|-|"}, "without the security role, the clearance without vulnerabilities"


def test_the_security_role_reads_its_clearance_and_vulnerabilities_through_their_category() -> None:
    _, sources = sources_of(View.VULNERABILITIES, SECURITY, "sam@x", None, Slice())
    assert {source.prefix for source in sources} == {"s|d|category=vulnerability|"}
    assert sources_of(View.QUEUE, SECURITY, "sam@x", Sort.ACTIVITY, Slice("priority", "1"))[1][0].prefix == (
        "s|a|priority=1|"
    )


@pytest.mark.parametrize(
    ("view", "roles"),
    [
        (View.ALL_OPEN, OPERATOR),
        (View.VULNERABILITIES, OPERATOR),
        (View.VULNERABILITIES, SUPERVISOR),
        (View.QUEUE, frozenset({Role.CUSTOMER})),
        (View.QUEUE, frozenset({Role.ADMIN})),
    ],
)
def test_a_view_outside_the_callers_roles_is_forbidden(view: View, roles: frozenset[Role]) -> None:
    with pytest.raises(Forbidden):
        sources_of(view, roles, "x@x", None, Slice())


def test_a_filter_the_view_does_not_support_is_invalid_naming_it() -> None:
    with pytest.raises(InvalidInput) as refused:
        sources_of(View.WAITING, SUPERVISOR, "sue@x", None, Slice("status", "accepted"))
    assert refused.value.field == "status"
    with pytest.raises(InvalidInput):
        sources_of(View.VULNERABILITIES, SECURITY, "sam@x", None, Slice("customer", "acme"))


def test_a_badge_counts_working_time_to_its_due_instant_at_the_read_and_a_paused_one_keeps_what_it_had() -> None:
    calendar = default_calendar()
    thursday_nine = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # 9:00 in Rome
    due = calendar.add_working_time(thursday_nine, timedelta(hours=6))  # 16:30 Rome, over the lunch break
    sla = RowSla(Clock.TAKE_CHARGE, due, timedelta(hours=6), False, False, 0)
    at_eleven = thursday_nine + timedelta(hours=2)
    assert badge_now(sla, calendar, at_eleven).working_time_left == timedelta(hours=4)
    late = badge_now(sla, calendar, due + timedelta(minutes=30))
    assert late.breached
    assert late.working_time_left == -timedelta(minutes=30)
    paused = RowSla(Clock.RESOLUTION, None, timedelta(hours=3), True, False, 1)
    assert badge_now(paused, calendar, at_eleven + timedelta(days=3)).working_time_left == timedelta(hours=3)
    assert badge_now(RowSla(None, None, None, False, False, 0), calendar, at_eleven).working_time_left is None
