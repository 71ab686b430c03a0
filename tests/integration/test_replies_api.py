"""Staff replies over the ticket routes against Azurite: a public reply puts the customer's mail
in the outbox in the ticket's language, a note or the customer's own message none; the messages
route honours ``If-Match``; an operator hands his own ticket over and it leaves his sight."""

from __future__ import annotations

import email
import email.policy
import json
import uuid
from email.message import EmailMessage
from pathlib import Path

import azure.functions as func
import pytest
from azure.data.tables import TableServiceClient

from devhost.local_identity import mint_token
from functions import admin, tickets
from shared.adapters.storage_layout import TICKETS_TABLE
from shared.domain.lifecycle import Role
from tests.integration.conftest import Api

OLGA = "olga@desk.example"
OTTO = "otto@desk.example"


def document(response: func.HttpResponse) -> dict[str, object]:
    return json.loads(response.get_body())  # type: ignore[no-any-return]


@pytest.fixture
def company(api: Api) -> str:
    """An entitled Italian customer with one contact, unique to the test."""
    customer_id = f"acme-{uuid.uuid4().hex[:10]}"
    body = {
        "name": "ACME S.p.A.",
        "entitled": True,
        "email_domains": [f"{customer_id}.example"],
        "contacts": [{"email": f"anna@{customer_id}.example", "name": "Anna Bianchi"}],
        "language": "it",
    }
    saved = api.call(
        admin.put_customer,
        "PUT",
        f"admin/customers/{customer_id}",
        token=api.token(Role.ADMIN),
        route_params={"id": customer_id},
        body=body,
    )
    assert saved.status_code == 200, saved.get_body()
    return customer_id


def opened(api: Api, company: str) -> tuple[str, str]:
    """Anna's token and the id of the Italian ticket she opened."""
    anna = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    body = {"subject": "Il gestionale non stampa", "description": "Errore 500 alla stampa.", "language": "it"}
    response = api.call(tickets.open_ticket, "POST", "tickets", token=anna, body=body)
    assert response.status_code == 201, response.get_body()
    return anna, str(document(response)["id"])


def act(api: Api, token: str, ticket_id: str, action: str, body: dict[str, object]) -> func.HttpResponse:
    route = {"id": ticket_id, "action": action}
    return api.call(
        tickets.act_on_ticket, "POST", f"tickets/{ticket_id}/{action}", token=token, route_params=route, body=body
    )


def write(
    api: Api, token: str, ticket_id: str, text: str, *, internal: bool = False, if_match: str | None = None
) -> func.HttpResponse:
    headers = {"If-Match": if_match} if if_match is not None else {}
    return api.call(
        tickets.write_message,
        "POST",
        f"tickets/{ticket_id}/messages",
        token=token,
        route_params={"id": ticket_id},
        body={"body": text, "internal": internal},
        headers=headers,
    )


def outbox(table_service: TableServiceClient, company: str, ticket_id: str) -> list[tuple[str, str, str]]:
    """The ticket's outbox rows: (kind, language, recipient), in order."""
    table = table_service.get_table_client(TICKETS_TABLE)
    rows = table.query_entities(
        "PartitionKey eq @pk and RowKey ge @first and RowKey lt @last",
        parameters={"pk": company, "first": f"O|{ticket_id}|", "last": f"O|{ticket_id}}}"},
    )
    return [(row["NotificationKind"], row["Language"], row["Recipient"]) for row in rows]


def dropped(folder: Path, ticket_id: str, kind: str) -> list[EmailMessage]:
    paths = sorted(folder.glob(f"*{ticket_id.lower()}.*.{kind}*.eml"))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]  # type: ignore[misc]


def messages(api: Api, token: str, ticket_id: str) -> list[str]:
    route = {"id": ticket_id}
    events = api.call(tickets.ticket_events, "GET", f"tickets/{ticket_id}/events", token=token, route_params=route)
    return [str(e["body"]) for e in document(events)["items"] if e["type"] == "message"]  # type: ignore[attr-defined]


# --- replies ------------------------------------------------------------------------------------------


def test_a_staff_public_reply_puts_an_italian_mail_in_the_outbox_and_a_note_or_the_customer_s_message_none(
    api: Api, company: str, table_service: TableServiceClient, tmp_path: Path
) -> None:
    anna, ticket_id = opened(api, company)
    olga = mint_token([Role.OPERATOR], subject=OLGA, name="Olga Neri", root=api.root)
    assert act(api, olga, ticket_id, "accept", {}).status_code == 200
    before = outbox(table_service, company, ticket_id)

    assert write(api, olga, ticket_id, "Da verificare con lo sviluppo", internal=True).status_code == 201
    assert write(api, anna, ticket_id, "Succede anche con il PDF", internal=False).status_code == 201
    assert outbox(table_service, company, ticket_id) == before

    assert write(api, olga, ticket_id, "Abbiamo corretto il modulo di stampa.").status_code == 201

    assert outbox(table_service, company, ticket_id) == [*before, ("reply", "it", f"anna@{company}.example")]
    [mail] = dropped(tmp_path / "mail", ticket_id, "reply")
    text = str(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
    assert str(mail["Subject"]).strip() == f"[{ticket_id}] Nuova risposta alla Sua richiesta: Il gestionale non stampa"
    assert "La risposta di Olga Neri:" in text
    assert "Abbiamo corretto il modulo di stampa." in text
    assert "Da verificare" not in text
    assert OLGA not in text


# --- If-Match on the messages route -------------------------------------------------------------------


def test_a_message_with_a_stale_if_match_is_412_and_not_stored_and_with_the_current_one_201(
    api: Api, company: str, table_service: TableServiceClient
) -> None:
    _, ticket_id = opened(api, company)
    olga = api.token(Role.OPERATOR, subject=OLGA)
    accepted = act(api, olga, ticket_id, "accept", {})
    assert (accepted.status_code, accepted.headers["ETag"]) == (200, '"2"')
    before = outbox(table_service, company, ticket_id)

    stale = write(api, olga, ticket_id, "Risposta su una versione vecchia", if_match='"1"')

    assert stale.status_code == 412
    assert (stale.mimetype, document(stale)["status"]) == ("application/problem+json", 412)
    assert messages(api, olga, ticket_id) == []
    assert outbox(table_service, company, ticket_id) == before

    current = write(api, olga, ticket_id, "Risposta aggiornata", if_match='"2"')
    assert current.status_code == 201, current.get_body()
    no_header = write(api, olga, ticket_id, "Nota senza If-Match", internal=True)
    assert no_header.status_code == 201
    assert messages(api, olga, ticket_id) == ["Risposta aggiornata", "Nota senza If-Match"]
    ticket = api.call(tickets.get_ticket, "GET", f"tickets/{ticket_id}", token=olga, route_params={"id": ticket_id})
    assert ticket.headers["ETag"] == '"4"'


def test_an_if_match_that_is_no_etag_is_refused_naming_it(api: Api, company: str) -> None:
    _, ticket_id = opened(api, company)

    refused = write(api, api.token(Role.SUPERVISOR, subject="sue@desk.example"), ticket_id, "x", if_match="two")

    assert refused.status_code == 422
    assert "If-Match" in refused.get_body().decode()


# --- handover -----------------------------------------------------------------------------------------


def test_an_operator_hands_his_ticket_over_to_a_colleague_and_it_leaves_his_sight(api: Api, company: str) -> None:
    _, ticket_id = opened(api, company)
    olga, otto = api.token(Role.OPERATOR, subject=OLGA), api.token(Role.OPERATOR, subject=OTTO)
    assert act(api, otto, ticket_id, "assign", {"assignee": OTTO}).status_code == 403  # unassigned: accept it
    assert act(api, olga, ticket_id, "accept", {}).status_code == 200
    assert act(api, otto, ticket_id, "assign", {"assignee": OTTO}).status_code == 404  # Olga's: not his to see

    handed = act(api, olga, ticket_id, "assign", {"assignee": OTTO})

    assert handed.status_code == 200, handed.get_body()
    assert (document(handed)["assignee"], handed.headers["ETag"]) == (OTTO, '"3"')
    route = {"id": ticket_id}
    gone = api.call(tickets.get_ticket, "GET", f"tickets/{ticket_id}", token=olga, route_params=route)
    assert gone.status_code == 404
    listed = api.call(tickets.list_tickets, "GET", "tickets", token=olga, params={"limit": "100"})
    assert ticket_id not in listed.get_body().decode()
    assert act(api, olga, ticket_id, "assign", {"assignee": OLGA}).status_code == 404
    assert write(api, olga, ticket_id, "Ancora io").status_code == 404
    ottos = api.call(tickets.get_ticket, "GET", f"tickets/{ticket_id}", token=otto, route_params=route)
    assert (ottos.status_code, document(ottos)["assignee"]) == (200, OTTO)
