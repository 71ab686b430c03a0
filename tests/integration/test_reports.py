"""What supervisors see, through the use cases against Azurite with the desk's clock set by the
test: the SLA report of a period adds up to the second, and the at-risk view is ordered by the
nearest deadline and hides what the caller may not see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.stores.report_queries import ReportQueries
from shared.domain.customers import Customer
from shared.domain.errors import Forbidden, InvalidInput, NotFound
from shared.domain.lifecycle import Role
from shared.domain.sla.policy import Priority
from shared.domain.sla.stats import ClockFigures, SlaRow
from shared.usecases.desk import Desk
from shared.usecases.reports import ReportPeriod, Reports
from tests.integration.conftest import Clock, customer_caller, staff_caller
from tests.integration.report_scenes import OLGA, SUPERVISOR, Scene, open_fortnight, open_monday

H = timedelta(hours=1)
SECURITY_SUPERVISOR = staff_caller("sam@desk.example", Role.SUPERVISOR, Role.SECURITY)
NOVEMBER = ReportPeriod(date(2026, 11, 2), date(2026, 11, 16))


@pytest.fixture
def scene(desk: Desk, clock: Clock) -> Scene:
    return Scene(desk, clock)


@pytest.fixture
def reports(desk: Desk, table_service: TableServiceClient) -> Reports:
    """The reports over the desk's tickets, audit trail, calendar, policy and clock."""
    return Reports(desk.tickets, ReportQueries(table_service), desk.audit, desk.calendar, desk.policy, desk.now)


def figures(stopped: int, met: int, breached: int, median: int | None, p90: int | None) -> ClockFigures:
    def seconds(value: int | None) -> timedelta | None:
        return None if value is None else timedelta(seconds=value)

    return ClockFigures(stopped, met, breached, seconds(median), seconds(p90))


# --- the SLA report ----------------------------------------------------------------------------------


@pytest.fixture
def fortnight(scene: Scene) -> tuple[Customer, Customer]:
    return open_fortnight(scene)


def test_the_report_of_a_fortnight_adds_up_per_customer_and_priority_to_the_second(
    reports: Reports, fortnight: tuple[Customer, Customer]
) -> None:
    acme, _ = fortnight
    report = reports.sla_report(SUPERVISOR, NOVEMBER, acme.id)
    assert report.customer_id == acme.id
    assert report.rows == [
        SlaRow(
            acme.id,
            Priority.HIGH,
            opened=3,
            take_charge=figures(stopped=3, met=2, breached=1, median=12_600, p90=28_800),
            resolution=figures(stopped=2, met=1, breached=2, median=7_200, p90=142_200),
            paused=2.5 * H,
        ),
        SlaRow(
            acme.id,
            Priority.MEDIUM,
            opened=1,
            take_charge=figures(stopped=0, met=0, breached=1, median=None, p90=None),
            resolution=figures(stopped=0, met=0, breached=1, median=None, p90=None),
            paused=timedelta(0),
        ),
        SlaRow(
            acme.id,
            Priority.LOW,
            opened=1,
            take_charge=figures(stopped=0, met=0, breached=1, median=None, p90=None),
            resolution=figures(stopped=0, met=0, breached=0, median=None, p90=None),
            paused=timedelta(0),
        ),
    ]
    assert (report.rows[0].take_charge.met_percent, report.rows[0].resolution.met_percent) == (66.7, 50.0)
    assert report.rows[1].take_charge.met_percent is None


def test_supervisors_see_every_customer_and_a_customer_only_its_own(
    reports: Reports, fortnight: tuple[Customer, Customer]
) -> None:
    acme, beta = fortnight
    everyone = reports.sla_report(SUPERVISOR, NOVEMBER)
    ours = {(row.customer_id, row.priority): row for row in everyone.rows if row.customer_id in (acme.id, beta.id)}
    assert set(ours) == {(acme.id, p) for p in (Priority.HIGH, Priority.MEDIUM, Priority.LOW)} | {
        (beta.id, Priority.HIGH)
    }
    assert ours[beta.id, Priority.HIGH].take_charge == figures(stopped=1, met=1, breached=0, median=3_600, p90=3_600)
    assert ours[beta.id, Priority.HIGH].resolution == figures(stopped=1, met=1, breached=0, median=23_400, p90=23_400)

    own = reports.sla_report(customer_caller(acme), NOVEMBER)
    assert (own.customer_id, {row.customer_id for row in own.rows}) == (acme.id, {acme.id})
    assert own.rows == [row for row in everyone.rows if row.customer_id == acme.id]
    with pytest.raises(NotFound):
        reports.sla_report(customer_caller(acme), NOVEMBER, beta.id)
    with pytest.raises(Forbidden):
        reports.sla_report(OLGA, NOVEMBER)


@pytest.mark.parametrize(
    ("first", "end", "field"),
    [
        (date(2026, 11, 16), date(2026, 11, 16), "to"),
        (date(2026, 11, 16), date(2026, 11, 2), "to"),
        (date(2026, 1, 1), date(2027, 1, 3), "to"),
        (date(1969, 12, 31), date(1970, 1, 2), "from"),
    ],
)
def test_a_period_that_is_empty_reversed_longer_than_366_days_or_too_early_is_refused_naming_its_field(
    first: date, end: date, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        ReportPeriod(first, end)
    assert refused.value.field == field


def test_a_leap_year_fits_in_one_period() -> None:
    assert ReportPeriod(date(2028, 1, 1), date(2029, 1, 1)).end_day == date(2029, 1, 1)


# --- at risk -----------------------------------------------------------------------------------------


@pytest.fixture
def monday(scene: Scene) -> tuple[Customer, dict[str, str]]:
    return open_monday(scene)


def test_the_at_risk_view_lists_open_tickets_by_nearest_deadline_with_paused_ones_last(
    reports: Reports, monday: tuple[Customer, dict[str, str]]
) -> None:
    company, tickets = monday
    view = reports.at_risk(SUPERVISOR, customer_id=company.id)
    names = {ticket_id: name for name, ticket_id in tickets.items()}
    assert [names[item.ticket.id] for item in view.items] == [
        "p1 piero's",
        "p1 new",
        "p2 new",
        "p4 new",
        "p2 accepted",
        "p3 waiting",
    ]
    assert (view.scanned, view.complete) == (6, True)
    first = view.items[1]
    assert (first.take_charge.remaining, first.resolution.remaining) == (-3.5 * H, 8 * H - 4.5 * H)
    assert view.items[4].take_charge.stopped_at is not None
    assert view.items[-1].nearest_due is None
    assert view.items[-1].resolution.paused


def test_the_at_risk_view_hides_what_the_caller_may_not_see(
    reports: Reports, monday: tuple[Customer, dict[str, str]]
) -> None:
    company, tickets = monday
    names = {ticket_id: name for name, ticket_id in tickets.items()}
    olga = reports.at_risk(OLGA, customer_id=company.id)
    assert [names[item.ticket.id] for item in olga.items] == ["p1 new", "p2 new", "p4 new", "p2 accepted", "p3 waiting"]
    security = reports.at_risk(SECURITY_SUPERVISOR, customer_id=company.id)
    assert [names[item.ticket.id] for item in security.items][:4] == [
        "p1 piero's",
        "p1 new",
        "vulnerability",  # opened at 08:00: due at 13:00
        "p2 new",
    ]
    assert security.scanned == 7
    with pytest.raises(Forbidden):
        reports.at_risk(customer_caller(company))


def test_the_at_risk_view_answers_its_first_items_and_says_when_its_page_bound_cut_the_read(
    reports: Reports, monday: tuple[Customer, dict[str, str]]
) -> None:
    company, tickets = monday
    first_two = reports.at_risk(SUPERVISOR, customer_id=company.id, limit=2)
    assert [item.ticket.id for item in first_two.items] == [tickets["p1 piero's"], tickets["p1 new"]]
    assert (first_two.scanned, first_two.complete) == (6, True)
    bounded = reports.at_risk(SUPERVISOR, customer_id=company.id, pages=1, page_size=2)
    # one page of the two newest new tickets (the vulnerability, which a supervisor without the
    # security role may not see, and piero's), the accepted one, the waiting one
    assert (bounded.scanned, bounded.complete) == (3, False)
    assert tickets["p1 piero's"] in [item.ticket.id for item in bounded.items]
