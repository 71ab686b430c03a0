"""The ticket routes called as the host calls them: a ticket's walk, and how bad input answers."""

from __future__ import annotations

import email
import email.policy
import json
import uuid
from email.message import EmailMessage
from pathlib import Path

import azure.functions as func
import pytest
from azure.data.tables import TableServiceClient, UpdateMode

from devhost.local_identity import mint_token
from functions import admin, calendar_status, tickets
from shared.adapters.storage_layout import TICKETS_TABLE
from shared.adapters.stores.customers import CustomerRegistry
from shared.domain.customers import Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from tests.integration.conftest import Api, AppSettings


def document(response: func.HttpResponse) -> dict[str, object]:
    return json.loads(response.get_body())  # type: ignore[no-any-return]


def put_customer(
    api: Api, customer_id: str, name: str, domains: list[str], contacts: list[dict[str, str]]
) -> func.HttpResponse:
    """An entitled Italian customer written through the admin route."""
    body = {"name": name, "entitled": True, "email_domains": domains, "contacts": contacts, "language": "it"}
    route = {"id": customer_id}
    return api.call(
        admin.put_customer,
        "PUT",
        f"admin/customers/{customer_id}",
        token=api.token(Role.ADMIN),
        route_params=route,
        body=body,
    )


@pytest.fixture
def company(api: Api) -> str:
    """A customer created through the admin route."""
    customer_id = f"acme-{uuid.uuid4().hex[:10]}"
    anna = {"email": f"Anna@{customer_id}.example", "name": "Anna Bianchi"}
    response = put_customer(api, customer_id, "ACME S.p.A.", [f"{customer_id}.example"], [anna])
    assert response.status_code == 200, response.get_body()
    assert document(response)["contacts"] == [{"email": f"anna@{customer_id}.example", "name": "Anna Bianchi"}]
    return customer_id


def test_a_customer_and_an_operator_walk_a_ticket_from_opening_to_closing(api: Api, company: str) -> None:
    customer = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    operator = api.token(Role.OPERATOR, subject="olga@desk.example")

    opened = api.call(
        tickets.open_ticket,
        "POST",
        "tickets",
        token=customer,
        body={"subject": "Login broken", "description": "Nobody can sign in since this morning.", "priority": 2},
    )
    assert opened.status_code == 201, opened.get_body()
    ticket = document(opened)
    ticket_id = str(ticket["id"])
    assert opened.headers["Location"] == f"/api/tickets/{ticket_id}"
    assert opened.headers["ETag"] == '"1"'
    assert (ticket["status"], ticket["language"], ticket["channel"], ticket["priority"]) == ("new", "en", "web", 2)
    sla = ticket["sla"]
    assert isinstance(sla, dict)
    assert str(sla["take_charge_due"]).endswith("Z")
    assert sla["take_charge"]["state"] == "running"

    accepted = api.call(
        tickets.act_on_ticket,
        "POST",
        f"tickets/{ticket_id}/accept",
        token=operator,
        route_params={"id": ticket_id, "action": "accept"},
        body={},
        headers={"If-Match": '"1"'},
    )
    assert accepted.status_code == 200, accepted.get_body()
    assert (document(accepted)["status"], document(accepted)["assignee"]) == ("accepted", "olga@desk.example")

    stale = api.call(
        tickets.act_on_ticket,
        "POST",
        f"tickets/{ticket_id}/classify",
        token=operator,
        route_params={"id": ticket_id, "action": "classify"},
        body={"priority": 1},
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412

    asked = api.call(
        tickets.act_on_ticket,
        "POST",
        f"tickets/{ticket_id}/request-clarification",
        token=operator,
        route_params={"id": ticket_id, "action": "request-clarification"},
        body={"message": "Which browser?"},
    )
    assert document(asked)["status"] == "waiting_customer"
    assert document(asked)["sla"]["paused"] is True  # type: ignore[index]

    answered = api.call(
        tickets.write_message,
        "POST",
        f"tickets/{ticket_id}/messages",
        token=customer,
        route_params={"id": ticket_id},
        body={"body": "Firefox."},
    )
    assert answered.status_code == 201
    assert document(answered)["type"] == "message"

    for action, body in (("resolve", {"resolution": "Session store restarted."}), ("close", {})):
        response = api.call(
            tickets.act_on_ticket,
            "POST",
            f"tickets/{ticket_id}/{action}",
            token=operator,
            route_params={"id": ticket_id, "action": action},
            body=body,
        )
        assert response.status_code == 200, response.get_body()
    final = api.call(tickets.get_ticket, "GET", f"tickets/{ticket_id}", token=customer, route_params={"id": ticket_id})
    assert document(final)["status"] == "closed"

    history = api.call(
        tickets.ticket_events, "GET", f"tickets/{ticket_id}/events", token=customer, route_params={"id": ticket_id}
    )
    assert [event["type"] for event in document(history)["items"]] == [  # type: ignore[attr-defined]
        "created",
        "accepted",
        "clarification_requested",
        "message",
        "resolved",
        "closed",
    ]


def test_a_missing_or_foreign_token_is_answered_401(api: Api) -> None:
    for headers in ({}, {"Authorization": "Basic YWxpY2U6c2VjcmV0"}, {"Authorization": "Bearer not.a.jwt"}):
        request = func.HttpRequest("GET", "http://127.0.0.1:7071/api/tickets", headers=headers, body=b"")
        response = tickets.list_tickets.build().get_user_function()(request)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_invalid_input_is_a_problem_document_naming_the_field(api: Api, company: str) -> None:
    customer = api.token(Role.CUSTOMER, customer=company)
    cases = [
        ({"subject": "x", "description": "y", "priority": 7}, "priority"),
        ({"subject": "", "description": "y"}, "subject"),
        ({"subject": "x", "description": "y", "colour": "red"}, "colour"),
        ({"subject": "x", "description": "y", "customer_id": "someone-else"}, "customer_id"),
        ({"description": "y"}, "subject"),
    ]
    for body, field in cases:
        response = api.call(tickets.open_ticket, "POST", "tickets", token=customer, body=body)
        assert response.status_code == 422, body
        assert document(response)["field"] == field
    not_json = api.call(tickets.open_ticket, "POST", "tickets", token=customer, body=b"{oops")
    assert (not_json.status_code, document(not_json)["field"]) == (422, "body")
    bad_limit = api.call(tickets.list_tickets, "GET", "tickets", token=customer, params={"limit": "1000"})
    assert (bad_limit.status_code, document(bad_limit)["field"]) == (422, "limit")


def test_a_body_over_the_limit_is_answered_413(api: Api, company: str) -> None:
    customer = api.token(Role.CUSTOMER, customer=company)
    huge = json.dumps({"subject": "x", "description": "y" * 70_000}).encode()
    response = api.call(tickets.open_ticket, "POST", "tickets", token=customer, body=huge)
    assert response.status_code == 413


def test_another_customer_s_ticket_is_answered_404(api: Api, company: str) -> None:
    owner = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=owner, body={"subject": "s", "description": "d"})
    ticket_id = str(document(opened)["id"])
    stranger = api.token(Role.CUSTOMER, customer="someone-else")
    for function, method, path in (
        (tickets.get_ticket, "GET", f"tickets/{ticket_id}"),
        (tickets.ticket_events, "GET", f"tickets/{ticket_id}/events"),
    ):
        response = api.call(function, method, path, token=stranger, route_params={"id": ticket_id})
        assert response.status_code == 404


def test_the_calendar_status_is_public(api: Api) -> None:
    request = func.HttpRequest("GET", "http://127.0.0.1:7071/api/calendar/status", body=b"")
    response = calendar_status.calendar_status.build().get_user_function()(request)
    status = json.loads(response.get_body())
    assert response.status_code == 200
    assert set(status) == {"now", "open", "next_opening", "zone", "upcoming_closures"}
    assert status["zone"] == "Europe/Rome"


# --- one-line values ------------------------------------------------------------------------------

FORGED_NAME = "Anna\r\nBcc: x@evil.example"
FORGED_SUBJECT = "Login broken\r\nBcc: y@evil.example\u2028Cc: z@evil.example"


def dropped(folder: Path, ticket_id: str, kind: str) -> EmailMessage:
    """The one mail of ``kind`` about the ticket that the file drop holds."""
    (path,) = folder.glob(f"*{ticket_id.lower()}.*.{kind}*.eml")
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[return-value]


def text_lines(mail: EmailMessage) -> list[str]:
    part = mail.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).splitlines()  # type: ignore[attr-defined]


@pytest.mark.parametrize("opened_by", ["staff, naming the contact", "customer, naming itself", "customer's token"])
def test_a_name_and_a_subject_with_line_breaks_reach_the_staff_mail_on_one_line(
    api: Api, company: str, tmp_path: Path, opened_by: str
) -> None:
    body: dict[str, object] = {"subject": FORGED_SUBJECT, "description": "Nobody can sign in."}
    if opened_by.startswith("staff"):
        token = api.token(Role.OPERATOR, subject="olga@desk.example")
        body |= {"customer_id": company, "contact_email": f"anna@{company}.example", "contact_name": FORGED_NAME}
    elif opened_by.startswith("customer,"):
        token = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
        body["contact_name"] = FORGED_NAME
    else:
        token = mint_token([Role.CUSTOMER], company, subject=f"anna@{company}.example", name=FORGED_NAME, root=api.root)

    opened = api.call(tickets.open_ticket, "POST", "tickets", token=token, body=body)

    assert opened.status_code == 201, opened.get_body()
    ticket = document(opened)
    assert (ticket["contact_name"], ticket["subject"]) == (
        "Anna Bcc: x@evil.example",
        "Login broken Bcc: y@evil.example Cc: z@evil.example",
    )
    team = text_lines(dropped(tmp_path / "mail", str(ticket["id"]), "new_in_queue"))
    assert "Referente: Anna Bcc: x@evil.example" in team
    assert "Oggetto: Login broken Bcc: y@evil.example Cc: z@evil.example" in team
    assert not [line for line in team if line.startswith(("Bcc:", "Cc:"))]
    receipt = dropped(tmp_path / "mail", str(ticket["id"]), "received")  # the contact's mail could be built
    assert receipt["To"].addresses[0].display_name == "Anna Bcc: x@evil.example"


def test_a_customer_s_name_and_its_contacts_names_are_kept_on_one_line(api: Api, tmp_path: Path) -> None:
    customer_id = f"acme-{uuid.uuid4().hex[:10]}"
    anna = {"email": f"anna@{customer_id}.example", "name": FORGED_NAME}
    saved = put_customer(api, customer_id, "ACME\r\nBcc: w@evil.example", [f"{customer_id}.example"], [anna])
    assert saved.status_code == 200, saved.get_body()
    read = customer_document(api, customer_id)
    assert (read["name"], read["contacts"]) == (
        "ACME Bcc: w@evil.example",
        [{"email": f"anna@{customer_id}.example", "name": "Anna Bcc: x@evil.example"}],
    )
    token = api.token(Role.CUSTOMER, customer=customer_id, subject=f"anna@{customer_id}.example")
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=token, body={"subject": "s", "description": "d"})
    team = text_lines(dropped(tmp_path / "mail", str(document(opened)["id"]), "new_in_queue"))
    assert "Referente: Anna Bcc: x@evil.example" in team
    assert not [line for line in team if line.startswith("Bcc:")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": "\x00\x01\u2028", "description": "d"}, "subject"),
        ({"subject": "s", "description": "d", "contact_name": "\r\n\x0b"}, "contact_name"),
    ],
)
def test_a_one_line_value_of_nothing_but_controls_is_refused_naming_it(
    api: Api, company: str, body: dict[str, object], field: str
) -> None:
    token = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    response = api.call(tickets.open_ticket, "POST", "tickets", token=token, body=body)
    assert (response.status_code, document(response)["field"]) == (422, field)


@pytest.mark.parametrize("assignee", ["olga@desk.example\r\nBcc: x@evil.example", "olga\x00@desk.example", "olga@desk"])
def test_an_assignee_that_is_no_plain_address_is_refused_naming_it(api: Api, company: str, assignee: str) -> None:
    customer = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=customer, body={"subject": "s", "description": "d"})
    ticket_id = str(document(opened)["id"])
    response = api.call(
        tickets.act_on_ticket,
        "POST",
        f"tickets/{ticket_id}/assign",
        token=api.token(Role.SUPERVISOR, subject="sara@desk.example"),
        route_params={"id": ticket_id, "action": "assign"},
        body={"assignee": assignee},
    )
    assert (response.status_code, document(response)["field"]) == (422, "assignee")


# --- contacts -------------------------------------------------------------------------------------


def customer_document(api: Api, customer_id: str) -> dict[str, object]:
    path, route = f"admin/customers/{customer_id}", {"id": customer_id}
    return document(api.call(admin.get_customer, "GET", path, token=api.token(Role.ADMIN), route_params=route))


def ticket_count(api: Api, company: str) -> int:
    anna = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    items = document(api.call(tickets.list_tickets, "GET", "tickets", token=anna))["items"]
    assert isinstance(items, list)
    return len(items)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"email": None}, id="no-email-claim"),
        pytest.param({"email": "Anna Bianchi"}, id="email-claim-no-address"),
        pytest.param({"email": None, "preferred_username": "anna"}, id="preferred-username-no-address"),
    ],
)
def test_a_customer_whose_token_has_no_usable_email_cannot_open_a_ticket(
    api: Api, company: str, claims: dict[str, object]
) -> None:
    token = mint_token(
        [Role.CUSTOMER], company, subject="6f1c8a2e-0000-4000-8000-00000000a11a", extra_claims=claims, root=api.root
    )

    response = api.call(tickets.open_ticket, "POST", "tickets", token=token, body={"subject": "s", "description": "d"})

    assert response.status_code == 403, response.get_body()
    assert response.mimetype == "application/problem+json"
    assert (document(response)["claim"], document(response)["status"]) == ("email", 403)
    assert "email" in str(document(response)["detail"])
    assert ticket_count(api, company) == 0


@pytest.mark.parametrize(
    ("address", "accepted"),
    [
        pytest.param("anna@{company}.example", True, id="a-registered-contact"),
        pytest.param("Anna@{company}.EXAMPLE", True, id="a-registered-contact-in-capitals"),
        pytest.param("someone.new@{company}.example", True, id="an-address-on-its-domain"),
        pytest.param("eve@evil.example", False, id="an-address-elsewhere"),
        pytest.param("anna@{company}.example.evil.example", False, id="its-domain-as-a-prefix"),
        pytest.param("anna@mail.{company}.example", False, id="a-subdomain-of-its-domain"),
    ],
)
def test_a_customer_opens_a_ticket_only_from_a_contact_or_an_address_on_its_domains(
    api: Api, company: str, address: str, accepted: bool
) -> None:
    token = api.token(Role.CUSTOMER, customer=company, subject=address.format(company=company))

    response = api.call(tickets.open_ticket, "POST", "tickets", token=token, body={"subject": "s", "description": "d"})

    if accepted:
        assert response.status_code == 201, response.get_body()
        assert document(response)["contact_email"] == address.format(company=company).lower()
    else:
        assert (response.status_code, document(response).get("claim")) == (403, "email"), response.get_body()
        assert ticket_count(api, company) == 0
    assert customer_document(api, company)["contacts"] == [{"email": f"anna@{company}.example", "name": "Anna Bianchi"}]


def staff_opening(company: str, contact_email: str, **more: object) -> dict[str, object]:
    return {"subject": "Phoned in", "description": "d", "customer_id": company, "contact_email": contact_email, **more}


def test_staff_typing_a_new_address_on_the_customer_s_domain_add_it_to_its_contacts_audited(
    api: Api, company: str
) -> None:
    olga = api.token(Role.OPERATOR, subject="olga@desk.example")
    body = staff_opening(company, f"Marco@{company}.example", contact_name="Marco Rossi")

    first = api.call(tickets.open_ticket, "POST", "tickets", token=olga, body=body)
    second = api.call(
        tickets.open_ticket, "POST", "tickets", token=olga, body=staff_opening(company, f"marco@{company}.example")
    )

    assert (first.status_code, second.status_code) == (201, 201), (first.get_body(), second.get_body())
    assert customer_document(api, company)["contacts"] == [
        {"email": f"anna@{company}.example", "name": "Anna Bianchi"},
        {"email": f"marco@{company}.example", "name": "Marco Rossi"},
    ]
    assert (document(second)["contact_email"], document(second)["contact_name"]) == (
        f"marco@{company}.example",
        "Marco Rossi",
    )
    trails = [
        document(
            api.call(
                admin.audit_trail, "GET", "admin/audit", token=api.token(Role.ADMIN), params={"ticket": str(opened)}
            )
        )["items"]
        for opened in (document(first)["id"], document(second)["id"])
    ]
    actions = [[(item["actor"], item["action"]) for item in trail] for trail in trails]  # type: ignore[union-attr]
    assert actions == [
        [("olga@desk.example", "open"), ("olga@desk.example", f"add-contact:marco@{company}.example")],
        [("olga@desk.example", "open")],
    ]


def test_staff_typing_a_new_address_without_a_name_register_it_under_the_address(api: Api, company: str) -> None:
    olga = api.token(Role.OPERATOR, subject="olga@desk.example")
    opened = api.call(
        tickets.open_ticket, "POST", "tickets", token=olga, body=staff_opening(company, f"ugo@{company}.example")
    )
    assert opened.status_code == 201, opened.get_body()
    assert {"email": f"ugo@{company}.example", "name": f"ugo@{company}.example"} in customer_document(api, company)[
        "contacts"
    ]  # type: ignore[operator]


@pytest.mark.parametrize(
    "address", ["eve@evil.example", "anna@{company}.example.evil.example", "anna@mail.{company}.example"]
)
def test_staff_cannot_open_a_ticket_for_an_address_outside_the_customer(api: Api, company: str, address: str) -> None:
    olga = api.token(Role.OPERATOR, subject="olga@desk.example")
    body = staff_opening(company, address.format(company=company), contact_name="Eve")

    response = api.call(tickets.open_ticket, "POST", "tickets", token=olga, body=body)

    assert (response.status_code, document(response)["field"]) == (422, "contact_email"), response.get_body()
    assert ticket_count(api, company) == 0
    assert customer_document(api, company)["contacts"] == [{"email": f"anna@{company}.example", "name": "Anna Bianchi"}]


def test_staff_cannot_give_a_customer_another_customer_s_contact_on_its_domain(api: Api, company: str) -> None:
    other = f"brio-{uuid.uuid4().hex[:10]}"
    consultant = f"luca@{company}.example"
    saved = put_customer(api, other, "Brio", [], [{"email": consultant, "name": "Luca"}])
    assert saved.status_code == 200, saved.get_body()
    olga = api.token(Role.OPERATOR, subject="olga@desk.example")

    response = api.call(tickets.open_ticket, "POST", "tickets", token=olga, body=staff_opening(company, consultant))

    assert (response.status_code, document(response)["field"]) == (422, "contact_email"), response.get_body()
    assert ticket_count(api, company) == 0
    assert customer_document(api, other)["contacts"] == [{"email": consultant, "name": "Luca"}]


# --- staff names shown to customers --------------------------------------------------------------

OLGA = "olga@desk.example"


def act(api: Api, token: str, ticket_id: str, action: str, body: dict[str, object]) -> func.HttpResponse:
    route = {"id": ticket_id, "action": action}
    response = api.call(
        tickets.act_on_ticket, "POST", f"tickets/{ticket_id}/{action}", token=token, route_params=route, body=body
    )
    assert response.status_code == 200, response.get_body()
    return response


def seen(api: Api, token: str, ticket_id: str) -> tuple[dict[str, object], list[dict[str, object]], str]:
    """The ticket and its events as ``token`` reads them, and every body those reads answered."""
    route = {"id": ticket_id}
    ticket = api.call(tickets.get_ticket, "GET", f"tickets/{ticket_id}", token=token, route_params=route)
    events = api.call(tickets.ticket_events, "GET", f"tickets/{ticket_id}/events", token=token, route_params=route)
    listed = api.call(tickets.list_tickets, "GET", "tickets", token=token)
    bodies = b"".join(response.get_body() for response in (ticket, events, listed)).decode()
    return document(ticket), document(events)["items"], bodies  # type: ignore[return-value]


def opened_by_anna(api: Api, company: str) -> tuple[str, str]:
    anna = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=anna, body={"subject": "s", "description": "d"})
    assert opened.status_code == 201, opened.get_body()
    return anna, str(document(opened)["id"])


def test_a_customer_sees_staff_by_their_name_and_staff_see_the_handle(api: Api, company: str, tmp_path: Path) -> None:
    anna, ticket_id = opened_by_anna(api, company)
    olga = mint_token([Role.OPERATOR], subject=OLGA, name="Olga Neri", root=api.root)
    act(api, olga, ticket_id, "accept", {})
    act(api, olga, ticket_id, "request-clarification", {"message": "Which browser?"})

    ticket, events, bodies = seen(api, anna, ticket_id)
    assert (ticket["assignee"], ticket["assignee_name"]) == ("Olga Neri", "Olga Neri")
    staff_events = [
        (event["type"], event["actor"], event["actor_name"]) for event in events if event["actor_role"] != "customer"
    ]
    assert staff_events == [
        ("accepted", "Olga Neri", "Olga Neri"),
        ("clarification_requested", "Olga Neri", "Olga Neri"),
    ]
    assert "olga@" not in bodies
    assert "desk.example" not in bodies

    staff_ticket, staff_events_seen, _ = seen(api, olga, ticket_id)
    assert (staff_ticket["assignee"], staff_ticket["assignee_name"]) == (OLGA, "Olga Neri")
    assert [event["actor"] for event in staff_events_seen if event["actor_role"] == "operator"] == [OLGA, OLGA]

    for kind in ("accepted", "clarification_requested"):
        mail = dropped(tmp_path / "mail", ticket_id, kind)
        text = "\n".join(text_lines(mail))
        assert "Olga Neri" in text
        assert OLGA not in text
        assert OLGA not in str(mail.get_body(("html",)).get_content())


def test_a_member_of_staff_whose_name_is_unknown_is_shown_to_customers_as_support(api: Api, company: str) -> None:
    anna, ticket_id = opened_by_anna(api, company)
    olga = api.token(Role.OPERATOR, subject=OLGA)  # no name claim
    act(api, olga, ticket_id, "accept", {})

    ticket, events, bodies = seen(api, anna, ticket_id)
    assert (ticket["assignee"], ticket["assignee_name"]) == ("support", None)
    assert [(event["actor"], event["actor_name"]) for event in events if event["type"] == "accepted"] == [
        ("support", None)
    ]
    assert "olga@" not in bodies


def test_rows_written_before_names_were_recorded_show_customers_no_address(
    api: Api, company: str, table_service: TableServiceClient
) -> None:
    anna, ticket_id = opened_by_anna(api, company)
    act(api, mint_token([Role.OPERATOR], subject=OLGA, name="Olga Neri", root=api.root), ticket_id, "accept", {})
    table = table_service.get_table_client(TICKETS_TABLE)
    for row in table.query_entities("PartitionKey eq @pk", parameters={"pk": company}):
        if row["RowKey"].startswith(("T|", "E|")):  # as an earlier version wrote them: no names
            old = {name: value for name, value in row.items() if name not in ("AssigneeName", "ActorName")}
            table.upsert_entity(old, mode=UpdateMode.REPLACE)

    ticket, events, bodies = seen(api, anna, ticket_id)

    assert (ticket["assignee"], ticket["assignee_name"]) == ("support", None)
    assert [event["actor"] for event in events if event["type"] == "accepted"] == ["support"]
    assert "olga@" not in bodies


def test_an_assignee_named_by_a_supervisor_is_shown_by_the_directory_name_then_by_their_own(
    api: Api, company: str
) -> None:
    """Assigned, the ticket shows the staff directory's name (the test directory names Olga as the
    demo does); once she acts, the name her own token carries."""
    anna, ticket_id = opened_by_anna(api, company)
    sara = mint_token([Role.SUPERVISOR], subject="sara@desk.example", name="Sara Conti", root=api.root)
    olga = mint_token([Role.OPERATOR], subject=OLGA, name="Olga Neri", root=api.root)

    act(api, sara, ticket_id, "assign", {"assignee": OLGA})
    assigned, _, bodies = seen(api, anna, ticket_id)
    act(api, olga, ticket_id, "accept", {})
    accepted, _, later_bodies = seen(api, anna, ticket_id)

    assert (assigned["assignee"], accepted["assignee"]) == ("Olga Conti", "Olga Neri")
    assert "olga@" not in bodies + later_bodies
    assert "sara@" not in bodies + later_bodies


# --- the creation limit -----------------------------------------------------------------------------


def test_a_customer_opening_tickets_in_a_burst_is_answered_429_with_retry_after_and_others_are_not(
    api: Api, app_settings: AppSettings, company: str, table_service: TableServiceClient
) -> None:
    app_settings(TICKET_CREATION_BURST="3", TICKET_CREATION_PER_HOUR="12")  # then one every 5 minutes
    anna = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    body = {"subject": "s", "description": "d"}

    statuses = [api.call(tickets.open_ticket, "POST", "tickets", token=anna, body=body) for _ in range(5)]

    assert [response.status_code for response in statuses] == [201, 201, 201, 429, 429]
    refused = statuses[3]
    assert refused.mimetype == "application/problem+json"
    assert (document(refused)["status"], document(refused)["title"]) == (429, "Too many requests")
    assert 240 < int(refused.headers["Retry-After"]) <= 300
    assert ticket_count(api, company) == 3
    olga = api.token(Role.OPERATOR, subject=OLGA)
    on_behalf = api.call(
        tickets.open_ticket, "POST", "tickets", token=olga, body=staff_opening(company, f"anna@{company}.example")
    )
    assert on_behalf.status_code == 201, on_behalf.get_body()  # staff opening for a caller are not limited
    other = f"brio-{uuid.uuid4().hex[:10]}"
    CustomerRegistry(table_service).put(Customer(other, "Brio", True, (f"{other}.example",), (), Language.ENGLISH))
    bruno = api.token(Role.CUSTOMER, customer=other, subject=f"bruno@{other}.example")
    assert api.call(tickets.open_ticket, "POST", "tickets", token=bruno, body=body).status_code == 201
