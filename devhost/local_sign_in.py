"""A local OpenID Connect provider for the portal on ``make run``: authorization code + PKCE.

It is the local stand-in for Microsoft Entra External ID, so the portal's sign-in code is the same
locally and in production: the portal reads ``/.well-known/openid-configuration`` under its
authority, sends the browser to ``authorize``, and exchanges the code at ``token`` with its PKCE
verifier. Instead of a password, the authorize page lists the demo users (:mod:`devhost.demo`);
choosing one issues a one-time code, and the token endpoint answers an access token minted with
the local key (:mod:`devhost.local_identity`), which the app trusts only through
``AUTH_LOCAL_JWKS_FILE``. It lives in the local host, which is never deployed, and refuses to
start where ``WEBSITE_INSTANCE_ID`` says it runs on Azure.

Its issuer and the one redirect URI it accepts come from the address the host is bound to
(``base_url``), never from the request's ``Host`` header, which a page could choose (DNS
rebinding); the HTTP listener refuses such hosts anyway (:mod:`devhost.http_server`).

Served under ``/local-issuer`` (the local tokens' issuer):

* ``GET  /.well-known/openid-configuration``: the discovery document;
* ``GET  /authorize``: the sign-in page (``response_type=code``, ``code_challenge_method=S256``
  with a 43-character ``code_challenge``, the configured ``client_id`` and exactly the portal's
  ``redirect_uri`` are required, as Entra compares redirect URIs exactly; anything else is a 400
  page, never a redirect);
* ``POST /authorize``: the chosen user; 303 to ``redirect_uri`` with ``code`` and ``state``;
* ``POST /token``: ``grant_type=authorization_code`` with ``code``, ``redirect_uri``,
  ``client_id`` and ``code_verifier``; a code works once, for 2 minutes;
* ``GET  /jwks``: the public key set.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt

from devhost import PROJECT_ROOT
from devhost.demo import DemoUser
from devhost.http_dispatch import IncomingRequest, OutgoingResponse
from devhost.local_identity import ensure_signing_key, mint_token, public_jwk
from shared.adapters.auth.tokens import ALGORITHM

#: Where the provider is mounted: the path of the local tokens' issuer.
MOUNT = "/local-issuer"
CODE_SECONDS = 120
TOKEN_MINUTES = 60
_VERIFIER_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
#: An S256 challenge: base64url of a SHA-256 digest, unpadded (RFC 7636, 4.2).
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
#: Where the portal is served (``routePrefix`` ``api``): its page is the one redirect URI.
PORTAL_PATH = "/api/portal/"

_PAGE_TEXT = {
    "it": {
        "title": "Accesso locale",
        "lead": "Ambiente di sviluppo: scegli un utente dimostrativo. Nessuna password, nessun dato reale.",
        "as": "Entra come",
        "bad": "Richiesta di accesso non valida",
    },
    "en": {
        "title": "Local sign-in",
        "lead": "Development environment: pick a demo user. No password, no real data.",
        "as": "Sign in as",
        "bad": "Invalid sign-in request",
    },
}


class SignInRefused(Exception):  # noqa: N818 (an answer to the client, not a failure of ours)
    """A request the provider answers with an error: ``error`` is the OAuth 2.0 error code."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


@dataclass(frozen=True)
class _Grant:
    user: DemoUser
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    scope: str
    expires: float


class LocalSignIn:
    """The provider: ``respond`` answers the requests under :data:`MOUNT`."""

    def __init__(
        self,
        users: Sequence[DemoUser],
        client_id: str,
        *,
        base_url: str,
        portal_path: str = PORTAL_PATH,
        key_root: Path = PROJECT_ROOT,
        clock: Callable[[], float] = time.time,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        """Sign in ``users`` for the portal whose client id is ``client_id``, served at
        ``base_url`` + ``portal_path`` (its one redirect URI); ``base_url`` is the host's own
        ``http://host:port`` as bound, and the issuer is ``base_url`` + :data:`MOUNT`. Tokens are
        signed with the key under ``key_root``. Refuses to exist on Azure (``WEBSITE_INSTANCE_ID``
        in ``environ``, the process environment unless a test says otherwise)."""
        if environ.get("WEBSITE_INSTANCE_ID"):
            raise RuntimeError("the local sign-in is for local runs only, never on Azure")
        self._issuer = base_url.rstrip("/") + MOUNT
        self._redirect_uri = base_url.rstrip("/") + "/" + portal_path.strip("/") + "/"
        self._users = {user.email: user for user in users}
        self._client_id = client_id
        self._key_root = key_root
        self._clock = clock
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    def respond(self, request: IncomingRequest) -> OutgoingResponse:
        """The answer to a request whose path starts with :data:`MOUNT`."""
        split = urlsplit(request.target)
        path, method = split.path.removeprefix(MOUNT), request.method.upper()
        routes: dict[tuple[str, str], Callable[[IncomingRequest, dict[str, str]], OutgoingResponse]] = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/authorize"): self._page,
            ("POST", "/authorize"): self._choose,
            ("POST", "/token"): self._token,
            ("GET", "/jwks"): self._jwks,
        }
        handler = routes.get((method, path))
        if handler is None:
            return _json(HTTPStatus.NOT_FOUND, {"error": "not_found", "error_description": f"no {method} {path}"})
        form = dict(parse_qsl(request.body.decode("utf-8", "replace") if method == "POST" else split.query))
        return handler(request, form)

    # --- endpoints ------------------------------------------------------------------------------

    def _discovery(self, request: IncomingRequest, form: dict[str, str]) -> OutgoingResponse:
        issuer = self._issuer
        return _json(
            HTTPStatus.OK,
            {
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/authorize",
                "token_endpoint": f"{issuer}/token",
                "jwks_uri": f"{issuer}/jwks",
                "response_types_supported": ["code"],
                "grant_types_supported": ["authorization_code"],
                "code_challenge_methods_supported": ["S256"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": [ALGORITHM],
                "token_endpoint_auth_methods_supported": ["none"],
            },
        )

    def _jwks(self, request: IncomingRequest, form: dict[str, str]) -> OutgoingResponse:
        key = ensure_signing_key(self._key_root)
        return _json(HTTPStatus.OK, {"keys": [public_jwk(key.private_key.public_key())]})

    def _page(self, request: IncomingRequest, form: dict[str, str]) -> OutgoingResponse:
        language = _language(form)
        try:
            self._check_authorize(request, form)
        except SignInRefused as refused:
            return _html(HTTPStatus.BAD_REQUEST, _refusal_page(language, refused.description))
        return _html(HTTPStatus.OK, _sign_in_page(language, form, list(self._users.values())))

    def _choose(self, request: IncomingRequest, form: dict[str, str]) -> OutgoingResponse:
        language = _language(form)
        try:
            self._check_authorize(request, form)
            user = self._users.get(form.get("login_hint", ""))
            if user is None:
                raise SignInRefused("access_denied", "no such demo user")
        except SignInRefused as refused:
            return _html(HTTPStatus.BAD_REQUEST, _refusal_page(language, refused.description))
        code = secrets.token_urlsafe(32)
        grant = _Grant(
            user=user,
            client_id=form["client_id"],
            redirect_uri=form["redirect_uri"],
            challenge=form["code_challenge"],
            nonce=form.get("nonce"),
            scope=form.get("scope", "openid"),
            expires=self._clock() + CODE_SECONDS,
        )
        with self._lock:
            self._grants = {key: value for key, value in self._grants.items() if value.expires > self._clock()}
            self._grants[code] = grant
        answer = {"code": code, **({"state": form["state"]} if "state" in form else {})}
        separator = "&" if "?" in grant.redirect_uri else "?"
        location = f"{grant.redirect_uri}{separator}{urlencode(answer)}"
        return OutgoingResponse(HTTPStatus.SEE_OTHER, [("Location", location), ("Cache-Control", "no-store")], b"")

    def _token(self, request: IncomingRequest, form: dict[str, str]) -> OutgoingResponse:
        try:
            grant = self._redeem(form)
        except SignInRefused as refused:
            return _json(HTTPStatus.BAD_REQUEST, {"error": refused.error, "error_description": refused.description})
        user = grant.user
        access = mint_token(
            ["customer"], user.customer_id, subject=user.email, name=user.name, minutes=TOKEN_MINUTES,
            root=self._key_root,
        )  # fmt: skip
        key = ensure_signing_key(self._key_root)
        now = int(self._clock())
        id_claims = {
            "iss": self._issuer,
            "aud": grant.client_id,
            "sub": user.email,
            "email": user.email,
            "name": user.name,
            "iat": now,
            "exp": now + TOKEN_MINUTES * 60,
            **({"nonce": grant.nonce} if grant.nonce else {}),
        }
        id_token = jwt.encode(id_claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})
        return _json(
            HTTPStatus.OK,
            {
                "access_token": access,
                "id_token": id_token,
                "token_type": "Bearer",
                "expires_in": TOKEN_MINUTES * 60,
                "scope": grant.scope,
            },
        )

    # --- checks ---------------------------------------------------------------------------------

    def _check_authorize(self, request: IncomingRequest, form: dict[str, str]) -> None:
        if form.get("client_id") != self._client_id:
            raise SignInRefused("unauthorized_client", "unknown client_id")
        if form.get("redirect_uri") != self._redirect_uri:
            raise SignInRefused("invalid_request", f"redirect_uri must be exactly {self._redirect_uri}")
        if form.get("response_type") != "code":
            raise SignInRefused("unsupported_response_type", "only response_type=code")
        if form.get("code_challenge_method") != "S256" or not _CHALLENGE.fullmatch(form.get("code_challenge", "")):
            raise SignInRefused("invalid_request", "PKCE with code_challenge_method=S256 is required")

    def _redeem(self, form: dict[str, str]) -> _Grant:
        """The grant of ``form['code']``, taken (a code works once) and checked against the
        request: same client and redirect URI, not expired, and a verifier that hashes to the
        challenge (RFC 7636, S256)."""
        if form.get("grant_type") != "authorization_code":
            raise SignInRefused("unsupported_grant_type", "only grant_type=authorization_code")
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or grant.expires <= self._clock():
            raise SignInRefused("invalid_grant", "unknown, used or expired code")
        if form.get("client_id") != grant.client_id or form.get("redirect_uri") != grant.redirect_uri:
            raise SignInRefused("invalid_grant", "client_id or redirect_uri differ from the authorization request")
        verifier = form.get("code_verifier", "")
        if not 43 <= len(verifier) <= 128 or not set(verifier) <= _VERIFIER_CHARACTERS:
            raise SignInRefused("invalid_grant", "code_verifier must be 43-128 unreserved characters")
        if not secrets.compare_digest(s256(verifier), grant.challenge):
            raise SignInRefused("invalid_grant", "code_verifier does not match the code_challenge")
        return grant


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier``: base64url(SHA-256(verifier)), unpadded."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _language(form: Mapping[str, str]) -> str:
    return "it" if form.get("ui_locales", "").lower().startswith("it") else "en"


_HEADERS = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
        "frame-ancestors 'none'",
    ),
]


def _json(status: HTTPStatus, document: object) -> OutgoingResponse:
    return OutgoingResponse(
        status, [("Content-Type", "application/json"), ("Cache-Control", "no-store")], json.dumps(document).encode()
    )


def _html(status: HTTPStatus, page: str) -> OutgoingResponse:
    return OutgoingResponse(status, [("Content-Type", "text/html; charset=utf-8"), *_HEADERS], page.encode())


def _document(language: str, title: str, body: str) -> str:
    escape = html.escape
    return (
        f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/api/portal/portal.css"></head>'
        f'<body><main id="main" class="page sign-in">{body}</main></body></html>\n'
    )


def _sign_in_page(language: str, form: Mapping[str, str], users: Sequence[DemoUser]) -> str:
    text, escape = _PAGE_TEXT[language], html.escape
    carried = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
               "code_challenge_method", "ui_locales")  # fmt: skip
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{escape(form[name])}">' for name in carried if name in form
    )
    buttons = "".join(
        f'<li><button type="submit" class="button" name="login_hint" value="{escape(user.email)}">'
        f"{escape(text['as'])} {escape(user.name)} "
        f'<span class="muted">({escape(user.email)}, {escape(user.customer_name)})</span></button></li>'
        for user in users
    )
    body = (
        f"<h1>{escape(text['title'])}</h1><p>{escape(text['lead'])}</p>"
        f'<form method="post" action="{MOUNT}/authorize">{hidden}<ul class="plain">{buttons}</ul></form>'
    )
    return _document(language, text["title"], body)


def _refusal_page(language: str, reason: str) -> str:
    text, escape = _PAGE_TEXT[language], html.escape
    return _document(language, text["bad"], f'<h1>{escape(text["bad"])}</h1><p role="alert">{escape(reason)}</p>')
