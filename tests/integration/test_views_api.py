"""``GET /api/views/{view}`` as the host calls it: who may read which view, the problems that name
the parameter at fault, and a page that shows a ticket opened over the API."""

from __future__ import annotations

import json
import uuid

import azure.functions as func
import pytest

from functions import admin, tickets, views
from shared.domain.lifecycle import Role
from tests.integration.conftest import Api, AppSettings


def document(response: func.HttpResponse) -> dict[str, object]:
    return json.loads(response.get_body())  # type: ignore[no-any-return]


def view(api: Api, name: str, token: str, **params: str) -> func.HttpResponse:
    return api.call(views.view_page, "GET", f"views/{name}", token=token, route_params={"view": name}, params=params)


@pytest.fixture
def company(api: Api) -> str:
    """A customer of the test's own, created through the admin route."""
    customer_id = f"views-{uuid.uuid4().hex[:10]}"
    body = {
        "name": "ACME S.p.A.",
        "entitled": True,
        "email_domains": [f"{customer_id}.example"],
        "contacts": [{"email": f"anna@{customer_id}.example", "name": "Anna Bianchi"}],
        "language": "it",
    }
    route = {"id": customer_id}
    put = api.call(
        admin.put_customer,
        "PUT",
        f"admin/customers/{customer_id}",
        token=api.token(Role.ADMIN),
        route_params=route,
        body=body,
    )
    assert put.status_code == 200, put.get_body()
    return customer_id


def open_as_staff(api: Api, customer_id: str) -> str:
    body = {
        "subject": "Il server non risponde",
        "description": "Dal mattino il server non risponde.",
        "customer_id": customer_id,
        "contact_email": f"anna@{customer_id}.example",
    }
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=api.token(Role.SUPERVISOR), body=body)
    assert opened.status_code == 201, opened.get_body()
    return str(document(opened)["id"])


@pytest.mark.parametrize(
    ("roles", "name"),
    [
        ((Role.CUSTOMER,), "queue"),
        ((Role.ADMIN,), "queue"),
        ((Role.OPERATOR,), "all_open"),
        ((Role.OPERATOR,), "vulnerabilities"),
        ((Role.SUPERVISOR,), "vulnerabilities"),
    ],
)
def test_a_view_the_callers_roles_may_not_read_is_403(api: Api, roles: tuple[Role, ...], name: str) -> None:
    customer = "acme" if Role.CUSTOMER in roles else None
    refused = view(api, name, api.token(*roles, customer=customer))
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json"


def test_no_token_is_401_and_an_unknown_view_404(api: Api) -> None:
    assert api.call(views.view_page, "GET", "views/queue", route_params={"view": "queue"}).status_code == 401
    assert view(api, "everything", api.token(Role.SUPERVISOR)).status_code == 404


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("queue", {"customer": "acme", "priority": "1"}, "priority"),
        ("waiting", {"status": "accepted"}, "status"),
        ("queue", {"priority": "5"}, "priority"),
        ("queue", {"customer": "Not/A#Customer"}, "customer"),
        ("queue", {"category": "nonsense"}, "category"),
        ("queue", {"sort": "subject"}, "sort"),
        ("queue", {"limit": "0"}, "limit"),
        ("queue", {"limit": "101"}, "limit"),
        ("queue", {"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
    ],
)
def test_bad_parameters_are_422_naming_the_parameter(api: Api, name: str, params: dict[str, str], field: str) -> None:
    refused = view(api, name, api.token(Role.SUPERVISOR, Role.SECURITY), **params)
    assert refused.status_code == 422
    assert document(refused)["field"] == field


def test_a_supervisor_finds_a_new_ticket_in_all_open_and_an_operator_in_the_queue(api: Api, company: str) -> None:
    customer_id = company
    ticket_id = open_as_staff(api, customer_id)
    for roles, name in (((Role.SUPERVISOR,), "all_open"), ((Role.OPERATOR,), "queue"), ((Role.OPERATOR,), "at_risk")):
        page = view(api, name, api.token(*roles), customer=customer_id)
        assert page.status_code == 200, page.get_body()
        answer = document(page)
        assert answer["view"] == name
        assert answer["refresh_seconds"] == 30
        assert answer["cursor"] is None
        rows = answer["items"]
        assert isinstance(rows, list)
        assert [row["id"] for row in rows] == [ticket_id]
        row = rows[0]
        assert set(row) == {
            "id", "subject", "customer_id", "customer_name", "contact_email", "priority", "category", "status",
            "assignee", "assignee_name", "last_activity", "unread", "sla",
        }  # fmt: skip
        assert row["unread"] is False, "staff opened it on the caller's behalf"
        assert set(row["sla"]) == {"clock", "due", "working_seconds_left", "paused", "breached", "escalation_level"}
        assert row["sla"]["clock"] == "take_charge"
    assert document(view(api, "mine", api.token(Role.OPERATOR), customer=customer_id))["items"] == []


def test_the_refresh_interval_is_the_setting_s(api: Api, app_settings: AppSettings) -> None:
    app_settings(CONSOLE_REFRESH_SECONDS="7")
    page = view(api, "queue", api.token(Role.OPERATOR), customer=f"views-{uuid.uuid4().hex[:10]}")
    assert page.status_code == 200
    assert document(page) == {"view": "queue", "items": [], "cursor": None, "refresh_seconds": 7}
