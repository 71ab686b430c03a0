"""The authentication settings: the two issuers a bearer token may come from, what each token
must match and where each issuer's signing keys come from. Read apart from the rest, so that
health answers without them; the verifier that uses them is the adapter
:mod:`shared.adapters.auth.tokens`.

Customers sign in at one issuer (Entra External ID in production), staff at another (the
company's Entra ID tenant); each has its own issuer name, audience and key set, and each is
trusted for its own kind of caller only (see the verifier).

| setting | meaning |
|---|---|
| ``AUTH_ISSUER``, ``AUTH_AUDIENCE`` | the customers' issuer: its tokens' ``iss`` and ``aud`` (required) |
| ``AUTH_JWKS_URL`` | the customers' issuer's signing keys (``https://``) |
| ``AUTH_LOCAL_JWKS_FILE`` | local runs only, instead: a key set file (relative to the current directory) |
| ``AUTH_STAFF_ISSUER``, ``AUTH_STAFF_AUDIENCE`` | the staff issuer: its tokens' ``iss`` and ``aud`` (required) |
| ``AUTH_STAFF_JWKS_URL`` | the staff issuer's signing keys (``https://``) |
| ``AUTH_STAFF_LOCAL_JWKS_FILE`` | local runs only, instead: the staff issuer's key set file |
| ``AUTH_CUSTOMER_CLAIM`` | the claim that names a customer's company (default ``customer_id``) |
| ``AUTH_MAX_TOKEN_LIFETIME_SECONDS`` | the longest a token of either issuer may live (default 28 hours) |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.config.env import SettingsError, optional, required, text, url, whole_number

__all__ = [
    "DEFAULT_CUSTOMER_CLAIM",
    "DEFAULT_LEEWAY_SECONDS",
    "DEFAULT_MAX_LIFETIME_SECONDS",
    "AuthSettings",
    "IssuerSettings",
    "load_auth_settings",
]

#: The claim that names a customer's company unless ``AUTH_CUSTOMER_CLAIM`` says otherwise.
DEFAULT_CUSTOMER_CLAIM = "customer_id"
#: The clock skew allowed between the identity provider and the app, in seconds.
DEFAULT_LEEWAY_SECONDS = 60
#: The longest lifetime accepted by default: Entra's longest access tokens (continuous access
#: evaluation) live up to 28 hours.
DEFAULT_MAX_LIFETIME_SECONDS = 28 * 3600


@dataclass(frozen=True)
class IssuerSettings:
    """One trusted issuer: what its tokens' ``iss`` and ``aud`` must be, and where its signing
    keys come from: exactly one of ``jwks_url`` (the provider's HTTPS endpoint) and
    ``local_jwks_file`` (local runs)."""

    issuer: str
    audience: str
    jwks_url: str | None
    local_jwks_file: Path | None


@dataclass(frozen=True)
class AuthSettings:
    """The customers' issuer (``customers``: its tokens may carry the customer role only) and the
    staff issuer (``staff``: its tokens may carry staff roles only), with what both share. A token
    living longer than ``max_lifetime_seconds`` (plus the leeway) is refused."""

    customers: IssuerSettings
    staff: IssuerSettings
    customer_claim: str = DEFAULT_CUSTOMER_CLAIM
    leeway_seconds: int = DEFAULT_LEEWAY_SECONDS
    max_lifetime_seconds: int = DEFAULT_MAX_LIFETIME_SECONDS


def load_auth_settings(environ: Mapping[str, str]) -> AuthSettings:
    """Read both issuers (``AUTH_*`` for the customers', ``AUTH_STAFF_*`` for the staff's), each
    with its issuer, audience and one key source, then ``AUTH_CUSTOMER_CLAIM`` and
    ``AUTH_MAX_TOKEN_LIFETIME_SECONDS``; raise :class:`SettingsError` naming the setting at fault.
    The two issuer names must differ: a token's ``iss`` chooses which one checks it.

    A local key file (a relative path is taken from the current directory) is trusted only when
    named explicitly, never on Azure (where ``WEBSITE_INSTANCE_ID`` is set), and never together
    with a JWKS URL for the same issuer.
    """
    customers = _issuer(environ, "AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL", "AUTH_LOCAL_JWKS_FILE")
    staff = _issuer(
        environ, "AUTH_STAFF_ISSUER", "AUTH_STAFF_AUDIENCE", "AUTH_STAFF_JWKS_URL", "AUTH_STAFF_LOCAL_JWKS_FILE"
    )
    if customers.issuer == staff.issuer:
        raise SettingsError("AUTH_STAFF_ISSUER must differ from AUTH_ISSUER: a token's iss picks the issuer")
    return AuthSettings(
        customers=customers,
        staff=staff,
        customer_claim=text(environ, "AUTH_CUSTOMER_CLAIM", default=DEFAULT_CUSTOMER_CLAIM),
        max_lifetime_seconds=whole_number(
            environ, "AUTH_MAX_TOKEN_LIFETIME_SECONDS", default=DEFAULT_MAX_LIFETIME_SECONDS
        ),
    )


def _issuer(
    environ: Mapping[str, str], issuer_name: str, audience_name: str, url_name: str, file_name: str
) -> IssuerSettings:
    """The issuer named by the settings ``issuer_name`` and ``audience_name``, its keys by
    ``url_name`` or ``file_name`` (exactly one)."""
    issuer = required(environ, issuer_name)
    audience = required(environ, audience_name)
    jwks_url = url(environ, url_name)
    local_file = optional(environ, file_name)
    if jwks_url and local_file:
        raise SettingsError(f"set either {url_name} or {file_name}, not both: one source of keys")
    if not jwks_url and not local_file:
        raise SettingsError(f"set {url_name} (the identity provider's keys) or {file_name} (local runs)")
    if local_file and optional(environ, "WEBSITE_INSTANCE_ID"):
        raise SettingsError(f"{file_name} is for local runs only; on Azure set {url_name}")
    return IssuerSettings(
        issuer=issuer,
        audience=audience,
        jwks_url=jwks_url,
        local_jwks_file=(Path.cwd() / local_file) if local_file else None,
    )
