"""The ticket API's security, called through its handlers as the host calls them: what each role gets
on another customer's ticket, how bad tokens are refused, how hostile ids, filters, cursors and
bodies are answered, and what the operators' audit trail records.

The expected statuses are literal tables written from ``docs/tickets.md`` and ``shared/domain/access.py``;
nothing here asks the code under test what it should answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import azure.functions as func
import jwt
import pytest
from azure.data.tables import TableServiceClient
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from devhost.local_identity import (
    AUTH_DIR,
    KEY_FILE,
    LOCAL_AUDIENCE,
    LOCAL_ISSUER,
    LOCAL_STAFF_ISSUER,
    STAFF_KEY_FILE,
    issuer_for,
    public_jwk,
)
from functions import admin, replies, screen, switchboard, tickets
from functions.http.catalogue import OPERATIONS
from functions.schemas.common import MAX_BODY_BYTES
from shared.adapters.stores.canned import CannedReplyStore
from shared.adapters.stores.customers import CustomerRegistry
from shared.domain.canned import canned_reply
from shared.domain.customers import Contact, Customer
from shared.domain.errors import Conflict
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from tests.app_routes import registered_routes
from tests.integration.conftest import Api

OPERATOR = "olga@desk.example"
COLLEAGUE = "otto@desk.example"
SUPERVISOR = "sara@desk.example"
SECURITY = "sam@desk.example"
ADMIN = "ada@desk.example"
NOBODY = "nemo@desk.example"

#: The callers of every table below, in the order of the table's columns.
ROLES = ("customer_a", "customer_b", "operator", "colleague", "supervisor", "security", "admin", "nobody")

#: A ticket id that names no ticket: a year long before the desk opened.
UNKNOWN_TICKET = "IZ-1999-000001"

OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Companies(NamedTuple):
    a: str
    b: str


class Opened(NamedTuple):
    """A ticket's id and a string only its description holds, to spot the ticket in any answer."""

    id: str
    secret: str


@dataclass(frozen=True)
class Route:
    """One HTTP route. Strings in ``path``, ``route_params``, ``params`` and the top level of
    ``body`` may name ``{ticket}`` and ``{company}``, filled in at the call."""

    function: Any
    method: str
    path: str
    route_params: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, object] | None = None

    def call(
        self,
        api: Api,
        token: str | None,
        *,
        raw_body: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        **names: str,
    ) -> func.HttpResponse:
        def fill(value: object) -> object:
            return value.format(**names) if isinstance(value, str) else value

        body: object = raw_body
        if raw_body is None and self.body is not None:
            body = {name: fill(value) for name, value in self.body.items()}
        return api.call(
            self.function,
            self.method,
            str(fill(self.path)),
            token=token,
            body=body,
            route_params={name: str(fill(value)) for name, value in self.route_params.items()},
            params={**{name: str(fill(value)) for name, value in self.params.items()}, **(params or {})},
            headers=headers,
        )


def _action(name: str, body: Mapping[str, object]) -> Route:
    return Route(
        tickets.act_on_ticket, "POST", f"tickets/{{ticket}}/{name}", {"id": "{ticket}", "action": name}, body=body
    )


#: The canned reply the "fill reply" route fills (made once per module, by :func:`matrix_reply`).
MATRIX_REPLY = "security-matrix"

ROUTES = {
    "list": Route(tickets.list_tickets, "GET", "tickets"),
    "open": Route(
        tickets.open_ticket,
        "POST",
        "tickets",
        body={
            "subject": "Phoned in",
            "description": "The printer is on fire.",
            "language": "en",
            "customer_id": "{company}",
            "contact_email": "anna@{company}.example",
        },
    ),
    "get": Route(tickets.get_ticket, "GET", "tickets/{ticket}", {"id": "{ticket}"}),
    "events": Route(tickets.ticket_events, "GET", "tickets/{ticket}/events", {"id": "{ticket}"}),
    "messages": Route(
        tickets.write_message, "POST", "tickets/{ticket}/messages", {"id": "{ticket}"}, body={"body": "Any news?"}
    ),
    "screen": Route(screen.ticket_screen, "GET", "tickets/{ticket}/screen", {"id": "{ticket}"}),
    "presence": Route(
        screen.beat_presence, "PUT", "tickets/{ticket}/presence", {"id": "{ticket}"}, body={"composing": True}
    ),
    "presence look": Route(screen.look_at_presence, "GET", "tickets/{ticket}/presence", {"id": "{ticket}"}),
    "accept": _action("accept", {}),
    "assign": _action("assign", {"assignee": OPERATOR}),
    "classify": _action("classify", {"priority": 1}),
    "request-clarification": _action("request-clarification", {"message": "Which browser?"}),
    "resolve": _action("resolve", {"resolution": "The session store was restarted."}),
    "close": _action("close", {}),
    "reopen": _action("reopen", {"reason": "It broke again."}),
    "admin customers": Route(admin.list_customers, "GET", "admin/customers"),
    "admin customer": Route(admin.get_customer, "GET", "admin/customers/{company}", {"id": "{company}"}),
    "admin put customer": Route(
        admin.put_customer,
        "PUT",
        "admin/customers/{company}-new",
        {"id": "{company}-new"},
        body={"name": "New S.r.l.", "entitled": True, "email_domains": [], "contacts": [], "language": "en"},
    ),
    "admin closures": Route(admin.list_closures, "GET", "admin/closures"),
    "admin closure": Route(admin.get_closure, "GET", "admin/closures/{company}", {"id": "{company}"}),
    "admin delete closure": Route(admin.delete_closure, "DELETE", "admin/closures/{company}", {"id": "{company}"}),
    # A closure that ends before it starts: even an administrator's call writes nothing (422), so
    # no test leaves a closure in a shared Azurite to move other tests' deadlines.
    "admin put closure": Route(
        admin.put_closure,
        "PUT",
        "admin/closures/{company}",
        {"id": "{company}"},
        body={"first_day": "2099-08-21", "last_day": "2099-08-10", "note": "never written"},
    ),
    "admin audit": Route(admin.audit_trail, "GET", "admin/audit", params={"ticket": "{ticket}"}),
    "customers": Route(switchboard.find_customers, "GET", "customers", params={"q": "{company}"}),
    "replies": Route(replies.search_replies, "GET", "replies", params={"q": "matrix"}),
    "fill reply": Route(
        replies.fill_reply,
        "GET",
        f"tickets/{{ticket}}/replies/{MATRIX_REPLY}",
        {"id": "{ticket}", "reply_id": MATRIX_REPLY},
    ),
    "admin replies": Route(replies.list_replies, "GET", "admin/replies"),
    "admin reply": Route(replies.get_reply, "GET", "admin/replies/{company}", {"id": "{company}"}),
    "admin patch reply": Route(
        replies.patch_reply, "PATCH", "admin/replies/{company}", {"id": "{company}"}, body={"title": "Changed"}
    ),
    "admin delete reply": Route(replies.delete_reply, "DELETE", "admin/replies/{company}", {"id": "{company}"}),
    # A body naming an unknown variable: even an administrator's call writes nothing (422).
    "admin put reply": Route(
        replies.put_reply,
        "PUT",
        "admin/replies",
        body={"id": "{company}", "title": "Never written", "bodies": {"en": "Dear {{customer}}"}},
    ),
}

#: How a ticket (opened by its customer) reaches each state: (who, action) in order. From ``new``
#: on, the ticket is assigned to the operator, so the colleague may not see it; ``opened`` and
#: ``vulnerability`` tickets are unassigned.
WALKS: dict[str, tuple[tuple[str, str], ...]] = {
    "opened": (),
    "new": (("supervisor", "assign"),),
    "accepted": (("supervisor", "assign"), ("operator", "accept")),
    "resolved": (("supervisor", "assign"), ("operator", "accept"), ("operator", "resolve")),
    "closed": (("supervisor", "assign"), ("operator", "accept"), ("operator", "resolve"), ("operator", "close")),
    "vulnerability": (),
}

# fmt: off
#: (route, state of A's ticket): the status each of ROLES gets.
ACCESS = {
    #                                         cust_a cust_b  oper  colleague super security admin nobody
    ("get", "new"):                           (200,   404,    200,  404,      200,  404,     404,  404),
    ("events", "new"):                        (200,   404,    200,  404,      200,  404,     404,  404),
    ("messages", "accepted"):                 (201,   404,    201,  404,      201,  404,     404,  404),
    ("accept", "new"):                        (403,   404,    200,  404,      200,  404,     404,  404),
    ("assign", "accepted"):                   (403,   404,    200,  404,      200,  404,     404,  404),
    # an operator hands over only his own ticket: the unassigned queue is for accept
    ("assign", "opened"):                     (403,   404,    403,  403,      200,  403,     404,  404),
    ("classify", "accepted"):                 (403,   404,    200,  404,      200,  404,     404,  404),
    ("request-clarification", "accepted"):    (403,   404,    200,  404,      200,  404,     404,  404),
    ("resolve", "accepted"):                  (403,   404,    200,  404,      200,  404,     404,  404),
    ("close", "resolved"):                    (403,   404,    200,  404,      200,  404,     404,  404),
    ("reopen", "closed"):                     (200,   404,    200,  404,      200,  404,     404,  404),
    # an action not possible from the ticket's status: 409 for a role that may take it, else 403
    ("accept", "accepted"):                   (403,   404,    409,  404,      409,  404,     404,  404),
    ("close", "accepted"):                    (403,   404,    409,  404,      409,  404,     404,  404),
    ("reopen", "accepted"):                   (409,   404,    409,  404,      409,  404,     404,  404),
    ("classify", "closed"):                   (403,   404,    409,  404,      409,  404,     404,  404),
    ("assign", "closed"):                     (403,   404,    409,  404,      409,  404,     404,  404),
    ("messages", "closed"):                   (409,   404,    201,  404,      201,  404,     404,  404),
    # a vulnerability: its customer and the security role see it, other staff do not
    ("get", "vulnerability"):                 (200,   404,    404,  404,      404,  200,     404,  404),
    ("events", "vulnerability"):              (200,   404,    404,  404,      404,  200,     404,  404),
    ("messages", "vulnerability"):            (201,   404,    404,  404,      404,  201,     404,  404),
    ("accept", "vulnerability"):              (403,   404,    404,  404,      404,  200,     404,  404),
    ("classify", "vulnerability"):            (403,   404,    404,  404,      404,  200,     404,  404),
    ("reopen", "vulnerability"):              (409,   404,    404,  404,      404,  409,     404,  404),
    # the console's ticket screen and presence: staff only, and only on a ticket they may see
    ("screen", "new"):                        (403,   403,    200,  404,      200,  404,     403,  403),
    ("screen", "vulnerability"):              (403,   403,    404,  404,      404,  200,     403,  403),
    ("presence", "new"):                      (403,   403,    200,  404,      200,  404,     403,  403),
    ("presence", "vulnerability"):            (403,   403,    404,  404,      404,  200,     403,  403),
    ("presence look", "new"):                 (403,   403,    200,  404,      200,  404,     403,  403),
    ("presence look", "vulnerability"):       (403,   403,    404,  404,      404,  200,     403,  403),
    # lists, opening (a body naming company A), administration
    ("list", "new"):                          (200,   200,    200,  200,      200,  200,     403,  403),
    ("open", "new"):                          (422,   422,    201,  201,      201,  201,     403,  403),
    ("admin customers", "new"):               (403,   403,    403,  403,      403,  403,     200,  403),
    ("admin customer", "new"):                (403,   403,    403,  403,      403,  403,     200,  403),
    ("admin put customer", "new"):            (403,   403,    403,  403,      403,  403,     200,  403),
    ("admin closures", "new"):                (403,   403,    403,  403,      403,  403,     200,  403),
    ("admin closure", "new"):                 (403,   403,    403,  403,      403,  403,     404,  403),
    ("admin put closure", "new"):             (403,   403,    403,  403,      403,  403,     422,  403),
    ("admin delete closure", "new"):          (403,   403,    403,  403,      403,  403,     404,  403),
    ("admin audit", "new"):                   (403,   403,    403,  403,      403,  403,     200,  403),
    # the switchboard's customer lookup: staff only (administrators have the registry)
    ("customers", "new"):                     (403,   403,    200,  200,      200,  200,     403,  403),
    # canned replies: staff search them; filling one reads the ticket as GET does; admins manage them
    ("replies", "new"):                       (403,   403,    200,  200,      200,  200,     200,  403),
    ("fill reply", "new"):                    (403,   403,    200,  404,      200,  404,     404,  403),
    ("fill reply", "vulnerability"):          (403,   403,    404,  404,      404,  200,     404,  403),
    ("admin replies", "new"):                 (403,   403,    403,  403,      403,  403,     200,  403),
    ("admin reply", "new"):                   (403,   403,    403,  403,      403,  403,     404,  403),
    ("admin patch reply", "new"):             (403,   403,    403,  403,      403,  403,     404,  403),
    ("admin delete reply", "new"):            (403,   403,    403,  403,      403,  403,     404,  403),
    ("admin put reply", "new"):               (403,   403,    403,  403,      403,  403,     422,  403),
}

#: (state of A's ticket, caller): whether a list shows the ticket, read from a cursor placed at
#: the start of company A's partition.
LISTED = {
    ("new", "customer_a"): True,            ("vulnerability", "customer_a"): True,
    ("new", "customer_b"): False,           ("vulnerability", "customer_b"): False,
    ("new", "operator"): True,              ("vulnerability", "operator"): False,
    ("new", "colleague"): False,            ("vulnerability", "colleague"): False,
    ("new", "supervisor"): True,            ("vulnerability", "supervisor"): False,
    ("new", "security"): False,             ("vulnerability", "security"): True,
}
# fmt: on

MATRIX = [
    pytest.param(route, state, role, status, id=f"{route}-{state}-{role}-{status}")
    for (route, state), statuses in ACCESS.items()
    for role, status in zip(ROLES, statuses, strict=True)
]


def document(response: func.HttpResponse) -> Any:
    return json.loads(response.get_body())


def problem(response: func.HttpResponse, status: int) -> dict[str, Any]:
    """The problem document of ``response``, once it says ``status`` in both places."""
    assert response.status_code == status, response.get_body()
    assert response.mimetype == "application/problem+json"
    found: dict[str, Any] = document(response)
    assert found["status"] == status
    return found


def cursor(fields: Mapping[str, object]) -> str:
    """A cursor in the documented shape (base64url JSON), with whatever fields a forger chooses."""
    return base64.urlsafe_b64encode(json.dumps(fields).encode()).decode().rstrip("=")


@pytest.fixture(scope="module", autouse=True)
def matrix_reply(table_service: TableServiceClient) -> None:
    """The canned reply :data:`MATRIX_REPLY`, in English (made once; a later run finds it there)."""
    reply = canned_reply(MATRIX_REPLY, title="Matrix", tags=(), bodies={Language.ENGLISH: "Hello {{contact_name}}"})
    with suppress(Conflict):
        CannedReplyStore(table_service).create(reply)


@pytest.fixture
def companies(table_service: TableServiceClient) -> Companies:
    """Two entitled companies, A and B, made for the test."""
    registry = CustomerRegistry(table_service)
    a, b = (f"{name}-{uuid.uuid4().hex[:10]}" for name in ("acme", "brio"))
    for company, person in ((a, "anna"), (b, "bruno")):
        contact = Contact(f"{person}@{company}.example", person.title())
        registry.put(Customer(company, company.upper(), True, (f"{company}.example",), (contact,), Language.ENGLISH))
    return Companies(a, b)


class Signer:
    """Tokens signed with the keys the ``api`` fixture made for the test, with the claims of
    ``mint_token`` (which loads and validates the key again for every token: 40 ms each): from
    the customers' issuer for the customer role, else from the staff issuer, each with its key.
    ``key``, ``kid`` and ``public_pem`` are the staff issuer's, whose tokens the attacks forge."""

    def __init__(self, root: Path) -> None:
        self.keys = {LOCAL_ISSUER: _load_key(root / AUTH_DIR / KEY_FILE)}
        self.keys[LOCAL_STAFF_ISSUER] = _load_key(root / AUTH_DIR / STAFF_KEY_FILE)
        self.key = self.keys[LOCAL_STAFF_ISSUER]
        self.kid = public_jwk(self.key.public_key())["kid"]
        self.public_pem = self.key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def claims(
        self, roles: list[str], subject: str, customer: str | None = None, **overrides: object
    ) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": LOCAL_ISSUER if issuer_for(roles) == "customers" else LOCAL_STAFF_ISSUER,
            "aud": LOCAL_AUDIENCE,
            "sub": subject,
            "email": subject,
            "iat": now,
            "nbf": now,
            "exp": now + 600,
            "roles": roles,
        }
        if customer is not None:
            claims["customer_id"] = customer
        return {**claims, **overrides}

    def sign(self, claims: dict[str, Any], key: rsa.RSAPrivateKey | None = None) -> str:
        """``claims`` signed with ``key``, by default the key of the issuer they name, under that
        issuer's key id."""
        own = self.keys.get(str(claims.get("iss")), self.key)
        kid = public_jwk(own.public_key())["kid"]
        return jwt.encode(claims, key or own, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})


def _load_key(path: Path) -> rsa.RSAPrivateKey:
    # The fixture made this key moments ago; validating it again would only cost time.
    key = serialization.load_pem_private_key(path.read_bytes(), None, unsafe_skip_rsa_key_validation=True)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@pytest.fixture
def signer(api: Api) -> Signer:
    return Signer(api.root)


@pytest.fixture
def tokens(signer: Signer, companies: Companies) -> dict[str, str]:
    """A bearer token for each of ROLES."""
    return {
        "customer_a": signer.sign(signer.claims([Role.CUSTOMER], f"anna@{companies.a}.example", companies.a)),
        "customer_b": signer.sign(signer.claims([Role.CUSTOMER], f"bruno@{companies.b}.example", companies.b)),
        "operator": signer.sign(signer.claims([Role.OPERATOR], OPERATOR)),
        "colleague": signer.sign(signer.claims([Role.OPERATOR], COLLEAGUE)),
        "supervisor": signer.sign(signer.claims([Role.SUPERVISOR], SUPERVISOR)),
        "security": signer.sign(signer.claims([Role.SECURITY], SECURITY)),
        "admin": signer.sign(signer.claims([Role.ADMIN], ADMIN)),
        "nobody": signer.sign(signer.claims([], NOBODY)),
    }


def open_ticket(api: Api, tokens: dict[str, str], owner: str, state: str) -> Opened:
    """A ticket of ``owner``'s company opened by its customer and walked to ``state``."""
    secret = uuid.uuid4().hex
    body = {"subject": "Login broken", "description": f"Nobody can sign in. Our reference: {secret}.", "language": "en"}
    if state == "vulnerability":
        body["category"] = "vulnerability"
    opened = ROUTES["open"].call(api, tokens[owner], raw_body=json.dumps(body).encode())
    assert opened.status_code == 201, opened.get_body()
    ticket = str(document(opened)["id"])
    for role, step in WALKS[state]:
        response = ROUTES[step].call(api, tokens[role], ticket=ticket)
        assert response.status_code == 200, (step, response.get_body())
    return Opened(ticket, secret)


def revision(api: Api, tokens: dict[str, str], ticket: str) -> int:
    """The ticket's revision as its customer reads it (a customer's read leaves no audit record)."""
    response = ROUTES["get"].call(api, tokens["customer_a"], ticket=ticket)
    assert response.status_code == 200, response.get_body()
    return int(document(response)["revision"])


def audit_trail(api: Api, tokens: dict[str, str], ticket: str) -> list[tuple[str, str, str]]:
    """Who did what to the ticket, oldest first, as the administrator reads it."""
    response = ROUTES["admin audit"].call(api, tokens["admin"], ticket=ticket, params={"limit": "100"})
    assert response.status_code == 200, response.get_body()
    return [(item["actor"], item["role"], item["action"]) for item in document(response)["items"]]


# --- 1. every route, every role, another customer's ticket -------------------------------------------


@pytest.mark.parametrize(("route", "state", "role", "status"), MATRIX)
def test_each_role_gets_the_status_the_access_rules_give_on_company_a_s_ticket(
    api: Api, tokens: dict[str, str], companies: Companies, route: str, state: str, role: str, status: int
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", state)
    before = revision(api, tokens, ticket.id)

    response = ROUTES[route].call(api, tokens[role], ticket=ticket.id, company=companies.a)

    assert response.status_code == status, response.get_body()
    if status >= 400:
        problem(response, status)
        assert ticket.secret not in response.get_body().decode()
        assert revision(api, tokens, ticket.id) == before


@pytest.mark.parametrize(("state", "role", "listed"), [pytest.param(*key, shown) for key, shown in LISTED.items()])
def test_a_list_shows_a_ticket_only_to_those_who_may_see_it_even_from_a_forged_cursor(
    api: Api, tokens: dict[str, str], companies: Companies, state: str, role: str, listed: bool
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", state)
    into_a = cursor({"pk": companies.a, "rk": "T|"})

    response = ROUTES["list"].call(api, tokens[role], params={"cursor": into_a, "limit": "100"})

    assert response.status_code == 200, response.get_body()
    items = document(response)["items"]
    assert any(item["id"] == ticket.id for item in items) is listed
    assert (ticket.secret in response.get_body().decode()) is listed
    if role == "customer_b":
        assert {item["customer_id"] for item in items} <= {companies.b}


@pytest.mark.parametrize("roles", [["guest"], ["Admin", "SUPERVISOR"], ["customer ", "operators"]])
@pytest.mark.parametrize(("route", "status"), [("list", 403), ("admin customers", 403), ("get", 404)])
def test_a_token_with_no_known_role_is_refused(
    api: Api, signer: Signer, tokens: dict[str, str], roles: list[str], route: str, status: int
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "new")
    token = signer.sign(signer.claims(roles, NOBODY))

    response = ROUTES[route].call(api, token, ticket=ticket.id)

    problem(response, status)
    assert ticket.secret not in response.get_body().decode()


# --- 2. tokens ----------------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _handmade(header: dict[str, object], claims: dict[str, object], sign: Callable[[bytes], bytes]) -> str:
    """A token assembled by hand, as an attacker would: ``sign`` maps the signing input to the signature."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode('ascii')))}"


def _staff(signer: Signer, **overrides: object) -> dict[str, Any]:
    """A supervisor's and administrator's claims, so no route refuses the token for its roles."""
    return signer.claims([Role.SUPERVISOR, Role.ADMIN], SUPERVISOR, **overrides)


def _in(seconds: int) -> int:
    return int(time.time()) + seconds


#: Each way a request fails to authenticate: the Authorization header it sends (None: none at all).
BAD_CREDENTIALS: dict[str, Callable[[Signer], str | None]] = {
    "no Authorization header": lambda signer: None,
    "a valid token under another scheme": lambda signer: f"Token {signer.sign(_staff(signer))}",
    "basic credentials": lambda signer: "Basic " + _b64(b"sara:secret"),
    "an expired token": lambda signer: (
        "Bearer " + signer.sign(_staff(signer, iat=_in(-1200), nbf=_in(-1200), exp=_in(-600)))
    ),
    "a token not yet valid": lambda signer: (
        "Bearer " + signer.sign(_staff(signer, iat=_in(3600), nbf=_in(3600), exp=_in(7200)))
    ),
    "a token signed by another key with the same kid": lambda signer: (
        "Bearer " + signer.sign(_staff(signer), key=OTHER_KEY)
    ),
    "an unsigned token (alg none)": lambda signer: (
        "Bearer " + _handmade({"alg": "none", "typ": "JWT", "kid": signer.kid}, _staff(signer), lambda data: b"")
    ),
    "an HS256 token keyed with the public key PEM": lambda signer: (
        "Bearer "
        + _handmade(
            {"alg": "HS256", "typ": "JWT", "kid": signer.kid},
            _staff(signer),
            lambda data: hmac.new(signer.public_pem, data, hashlib.sha256).digest(),
        )
    ),
    "a token for another audience": lambda signer: f"Bearer {signer.sign(_staff(signer, aud='api://other'))}",
    "a token from another issuer": lambda signer: f"Bearer {signer.sign(_staff(signer, iss='https://evil.test'))}",
}

#: Representative routes, and what the same request answers with a valid token (the control).
AUTHENTICATED_ROUTES = {
    "list": 200,
    "get": 404,
    "events": 404,
    "messages": 404,
    "accept": 404,
    "screen": 404,
    "presence": 404,
    "open": 201,
    "admin customers": 200,
    "admin audit": 200,
}


@pytest.mark.parametrize("defect", BAD_CREDENTIALS)
@pytest.mark.parametrize("route", AUTHENTICATED_ROUTES)
def test_a_request_that_fails_to_authenticate_is_answered_401_with_a_bearer_challenge(
    api: Api, signer: Signer, companies: Companies, defect: str, route: str
) -> None:
    authorization = BAD_CREDENTIALS[defect](signer)
    headers = {} if authorization is None else {"Authorization": authorization}

    response = ROUTES[route].call(api, None, headers=headers, ticket=UNKNOWN_TICKET, company=companies.a)

    refusal = problem(response, 401)
    assert refusal["title"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    if authorization is not None:
        assert authorization.split(" ", 1)[1] not in response.get_body().decode()


@pytest.mark.parametrize(("route", "status"), AUTHENTICATED_ROUTES.items())
def test_the_same_requests_with_a_valid_token_pass_authentication(
    api: Api, signer: Signer, companies: Companies, route: str, status: int
) -> None:
    headers = {"Authorization": f"Bearer {signer.sign(_staff(signer))}"}

    response = ROUTES[route].call(api, None, headers=headers, ticket=UNKNOWN_TICKET, company=companies.a)

    assert response.status_code == status, response.get_body()
    assert "WWW-Authenticate" not in response.headers


# --- 3. OData metacharacters and injection --------------------------------------------------------------

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

#: Hostile ticket ids, built from the id of a real ticket the caller may see.
HOSTILE_TICKET_IDS: dict[str, Callable[[str], str]] = {
    "an OData clause after the id": lambda ticket: f"{ticket}' or PartitionKey ne '",
    "a quote": lambda ticket: "'",
    "a percent-encoded quote": lambda ticket: "%27",
    "a percent-encoded quote after the id": lambda ticket: f"{ticket}%27",
    "a parent folder": lambda ticket: "../",
    "the id under a parent folder": lambda ticket: f"../{ticket}",
    "the id followed by a climb": lambda ticket: f"{ticket}/../..",
    "the id and a newline": lambda ticket: f"{ticket}\n",
    "the id and a NUL": lambda ticket: f"{ticket}\x00",
    "the id and a combining accent": lambda ticket: f"{ticket}\u0301",
    "a ten-thousand-digit number": lambda ticket: "IZ-2026-" + "9" * 10_000,
    "a hundred thousand letters": lambda ticket: "A" * 100_000,
    "the id in fullwidth digits": lambda ticket: ticket.translate(FULLWIDTH),
    "the id in Arabic-Indic digits": lambda ticket: ticket.translate(ARABIC_INDIC),
    "an emoji": lambda ticket: "IZ-2026-🎫",
}


@pytest.mark.parametrize("hostile", HOSTILE_TICKET_IDS)
@pytest.mark.parametrize("route", ["get", "events", "messages", "classify"])
@pytest.mark.parametrize("role", ["customer_a", "supervisor"])
def test_a_hostile_ticket_id_is_answered_404_or_422_and_reaches_no_ticket(
    api: Api, tokens: dict[str, str], hostile: str, route: str, role: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "opened")
    before = revision(api, tokens, ticket.id)

    response = ROUTES[route].call(api, tokens[role], ticket=HOSTILE_TICKET_IDS[hostile](ticket.id))

    assert response.status_code in (404, 422), response.get_body()
    problem(response, response.status_code)
    assert ticket.secret not in response.get_body().decode()
    assert revision(api, tokens, ticket.id) == before


@pytest.mark.parametrize("hostile", [*HOSTILE_TICKET_IDS, "the list views' partition"])
def test_the_audit_trail_refuses_anything_but_a_ticket_id(api: Api, tokens: dict[str, str], hostile: str) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "new")
    wanted = "list|2026-11-26" if hostile == "the list views' partition" else HOSTILE_TICKET_IDS[hostile](ticket.id)

    response = ROUTES["admin audit"].call(api, tokens["admin"], ticket=wanted)

    assert problem(response, 422)["field"] == "ticket"


#: Hostile company (and closure) ids, built from company A's id.
HOSTILE_COMPANY_IDS: dict[str, Callable[[str], str]] = {
    "an OData clause after the id": lambda company: f"{company}' or RowKey ne '",
    "a tautology": lambda company: "' or ''='",
    "a percent-encoded quote": lambda company: "%27",
    "the id under a parent folder": lambda company: f"../{company}",
    "the id and a newline": lambda company: f"{company}\n",
    "the id and a NUL": lambda company: f"{company}\x00",
    "fullwidth letters": lambda company: company.replace("acme", "ａｃｍｅ"),
    "a hundred thousand letters": lambda company: "a" * 100_000,
}

ADMIN_REFUSALS = {"admin customer": 404, "admin put customer": 422, "admin closure": 404, "admin delete closure": 404}


@pytest.mark.parametrize("hostile", HOSTILE_COMPANY_IDS)
@pytest.mark.parametrize(("route", "status"), ADMIN_REFUSALS.items())
def test_a_hostile_id_in_an_admin_route_is_refused_without_reaching_a_record(
    api: Api, tokens: dict[str, str], companies: Companies, hostile: str, route: str, status: int
) -> None:
    target = ROUTES[route]
    hostile_id = HOSTILE_COMPANY_IDS[hostile](companies.a)

    response = api.call(
        target.function,
        target.method,
        "admin/hostile",
        token=tokens["admin"],
        route_params={"id": hostile_id},
        body=target.body,
    )

    problem(response, status)
    assert f"anna@{companies.a}.example" not in response.get_body().decode()


#: Every administration route of the app, as it registers them: (method, route template).
ADMINISTRATION = sorted(
    (method, route.template.template)
    for route in registered_routes()
    if route.template.template.startswith("admin/")
    for method in route.methods
)


def test_the_administration_routes_are_the_documented_administration_operations() -> None:
    documented = {
        (operation.method, operation.path.lstrip("/")) for operation in OPERATIONS if operation.tag == "administration"
    }
    assert set(ADMINISTRATION) == documented


@pytest.mark.parametrize("role", ["customer_a", "operator", "supervisor", "security", "nobody"])
def test_every_administration_route_refuses_a_caller_without_the_admin_role_whatever_it_sends(
    api: Api, tokens: dict[str, str], companies: Companies, role: str
) -> None:
    by_template = {route.template.template: route for route in registered_routes()}
    answers = {}
    for method, template in ADMINISTRATION:
        request = func.HttpRequest(
            method,
            f"http://127.0.0.1:7071/api/{template}",
            headers={"Authorization": f"Bearer {tokens[role]}"},
            params={"ticket": UNKNOWN_TICKET, "state": "failed"},
            route_params={"id": companies.a},
            body=b"{}",
        )
        answers[method, template] = by_template[template].function.get_user_function()(request).status_code
    assert answers == dict.fromkeys(ADMINISTRATION, 403)


@pytest.mark.parametrize(
    ("route", "parameter", "value"),
    [
        ("list", "status", "new' or '1' eq '1"),
        ("list", "status", "new' or PartitionKey ne '"),
        ("list", "status", "new%27"),
        ("list", "status", "NEW"),
        ("list", "status", ""),
        ("list", "limit", "25' or '1' eq '1"),
        ("list", "limit", "-1"),
        ("list", "limit", "1e2"),
        ("list", "limit", "²"),
        ("events", "limit", "²"),
        ("list", "cursor", ""),
        pytest.param("list", "cursor", "x" * 2_000, id="list-cursor-2000 characters"),
        ("list", "cursor", "' or ''='"),
        ("events", "cursor", "' or ''='"),
    ],
)
@pytest.mark.parametrize("role", ["customer_a", "supervisor"])
def test_a_hostile_filter_is_answered_422_naming_it(
    api: Api, tokens: dict[str, str], route: str, parameter: str, value: str, role: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "new")

    response = ROUTES[route].call(api, tokens[role], ticket=ticket.id, params={parameter: value})

    assert problem(response, 422)["field"] == parameter


#: Forged list cursors, built from company A's id, that a customer of B might send.
FORGED_LIST_CURSORS: dict[str, Callable[[str], str]] = {
    "another company's partition": lambda company: cursor({"pk": company, "rk": "T|"}),
    "a row key that closes the quote": lambda company: cursor({"rk": "T|' or PartitionKey ne '"}),
    "a partition under the storage's own name": lambda company: cursor({"rk": "T|", "PartitionKey": company}),
    "a row key that is no ticket row": lambda company: cursor({"rk": f"E|{company}"}),
    "a row key that is a list": lambda company: cursor({"rk": ["T|", company]}),
    "a row key that is too long": lambda company: cursor({"rk": "T|" + "9" * 600}),
    "JSON that is not an object": lambda company: cursor(["T|", company]),
    "a cursor that is not base64": lambda company: "%%%' or '1' eq '1",
}


@pytest.mark.parametrize("forged", FORGED_LIST_CURSORS)
def test_a_forged_list_cursor_never_leads_a_customer_into_another_company(
    api: Api, tokens: dict[str, str], companies: Companies, forged: str
) -> None:
    theirs = open_ticket(api, tokens, "customer_a", "new")
    ours = open_ticket(api, tokens, "customer_b", "opened")

    response = ROUTES["list"].call(
        api, tokens["customer_b"], params={"cursor": FORGED_LIST_CURSORS[forged](companies.a), "limit": "100"}
    )

    assert response.status_code in (200, 422), response.get_body()
    assert theirs.secret not in response.get_body().decode()
    if response.status_code == 200:
        items = document(response)["items"]
        assert {item["customer_id"] for item in items} == {companies.b}
        assert ours.id in {item["id"] for item in items}


#: Forged history cursors for a ticket of A, built from its id and the id of a ticket of B.
FORGED_EVENT_CURSORS: dict[str, Callable[[str, str], str]] = {
    "a row key that closes the quote": lambda ticket, other: cursor({"rk": f"E|{ticket}|' or Public eq false or '"}),
    "a row key asking for private events": lambda ticket, other: cursor({"rk": f"E|{ticket}|", "public": False}),
    "another company's ticket": lambda ticket, other: cursor({"rk": f"E|{other}|"}),
    "another company's partition": lambda ticket, other: cursor({"pk": "x", "rk": f"E|{other}|"}),
    "every event row": lambda ticket, other: cursor({"rk": "E|"}),
}


@pytest.mark.parametrize("forged", FORGED_EVENT_CURSORS)
def test_a_forged_history_cursor_shows_a_customer_neither_internal_notes_nor_another_ticket(
    api: Api, tokens: dict[str, str], forged: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "new")
    other = open_ticket(api, tokens, "customer_b", "opened")
    note = f"internal-{uuid.uuid4().hex}"
    noted = ROUTES["messages"].call(
        api, tokens["operator"], ticket=ticket.id, raw_body=json.dumps({"body": note, "internal": True}).encode()
    )
    assert noted.status_code == 201, noted.get_body()

    forged_cursor = FORGED_EVENT_CURSORS[forged](ticket.id, other.id)

    response = ROUTES["events"].call(api, tokens["customer_a"], ticket=ticket.id, params={"cursor": forged_cursor})

    assert response.status_code in (200, 422), response.get_body()
    assert note not in response.get_body().decode()
    assert other.secret not in response.get_body().decode()


@pytest.mark.parametrize(
    "company_id", ["{a}' or PartitionKey ne '", "a/b", "{a}/../{a}", "{a}#", "{A}", "{a}\x00", "x", "-" + "a" * 63]
)
@pytest.mark.parametrize("route", ["list", "get", "open", "messages"])
def test_a_customer_token_whose_company_id_is_no_customer_id_is_refused_401(
    api: Api, signer: Signer, tokens: dict[str, str], companies: Companies, company_id: str, route: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "new")
    claimed = company_id.format(a=companies.a, A=companies.a.upper())
    token = signer.sign(signer.claims([Role.CUSTOMER], f"eve@{companies.a}.example", claimed))

    response = ROUTES[route].call(api, token, ticket=ticket.id, company=companies.a)

    assert problem(response, 401)["detail"] == "malformed customer id"
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert ticket.secret not in response.get_body().decode()


# --- two issuers: each grants only its own kind of role -------------------------------------------------


@pytest.mark.parametrize("route", ["list", "get", "messages"])
def test_a_staff_issuer_token_claiming_the_customer_role_is_refused_401(
    api: Api, signer: Signer, tokens: dict[str, str], companies: Companies, route: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "new")
    claims = signer.claims([Role.CUSTOMER], f"eve@{companies.a}.example", companies.a, iss=LOCAL_STAFF_ISSUER)

    response = ROUTES[route].call(api, signer.sign(claims), ticket=ticket.id, company=companies.a)

    assert problem(response, 401)["detail"] == "role not granted by this issuer"
    assert ticket.secret not in response.get_body().decode()


@pytest.mark.parametrize("state", ["new", "vulnerability"])
def test_a_staff_issuer_token_s_customer_claim_opens_no_customer_s_tickets(
    api: Api, signer: Signer, tokens: dict[str, str], companies: Companies, state: str
) -> None:
    """An operator's token naming company A reads A's tickets as an operator, never as A: not A's
    vulnerability ticket, which A's own customer reads. (The read, not the list: the staff list
    spans every company's tickets in the shared tables, so one page need not hold this one.)"""
    ticket = open_ticket(api, tokens, "customer_a", state)
    posing = signer.sign(signer.claims([Role.OPERATOR], OPERATOR, companies.a))

    read = ROUTES["get"].call(api, posing, ticket=ticket.id)
    as_operator = ROUTES["get"].call(api, tokens["operator"], ticket=ticket.id)

    assert read.status_code == as_operator.status_code == (200 if LISTED[(state, "operator")] else 404)
    assert (ticket.secret in read.get_body().decode()) is LISTED[(state, "operator")] is (state == "new")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR, Role.SECURITY])
@pytest.mark.parametrize("route", ["list", "admin customers", "get"])
def test_a_customers_issuer_token_claiming_a_staff_role_is_refused_401(
    api: Api, signer: Signer, tokens: dict[str, str], companies: Companies, role: Role, route: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "new")
    claims = signer.claims([role], f"anna@{companies.a}.example", companies.a, iss=LOCAL_ISSUER)

    response = ROUTES[route].call(api, signer.sign(claims), ticket=ticket.id, company=companies.a)

    assert problem(response, 401)["detail"] == "role not granted by this issuer"
    assert ticket.secret not in response.get_body().decode()


@pytest.mark.parametrize("if_match", ["\"1' or '1' eq '1\"", '"²"', '"-1"', 'W/"one"'])
def test_a_hostile_if_match_is_answered_422_and_changes_nothing(
    api: Api, tokens: dict[str, str], if_match: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "new")

    response = ROUTES["classify"].call(api, tokens["supervisor"], ticket=ticket.id, headers={"If-Match": if_match})

    assert problem(response, 422)["field"] == "If-Match"
    assert revision(api, tokens, ticket.id) == 1 + len(WALKS["new"])


def test_a_staff_opening_naming_a_company_id_with_odata_is_answered_422(api: Api, tokens: dict[str, str]) -> None:
    response = ROUTES["open"].call(api, tokens["supervisor"], company="acme' or PartitionKey ne '")

    assert problem(response, 422)["field"] == "customer_id"


# --- 4. bodies ------------------------------------------------------------------------------------------

#: Every route that reads a body, and who calls it: a role that may otherwise use it.
BODY_ROUTES = {
    "open": "supervisor",
    "messages": "supervisor",
    "accept": "supervisor",
    "assign": "supervisor",
    "classify": "supervisor",
    "request-clarification": "supervisor",
    "resolve": "supervisor",
    "close": "supervisor",
    "reopen": "supervisor",
    "admin put customer": "admin",
    "admin put closure": "admin",
}


@pytest.mark.parametrize(("route", "role"), BODY_ROUTES.items())
def test_a_body_over_64_kib_is_answered_413_and_changes_nothing(
    api: Api, tokens: dict[str, str], companies: Companies, route: str, role: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "accepted")
    oversize = json.dumps({"padding": "x" * MAX_BODY_BYTES}).encode()

    response = ROUTES[route].call(api, tokens[role], raw_body=oversize, ticket=ticket.id, company=companies.a)

    problem(response, 413)
    assert revision(api, tokens, ticket.id) == 1 + len(WALKS["accepted"])


def test_a_body_of_exactly_64_kib_is_not_refused_for_its_size(api: Api, tokens: dict[str, str]) -> None:
    empty = len(json.dumps({"subject": "s", "description": ""}).encode())
    exact = json.dumps({"subject": "s", "description": "x" * (MAX_BODY_BYTES - empty)}).encode()
    assert len(exact) == MAX_BODY_BYTES

    response = ROUTES["open"].call(api, tokens["customer_a"], raw_body=exact)

    assert problem(response, 422)["field"] == "description"


@pytest.mark.parametrize(("route", "role"), BODY_ROUTES.items())
def test_a_body_nested_ten_thousand_levels_deep_is_refused_without_crashing(
    api: Api, tokens: dict[str, str], companies: Companies, route: str, role: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", "accepted")
    nested = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
    assert len(nested) <= MAX_BODY_BYTES

    response = ROUTES[route].call(api, tokens[role], raw_body=nested, ticket=ticket.id, company=companies.a)

    assert response.status_code in (413, 422), response.get_body()
    problem(response, response.status_code)
    assert revision(api, tokens, ticket.id) == 1 + len(WALKS["accepted"])


# --- 5. the audit trail -----------------------------------------------------------------------------

#: A staff member's read or change of a ticket in a state, and the record it must leave.
AUDITED = [
    ("new", "supervisor", "get", (SUPERVISOR, "supervisor", "read")),
    ("new", "supervisor", "events", (SUPERVISOR, "supervisor", "read-history")),
    ("new", "supervisor", "assign", (SUPERVISOR, "supervisor", "assign")),
    ("new", "supervisor", "messages", (SUPERVISOR, "supervisor", "message")),
    ("new", "operator", "get", (OPERATOR, "operator", "read")),
    ("new", "operator", "events", (OPERATOR, "operator", "read-history")),
    ("new", "operator", "accept", (OPERATOR, "operator", "accept")),
    ("new", "operator", "messages", (OPERATOR, "operator", "message")),
    ("accepted", "operator", "classify", (OPERATOR, "operator", "classify")),
    ("accepted", "operator", "request-clarification", (OPERATOR, "operator", "request-clarification")),
    ("accepted", "operator", "resolve", (OPERATOR, "operator", "resolve")),
    ("resolved", "operator", "close", (OPERATOR, "operator", "close")),
    ("resolved", "supervisor", "reopen", (SUPERVISOR, "supervisor", "reopen")),
    ("closed", "operator", "reopen", (OPERATOR, "operator", "reopen")),
    ("vulnerability", "security", "get", (SECURITY, "security", "read")),
    ("new", "operator", "screen", (OPERATOR, "operator", "read-screen")),
    ("vulnerability", "security", "screen", (SECURITY, "security", "read-screen")),
    ("vulnerability", "security", "accept", (SECURITY, "security", "accept")),
]


@pytest.mark.parametrize(("state", "role", "route", "record"), AUDITED)
def test_every_staff_read_or_change_of_a_ticket_leaves_one_audit_record(
    api: Api, tokens: dict[str, str], state: str, role: str, route: str, record: tuple[str, str, str]
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", state)
    before = audit_trail(api, tokens, ticket.id)

    response = ROUTES[route].call(api, tokens[role], ticket=ticket.id)

    assert response.status_code in (200, 201), response.get_body()
    assert audit_trail(api, tokens, ticket.id) == [*before, record]


def test_a_ticket_opened_by_staff_is_audited_and_one_opened_by_its_customer_is_not(
    api: Api, tokens: dict[str, str], companies: Companies
) -> None:
    by_operator = ROUTES["open"].call(api, tokens["operator"], company=companies.a)
    by_customer = open_ticket(api, tokens, "customer_a", "opened")

    assert by_operator.status_code == 201, by_operator.get_body()
    assert audit_trail(api, tokens, document(by_operator)["id"]) == [(OPERATOR, "operator", "open")]
    assert audit_trail(api, tokens, by_customer.id) == []


@pytest.mark.parametrize(
    ("state", "route"),
    [("new", "get"), ("new", "events"), ("new", "messages"), ("new", "list"), ("closed", "reopen")],
)
def test_a_customer_s_read_or_change_leaves_no_audit_record(
    api: Api, tokens: dict[str, str], state: str, route: str
) -> None:
    ticket = open_ticket(api, tokens, "customer_a", state)
    before = audit_trail(api, tokens, ticket.id)

    response = ROUTES[route].call(api, tokens["customer_a"], ticket=ticket.id)

    assert response.status_code in (200, 201), response.get_body()
    assert audit_trail(api, tokens, ticket.id) == before
