"""The authentication settings: what a bearer token must match and where the signing keys come
from. Read apart from the rest, so that health answers without them; the verifier that uses them
is the adapter :mod:`shared.adapters.auth.tokens`.

| setting | meaning |
|---|---|
| ``AUTH_ISSUER``, ``AUTH_AUDIENCE`` | what a token's ``iss`` and ``aud`` must be (required) |
| ``AUTH_JWKS_URL`` | the identity provider's signing keys (``https://``) |
| ``AUTH_LOCAL_JWKS_FILE`` | local runs only, instead: a key set file (relative to the current directory) |
| ``AUTH_CUSTOMER_CLAIM`` | the claim that names a customer's company (default ``customer_id``) |
| ``AUTH_MAX_TOKEN_LIFETIME_SECONDS`` | the longest a token may live (default 28 hours) |
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
class AuthSettings:
    """What a token must match, and where the signing keys come from: exactly one of
    ``jwks_url`` (the provider's HTTPS endpoint) and ``local_jwks_file`` (local runs). A token
    living longer than ``max_lifetime_seconds`` (plus the leeway) is refused."""

    issuer: str
    audience: str
    jwks_url: str | None
    local_jwks_file: Path | None
    customer_claim: str = DEFAULT_CUSTOMER_CLAIM
    leeway_seconds: int = DEFAULT_LEEWAY_SECONDS
    max_lifetime_seconds: int = DEFAULT_MAX_LIFETIME_SECONDS


def load_auth_settings(environ: Mapping[str, str]) -> AuthSettings:
    """Read ``AUTH_ISSUER``, ``AUTH_AUDIENCE``, ``AUTH_JWKS_URL`` (https://) or
    ``AUTH_LOCAL_JWKS_FILE`` (a relative path is taken from the current directory),
    ``AUTH_CUSTOMER_CLAIM`` and ``AUTH_MAX_TOKEN_LIFETIME_SECONDS``; raise :class:`SettingsError`
    naming the setting at fault.

    The local key file is trusted only when named explicitly, never on Azure (where
    ``WEBSITE_INSTANCE_ID`` is set), and never together with a JWKS URL.
    """
    issuer = required(environ, "AUTH_ISSUER")
    audience = required(environ, "AUTH_AUDIENCE")
    jwks_url = url(environ, "AUTH_JWKS_URL")
    local_file = optional(environ, "AUTH_LOCAL_JWKS_FILE")
    if jwks_url and local_file:
        raise SettingsError("set either AUTH_JWKS_URL or AUTH_LOCAL_JWKS_FILE, not both: one source of keys")
    if not jwks_url and not local_file:
        raise SettingsError("set AUTH_JWKS_URL (the identity provider's keys) or AUTH_LOCAL_JWKS_FILE (local runs)")
    if local_file and optional(environ, "WEBSITE_INSTANCE_ID"):
        raise SettingsError("AUTH_LOCAL_JWKS_FILE is for local runs only; on Azure set AUTH_JWKS_URL")
    return AuthSettings(
        issuer=issuer,
        audience=audience,
        jwks_url=jwks_url,
        local_jwks_file=(Path.cwd() / local_file) if local_file else None,
        customer_claim=text(environ, "AUTH_CUSTOMER_CLAIM", default=DEFAULT_CUSTOMER_CLAIM),
        max_lifetime_seconds=whole_number(
            environ, "AUTH_MAX_TOKEN_LIFETIME_SECONDS", default=DEFAULT_MAX_LIFETIME_SECONDS
        ),
    )
