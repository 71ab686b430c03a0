"""The local OpenID Connect provider of ``make run``: authorization code + PKCE for the demo users,
tokens the app's verifier accepts, and every shortcut refused."""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import azure.functions as func
import jwt
import pytest

from devhost.demo import DEMO_CUSTOMERS, demo_users
from devhost.http_dispatch import HttpDispatcher, IncomingRequest, OutgoingResponse, http_routes
from devhost.http_server import DevHostServer
from devhost.local_identity import local_auth_environment
from devhost.local_sign_in import CODE_SECONDS, MOUNT, LocalSignIn, customer_sign_ins, s256
from devhost.serve import is_loopback
from devhost.serve import run as serve
from shared.adapters.auth.jwks import FileKeySet
from shared.adapters.auth.tokens import TokenVerifier
from shared.config.auth import load_auth_settings
from shared.domain.lifecycle import Role

BASE = "http://127.0.0.1:7071"
CLIENT = "portal-local"
REDIRECT = f"{BASE}/api/portal/"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def provider(tmp_path: Path, clock: Clock) -> LocalSignIn:
    return LocalSignIn(customer_sign_ins(demo_users()), CLIENT, base_url=BASE, key_root=tmp_path, clock=clock)


def call(
    provider: LocalSignIn, method: str, path: str, form: dict[str, str] | None = None, *, host_url: str = BASE
) -> OutgoingResponse:
    """``host_url`` is what the request's ``Host`` header said (the provider must not care)."""
    encoded = urlencode(form or {})
    target = f"{MOUNT}{path}" + (f"?{encoded}" if method == "GET" and encoded else "")
    body = encoded.encode() if method == "POST" else b""
    return provider.respond(IncomingRequest(method, target, [], body, host_url))


def header(response: OutgoingResponse, name: str) -> str:
    return next(value for key, value in response.headers if key.lower() == name.lower())


def authorize_form(verifier: str, **overrides: str) -> dict[str, str]:
    return {
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid profile",
        "state": "s-123",
        "nonce": "n-456",
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        **overrides,
    }


def sign_in(provider: LocalSignIn, verifier: str, email: str = "anna@acme.example") -> str:
    """The code the provider redirects with after ``email`` is chosen."""
    chosen = call(provider, "POST", "/authorize", {**authorize_form(verifier), "login_hint": email})
    assert chosen.status == 303
    location = urlsplit(header(chosen, "Location"))
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["s-123"]
    return query["code"][0]


def redeem(provider: LocalSignIn, code: str, verifier: str, **overrides: str) -> OutgoingResponse:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": CLIENT,
        "code_verifier": verifier,
        **overrides,
    }
    return call(provider, "POST", "/token", form)


def test_the_s256_challenge_is_the_rfc_7636_example() -> None:
    assert s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_the_discovery_document_names_the_endpoints_on_this_host(provider: LocalSignIn) -> None:
    document = json.loads(call(provider, "GET", "/.well-known/openid-configuration").body)
    assert document["authorization_endpoint"] == f"{BASE}{MOUNT}/authorize"
    assert document["token_endpoint"] == f"{BASE}{MOUNT}/token"
    assert document["code_challenge_methods_supported"] == ["S256"]


def test_the_sign_in_page_lists_every_demo_user_escaped(provider: LocalSignIn) -> None:
    page = call(provider, "GET", "/authorize", authorize_form(secrets.token_urlsafe(40), state='"><script>'))
    assert page.status == 200
    text = page.body.decode()
    for user in demo_users():
        assert f'value="{user.email}"' in text
    assert '"><script>' not in text
    assert "&quot;&gt;&lt;script&gt;" in text
    assert "default-src 'none'" in header(page, "Content-Security-Policy")


def test_the_code_and_verifier_give_a_customer_token_the_app_accepts(provider: LocalSignIn, tmp_path: Path) -> None:
    verifier = secrets.token_urlsafe(48)
    answer = redeem(provider, sign_in(provider, verifier), verifier)
    assert answer.status == 200
    tokens = json.loads(answer.body)
    settings = load_auth_settings(local_auth_environment(tmp_path))
    keys = [FileKeySet(path) for path in (settings.customers.local_jwks_file, settings.staff.local_jwks_file) if path]
    caller = TokenVerifier(settings, *keys).verify(f"Bearer {tokens['access_token']}")
    assert (caller.subject, caller.roles, caller.customer_id) == ("anna@acme.example", {Role.CUSTOMER}, "acme")
    identity = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert (identity["aud"], identity["nonce"], identity["name"]) == (CLIENT, "n-456", "Anna Bianchi")


def test_a_code_works_once(provider: LocalSignIn) -> None:
    verifier = secrets.token_urlsafe(48)
    code = sign_in(provider, verifier)
    assert redeem(provider, code, verifier).status == 200
    again = redeem(provider, code, verifier)
    assert (again.status, json.loads(again.body)["error"]) == (400, "invalid_grant")


def test_a_code_expires(provider: LocalSignIn, clock: Clock) -> None:
    verifier = secrets.token_urlsafe(48)
    code = sign_in(provider, verifier)
    clock.now += CODE_SECONDS
    assert json.loads(redeem(provider, code, verifier).body)["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "overrides",
    [
        {"code_verifier": secrets.token_urlsafe(48)},  # another verifier
        {"redirect_uri": f"{BASE}/api/portal/other"},
        {"client_id": "someone-else"},
        {"grant_type": "password"},
    ],
)
def test_a_code_is_refused_with_anything_but_its_own_verifier_client_and_redirect(
    provider: LocalSignIn, overrides: dict[str, str]
) -> None:
    verifier = secrets.token_urlsafe(48)
    answer = redeem(provider, sign_in(provider, verifier), verifier, **overrides)
    assert answer.status == 400
    assert "access_token" not in json.loads(answer.body)


@pytest.mark.parametrize(
    "overrides",
    [
        {"redirect_uri": "https://evil.example/api/portal/"},
        {"redirect_uri": "http://127.0.0.1:9999/api/portal/"},
        # the exact redirect URI only, as Entra compares them
        {"redirect_uri": f"{BASE}/api/health"},
        {"redirect_uri": f"{BASE}/api/portal"},
        {"redirect_uri": f"{BASE}/api/portal/index.html"},
        {"redirect_uri": f"{BASE}/api/portal//"},
        {"redirect_uri": f"{BASE}/api/portal/?x=1"},
        {"redirect_uri": "http://localhost:7071/api/portal/"},
        {"client_id": "unknown"},
        {"response_type": "token"},
        {"code_challenge_method": "plain"},
        {"code_challenge": ""},
        # an S256 challenge is 43 base64url characters
        {"code_challenge": "A" * 42},
        {"code_challenge": "A" * 44},
        {"code_challenge": "A" * 128},
        {"code_challenge": "+" * 43},
        {"code_challenge": "A" * 42 + "="},
    ],
)
def test_an_authorization_request_off_the_rules_is_a_400_page_never_a_redirect(
    provider: LocalSignIn, overrides: dict[str, str]
) -> None:
    form = authorize_form(secrets.token_urlsafe(48), **overrides)
    for answer in (call(provider, "GET", "/authorize", form), call(provider, "POST", "/authorize", form)):
        assert answer.status == 400
        assert all(name.lower() != "location" for name, _ in answer.headers)


def test_only_demo_users_can_be_chosen(provider: LocalSignIn) -> None:
    form = {**authorize_form(secrets.token_urlsafe(48)), "login_hint": "mallory@acme.example"}
    assert call(provider, "POST", "/authorize", form).status == 400


def test_the_provider_refuses_to_exist_on_azure(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="never on Azure"):
        LocalSignIn(
            customer_sign_ins(demo_users()),
            CLIENT,
            base_url=BASE,
            key_root=tmp_path,
            environ={"WEBSITE_INSTANCE_ID": "abc"},
        )


def test_the_azure_guard_reads_the_process_environment_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBSITE_INSTANCE_ID", "abc")
    with pytest.raises(RuntimeError, match="never on Azure"):
        LocalSignIn(customer_sign_ins(demo_users()), CLIENT, base_url=BASE, key_root=tmp_path)


REBOUND = "http://rebound.evil.example:7071"


def test_the_issuer_and_redirect_uri_are_the_bound_address_whatever_the_host_header(provider: LocalSignIn) -> None:
    document = json.loads(call(provider, "GET", "/.well-known/openid-configuration", host_url=REBOUND).body)
    assert document["issuer"] == f"{BASE}{MOUNT}"
    assert document["token_endpoint"] == f"{BASE}{MOUNT}/token"
    form = authorize_form(secrets.token_urlsafe(48), redirect_uri=f"{REBOUND}/api/portal/")
    assert call(provider, "GET", "/authorize", form, host_url=REBOUND).status == 400
    verifier = secrets.token_urlsafe(48)
    chosen = call(provider, "POST", "/authorize", {**authorize_form(verifier), "login_hint": "anna@acme.example"},
                  host_url=REBOUND)  # fmt: skip
    code = parse_qs(urlsplit(header(chosen, "Location")).query)["code"][0]
    tokens = json.loads(call(provider, "POST", "/token", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": CLIENT,
        "code_verifier": verifier}, host_url=REBOUND).body)  # fmt: skip
    assert jwt.decode(tokens["id_token"], options={"verify_signature": False})["iss"] == f"{BASE}{MOUNT}"


@pytest.fixture
def listening() -> Iterator[DevHostServer]:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="ping", methods=["GET"])
    def ping(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.url)

    server = DevHostServer(("127.0.0.1", 0), HttpDispatcher(http_routes(app.get_functions()), "api"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def get_with_host(server: DevHostServer, host: str | None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
    try:
        connection.putrequest("GET", "/api/ping", skip_host=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_the_host_answers_only_to_its_loopback_names_on_its_port(listening: DevHostServer) -> None:
    port = listening.server_address[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        status, body = get_with_host(listening, host)
        assert status == 200, host
        assert body == f"http://{host.lower()}/api/ping".encode()
    for host in (f"rebound.evil.example:{port}", "127.0.0.1", f"127.0.0.1:{port + 1}", f"localhost.evil:{port}",
                 f"127.0.0.1:{port}@evil.example", "", None):  # fmt: skip
        assert get_with_host(listening, host)[0] == 400, host


ANY_INTERFACE = "0.0.0.0"  # noqa: S104 (the address --demo must refuse)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True), (ANY_INTERFACE, False),
     ("192.168.1.5", False), ("desk.example", False)],
)  # fmt: skip
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_demo_with_its_password_less_sign_in_refuses_a_non_loopback_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    args = argparse.Namespace(app="function_app:app", host=ANY_INTERFACE, port=0, no_azurite=True, demo=True)
    assert serve(args) == 1
    assert "loopback" in caplog.text


def test_the_demo_has_two_customers_each_with_a_ticket_waiting_for_it() -> None:
    assert len(DEMO_CUSTOMERS) == 2
    for demo in DEMO_CUSTOMERS:
        assert demo.users
        assert any(step[0] == "request-clarification" for ticket in demo.tickets for step in ticket.steps)


def test_the_dispatcher_hands_the_mounted_paths_to_the_provider_and_the_rest_to_the_app(
    provider: LocalSignIn,
) -> None:
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

    @app.route(route="portal/{*path}", methods=["GET"])
    def files(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(f"file {req.route_params.get('path')}")

    dispatcher = HttpDispatcher(http_routes(app.get_functions()), "api", {MOUNT: provider.respond})

    def get(target: str) -> OutgoingResponse:
        return dispatcher.dispatch(IncomingRequest("GET", target, [], b"", BASE))

    assert get(f"{MOUNT}/.well-known/openid-configuration").status == 200
    assert get("/api/portal/js/app.js").body == b"file js/app.js"
    assert get("/local-issuerx/authorize").status == 404


def test_the_verifier_alphabet_is_enforced(provider: LocalSignIn) -> None:
    verifier = "é" * 43
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    chosen = call(
        provider,
        "POST",
        "/authorize",
        {**authorize_form("x" * 43, code_challenge=challenge), "login_hint": "anna@acme.example"},
    )
    code = parse_qs(urlsplit(header(chosen, "Location")).query)["code"][0]
    assert redeem(provider, code, verifier).status == 400
