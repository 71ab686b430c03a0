"""The staff directory on Azurite: its store, its admin routes, the refusal of inactive members on
every route, and the assignment check, called as the host calls the handlers."""

from __future__ import annotations

import json
import uuid

import azure.functions as func
import pytest
from azure.data.tables import TableServiceClient

from devhost.local_identity import LOCAL_STAFF_ISSUER
from functions import admin, staff, tickets
from shared.adapters.stores.staff import StaffStore
from shared.domain.lifecycle import Role
from shared.domain.staff import staff_key, staff_member
from tests.integration.conftest import Api

ENTRA = "https://login.microsoftonline.com/{tenant}/v2.0"


def document(response: func.HttpResponse) -> dict[str, object]:
    return json.loads(response.get_body())  # type: ignore[no-any-return]


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@desk.example"


def member_body(email: str, *roles: str, issuer: str = LOCAL_STAFF_ISSUER, active: bool = True) -> dict[str, object]:
    return {
        "issuer": issuer,
        "object_id": email,
        "name": email.split("@")[0],
        "email": email,
        "roles": list(roles or ("operator",)),
        "language": "it",
        "active": active,
    }


def put(api: Api, body: dict[str, object], *, role: Role = Role.ADMIN) -> func.HttpResponse:
    return api.call(staff.put_staff, "PUT", "admin/staff", token=api.token(role), body=body)


def test_the_store_keeps_a_member_under_an_issuer_url_and_pages_in_key_order(table_service: TableServiceClient) -> None:
    store = StaffStore(table_service)
    issuer = ENTRA.format(tenant=uuid.uuid4())
    email = unique("olga")
    olga = staff_member(
        issuer, "a/b#c?d\\e", name="Olga", email=email, roles=frozenset({"operator"}), language="it", active=True
    )
    store.put(olga)
    assert store.get(staff_key(issuer, "a/b#c?d\\e")) == olga
    assert store.get("not-a-key") is None
    assert store.with_email(email.upper()) == [olga]
    seen, cursor = [], None
    while True:
        page = store.page(limit=2, cursor=cursor)
        seen += [member.key for member in page.items]
        if not (cursor := page.cursor):
            break
    assert seen == sorted(seen)
    assert olga.key in seen


def test_an_admin_creates_reads_lists_and_deactivates_a_member(api: Api) -> None:
    email = unique("otto")
    created = put(api, member_body(email, "operator", "security", issuer=ENTRA.format(tenant="t/1")))
    assert created.status_code == 200, created.get_body()
    key = str(document(created)["key"])
    assert key == staff_key(ENTRA.format(tenant="t/1"), email)
    admin = api.token(Role.ADMIN)
    read = api.call(staff.get_staff, "GET", f"admin/staff/{key}", token=admin, route_params={"key": key})
    assert (read.status_code, document(read)["roles"], document(read)["active"]) == (
        200,
        ["operator", "security"],
        True,
    )
    patched = api.call(
        staff.patch_staff,
        "PATCH",
        f"admin/staff/{key}",
        token=admin,
        route_params={"key": key},
        body={"active": False, "language": "en"},
    )
    assert (document(patched)["active"], document(patched)["language"], document(patched)["email"]) == (
        False,
        "en",
        email,
    )
    listed = api.call(staff.list_staff, "GET", "admin/staff", token=admin, params={"limit": "1"})
    assert listed.status_code == 200
    assert len(document(listed)["items"]) == 1  # type: ignore[arg-type]
    assert document(listed)["cursor"]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.SECURITY])
def test_the_directory_is_for_admins_only(api: Api, role: Role) -> None:
    assert put(api, member_body(unique("x")), role=role).status_code == 403
    listed = api.call(staff.list_staff, "GET", "admin/staff", token=api.token(role))
    assert listed.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"roles": ["customer"]}, "roles.0"),
        ({"roles": []}, "roles"),
        ({"language": "de"}, "language"),
        ({"email": "nobody"}, "email"),
        ({"issuer": ""}, "issuer"),
        ({"nickname": "x"}, "nickname"),
    ],
)
def test_a_bad_member_is_refused_naming_the_field(api: Api, change: dict[str, object], field: str) -> None:
    response = put(api, {**member_body(unique("bad")), **change})
    assert (response.status_code, document(response)["field"]) == (422, field)


def test_an_unknown_key_is_not_found_and_another_members_address_is_refused(api: Api) -> None:
    key = staff_key(LOCAL_STAFF_ISSUER, unique("nobody"))
    read = api.call(
        staff.get_staff, "GET", f"admin/staff/{key}", token=api.token(Role.ADMIN), route_params={"key": key}
    )
    assert read.status_code == 404
    email = unique("twin")
    assert put(api, member_body(email)).status_code == 200
    twin = put(api, {**member_body(email), "object_id": "another-person"})
    assert (twin.status_code, document(twin)["field"]) == (422, "email")


def test_an_inactive_member_is_refused_on_every_route_and_one_without_an_entry_is_let_in(api: Api) -> None:
    gone = unique("gone")
    assert put(api, member_body(gone, active=False)).status_code == 200
    listed = api.call(tickets.list_tickets, "GET", "tickets", token=api.token(Role.OPERATOR, subject=gone))
    assert listed.status_code == 403
    newcomer = api.token(Role.OPERATOR, subject=unique("newcomer"))
    assert api.call(tickets.list_tickets, "GET", "tickets", token=newcomer).status_code == 200
    inactive_admin = unique("admin")
    assert put(api, member_body(inactive_admin, "admin", active=False)).status_code == 200
    refused = api.call(staff.list_staff, "GET", "admin/staff", token=api.token(Role.ADMIN, subject=inactive_admin))
    assert refused.status_code == 403


def open_ticket(api: Api, company: str, category: str = "bug") -> str:
    body = {
        "subject": "s",
        "description": "d",
        "customer_id": company,
        "contact_email": f"anna@{company}.example",
        "category": category,
        "priority": 2,
    }
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=api.token(Role.SUPERVISOR), body=body)
    assert opened.status_code == 201, opened.get_body()
    return str(document(opened)["id"])


def assign(api: Api, ticket_id: str, assignee: str) -> func.HttpResponse:
    return api.call(
        tickets.act_on_ticket,
        "POST",
        f"tickets/{ticket_id}/assign",
        token=api.token(Role.SUPERVISOR, Role.SECURITY, subject="sue@desk.example"),
        route_params={"id": ticket_id, "action": "assign"},
        body={"assignee": assignee},
    )


@pytest.fixture
def company(api: Api) -> str:
    customer_id = f"acme-{uuid.uuid4().hex[:10]}"
    body = {
        "name": "ACME",
        "entitled": True,
        "email_domains": [f"{customer_id}.example"],
        "contacts": [{"email": f"anna@{customer_id}.example", "name": "Anna"}],
        "language": "en",
    }
    response = api.call(
        admin.put_customer,
        "PUT",
        f"admin/customers/{customer_id}",
        token=api.token(Role.ADMIN),
        route_params={"id": customer_id},
        body=body,
    )
    assert response.status_code == 200, response.get_body()
    return customer_id


def test_a_ticket_is_assigned_only_to_an_active_member(api: Api, company: str) -> None:
    gone = unique("gone")
    assert put(api, member_body(gone, active=False)).status_code == 200
    ticket_id = open_ticket(api, company)
    for assignee in (gone, unique("stranger")):
        refused = assign(api, ticket_id, assignee)
        assert (refused.status_code, document(refused)["field"]) == (422, "assignee")
    assert assign(api, ticket_id, "olga@desk.example").status_code == 200


def test_an_assignment_names_the_assignee_as_the_directory_does(api: Api, company: str) -> None:
    """Assigned, the ticket shows the member's directory name at once, before the assignee acts."""
    colleague = unique("rita")
    body = {**member_body(colleague), "name": "Rita Mancini"}
    assert put(api, body).status_code == 200
    ticket_id = open_ticket(api, company)
    assigned = assign(api, ticket_id, colleague)
    assert assigned.status_code == 200, assigned.get_body()
    answer = document(assigned)
    assert (answer["assignee"], answer["assignee_name"]) == (colleague, "Rita Mancini")


def test_a_vulnerability_ticket_is_assigned_only_to_a_security_member(api: Api, company: str) -> None:
    ticket_id = open_ticket(api, company, "vulnerability")
    refused = assign(api, ticket_id, "olga@desk.example")
    assert (refused.status_code, document(refused)["field"]) == (422, "assignee")
    assert "security" in str(document(refused)["detail"])
    assert assign(api, ticket_id, "sam@desk.example").status_code == 200
