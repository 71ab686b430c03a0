"""Local OpenID Connect providers on ``make run``: authorization code + PKCE, one per issuer.

They are the local stand-ins for the two production providers, so the browser apps' sign-in code
is the same locally and in production: the customers' issuer (Microsoft Entra External ID) for the
portal, mounted at :data:`MOUNT`, and the staff issuer (Microsoft Entra ID) for the console,
mounted at :data:`STAFF_MOUNT`. An app reads ``/.well-known/openid-configuration`` under its
authority, sends the browser to ``authorize``, and exchanges the code at ``token`` with its PKCE
verifier. Instead of a password, the authorize page lists the demo people (the portal's demo users
of :mod:`devhost.demo`, the console's demo staff of :mod:`devhost.demo_staff`); choosing one
issues a one-time code, and the token endpoint answers an access token minted with that issuer's
local key (:mod:`devhost.local_identity`), which the app trusts only through
``AUTH_LOCAL_JWKS_FILE`` or ``AUTH_STAFF_LOCAL_JWKS_FILE``. A staff token carries the member's
``oid``, ``roles``, ``name`` and ``email``. They live in the local host, which is never deployed,
and refuse to start where ``WEBSITE_INSTANCE_ID`` says they run on Azure.

Each one's issuer and the one redirect URI it accepts come from the address the host is bound to
(``base_url``), never from the request's ``Host`` header, which a page could choose (DNS
rebinding); the HTTP listener refuses such hosts anyway (:mod:`devhost.http_server`).

Served under each mount (the local tokens' issuer):

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
from devhost.demo_staff import DemoStaffMember
from devhost.http_dispatch import IncomingRequest, OutgoingResponse
from devhost.local_identity import Issuer, ensure_signing_key, mint_token, public_jwk
from devhost.local_sign_in_pages import SignInUser, html_answer, json_answer, language, refusal_page, sign_in_page
from shared.adapters.auth.tokens import ALGORITHM

#: Where the providers are mounted: the paths of the local customers' and staff issuers.
MOUNT = "/local-issuer"
STAFF_MOUNT = "/local-staff-issuer"
CODE_SECONDS = 120
TOKEN_MINUTES = 60
_VERIFIER_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
#: An S256 challenge: base64url of a SHA-256 digest, unpadded (RFC 7636, 4.2).
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
#: Where the portal is served (``routePrefix`` ``api``): its page is the one redirect URI of the
#: customers' provider (the console's, ``/api/console/``, is the staff provider's).
PORTAL_PATH = "/api/portal/"


def customer_sign_ins(users: Sequence[DemoUser]) -> list[SignInUser]:
    """The portal's demo users as the customers' provider offers them."""
    return [SignInUser(u.email, u.name, u.customer_name, ("customer",), customer_id=u.customer_id) for u in users]


def staff_sign_ins(staff: Sequence[DemoStaffMember]) -> list[SignInUser]:
    """The demo staff as the staff provider offers them, named by their directory object id."""
    return [
        SignInUser(m.email, m.name, ", ".join(sorted(m.roles)), tuple(sorted(m.roles)), object_id=m.object_id)
        for m in staff
    ]


class SignInRefused(Exception):  # noqa: N818 (an answer to the client, not a failure of ours)
    """A request the provider answers with an error: ``error`` is the OAuth 2.0 error code."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


@dataclass(frozen=True)
class _Grant:
    user: SignInUser
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    scope: str
    expires: float


class LocalSignIn:
    """One provider: ``respond`` answers the requests under its mount."""

    def __init__(
        self,
        users: Sequence[SignInUser],
        client_id: str,
        *,
        base_url: str,
        app_path: str = PORTAL_PATH,
        issuer: Issuer = "customers",
        key_root: Path = PROJECT_ROOT,
        clock: Callable[[], float] = time.time,
        environ: Mapping[str, str] = os.environ,
    ) -> None:
        """Sign in ``users`` for the browser app whose client id is ``client_id``, served at
        ``base_url`` + ``app_path`` (its one redirect URI), as the local ``issuer``: the
        customers' (mounted at :data:`MOUNT`) or the staff's (at :data:`STAFF_MOUNT`).
        ``base_url`` is the host's own ``http://host:port`` as bound, and the issuer is
        ``base_url`` + the mount. Tokens are signed with that issuer's key under ``key_root``.
        Refuses to exist on Azure (``WEBSITE_INSTANCE_ID`` in ``environ``, the process
        environment unless a test says otherwise)."""
        if environ.get("WEBSITE_INSTANCE_ID"):
            raise RuntimeError("the local sign-in is for local runs only, never on Azure")
        self.mount = MOUNT if issuer == "customers" else STAFF_MOUNT
        self._kind: Issuer = issuer
        self._issuer = base_url.rstrip("/") + self.mount
        self._redirect_uri = base_url.rstrip("/") + "/" + app_path.strip("/") + "/"
        self._users = {user.email: user for user in users}
        self._client_id = client_id
        self._key_root = key_root
        self._clock = clock
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()

    def respond(self, request: IncomingRequest) -> OutgoingResponse:
        """The answer to a request whose path starts with the provider's mount."""
        split = urlsplit(request.target)
        path, method = split.path.removeprefix(self.mount), request.method.upper()
        routes: dict[tuple[str, str], Callable[[IncomingRequest, dict[str, str]], OutgoingResponse]] = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/authorize"): self._page,
            ("POST", "/authorize"): self._choose,
            ("POST", "/token"): self._token,
            ("GET", "/jwks"): self._jwks,
        }
        handler = routes.get((method, path))
        if handler is None:
            return json_answer(HTTPStatus.NOT_FOUND, {"error": "not_found", "error_description": f"no {method} {path}"})
        form = dict(parse_qsl(request.body.decode("utf-8", "replace") if method == "POST" else split.query))
        return handler(request, form)

    # --- endpoints ------------------------------------------------------------------------------

    def _discovery(self, request: IncomingRequest, form: dict[str, str]) -> OutgoingResponse:
        issuer = self._issuer
        return json_answer(
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
        key = ensure_signing_key(self._key_root, self._kind)
        return json_answer(HTTPStatus.OK, {"keys": [public_jwk(key.private_key.public_key())]})

    def _page(self, request: IncomingRequest, form: dict[str, str]) -> OutgoingResponse:
        locale = language(form)
        try:
            self._check_authorize(request, form)
        except SignInRefused as refused:
            return html_answer(HTTPStatus.BAD_REQUEST, refusal_page(locale, refused.description))
        return html_answer(HTTPStatus.OK, sign_in_page(locale, form, list(self._users.values()), self.mount))

    def _choose(self, request: IncomingRequest, form: dict[str, str]) -> OutgoingResponse:
        locale = language(form)
        try:
            self._check_authorize(request, form)
            user = self._users.get(form.get("login_hint", ""))
            if user is None:
                raise SignInRefused("access_denied", "no such demo user")
        except SignInRefused as refused:
            return html_answer(HTTPStatus.BAD_REQUEST, refusal_page(locale, refused.description))
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
            return json_answer(
                HTTPStatus.BAD_REQUEST, {"error": refused.error, "error_description": refused.description}
            )
        user = grant.user
        access = mint_token(
            user.roles, user.customer_id, subject=user.email, name=user.name, minutes=TOKEN_MINUTES,
            extra_claims={"oid": user.object_id} if user.object_id else None, root=self._key_root,
            issuer=self._kind,
        )  # fmt: skip
        key = ensure_signing_key(self._key_root, self._kind)
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
        return json_answer(
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
