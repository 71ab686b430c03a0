"""Search on Azurite: the route as the host calls it (by id, contact, customer, subject word and
prefix; newest first; paging; who sees what), a ticket opened by mail, the repair of rows a change
left unwritten, and what a page costs, counted on the wire."""

from __future__ import annotations

import uuid
from datetime import timedelta
from email.message import EmailMessage

import azure.functions as func
import pytest
from azure.data.tables import TableServiceClient

from benchmarks.harness import counting_service
from functions import search, tickets
from shared.adapters.storage import azurite_connection_string
from shared.adapters.storage_layout import AUDIT_TABLE, SEARCH_INDEX_TABLE
from shared.adapters.stores.audit import AuditTrail
from shared.adapters.stores.search_index import SearchIndexStore
from shared.adapters.stores.tickets import TicketStore
from shared.domain.customers import Customer
from shared.domain.errors import Conflict
from shared.domain.lifecycle import Action, Role
from shared.domain.paging import encode_cursor
from shared.domain.search import BACKFILL_DONE, indexed
from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.policy import SlaPolicy
from shared.domain.ticket import Channel
from shared.usecases.desk import Desk, NewTicket
from shared.usecases.search import REPAIR_GRACE, IndexedTickets, IndexRepair, Search
from shared.usecases.stored import StoredTicket
from tests.integration.conftest import Api, Clock, desk_on, staff_caller
from tests.integration.test_inbound_api import arrive, mail_api
from tests.integration.test_tickets_api import company, document

__all__ = ["company", "mail_api"]

OLGA, OTTO, SAM, SUE = "olga@desk.example", "otto@desk.example", "sam@desk.example", "sue@desk.example"


def word() -> str:
    """A word no other test's subject holds."""
    return "w" + uuid.uuid4().hex[:11]


def open_by_phone(api: Api, company: str, subject: str) -> str:
    """A ticket Olga opens for the company's contact at the switchboard; its id."""
    opened = api.call(
        tickets.open_ticket,
        "POST",
        "tickets",
        token=api.token(Role.OPERATOR, subject=OLGA),
        body={
            "subject": subject,
            "description": "Chiamata al centralino.",
            "customer_id": company,
            "contact_email": f"anna@{company}.example",
        },
    )
    assert opened.status_code == 201, opened.get_body()
    assert document(opened)["channel"] == "phone"
    return str(document(opened)["id"])


def act(api: Api, token: str, ticket_id: str, action: str, body: dict[str, object]) -> None:
    route = {"id": ticket_id, "action": action}
    answer = api.call(
        tickets.act_on_ticket, "POST", f"tickets/{ticket_id}/{action}", token=token, route_params=route, body=body
    )
    assert answer.status_code == 200, answer.get_body()


def find(api: Api, token: str, q: str, **params: str) -> func.HttpResponse:
    return api.call(search.search_tickets, "GET", "search", token=token, params={"q": q, **params})


def found_ids(api: Api, token: str, q: str, **params: str) -> list[str]:
    answer = find(api, token, q, **params)
    assert answer.status_code == 200, answer.get_body()
    return [str(item["id"]) for item in document(answer)["items"]]  # type: ignore[attr-defined]


def test_staff_find_a_ticket_by_id_contact_customer_subject_word_and_prefix_newest_first(
    api: Api, company: str
) -> None:
    unique = word()
    older = open_by_phone(api, company, f"Stampante {unique} ferma")
    newer = open_by_phone(api, company, f"Perché la {unique} non stampa?")
    olga = api.token(Role.OPERATOR, subject=OLGA)

    assert found_ids(api, olga, older.lower()) == [older]
    assert found_ids(api, olga, f"ANNA@{company}.example") == [newer, older]
    assert found_ids(api, olga, company) == [newer, older]
    assert found_ids(api, olga, unique.upper()) == [newer, older]
    assert found_ids(api, olga, unique[:6]) == [newer, older]  # a prefix
    assert found_ids(api, olga, unique[:9]) == [newer, older]  # a prefix longer than the index's
    assert found_ids(api, olga, f"{unique[:8]} perche") == [newer]  # every word, accents aside
    assert found_ids(api, olga, f"{unique} stampante") == [older]

    answer = find(api, olga, newer)
    [row] = document(answer)["items"]  # type: ignore[misc]
    assert row["subject"] == f"Perché la {unique} non stampa?"
    assert (row["customer_id"], row["customer_name"], row["contact_email"]) == (
        company,
        "ACME S.p.A.",
        f"anna@{company}.example",
    )
    assert (row["status"], row["priority"], row["category"], row["assignee"], row["unread"]) == (
        "new",
        3,
        "helpdesk",
        None,
        False,
    )
    assert row["sla"]["clock"] == "take_charge"
    assert row["sla"]["working_seconds_left"] > 0
    assert (row["sla"]["paused"], row["sla"]["breached"], row["sla"]["escalation_level"]) == (False, False, 0)
    assert str(row["sla"]["due"]).endswith("Z")


def test_pages_follow_the_cursor_newest_first_to_the_last(api: Api, company: str) -> None:
    unique = word()
    opened = [open_by_phone(api, company, f"Richiesta {unique} numero {n}") for n in range(3)]
    olga = api.token(Role.OPERATOR, subject=OLGA)
    first = document(find(api, olga, unique, limit="2"))
    assert [item["id"] for item in first["items"]] == opened[:0:-1]  # type: ignore[attr-defined]
    assert isinstance(first["cursor"], str)
    second = document(find(api, olga, unique, limit="2", cursor=first["cursor"]))
    assert ([item["id"] for item in second["items"]], second["cursor"]) == ([opened[0]], None)  # type: ignore[attr-defined]
    refused = find(api, olga, unique, cursor="bm90LWEtY3Vyc29y")
    assert (refused.status_code, document(refused)["field"]) == (422, "cursor")


def test_what_a_change_alters_is_what_search_shows_and_who_sees_it(api: Api, company: str) -> None:
    unique = word()
    ticket_id = open_by_phone(api, company, f"Falla {unique} nel login")
    olga, otto = api.token(Role.OPERATOR, subject=OLGA), api.token(Role.OPERATOR, subject=OTTO)
    sam = api.token(Role.SECURITY, Role.OPERATOR, subject=SAM)
    sue = api.token(Role.SUPERVISOR, subject=SUE)
    assert found_ids(api, otto, unique) == [ticket_id]  # the unassigned queue is everyone's

    act(api, olga, ticket_id, "accept", {})
    [row] = document(find(api, olga, unique))["items"]  # type: ignore[misc]
    assert (row["status"], row["assignee"], row["sla"]["clock"]) == ("accepted", OLGA, "resolution")
    assert found_ids(api, otto, unique) == []  # Olga's now: not in Otto's sight
    assert found_ids(api, sue, unique) == [ticket_id]

    act(api, sue, ticket_id, "assign", {"assignee": SAM})
    act(api, sam, ticket_id, "classify", {"category": "vulnerability"})
    for caller in (olga, otto, sue):  # a supervisor without the security role included
        assert found_ids(api, caller, unique) == []
        assert found_ids(api, caller, ticket_id) == []
        assert found_ids(api, caller, f"anna@{company}.example") == []
    [row] = document(find(api, sam, unique))["items"]  # type: ignore[misc]
    assert (row["category"], row["priority"], row["assignee"]) == ("vulnerability", 2, SAM)
    assert found_ids(api, api.token(Role.SUPERVISOR, Role.SECURITY, subject=SUE), ticket_id) == [ticket_id]


def test_search_is_for_staff_and_names_q_when_the_term_is_unusable(api: Api, company: str) -> None:
    for token in (api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example"), api.token(Role.ADMIN)):
        assert find(api, token, "stampante").status_code == 403
    olga = api.token(Role.OPERATOR, subject=OLGA)
    for q in ("", "   ", "?!", "x" * 255):
        refused = find(api, olga, q)
        assert (refused.status_code, document(refused)["field"]) == (422, "q"), q
    assert find(api, api.token(Role.OPERATOR, subject=OLGA), "a/b#c?d\\e@x.example").status_code == 200
    assert api.call(search.search_tickets, "GET", "search", params={"q": "x"}).status_code == 401


def test_a_ticket_opened_by_mail_is_found(mail_api: Api, company: str) -> None:
    unique = word()
    message = EmailMessage()
    message["From"] = f"Anna Bianchi <anna@{company}.example>"
    message["To"] = "support@desk.localhost"
    message["Subject"] = f"Fattura {unique} non arrivata"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.example>"
    message.set_content("Buongiorno, la fattura di novembre non è arrivata.")
    arrive(bytes(message))
    olga = mail_api.token(Role.OPERATOR, subject=OLGA)
    [row] = document(find(mail_api, olga, unique))["items"]  # type: ignore[misc]
    assert (row["subject"], row["contact_email"]) == (f"Fattura {unique} non arrivata", f"anna@{company}.example")
    assert found_ids(mail_api, olga, f"anna@{company}.example") == [row["id"]]


# --- the use cases on their own stores --------------------------------------------------------------


def indexed_desk(table_service: TableServiceClient, clock: Clock) -> Desk:
    desk = desk_on(table_service, clock)
    desk.tickets = IndexedTickets(desk.tickets, SearchIndexStore(table_service), clock)
    return desk


def searcher(service: TableServiceClient, clock: Clock) -> Search:
    calendar = default_calendar()
    return Search(SearchIndexStore(service), AuditTrail(service), lambda: calendar, SlaPolicy(), clock)


def open_for(desk: Desk, customer: Customer, subject: str) -> str:
    request = NewTicket(subject, "Al telefono.", customer.id, customer.contacts[0].email, channel=Channel.PHONE)
    return desk.open(staff_caller(OLGA, Role.OPERATOR), request).ticket.id


def test_the_repair_writes_what_a_change_left_unwritten_and_drops_what_never_committed(
    table_service: TableServiceClient, clock: Clock, customer: Customer
) -> None:
    unique, index = word(), SearchIndexStore(table_service)
    never = index.intend(customer.id, f"IT-2026-{uuid.uuid4().int % 10**9:09d}", clock())  # its creation failed
    ticket_id = open_for(desk_on(table_service, clock), customer, f"Rete {unique} lenta")  # committed, no rows
    left = index.intend(customer.id, ticket_id, clock())  # as written before that commit
    olga = staff_caller(OLGA, Role.OPERATOR)
    assert searcher(table_service, clock).find(olga, unique, limit=10, cursor=None).items == []

    repair = IndexRepair(TicketStore(table_service), index, clock, backfill_pages=0)
    repair.run()
    assert {never, left} <= set(index.intents_before(clock() + REPAIR_GRACE))  # within the grace: left alone
    clock.at += REPAIR_GRACE + timedelta(seconds=1)
    assert repair.run() >= 1
    [found] = searcher(table_service, clock).find(olga, unique, limit=10, cursor=None).items
    assert (found.ticket.id, found.ticket.subject) == (ticket_id, f"Rete {unique} lenta")
    assert not {never, left} & set(index.intents_before(clock() + REPAIR_GRACE))


def test_the_repair_indexes_the_tickets_opened_before_the_index_a_page_at_a_time(
    table_service: TableServiceClient, clock: Clock, customer: Customer
) -> None:
    unique, index = word(), SearchIndexStore(table_service)
    older = [open_for(desk_on(table_service, clock), customer, f"Vecchio {unique} {n}") for n in range(3)]
    sue = staff_caller(SUE, Role.SUPERVISOR)
    assert searcher(table_service, clock).find(sue, unique, limit=10, cursor=None).items == []
    index.record_backfill(encode_cursor({"pk": customer.id, "rk": ""}))  # as though it had come this far

    assert IndexRepair(TicketStore(table_service), index, clock, backfill_pages=1).run() >= 3
    found = searcher(table_service, clock).find(sue, unique, limit=10, cursor=None).items
    assert [item.ticket.id for item in found] == older[::-1]
    assert index.backfill_position() not in (None, encode_cursor({"pk": customer.id, "rk": ""}))
    index.record_backfill(BACKFILL_DONE)
    assert IndexRepair(TicketStore(table_service), index, clock).run() == 0  # done: nothing more to read


@pytest.mark.parametrize("tickets_of_the_term", [3, 40])
def test_a_page_costs_one_query_and_the_audit_whatever_the_tickets(
    table_service: TableServiceClient, clock: Clock, customer: Customer, tickets_of_the_term: int
) -> None:
    unique = word()
    desk = indexed_desk(table_service, clock)
    for n in range(tickets_of_the_term):
        open_for(desk, customer, f"Guasto {unique} {n}")
    service, transport = counting_service(azurite_connection_string(), 10)
    page = searcher(service, clock).find(staff_caller(SUE, Role.SUPERVISOR), unique, limit=3, cursor=None)
    assert len(page.items) == 3
    assert [(request.method, request.table) for request in transport.sent] == [
        ("GET", SEARCH_INDEX_TABLE),
        ("POST", AUDIT_TABLE),
    ]


def test_a_change_writes_one_row_per_term_with_its_intent_and_a_message_writes_none(
    table_service: TableServiceClient, clock: Clock, customer: Customer
) -> None:
    service, transport = counting_service(azurite_connection_string(), 10)
    desk = desk_on(service, clock)
    desk.tickets = IndexedTickets(desk.tickets, SearchIndexStore(service), clock)
    ticket_id = open_for(desk, customer, "Stampante bloccata")
    stored = desk.tickets.get(customer.id, ticket_id)
    assert stored is not None
    terms = len(indexed(stored.ticket).terms)
    opening = [request.method for request in transport.sent if request.search]
    assert opening == ["PUT"] + ["PUT"] * terms + ["GET", "DELETE"]  # intent, rows, revision read, intent

    transport.sent.clear()
    desk.act(staff_caller(OLGA, Role.OPERATOR), ticket_id, Action.ACCEPT, {}, None)
    accepting = [request.method for request in transport.sent if request.search]
    assert accepting == ["PUT"] + ["PUT"] * (2 * terms) + ["GET", "DELETE"]  # the guard's rows, then the rows

    transport.sent.clear()
    desk.write(staff_caller(OLGA, Role.OPERATOR), ticket_id, "Ci guardo subito.", internal=True)
    assert [request for request in transport.sent if request.search] == []


class LosingStore(TicketStore):
    """A ticket store whose changes all lose to a concurrent one (the ticket's ETag moved)."""

    def save(self, *args: object, **kwargs: object) -> StoredTicket:
        raise Conflict("the ticket was changed by someone else; read it again")


def test_a_change_that_would_hide_a_ticket_hides_it_before_it_commits_even_when_it_never_does(
    table_service: TableServiceClient, clock: Clock, customer: Customer
) -> None:
    unique, index = word(), SearchIndexStore(table_service)
    desk = indexed_desk(table_service, clock)
    ticket_id = open_for(desk, customer, f"Accesso {unique} negato")
    find_as = searcher(table_service, clock).find
    otto, sue = staff_caller(OTTO, Role.OPERATOR), staff_caller(SUE, Role.SUPERVISOR)
    assert [f.ticket.id for f in find_as(otto, unique, limit=5, cursor=None).items] == [ticket_id]

    losing = indexed_desk(table_service, clock)
    losing.tickets = IndexedTickets(LosingStore(table_service), index, clock)
    with pytest.raises(Conflict):
        losing.act(staff_caller(OLGA, Role.OPERATOR), ticket_id, Action.ACCEPT, {}, None)
    assert find_as(otto, unique, limit=5, cursor=None).items == []  # while Olga's accept was on its way
    assert [f.ticket.id for f in find_as(sue, unique, limit=5, cursor=None).items] == [ticket_id]

    clock.at += REPAIR_GRACE + timedelta(seconds=1)
    IndexRepair(TicketStore(table_service), index, clock, backfill_pages=0).run()
    [found] = find_as(otto, unique, limit=5, cursor=None).items  # the accept never committed: back in the queue
    assert (found.ticket.assignee, found.ticket.status.value) == (None, "new")
