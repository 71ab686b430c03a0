"""Canned replies on Azurite: the store under its ETags, the administration's routes (revisions,
If-Match, the unknown variable refused), who may call what, the composer's search and a reply
filled for a ticket in its language (or the other, said so), called as the host calls the handlers."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import azure.functions as func
import pytest
from azure.data.tables import TableServiceClient

from benchmarks.harness import counting_service
from devhost.local_identity import mint_token
from functions import admin, replies, tickets
from shared.adapters.mail.catalogues import instant_in
from shared.adapters.storage import azurite_connection_string
from shared.adapters.stores.canned import CannedReplyStore
from shared.domain.canned import ReplyChange, canned_reply
from shared.domain.customers import Customer
from shared.domain.errors import Conflict
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from shared.usecases.canned import NewReply, ReplyAdministration, ReplyComposer
from shared.usecases.desk import Desk, NewTicket
from tests.integration.conftest import Api, Clock, customer_caller, desk_on, staff_caller

#: A contact name that is a variable and template code: it must come out as it is.
HOSTILE_NAME = "Anna {{ticket}} {% if 1 %}{{ 7*7 }}{% endif %}"


def document(response: func.HttpResponse) -> dict[str, object]:
    return json.loads(response.get_body())  # type: ignore[no-any-return]


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}"


def token_of(api: Api, role: Role) -> str:
    """A token of ``role`` (a customer's names its company, as a customer token must)."""
    return api.token(role, customer="acme" if role is Role.CUSTOMER else None)


def put(
    api: Api, body: dict[str, object], *, role: Role = Role.ADMIN, if_match: str | None = None
) -> func.HttpResponse:
    headers = {} if if_match is None else {"If-Match": if_match}
    return api.call(replies.put_reply, "PUT", "admin/replies", token=token_of(api, role), body=body, headers=headers)


def reply_body(reply_id: str, **bodies: str | None) -> dict[str, object]:
    return {
        "id": reply_id,
        "title": "Presa in carico",
        "tags": ["Greeting"],
        "bodies": bodies or {"it": "Gentile {{contact_name}}, {{ticket}} è in carico.", "en": None},
    }


def test_the_store_writes_under_etags_and_refuses_a_stale_one(table_service: TableServiceClient) -> None:
    store = CannedReplyStore(table_service)
    reply = canned_reply(unique("store"), title="T", tags=("a", "b"), bodies={Language.ENGLISH: "Hello"})
    store.create(reply)
    with pytest.raises(Conflict):
        store.create(reply)
    stored = store.get(reply.id)
    assert stored is not None
    assert stored.reply == reply
    assert store.get("Not/An#Id") is None
    changed = ReplyChange(bodies={Language.ITALIAN: "Ciao"}).applied_to(reply)
    store.replace(changed, stored.etag)
    with pytest.raises(Conflict):
        store.replace(changed, stored.etag)
    with pytest.raises(Conflict):
        store.delete(reply.id, stored.etag)
    again = store.get(reply.id)
    assert again is not None
    assert (dict(again.reply.bodies), again.reply.revision) == (
        {Language.ITALIAN: "Ciao", Language.ENGLISH: "Hello"},
        2,
    )
    assert reply.id in [found.reply.id for found in store.all()]
    store.delete(reply.id, again.etag)
    assert store.get(reply.id) is None


def test_each_operation_costs_the_storage_requests_its_docstring_says(
    desk: Desk, customer: Customer, clock: Clock
) -> None:
    service, transport = counting_service(azurite_connection_string(), 10.0)
    store = CannedReplyStore(service)
    administration = ReplyAdministration(store, lambda: unique("r"))
    composer = ReplyComposer(store, desk_on(service, clock), instant_in)
    supervisor = staff_caller("sue@desk.example", Role.SUPERVISOR)
    request = NewTicket("Stampa", "La stampa non parte", customer.id, customer.contacts[0].email)
    ticket_id = desk.open(customer_caller(customer), request).ticket.id
    reply_id = unique("cost")

    def cost(action: object) -> int:
        before = len(transport.sent)
        action()  # type: ignore[operator]
        return len(transport.sent) - before

    new = NewReply(title="Costo", tags=(), bodies={Language.ITALIAN: "Ciao {{contact_name}}"}, id=reply_id)
    costs = {
        "put (create)": cost(lambda: administration.put(new)),
        "put (replace)": cost(lambda: administration.put(new, 1)),
        "get": cost(lambda: administration.reply(reply_id)),
        "patch": cost(lambda: administration.patch(reply_id, ReplyChange(title="Nuovo"), 2)),
        "search": cost(lambda: composer.search(supervisor, "nuovo", limit=10)),
        "fill (first read of the ticket in the worker)": cost(lambda: composer.fill(supervisor, ticket_id, reply_id)),
        "fill (ticket located before)": cost(lambda: composer.fill(supervisor, ticket_id, reply_id)),
        "delete": cost(lambda: administration.delete(reply_id, 3)),
    }
    assert costs == {
        "put (create)": 2,
        "put (replace)": 2,
        "get": 1,
        "patch": 2,
        "search": 1,
        "fill (first read of the ticket in the worker)": 4,  # locate, ticket, audit write, reply
        "fill (ticket located before)": 3,
        "delete": 2,
    }


def test_an_admin_creates_reads_patches_and_deletes_a_reply_under_its_etag(api: Api) -> None:
    reply_id = unique("taken")
    created = put(api, reply_body(reply_id))
    assert (created.status_code, created.headers["ETag"]) == (200, '"1"'), created.get_body()
    assert document(created) == {
        "id": reply_id,
        "title": "Presa in carico",
        "tags": ["greeting"],
        "bodies": {"it": "Gentile {{contact_name}}, {{ticket}} è in carico.", "en": None},
        "revision": 1,
    }
    token, route = api.token(Role.ADMIN), {"id": reply_id}
    path = f"admin/replies/{reply_id}"
    read = api.call(replies.get_reply, "GET", path, token=token, route_params=route)
    assert (read.status_code, read.headers["ETag"], document(read)["id"]) == (200, '"1"', reply_id)
    patched = api.call(
        replies.patch_reply,
        "PATCH",
        path,
        token=token,
        route_params=route,
        body={"bodies": {"en": "Dear {{contact_name}}"}},
        headers={"If-Match": '"1"'},
    )
    assert (patched.status_code, patched.headers["ETag"]) == (200, '"2"'), patched.get_body()
    assert document(patched)["bodies"] == {
        "it": "Gentile {{contact_name}}, {{ticket}} è in carico.",
        "en": "Dear {{contact_name}}",
    }
    stale = api.call(
        replies.patch_reply,
        "PATCH",
        path,
        token=token,
        route_params=route,
        body={"title": "x"},
        headers={"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert put(api, reply_body(reply_id), if_match='"1"').status_code == 412
    gone = api.call(replies.delete_reply, "DELETE", path, token=token, route_params=route, headers={"If-Match": '"1"'})
    assert gone.status_code == 412
    listed = api.call(replies.list_replies, "GET", "admin/replies", token=token)
    assert reply_id in [item["id"] for item in document(listed)["items"]]  # type: ignore[attr-defined]
    deleted = api.call(
        replies.delete_reply, "DELETE", path, token=token, route_params=route, headers={"If-Match": '"2"'}
    )
    assert deleted.status_code == 204
    assert api.call(replies.get_reply, "GET", path, token=token, route_params=route).status_code == 404


def test_a_reply_put_without_an_id_is_created_under_a_new_one(api: Api) -> None:
    body = reply_body("unused")
    del body["id"]
    created = put(api, body)
    assert created.status_code == 200, created.get_body()
    assert str(document(created)["id"]).startswith("r-")


@pytest.mark.parametrize(
    ("change", "field", "named"),
    [
        ({"bodies": {"it": "Gentile {{nome}}"}}, "bodies.it", "{{nome}}"),
        ({"bodies": {"en": "Dear {{ contact_name }}"}}, "bodies.en", "{{ contact_name }}"),
        ({"bodies": {"it": None, "en": " "}}, "bodies", None),
        ({"bodies": {"de": "Hallo"}}, "bodies.de", None),
        ({"title": "\n"}, "title", None),
        ({"tags": ["two words"]}, "tags.0", None),
        ({"id": "Bad/Id"}, "id", None),
    ],
)
def test_a_bad_reply_is_refused_naming_the_field(
    api: Api, change: dict[str, object], field: str, named: str | None
) -> None:
    response = put(api, {**reply_body(unique("bad")), **change})
    assert (response.status_code, document(response)["field"]) == (422, field), response.get_body()
    if named is not None:
        assert named in str(document(response)["detail"])


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.SECURITY, Role.CUSTOMER])
def test_only_admins_manage_replies(api: Api, role: Role) -> None:
    assert put(api, reply_body(unique("nope")), role=role).status_code == 403
    assert api.call(replies.list_replies, "GET", "admin/replies", token=token_of(api, role)).status_code == 403


@pytest.fixture
def company(api: Api) -> str:
    """An Italian customer whose contact's name is :data:`HOSTILE_NAME`."""
    customer_id = f"acme-{uuid.uuid4().hex[:10]}"
    body = {
        "name": "ACME S.p.A.",
        "entitled": True,
        "email_domains": [f"{customer_id}.example"],
        "contacts": [{"email": f"anna@{customer_id}.example", "name": HOSTILE_NAME}],
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


def open_ticket(api: Api, company: str, category: str = "bug") -> dict[str, object]:
    anna = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    body = {"subject": "Il gestionale non stampa", "description": "Errore 500 alla stampa.", "language": "it"}
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=anna, body=body)
    assert opened.status_code == 201, opened.get_body()
    ticket = document(opened)
    if category != "bug":
        classified = api.call(
            tickets.act_on_ticket,
            "POST",
            f"tickets/{ticket['id']}/classify",
            token=api.token(Role.SUPERVISOR, Role.SECURITY),
            route_params={"id": str(ticket["id"]), "action": "classify"},
            body={"category": category},
        )
        assert classified.status_code == 200, classified.get_body()
        ticket = document(classified)
    return ticket


def fill(api: Api, token: str, ticket_id: str, reply_id: str) -> func.HttpResponse:
    return api.call(
        replies.fill_reply,
        "GET",
        f"tickets/{ticket_id}/replies/{reply_id}",
        token=token,
        route_params={"id": ticket_id, "reply_id": reply_id},
    )


def said(language: Language, instant: object) -> str:
    return "" if instant is None else instant_in(language, datetime.fromisoformat(str(instant)))


def test_a_reply_is_filled_in_the_tickets_language_and_the_contacts_name_stays_literal(api: Api, company: str) -> None:
    reply_id = unique("all")
    body = "{{contact_name}}|{{ticket}}|{{operator}}|{{take_charge_due}}|{{resolution_due}}"
    assert put(api, reply_body(reply_id, it=body, en="EN " + body)).status_code == 200
    ticket = open_ticket(api, company)
    olga = mint_token(["operator"], subject="olga@desk.example", name="Olga Conti", root=api.root)
    filled = fill(api, olga, str(ticket["id"]), reply_id)
    assert filled.status_code == 200, filled.get_body()
    sla = ticket["sla"]
    assert isinstance(sla, dict)
    expected = "|".join(
        (
            HOSTILE_NAME,
            str(ticket["id"]),
            "Olga Conti",
            said(Language.ITALIAN, sla["take_charge_due"]),
            said(Language.ITALIAN, sla["resolution_due"]),
        )
    )
    assert document(filled) == {"language": "it", "text": expected, "in_ticket_language": True}
    trail = api.call(
        admin.audit_trail, "GET", "admin/audit", token=api.token(Role.ADMIN), params={"ticket": str(ticket["id"])}
    )
    assert "canned reply" in [record["action"] for record in document(trail)["items"]]  # type: ignore[attr-defined]


def test_an_english_only_reply_on_an_italian_ticket_comes_in_english_marked_so(api: Api, company: str) -> None:
    reply_id = unique("cache")
    assert put(api, reply_body(reply_id, en="Please clear the cache, {{contact_name}}.")).status_code == 200
    ticket = open_ticket(api, company)
    filled = fill(api, api.token(Role.SUPERVISOR), str(ticket["id"]), reply_id)
    assert document(filled) == {
        "language": "en",
        "text": f"Please clear the cache, {HOSTILE_NAME}.",
        "in_ticket_language": False,
    }


def test_filling_for_a_ticket_the_caller_may_not_see_is_not_found(api: Api, company: str) -> None:
    reply_id = unique("hello")
    assert put(api, reply_body(reply_id, en="Hello")).status_code == 200
    vulnerability = str(open_ticket(api, company, "vulnerability")["id"])
    assert fill(api, api.token(Role.OPERATOR, subject="olga@desk.example"), vulnerability, reply_id).status_code == 404
    assert fill(api, api.token(Role.SUPERVISOR), vulnerability, reply_id).status_code == 404
    assert fill(api, api.token(Role.SECURITY, subject="sam@desk.example"), vulnerability, reply_id).status_code == 200
    assert fill(api, api.token(Role.ADMIN), vulnerability, reply_id).status_code == 404
    unknown = fill(api, api.token(Role.SECURITY, subject="sam@desk.example"), vulnerability, unique("missing"))
    assert unknown.status_code == 404
    anna = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    assert fill(api, anna, vulnerability, reply_id).status_code == 403


def test_staff_search_the_replies_and_customers_may_not(api: Api, company: str) -> None:
    word = uuid.uuid4().hex[:12]
    first, second = unique("a"), unique("b")
    assert put(api, {**reply_body(first, it=f"Testo {word}alpha"), "tags": ["x"]}).status_code == 200
    assert put(api, {**reply_body(second, en="Other text"), "tags": [f"t{word}"]}).status_code == 200
    for role in (Role.OPERATOR, Role.SUPERVISOR, Role.SECURITY, Role.ADMIN):
        found = api.call(replies.search_replies, "GET", "replies", token=api.token(role), params={"q": word[:8]})
        assert found.status_code == 200, found.get_body()
        assert [item["id"] for item in document(found)["items"]] == [first]  # type: ignore[attr-defined]
    tagged = api.call(
        replies.search_replies, "GET", "replies", token=api.token(Role.OPERATOR), params={"q": f"T{word}"}
    )
    assert [item["id"] for item in document(tagged)["items"]] == [second]  # type: ignore[attr-defined]
    anna = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    assert api.call(replies.search_replies, "GET", "replies", token=anna).status_code == 403
    long = api.call(replies.search_replies, "GET", "replies", token=api.token(Role.OPERATOR), params={"q": "x" * 201})
    assert (long.status_code, document(long)["field"]) == (422, "q")
