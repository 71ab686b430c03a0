"""Reports keep ``vulnerability`` tickets from staff without the ``security`` role: the at-risk view
lists them for security staff only, and the SLA report (JSON and CSV) never names a ticket at all.

The routes are called as the host calls them. The vulnerability is opened at an instant earlier than
any other test's (2001), so that it heads every at-risk view that may show it, across all customers
too; it is closed at the end, leaving nothing open behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import azure.functions as func
import pytest

from functions import reports
from shared.domain.language import Language
from shared.domain.lifecycle import Action, Role
from shared.domain.sla.policy import Category, Priority
from shared.usecases.desk import Desk, NewTicket
from tests.integration.conftest import Api, Clock, customer_caller, staff_caller
from tests.integration.report_scenes import new_customer

SUBJECT = "Remote code execution in the upload form"
JANUARY_2001 = {"from": "2001-01-01", "to": "2001-02-01"}
SECURITY = staff_caller("sam@desk.example", Role.SECURITY, Role.SUPERVISOR)

#: The staff who may not see the vulnerability (their roles), and those who may.
WITHOUT_SECURITY = {
    "operator": (Role.OPERATOR,),
    "supervisor": (Role.SUPERVISOR,),
    "supervisor and admin": (Role.SUPERVISOR, Role.ADMIN),
}
WITH_SECURITY = {"security": (Role.SECURITY,), "security supervisor": (Role.SECURITY, Role.SUPERVISOR)}
#: A report of the vulnerability's customer alone, or of every customer.
SCOPES = pytest.mark.parametrize("scope", ["one customer", "every customer"])


@dataclass(frozen=True)
class Vulnerability:
    customer_id: str
    ticket_id: str


@pytest.fixture
def vulnerability(desk: Desk, clock: Clock) -> Iterator[Vulnerability]:
    company = new_customer(desk, "0day")  # its partition comes first in every scan
    clock.set("2001-01-08 09:00")
    request = NewTicket(
        subject=SUBJECT,
        description="Uploading a crafted archive runs code on the server.",
        customer_id=company.id,
        contact_email=company.contacts[0].email,
        category=Category.VULNERABILITY,
        priority=Priority.HIGH,
        language=Language.ENGLISH,
    )
    ticket_id = desk.open(customer_caller(company), request).ticket.id
    yield Vulnerability(company.id, ticket_id)
    desk.act(SECURITY, ticket_id, Action.ACCEPT, {}, None)
    desk.act(SECURITY, ticket_id, Action.RESOLVE, {"resolution": "Patched."}, None)
    desk.act(SECURITY, ticket_id, Action.CLOSE, {}, None)


def report(api: Api, roles: tuple[Role, ...], route: str, params: dict[str, str]) -> func.HttpResponse:
    """``GET /api/reports/<route>`` (``at-risk`` or ``sla``) as staff with ``roles``: a 200."""
    function = reports.at_risk_tickets if route == "at-risk" else reports.sla_report_of_period
    token = api.token(*roles, subject="staff@desk.example")
    response = api.call(function, "GET", f"reports/{route}", token=token, params=params)
    assert response.status_code == 200, response.get_body()
    return response


def scoped(vulnerability: Vulnerability, scope: str, **params: str) -> dict[str, str]:
    """``params``, and the vulnerability's customer for the scope ``one customer``."""
    return params | ({"customer": vulnerability.customer_id} if scope == "one customer" else {})


def names_it(response: func.HttpResponse, vulnerability: Vulnerability) -> bool:
    """Whether the answer carries the vulnerability's id or subject anywhere."""
    body = response.get_body().decode()
    return vulnerability.ticket_id in body or SUBJECT in body


@SCOPES
@pytest.mark.parametrize("who", list(WITHOUT_SECURITY))
def test_the_at_risk_view_keeps_a_vulnerability_from_staff_without_the_security_role(
    api: Api, vulnerability: Vulnerability, who: str, scope: str
) -> None:
    answer = report(api, WITHOUT_SECURITY[who], "at-risk", scoped(vulnerability, scope, limit="100"))
    assert not names_it(answer, vulnerability)


@SCOPES
@pytest.mark.parametrize("who", list(WITH_SECURITY))
def test_the_at_risk_view_heads_with_the_overdue_vulnerability_for_security_staff(
    api: Api, vulnerability: Vulnerability, who: str, scope: str
) -> None:
    answer = report(api, WITH_SECURITY[who], "at-risk", scoped(vulnerability, scope, limit="1"))
    items = json.loads(answer.get_body())["items"]
    assert [(item["id"], item["subject"], item["category"]) for item in items] == [
        (vulnerability.ticket_id, SUBJECT, "vulnerability")
    ]


@pytest.mark.parametrize("answer", ["json", "csv"])
@SCOPES
@pytest.mark.parametrize("who", ["supervisor", "supervisor and admin", "admin"])
def test_the_sla_report_counts_a_vulnerability_in_its_figures_and_never_names_it(
    api: Api, vulnerability: Vulnerability, who: str, scope: str, answer: str
) -> None:
    roles = {"admin": (Role.ADMIN,), **WITHOUT_SECURITY}[who]
    response = report(api, roles, "sla", scoped(vulnerability, scope, **JANUARY_2001, format=answer))
    assert not names_it(response, vulnerability)
    assert "vulnerability" not in response.get_body().decode()  # not even its category
    if answer == "json":
        rows = json.loads(response.get_body())["rows"]
        mine = [row for row in rows if row["customer_id"] == vulnerability.customer_id]
        assert [(row["priority"], row["opened"]) for row in mine] == [(2, 1)]  # figures, never a ticket
