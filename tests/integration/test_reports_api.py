"""The report routes called as the host calls them, over tickets the desk opened in the past: the
CSV carries the JSON's rows, who may read which report, and how a bad query answers."""

from __future__ import annotations

import csv
import io
import json

import azure.functions as func
import pytest

from functions import reports
from shared.domain.customers import Customer
from shared.domain.lifecycle import Role
from shared.usecases.desk import Desk
from tests.integration.conftest import Api, Clock
from tests.integration.report_scenes import Scene, open_fortnight, open_monday

FORTNIGHT = {"from": "2026-11-02", "to": "2026-11-16"}


def document(response: func.HttpResponse) -> dict[str, object]:
    return json.loads(response.get_body())  # type: ignore[no-any-return]


def sla(api: Api, token: str, params: dict[str, str], headers: dict[str, str] | None = None) -> func.HttpResponse:
    return api.call(reports.sla_report_of_period, "GET", "reports/sla", token=token, params=params, headers=headers)


@pytest.fixture
def fortnight(desk: Desk, clock: Clock) -> tuple[Customer, Customer]:
    return open_fortnight(Scene(desk, clock))


def test_the_csv_report_carries_the_json_report_s_rows_under_a_header_row(
    api: Api, fortnight: tuple[Customer, Customer]
) -> None:
    acme, _ = fortnight
    supervisor = api.token(Role.SUPERVISOR, subject="sara@desk.example")
    as_json = sla(api, supervisor, {**FORTNIGHT, "customer": acme.id})
    assert as_json.status_code == 200, as_json.get_body()
    report = document(as_json)
    assert (report["from"], report["to"], report["zone"], report["customer"]) == (
        "2026-11-02",
        "2026-11-16",
        "Europe/Rome",
        acme.id,
    )
    rows = report["rows"]
    assert isinstance(rows, list)
    assert [(row["priority"], row["opened"]) for row in rows] == [(2, 3), (3, 1), (4, 1)]
    assert (rows[0]["take_charge_met_percent"], rows[0]["take_charge_median_seconds"]) == (66.7, 12_600)
    assert rows[0]["paused_seconds"] == 9_000

    as_csv = sla(api, supervisor, {**FORTNIGHT, "customer": acme.id, "format": "csv"})
    assert as_csv.status_code == 200
    assert as_csv.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(as_csv.get_body().decode())))
    assert lines[0] == list(rows[0])
    expected = [["" if value is None else str(value) for value in row.values()] for row in rows]
    assert lines[1:] == expected

    accepted = sla(api, supervisor, {**FORTNIGHT, "customer": acme.id}, {"Accept": "text/csv, application/json"})
    assert (accepted.mimetype, accepted.get_body()) == ("text/csv", as_csv.get_body())
    asked_json = sla(api, supervisor, {**FORTNIGHT, "customer": acme.id, "format": "json"}, {"Accept": "text/csv"})
    assert asked_json.mimetype == "application/json"


def test_a_customer_reads_its_own_company_s_report_and_not_another_s(
    api: Api, fortnight: tuple[Customer, Customer]
) -> None:
    acme, beta = fortnight
    anna = api.token(Role.CUSTOMER, customer=acme.id, subject=acme.contacts[0].email)
    own = sla(api, anna, FORTNIGHT)
    assert own.status_code == 200, own.get_body()
    rows = document(own)["rows"]
    assert isinstance(rows, list)
    assert (document(own)["customer"], {row["customer_id"] for row in rows}) == (acme.id, {acme.id})
    assert sla(api, anna, {**FORTNIGHT, "customer": acme.id}).status_code == 200
    assert sla(api, anna, {**FORTNIGHT, "customer": beta.id}).status_code == 404


def test_operators_may_not_read_the_sla_report_nor_customers_the_at_risk_view(api: Api, customer: Customer) -> None:
    operator = api.token(Role.OPERATOR, subject="olga@desk.example")
    assert sla(api, operator, FORTNIGHT).status_code == 403
    anna = api.token(Role.CUSTOMER, customer=customer.id, subject=customer.contacts[0].email)
    refused = api.call(reports.at_risk_tickets, "GET", "reports/at-risk", token=anna)
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"to": "2026-11-16"}, "from"),
        ({"from": "2026-11-02"}, "to"),
        ({"from": "2026-13-01", "to": "2027-01-16"}, "from"),
        ({"from": "20261102", "to": "2026-11-16"}, "from"),
        ({"from": "2026-11-16", "to": "2026-11-02"}, "to"),
        ({"from": "2026-01-01", "to": "2027-01-03"}, "to"),
        ({**FORTNIGHT, "format": "xml"}, "format"),
        ({**FORTNIGHT, "customer": "ACME!"}, "customer"),
    ],
)
def test_a_bad_report_query_is_answered_with_a_problem_naming_the_parameter(
    api: Api, params: dict[str, str], field: str
) -> None:
    response = sla(api, api.token(Role.SUPERVISOR, Role.ADMIN), params)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert document(response)["field"] == field


def test_the_at_risk_view_over_http_lists_the_nearest_deadline_first_with_each_clock_s_time_left(
    api: Api, desk: Desk, clock: Clock
) -> None:
    company, tickets = open_monday(Scene(desk, clock))
    supervisor = api.token(Role.SUPERVISOR, subject="sara@desk.example")
    response = api.call(
        reports.at_risk_tickets,
        "GET",
        "reports/at-risk",
        token=supervisor,
        params={"customer": company.id, "limit": "3"},
    )
    assert response.status_code == 200, response.get_body()
    view = document(response)
    items = view["items"]
    assert isinstance(items, list)
    assert [item["id"] for item in items] == [tickets["p1 piero's"], tickets["p1 new"], tickets["p2 new"]]
    assert [item["nearest_due"] for item in items] == [
        "2026-11-23T09:30:00Z",
        "2026-11-23T10:00:00Z",
        "2026-11-23T16:30:00Z",
    ]
    assert all(item["take_charge"]["remaining_seconds"] < 0 for item in items)  # all past due by now
    assert (view["scanned"], view["complete"]) == (6, True)
