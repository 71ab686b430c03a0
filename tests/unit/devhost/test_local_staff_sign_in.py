"""The local staff sign-in of ``make run``: the staff issuer's provider for the console, beside the
customers' one for the portal, each with its own mount, client, redirect URI and key."""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest

from devhost import serve
from devhost.demo_staff import DEMO_STAFF
from devhost.http_dispatch import IncomingRequest, OutgoingResponse
from devhost.local_identity import LOCAL_STAFF_ISSUER, local_auth_environment
from devhost.local_sign_in import MOUNT, STAFF_MOUNT, LocalSignIn, s256, staff_sign_ins
from shared.adapters.auth.jwks import FileKeySet
from shared.adapters.auth.tokens import AuthenticationError, TokenVerifier
from shared.config.auth import load_auth_settings
from shared.domain.lifecycle import Role

pytestmark = pytest.mark.unit

BASE = "http://127.0.0.1:7071"
CLIENT = "support-desk-console-local"
REDIRECT = f"{BASE}/api/console/"
SAM = next(member for member in DEMO_STAFF if member.email == "sam@desk.example")


@pytest.fixture
def provider(tmp_path: Path) -> LocalSignIn:
    return LocalSignIn(
        staff_sign_ins(DEMO_STAFF), CLIENT, base_url=BASE, app_path="/api/console/", issuer="staff", key_root=tmp_path
    )


def call(provider: LocalSignIn, method: str, path: str, form: dict[str, str]) -> OutgoingResponse:
    encoded = urlencode(form)
    target = f"{STAFF_MOUNT}{path}" + (f"?{encoded}" if method == "GET" else "")
    return provider.respond(IncomingRequest(method, target, [], encoded.encode() if method == "POST" else b"", BASE))


def authorize_form(verifier: str, **overrides: str) -> dict[str, str]:
    return {
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid profile",
        "state": "s-1",
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        **overrides,
    }


def tokens_for(provider: LocalSignIn, email: str) -> dict[str, str]:
    verifier = secrets.token_urlsafe(48)
    chosen = call(provider, "POST", "/authorize", {**authorize_form(verifier), "login_hint": email})
    assert chosen.status == 303
    location = urlsplit(dict(chosen.headers)["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    code = parse_qs(location.query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": CLIENT}
    answer = call(provider, "POST", "/token", {**form, "code_verifier": verifier})
    assert answer.status == 200
    document: dict[str, str] = json.loads(answer.body)
    return document


def local_verifier(root: Path) -> TokenVerifier:
    settings = load_auth_settings(local_auth_environment(root))
    keys = [FileKeySet(path) for path in (settings.customers.local_jwks_file, settings.staff.local_jwks_file) if path]
    return TokenVerifier(settings, *keys)


def test_the_staff_provider_is_its_own_issuer_at_its_own_mount(provider: LocalSignIn) -> None:
    discovery = json.loads(call(provider, "GET", "/.well-known/openid-configuration", {}).body)
    assert provider.mount == STAFF_MOUNT != MOUNT
    assert discovery["issuer"] == f"{BASE}{STAFF_MOUNT}"
    assert discovery["authorization_endpoint"] == f"{BASE}{STAFF_MOUNT}/authorize"


def test_the_page_offers_the_demo_staff_and_posts_back_to_the_staff_mount(provider: LocalSignIn) -> None:
    page = call(provider, "GET", "/authorize", authorize_form(secrets.token_urlsafe(48)))
    text = page.body.decode()
    assert page.status == 200
    assert all(member.email in text for member in DEMO_STAFF)
    assert f'action="{STAFF_MOUNT}/authorize"' in text


def test_a_demo_staff_member_gets_a_staff_issuer_token_with_object_id_roles_name_and_email(
    provider: LocalSignIn, tmp_path: Path
) -> None:
    access = tokens_for(provider, SAM.email)["access_token"]
    claims = jwt.decode(access, options={"verify_signature": False})
    assert (claims["iss"], claims["oid"], claims["name"], claims["email"]) == (
        LOCAL_STAFF_ISSUER,
        SAM.object_id,
        SAM.name,
        SAM.email,
    )
    caller = local_verifier(tmp_path).verify(f"Bearer {access}")
    assert (caller.roles, caller.object_id, caller.customer_id) == ({Role.SECURITY, Role.OPERATOR}, SAM.object_id, None)


def test_the_staff_key_set_is_not_the_customers(provider: LocalSignIn, tmp_path: Path) -> None:
    access = tokens_for(provider, SAM.email)["access_token"]
    staff_kid = json.loads(call(provider, "GET", "/jwks", {}).body)["keys"][0]["kid"]
    customers = LocalSignIn([], "portal", base_url=BASE, key_root=tmp_path)
    served = customers.respond(IncomingRequest("GET", f"{MOUNT}/jwks", [], b"", BASE))
    assert jwt.get_unverified_header(access)["kid"] == staff_kid != json.loads(served.body)["keys"][0]["kid"]
    forged = jwt.encode(
        {**jwt.decode(access, options={"verify_signature": False}), "iss": "http://127.0.0.1:7071/local-issuer"},
        (tmp_path / ".local" / "auth" / "staff-signing-key.pem").read_bytes(),
        algorithm="RS256",
        headers={"kid": staff_kid},
    )
    with pytest.raises(AuthenticationError, match="unknown signing key"):
        local_verifier(tmp_path).verify(f"Bearer {forged}")


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"redirect_uri": f"{BASE}/api/portal/"}, id="the-portal-s-redirect-uri"),
        pytest.param({"redirect_uri": f"{BASE}/api/console/x"}, id="another-console-path"),
        pytest.param({"client_id": "support-desk-portal-local"}, id="the-portal-s-client"),
    ],
)
def test_the_console_s_one_client_and_redirect_uri_are_required(
    provider: LocalSignIn, overrides: dict[str, str]
) -> None:
    page = call(provider, "GET", "/authorize", authorize_form(secrets.token_urlsafe(48), **overrides))
    assert page.status == 400


def test_make_run_mounts_both_providers_from_the_sample_settings() -> None:
    environ = {
        "AUTH_LOCAL_JWKS_FILE": ".local/auth/jwks.json",
        "PORTAL_OIDC_CLIENT_ID": "support-desk-portal-local",
        "AUTH_STAFF_LOCAL_JWKS_FILE": ".local/auth/staff-jwks.json",
        "CONSOLE_OIDC_CLIENT_ID": CLIENT,
    }
    assert set(serve._local_sign_in(environ, BASE, "api")) == {MOUNT, STAFF_MOUNT}
    without_console = {name: value for name, value in environ.items() if name != "CONSOLE_OIDC_CLIENT_ID"}
    assert set(serve._local_sign_in(without_console, BASE, "api")) == {MOUNT}
