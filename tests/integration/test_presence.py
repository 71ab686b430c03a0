"""Presence on the ticket screen, on Azurite: who sees whom (named by their token), what a
heartbeat and a look cost, that neither touches the ticket, that marks expire on their own (an
injected clock) and are deleted by the next heartbeat, and how a bad body is answered."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import azure.functions as func
import pytest
from azure.data.tables import TableServiceClient

from benchmarks.harness import CountingTransport, counting_service
from devhost.local_identity import mint_token
from functions import dependencies, screen, tickets
from shared.adapters.storage import azurite_connection_string
from shared.adapters.storage_layout import PRESENCE_TABLE, TICKET_IDS_TABLE, TICKETS_TABLE
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.presence import PresenceStore
from shared.adapters.stores.tickets import TicketStore
from shared.domain.customers import Contact, Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from shared.domain.presence import PresenceMark
from shared.domain.sla.policy import SlaPolicy
from shared.usecases.presence import Presence
from tests.integration.conftest import Api, AppSettings, Clock, staff_caller

OLGA = "olga@desk.example"
SUE = "sue@desk.example"
CACHED = ("Closures", "StaffDirectory")  # the calendar's and the active-member check's cached reads


def document(response: func.HttpResponse) -> Any:
    return json.loads(response.get_body())


@pytest.fixture
def ticket_id(api: Api, table_service: TableServiceClient) -> str:
    """A new unassigned ticket of a customer made for the test (every operator may see it)."""
    company = f"acme-{uuid.uuid4().hex[:10]}"
    anna = Contact(f"anna@{company}.example", "Anna")
    CustomerRegistry(table_service).put(
        Customer(company, "ACME", True, (f"{company}.example",), (anna,), Language.ENGLISH)
    )
    customer = api.token(Role.CUSTOMER, customer=company, subject=anna.email)
    body = {"subject": "Printer on fire", "description": "Since this morning."}
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=customer, body=body)
    assert opened.status_code == 201, opened.get_body()
    return str(document(opened)["id"])


def named_token(api: Api, role: Role, email: str, name: str) -> str:
    return mint_token([role.value], subject=email, name=name, root=api.root)


def beat(api: Api, token: str, ticket: str, body: object) -> func.HttpResponse:
    path = f"tickets/{ticket}/presence"
    return api.call(screen.beat_presence, "PUT", path, token=token, body=body, route_params={"id": ticket})


def look(api: Api, token: str, ticket: str) -> func.HttpResponse:
    path = f"tickets/{ticket}/presence"
    return api.call(screen.look_at_presence, "GET", path, token=token, route_params={"id": ticket})


def read_ticket(api: Api, token: str, ticket: str) -> func.HttpResponse:
    return api.call(tickets.get_ticket, "GET", f"tickets/{ticket}", token=token, route_params={"id": ticket})


def test_two_people_on_a_ticket_see_each_other_and_the_ticket_is_left_alone(
    api: Api, app_settings: AppSettings, table_service: TableServiceClient, ticket_id: str
) -> None:
    app_settings(CONSOLE_HEARTBEAT_SECONDS="7")
    olga = named_token(api, Role.OPERATOR, OLGA, "Olga Rossi")
    sue = named_token(api, Role.SUPERVISOR, SUE, "Sue Bianchi")
    before = read_ticket(api, sue, ticket_id).headers["ETag"]
    customer_id = TicketStore(table_service).customer_of(ticket_id)
    row_before = table_service.get_table_client(TICKETS_TABLE).query_entities(
        "PartitionKey eq @pk and TicketId eq @id", parameters={"pk": customer_id, "id": ticket_id}
    )
    storage_etags = sorted(str(row.metadata["etag"]) for row in row_before)

    first = beat(api, olga, ticket_id, {"composing": False})
    second = beat(api, sue, ticket_id, {"composing": True})
    olga_looks = look(api, olga, ticket_id)
    again = beat(api, olga, ticket_id, {"composing": False})

    assert document(first) == {"others": [], "heartbeat_seconds": 7}
    seen_by_sue = document(second)["others"]
    assert [(other["name"], other["composing"]) for other in seen_by_sue] == [("Olga Rossi", False)]
    assert [(other["name"], other["composing"]) for other in document(olga_looks)["others"]] == [("Sue Bianchi", True)]
    assert document(again)["others"] == document(olga_looks)["others"]
    assert document(look(api, sue, ticket_id))["others"][0]["since"] == seen_by_sue[0]["since"]  # one state, one since
    assert read_ticket(api, sue, ticket_id).headers["ETag"] == before
    rows_after = table_service.get_table_client(TICKETS_TABLE).query_entities(
        "PartitionKey eq @pk and TicketId eq @id", parameters={"pk": customer_id, "id": ticket_id}
    )
    assert sorted(str(row.metadata["etag"]) for row in rows_after) == storage_etags


def test_a_look_records_nobody(api: Api, ticket_id: str) -> None:
    olga = named_token(api, Role.OPERATOR, OLGA, "Olga")
    sue = named_token(api, Role.SUPERVISOR, SUE, "Sue")

    assert document(look(api, olga, ticket_id))["others"] == []
    assert document(look(api, sue, ticket_id))["others"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "composing"), ({"composing": "yes"}, "composing"), ({"composing": 1}, "composing"), ([], "body")],
)
def test_a_heartbeat_without_a_boolean_composing_is_answered_422_naming_it(
    api: Api, ticket_id: str, body: object, field: str
) -> None:
    response = beat(api, api.token(Role.OPERATOR, subject=OLGA), ticket_id, body)

    assert response.status_code == 422, response.get_body()
    assert document(response)["field"] == field


def test_marks_expire_after_two_and_a_half_heartbeats_and_the_next_heartbeat_deletes_them(
    table_service: TableServiceClient, ticket_id: str
) -> None:
    clock = Clock(datetime(2026, 12, 4, 9, 0, tzinfo=UTC))
    board = PresenceStore(table_service)
    presence = Presence(TicketStore(table_service), board, SlaPolicy(), timedelta(seconds=10), clock)
    olga, sue = staff_caller(OLGA, Role.OPERATOR), staff_caller(SUE, Role.SUPERVISOR)
    presence.beat(olga, ticket_id, composing=True)

    clock.at += timedelta(seconds=24)
    assert [mark.handle for mark in presence.beat(sue, ticket_id, composing=False)] == [OLGA]
    clock.at += timedelta(seconds=1)  # 25 s: two and a half heartbeats of 10 s
    assert presence.look(sue, ticket_id) == []
    assert presence.beat(sue, ticket_id, composing=False) == []

    assert [stored.mark.handle for stored in board.marks(ticket_id)] == [SUE]
    clock.at += timedelta(seconds=60)  # Sue left too: her own heartbeat would replace her mark, not delete it
    presence.beat(sue, ticket_id, composing=False)
    assert [(stored.mark.handle, stored.mark.since) for stored in board.marks(ticket_id)] == [(SUE, clock.at)]


def counting_tables(monkeypatch: pytest.MonkeyPatch) -> CountingTransport:
    """The app built anew on a Table client whose transport counts: a worker that never saw the id."""
    client, transport = counting_service(azurite_connection_string(), 5.0)
    monkeypatch.setattr(dependencies, "tables", cache(lambda: client))
    dependencies.forget()
    return transport


def test_a_heartbeat_costs_three_reads_one_write_and_a_deletion_of_what_expired_and_a_look_the_reads(
    api: Api, monkeypatch: pytest.MonkeyPatch, table_service: TableServiceClient, ticket_id: str
) -> None:
    sue = api.token(Role.SUPERVISOR, subject=SUE)
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    PresenceStore(table_service).leave(PresenceMark(ticket_id, "otto@desk.example", "Otto", False, long_ago, long_ago))
    transport = counting_tables(monkeypatch)

    assert beat(api, sue, ticket_id, {"composing": False}).status_code == 200
    heartbeat = [(r.method, r.table) for r in transport.sent if r.table not in CACHED]
    transport.sent.clear()
    assert look(api, sue, ticket_id).status_code == 200
    looked = [(r.method, r.table) for r in transport.sent if r.table not in CACHED]

    reads = [("GET", TICKET_IDS_TABLE), ("GET", TICKETS_TABLE), ("GET", PRESENCE_TABLE)]
    assert heartbeat == [*reads, ("PUT", PRESENCE_TABLE), ("POST", PRESENCE_TABLE)]  # Otto's expired mark deleted
    assert looked == reads[1:]  # the worker knows the id now
