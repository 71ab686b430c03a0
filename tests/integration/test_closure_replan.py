"""A change of closures re-plans the escalations it moves: the admin routes called as the host calls
them, then sweeps travelling in time as ``python -m devhost sweep --now`` runs them.

These tests write a real closure into the shared Azurite for their length (starting after today, so
it moves only deadlines of tickets open now) and remove it however they end.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import azure.functions as func
import pytest

from functions import admin, dependencies, tickets
from shared.domain.lifecycle import Role
from shared.domain.sla.calendar import SlaCalendar, default_calendar
from shared.usecases.escalator import sweep
from tests.integration.conftest import Api

P4_WARNING = timedelta(hours=12)  # level 1 of a P4's 16 working hours to take charge


def document(response: func.HttpResponse) -> dict[str, object]:
    return json.loads(response.get_body())  # type: ignore[no-any-return]


@pytest.fixture
def company(api: Api) -> str:
    customer_id = f"shut-{uuid.uuid4().hex[:10]}"
    anna = {"email": f"anna@{customer_id}.example", "name": "Anna Bianchi"}
    body = {"name": "Shut S.r.l.", "entitled": True, "email_domains": [], "contacts": [anna], "language": "en"}
    response = api.call(
        admin.put_customer, "PUT", f"admin/customers/{customer_id}",
        token=api.token(Role.ADMIN), route_params={"id": customer_id}, body=body,
    )  # fmt: skip
    assert response.status_code == 200, response.get_body()
    return customer_id


class Closures:
    """The admin's closure routes, and the closures a test put, deleted at its end."""

    def __init__(self, api: Api) -> None:
        self.api, self.admin, self.put_ids = api, api.token(Role.ADMIN), set[str]()

    def put(self, closure_id: str, first_day: date, last_day: date) -> dict[str, object]:
        self.put_ids.add(closure_id)
        body = {"first_day": first_day.isoformat(), "last_day": last_day.isoformat(), "note": "test closure"}
        response = self.api.call(
            admin.put_closure, "PUT", f"admin/closures/{closure_id}",
            token=self.admin, route_params={"id": closure_id}, body=body,
        )  # fmt: skip
        assert response.status_code == 200, response.get_body()
        return document(response)

    def delete(self, closure_id: str) -> func.HttpResponse:
        return self.api.call(
            admin.delete_closure, "DELETE", f"admin/closures/{closure_id}",
            token=self.admin, route_params={"id": closure_id},
        )  # fmt: skip


@pytest.fixture
def closures(api: Api) -> Iterator[Closures]:
    routes = Closures(api)
    yield routes
    for closure_id in routes.put_ids:
        routes.delete(closure_id)


def open_p4(api: Api, company: str) -> dict[str, object]:
    customer = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    body = {"subject": "Report export", "description": "The monthly export has a wrong total.", "priority": 4}
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=customer, body=body)
    assert opened.status_code == 201, opened.get_body()
    return document(opened)


def escalation_level(api: Api, ticket_id: str) -> int:
    supervisor = api.token(Role.SUPERVISOR, subject="sara@desk.example")
    response = api.call(
        tickets.get_ticket, "GET", f"tickets/{ticket_id}", token=supervisor, route_params={"id": ticket_id}
    )
    assert response.status_code == 200, response.get_body()
    return int(document(response)["sla"]["escalation_level"])  # type: ignore[index]


def sweep_at(at: datetime) -> None:
    report = sweep(dependencies.desk_at(lambda: at), dependencies.schedule(), at)
    assert report.failed == 0, report


def a_fortnight_from_tomorrow(calendar: SlaCalendar) -> tuple[date, date]:
    """Two weeks closed from the day after the next working day (so a P4 opened now has at most
    one working day before the closure, and its warning falls after it)."""
    next_opening = calendar.next_working_time(datetime.now(UTC)).astimezone(calendar.zone).date()
    return next_opening + timedelta(days=1), next_opening + timedelta(days=14)


def warning_of(ticket: dict[str, object], calendar: SlaCalendar) -> datetime:
    """When the P4 ``ticket``'s warning falls due on ``calendar``."""
    return calendar.add_working_time(datetime.fromisoformat(str(ticket["created_at"])), P4_WARNING)


def test_a_deleted_closure_brings_a_pushed_warning_back_to_its_earlier_working_instant(
    api: Api, company: str, closures: Closures
) -> None:
    calendar = default_calendar()
    first_day, last_day = a_fortnight_from_tomorrow(calendar)
    announced = closures.put("replan-deleted", first_day, last_day)
    ticket = open_p4(api, company)
    warning = warning_of(ticket, calendar)  # without the closure
    assert warning.astimezone(calendar.zone).date() >= first_day  # the closure did push it

    removed = closures.delete("replan-deleted")

    sweep_at(warning + timedelta(minutes=1))
    assert escalation_level(api, str(ticket["id"])) == 1
    assert removed.status_code == 200, removed.get_body()
    answer = document(removed)
    # Both clocks of the ticket moved back, and whatever the announcement had moved moved back too.
    assert answer["replanned_checkpoints"] == int(announced["replanned_checkpoints"]) + 2  # type: ignore[call-overload]
    assert (answer["id"], answer["first_day"], answer["replan_failures"]) == (
        "replan-deleted",
        first_day.isoformat(),
        0,
    )


def test_a_shortened_closure_brings_a_pushed_warning_back_to_its_earlier_working_instant(
    api: Api, company: str, closures: Closures
) -> None:
    calendar = default_calendar()
    first_day, last_day = a_fortnight_from_tomorrow(calendar)
    closures.put("replan-shortened", first_day, last_day)
    ticket = open_p4(api, company)
    shortened = closures.put("replan-shortened", first_day, first_day + timedelta(days=2))

    warning = warning_of(ticket, default_calendar(closures=[(first_day, first_day + timedelta(days=2))]))
    assert warning < warning_of(ticket, default_calendar(closures=[(first_day, last_day)]))
    sweep_at(warning - timedelta(minutes=1))
    assert escalation_level(api, str(ticket["id"])) == 0
    sweep_at(warning + timedelta(minutes=1))
    assert escalation_level(api, str(ticket["id"])) == 1
    assert int(shortened["replanned_checkpoints"]) >= 2  # type: ignore[call-overload]


def test_a_closure_announced_after_the_opening_moves_the_warning_later_and_never_fires_it_early(
    api: Api, company: str, closures: Closures
) -> None:
    calendar = default_calendar()
    first_day, last_day = a_fortnight_from_tomorrow(calendar)
    ticket = open_p4(api, company)
    announced = closures.put("replan-announced", first_day, last_day)

    planned_before = warning_of(ticket, calendar)
    warning = warning_of(ticket, default_calendar(closures=[(first_day, last_day)]))
    assert warning > planned_before
    sweep_at(planned_before + timedelta(minutes=1))
    assert escalation_level(api, str(ticket["id"])) == 0
    sweep_at(warning - timedelta(minutes=1))
    assert escalation_level(api, str(ticket["id"])) == 0
    sweep_at(warning + timedelta(minutes=1))
    assert escalation_level(api, str(ticket["id"])) == 1
    assert int(announced["replanned_checkpoints"]) >= 2  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("field", "first_day", "last_day"),
    [("first_day", "0001-01-01", "0001-01-02"), ("last_day", "2999-12-31", "3000-01-01")],
)
def test_a_closure_outside_the_years_a_desk_works_in_is_refused_naming_the_day(
    api: Api, field: str, first_day: str, last_day: str
) -> None:
    body = {"first_day": first_day, "last_day": last_day, "note": "a typo"}
    response = api.call(
        admin.put_closure, "PUT", "admin/closures/replan-typo",
        token=api.token(Role.ADMIN), route_params={"id": "replan-typo"}, body=body,
    )  # fmt: skip
    assert response.status_code == 422, response.get_body()
    assert document(response)["field"] == field
