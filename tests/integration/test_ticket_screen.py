"""The console's ticket screen on Azurite, called as the host calls it: what it answers (the
ticket exactly as ``GET /api/tickets/{id}``, the history's first page as the events route, the
customer panel, the mails with their delivery state), who may see what in it, and what it costs
in storage requests, counted at the transport."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from functools import cache
from typing import Any

import azure.functions as func
import pytest
from azure.data.tables import TableServiceClient

from benchmarks.harness import CountingTransport, counting_service
from functions import dependencies, screen, tickets
from shared.adapters.storage import azurite_connection_string
from shared.adapters.storage_layout import (
    AUDIT_TABLE,
    CLOSURES_TABLE,
    CONSOLE_VIEWS_TABLE,
    CUSTOMERS_TABLE,
    STAFF_TABLE,
    TICKET_IDS_TABLE,
    TICKETS_TABLE,
)
from shared.adapters.stores import tickets as ticket_rows
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.outbox import OutboxStore
from shared.domain.customers import Contact, Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from tests.integration.conftest import Api

OPERATOR = "olga@desk.example"
COLLEAGUE = "otto@desk.example"
SUPERVISOR = "sue@desk.example"
SECURITY = "sam@desk.example"

#: The tables whose reads a worker caches (the closures for the calendar, the staff directory for
#: the active-member check): counted apart, as docs/console.md says.
CACHED = (CLOSURES_TABLE, STAFF_TABLE)


def document(response: func.HttpResponse) -> Any:
    return json.loads(response.get_body())


@pytest.fixture
def company(table_service: TableServiceClient) -> Customer:
    """An entitled Italian customer with two contacts, made for the test."""
    customer_id = f"acme-{uuid.uuid4().hex[:10]}"
    contacts = (Contact(f"anna@{customer_id}.example", "Anna Bianchi"), Contact(f"bea@{customer_id}.example", "Bea"))
    customer = Customer(customer_id, "ACME S.p.A.", True, (f"{customer_id}.example",), contacts, Language.ITALIAN)
    return CustomerRegistry(table_service).put(customer)


def tokens(api: Api, company: Customer) -> dict[str, str]:
    return {
        "customer": api.token(Role.CUSTOMER, customer=company.id, subject=company.contacts[0].email),
        "operator": api.token(Role.OPERATOR, subject=OPERATOR),
        "colleague": api.token(Role.OPERATOR, subject=COLLEAGUE),
        "supervisor": api.token(Role.SUPERVISOR, subject=SUPERVISOR),
        "security": api.token(Role.SECURITY, Role.OPERATOR, subject=SECURITY),
    }


def open_ticket(api: Api, token: str, subject: str, **extra: object) -> str:
    body = {"subject": subject, "description": "Nessuno riesce ad accedere da stamattina.", **extra}
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=token, body=body)
    assert opened.status_code == 201, opened.get_body()
    return str(document(opened)["id"])


def act(api: Api, token: str, ticket_id: str, action: str, body: dict[str, object]) -> None:
    route = {"id": ticket_id, "action": action}
    done = api.call(
        tickets.act_on_ticket, "POST", f"tickets/{ticket_id}/{action}", token=token, body=body, route_params=route
    )
    assert done.status_code == 200, done.get_body()


def call_screen(api: Api, token: str, ticket_id: str, **params: str) -> func.HttpResponse:
    route = {"id": ticket_id}
    return api.call(
        screen.ticket_screen, "GET", f"tickets/{ticket_id}/screen", token=token, route_params=route, params=params
    )


def counting_tables(monkeypatch: pytest.MonkeyPatch) -> CountingTransport:
    """Make the app build everything anew on a Table client whose transport counts: a worker
    that never saw any ticket id."""
    client, transport = counting_service(azurite_connection_string(), 5.0)
    monkeypatch.setattr(dependencies, "tables", cache(lambda: client))
    dependencies.forget()
    return transport


def test_the_screen_answers_the_ticket_its_history_its_customer_and_its_mails(api: Api, company: Customer) -> None:
    token = tokens(api, company)
    ticket_id = open_ticket(api, token["customer"], "Accesso bloccato")
    other_id = open_ticket(api, token["customer"], "Fattura sbagliata")
    done_id = open_ticket(api, token["customer"], "Già risolto")
    act(api, token["supervisor"], done_id, "accept", {})
    act(api, token["supervisor"], done_id, "resolve", {"resolution": "Fatto."})
    act(api, token["operator"], ticket_id, "accept", {})
    for number in range(3):
        noted = api.call(
            tickets.write_message, "POST", f"tickets/{ticket_id}/messages", token=token["operator"],
            body={"body": f"nota {number}", "internal": True}, route_params={"id": ticket_id},
        )  # fmt: skip
        assert noted.status_code == 201, noted.get_body()

    response = call_screen(api, token["operator"], ticket_id, limit="3")

    assert response.status_code == 200, response.get_body()
    answer = document(response)
    read = api.call(
        tickets.get_ticket, "GET", f"tickets/{ticket_id}", token=token["operator"], route_params={"id": ticket_id}
    )
    assert response.headers["ETag"] == read.headers["ETag"] == '"5"'
    assert answer["ticket"] == document(read)
    history = api.call(
        tickets.ticket_events, "GET", f"tickets/{ticket_id}/events", token=token["operator"],
        route_params={"id": ticket_id}, params={"limit": "3"},
    )  # fmt: skip
    assert answer["events"] == document(history)["items"]
    assert [event["type"] for event in answer["events"]] == ["created", "accepted", "message"]
    rest = api.call(
        tickets.ticket_events, "GET", f"tickets/{ticket_id}/events", token=token["operator"],
        route_params={"id": ticket_id}, params={"cursor": answer["events_cursor"]},
    )  # fmt: skip
    assert [event["body"] for event in document(rest)["items"]] == ["nota 1", "nota 2"]
    assert answer["customer"] == {
        "id": company.id,
        "name": "ACME S.p.A.",
        "entitled": True,
        "language": "it",
        "contacts": [{"email": contact.email, "name": contact.name} for contact in company.contacts],
    }
    assert answer["other_open"] == [{"id": other_id, "subject": "Fattura sbagliata", "status": "new", "priority": 3}]
    mails = [(mail["id"], mail["kind"], mail["to_role"], mail["state"]) for mail in answer["mails"]]
    assert mails == [
        (f"{ticket_id}.1.0", "received", "customer", "sent"),
        (f"{ticket_id}.1.1", "new_in_queue", "team", "sent"),
        (f"{ticket_id}.2.0", "accepted", "customer", "sent"),
    ]
    assert all(mail["sent_at"] and mail["attempts"] == 1 and mail["reason"] is None for mail in answer["mails"])


def test_a_mail_that_failed_shows_why(api: Api, company: Customer, table_service: TableServiceClient) -> None:
    token = tokens(api, company)
    ticket_id = open_ticket(api, token["customer"], "Accesso bloccato")
    outbox = OutboxStore(table_service)
    stored = outbox.get(company.id, f"{ticket_id}.1.0")
    assert stored is not None
    outbox.replace(stored, replace(stored.notification.given_up("550 5.1.1 mailbox unavailable"), attempts=5))

    answer = document(call_screen(api, token["supervisor"], ticket_id))

    first = answer["mails"][0]
    assert (first["state"], first["attempts"], first["reason"]) == ("failed", 5, "550 5.1.1 mailbox unavailable")


def test_the_customer_panel_lists_a_vulnerability_only_to_the_security_role(api: Api, company: Customer) -> None:
    token = tokens(api, company)
    ticket_id = open_ticket(api, token["customer"], "Accesso bloccato")
    hole_id = open_ticket(api, token["customer"], "Iniezione SQL", category="vulnerability", priority=2)
    theirs = open_ticket(api, token["customer"], "Di Otto")
    act(api, token["supervisor"], theirs, "assign", {"assignee": COLLEAGUE})

    listed = {
        role: [item["id"] for item in document(call_screen(api, token[role], ticket_id))["other_open"]]
        for role in ("operator", "supervisor", "security")
    }

    # the operator sees the queue and his own, the security role (an operator too) the vulnerability
    assert listed == {"operator": [], "supervisor": [theirs], "security": [hole_id]}


@pytest.mark.parametrize(
    ("role", "category", "status"),
    [
        ("customer", "helpdesk", 403),
        ("colleague", "helpdesk", 404),
        ("operator", "vulnerability", 404),
        ("supervisor", "vulnerability", 404),
        ("security", "vulnerability", 200),
    ],
)
def test_the_screen_is_refused_to_customers_and_not_found_for_staff_who_may_not_see_the_ticket(
    api: Api, company: Customer, role: str, category: str, status: int
) -> None:
    token = tokens(api, company)
    ticket_id = open_ticket(api, token["customer"], "Segreto", category=category, priority=2)
    if category == "helpdesk":
        act(api, token["supervisor"], ticket_id, "assign", {"assignee": OPERATOR})

    response = call_screen(api, token[role], ticket_id)

    assert response.status_code == status, response.get_body()
    if status != 200:
        assert response.mimetype == "application/problem+json"
        assert "Nessuno riesce" not in response.get_body().decode()


@pytest.mark.parametrize(
    "hostile", ["IZ-2026-' or PartitionKey ne '", "../IZ-2026-000001", "IZ-1999-000001", "x" * 5000]
)
def test_a_hostile_or_unknown_id_is_not_found(api: Api, company: Customer, hostile: str) -> None:
    response = call_screen(api, tokens(api, company)["supervisor"], hostile)

    assert response.status_code == 404, response.get_body()


def test_a_limit_out_of_range_is_answered_422_naming_it(api: Api, company: Customer) -> None:
    token = tokens(api, company)
    ticket_id = open_ticket(api, token["customer"], "Accesso bloccato")

    response = call_screen(api, token["supervisor"], ticket_id, limit="0")

    assert response.status_code == 422
    assert document(response)["field"] == "limit"


def test_the_screen_costs_at_most_four_reads_on_a_worker_that_never_saw_the_id_and_three_after(
    api: Api, company: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = tokens(api, company)
    ticket_id = open_ticket(api, token["customer"], "Accesso bloccato")
    for number in range(30):  # the customer's other tickets ride in the same query, whatever their number
        staff_opening = {"customer_id": company.id, "contact_email": company.contacts[1].email}
        open_ticket(api, token["supervisor"], f"Altro {number}", **staff_opening)
    act(api, token["operator"], ticket_id, "accept", {})
    transport = counting_tables(monkeypatch)

    cold = call_screen(api, token["operator"], ticket_id)
    cold_requests = list(transport.sent)
    transport.sent.clear()
    warm = call_screen(api, token["operator"], ticket_id)
    warm_requests = list(transport.sent)

    assert cold.status_code == warm.status_code == 200, cold.get_body()
    assert len(document(warm)["other_open"]) == 30
    # The assignee's opening clears the row's unread mark (docs/console.md, "Unread"), on top of
    # the screen's own reads: one point read of the ticket's placement in the view index, and the
    # first time (the customer's opening set the mark) its clearing.
    for sent in (cold_requests, warm_requests):
        views_reads = [
            (r.table, r.row_key is not None) for r in sent if r.table == CONSOLE_VIEWS_TABLE and r.method == "GET"
        ]
        assert views_reads == [(CONSOLE_VIEWS_TABLE, True)]
    cold_writes = [r.table for r in cold_requests if r.method != "GET"]
    assert cold_writes.count(AUDIT_TABLE) == 1
    assert set(cold_writes) == {AUDIT_TABLE, CONSOLE_VIEWS_TABLE}
    cold_reads = [
        (r.table, r.row_key is not None)
        for r in cold_requests
        if r.method == "GET" and r.table not in (*CACHED, CONSOLE_VIEWS_TABLE)
    ]
    warm_reads = [
        (r.table, r.row_key is not None)
        for r in warm_requests
        if r.method == "GET" and r.table not in (*CACHED, CONSOLE_VIEWS_TABLE)
    ]
    # (table, point read?) in order: the locator, the partition's query, the history, the customer
    assert cold_reads == [
        (TICKET_IDS_TABLE, True),
        (TICKETS_TABLE, False),
        (TICKETS_TABLE, False),
        (CUSTOMERS_TABLE, True),
    ]
    assert warm_reads == cold_reads[1:]
    # on top: the audit record of a staff read (and, above, the unread mark's clearing)
    assert [r.table for r in warm_requests if r.method != "GET"] == [AUDIT_TABLE]


def test_a_resolved_ticket_s_screen_lists_its_customer_s_open_tickets_newest_first(api: Api, company: Customer) -> None:
    token = tokens(api, company)
    first = open_ticket(api, token["customer"], "Primo")
    done = open_ticket(api, token["customer"], "Risolto")
    last = open_ticket(api, token["customer"], "Ultimo")
    act(api, token["supervisor"], done, "accept", {})
    act(api, token["supervisor"], done, "resolve", {"resolution": "Fatto."})

    answer = document(call_screen(api, token["supervisor"], done))

    assert (answer["ticket"]["id"], answer["ticket"]["status"]) == (done, "resolved")
    assert [other["id"] for other in answer["other_open"]] == [last, first]
    assert [mail["kind"] for mail in answer["mails"]] == ["received", "new_in_queue", "accepted", "resolved"]


def test_a_ticket_whose_row_is_not_on_the_query_s_page_costs_one_point_read_more(
    api: Api, company: Customer, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = tokens(api, company)
    ticket_id = open_ticket(api, token["customer"], "Il più vecchio")
    newer = [open_ticket(api, token["customer"], f"Più nuovo {number}") for number in range(3)]
    monkeypatch.setattr(ticket_rows, "SCREEN_PAGE_ROWS", 4)  # its 2 mails and 2 newer tickets fill the page
    transport = counting_tables(monkeypatch)
    call_screen(api, token["supervisor"], ticket_id)  # the worker learns the id
    transport.sent.clear()

    response = call_screen(api, token["supervisor"], ticket_id)

    assert response.status_code == 200, response.get_body()
    answer = document(response)
    assert answer["ticket"]["id"] == ticket_id
    assert [other["id"] for other in answer["other_open"]] == [newer[2], newer[1]]  # the page's open tickets
    reads = [(r.table, r.row_key is not None) for r in transport.sent if r.method == "GET" and r.table not in CACHED]
    assert reads == [(TICKETS_TABLE, False), (TICKETS_TABLE, True), (TICKETS_TABLE, False), (CUSTOMERS_TABLE, True)]
