"""Who is calling: the bearer token of an HTTP request checked and turned into a
:class:`~shared.domain.access.Principal`.

Tokens are OAuth 2.0 access tokens issued by one of two identity providers: the customers' issuer
(Microsoft Entra External ID in production) and the staff issuer (the company's Entra ID tenant);
``python -m devhost token`` plays both locally. They are JWTs signed with RS256 and nothing else.
The token's ``iss``, read unverified, only chooses which issuer's settings check it; an ``iss``
naming neither is refused. The token must then be signed by a key of that issuer's key set (see
:mod:`shared.adapters.auth.jwks`), for that issuer's audience, and within its validity (with a
leeway for clock skew): a token signed by the other issuer's key is refused.

A token may not live longer than a maximum (``exp`` minus ``iat``, or minus now without ``iat``):
by default 28 hours, the longest access tokens Microsoft Entra issues (60 to 90 minutes by
default, at most a day by a lifetime policy, up to 28 hours with continuous access evaluation).

The principal's roles are the token's app roles (``roles`` claim; values that name no role are
ignored), bound to the issuer:

* a token of the customers' issuer must carry the customer role and no other, and a claim
  (``customer_id`` unless configured otherwise) naming its company by a well-formed customer id;
* a token of the staff issuer may carry staff roles only (operator, supervisor, security, admin):
  one claiming the customer role is refused, and its customer claim, if any, is ignored (the
  principal acts for no customer).

The display name (``name``) is made one line; an ``email`` (or ``preferred_username``) that is not
an address counts as absent. Which tickets a principal may see or change is decided elsewhere.

Refusals raise :class:`AuthenticationError` with a short reason fit for a 401 answer; neither the
token nor its claims are logged above debug level.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from shared.adapters.auth.jwks import FileKeySet, HttpsKeySet, KeySource
from shared.config.auth import AuthSettings, IssuerSettings
from shared.config.env import SettingsError
from shared.domain.access import Principal
from shared.domain.customers import normalise_email, valid_customer_id
from shared.domain.errors import InvalidInput
from shared.domain.lifecycle import Role
from shared.domain.text_limits import one_line

__all__ = [
    "ALGORITHM",
    "AuthenticationError",
    "TokenVerifier",
    "key_source",
]

#: The one signing algorithm accepted; a token naming any other is refused before anything else.
ALGORITHM = "RS256"

_ROLES_BY_VALUE = {role.value: role for role in Role}
_REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub"]


class AuthenticationError(Exception):
    """The caller is not authenticated; ``reason`` says why in a few words that reveal nothing
    of the token or of the expected values."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def key_source(settings: IssuerSettings) -> KeySource:
    """The key source an issuer's settings name: the provider's endpoint, or the local file."""
    if settings.jwks_url:
        return HttpsKeySet(settings.jwks_url)
    if settings.local_jwks_file:
        return FileKeySet(settings.local_jwks_file)
    raise SettingsError(f"no source of signing keys for the issuer {settings.issuer}: set its JWKS URL or local file")


class TokenVerifier:
    """Checks bearer tokens against the settings: those of the customers' issuer with the keys of
    ``customer_keys``, those of the staff issuer with the keys of ``staff_keys``."""

    def __init__(self, settings: AuthSettings, customer_keys: KeySource, staff_keys: KeySource) -> None:
        self._settings = settings
        self._issuers = {
            settings.customers.issuer: (settings.customers, customer_keys, False),
            settings.staff.issuer: (settings.staff, staff_keys, True),
        }

    def verify(self, authorization_header: str | None, now: float | None = None) -> Principal:
        """The principal of a valid ``Authorization: Bearer <token>`` header value, at ``now``
        (seconds since the epoch; default: the current time). Raises
        :class:`AuthenticationError` for any fault of the token, and
        :class:`shared.adapters.auth.jwks.KeysUnavailableError` when the signing keys cannot be had."""
        token = _bearer_token(authorization_header)
        header = _checked_header(token)
        issuer, keys, staff = self._issuer_of(token)
        claims = _verified_claims(token, _signing_key(keys, header), issuer)
        settings, at = self._settings, time.time() if now is None else now
        _check_times(claims, at, settings.leeway_seconds, settings.max_lifetime_seconds)
        return _principal(claims, settings.customer_claim, staff=staff)

    def _issuer_of(self, token: str) -> tuple[IssuerSettings, KeySource, bool]:
        """The trusted issuer the token's unverified ``iss`` names (only to choose whose settings
        and keys check it), with its keys and whether it is the staff issuer."""
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            raise AuthenticationError("malformed token") from None
        issuer = unverified.get("iss")
        if not isinstance(issuer, str) or issuer not in self._issuers:
            raise AuthenticationError("unknown issuer")
        return self._issuers[issuer]


def _signing_key(keys: KeySource, header: Mapping[str, Any]) -> RSAPublicKey:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthenticationError("unknown signing key")
    key = keys.signing_keys().get(kid) or keys.signing_keys(refresh=True).get(kid)
    if key is None:
        raise AuthenticationError("unknown signing key")
    return key


def _verified_claims(token: str, key: RSAPublicKey, issuer: IssuerSettings) -> dict[str, Any]:
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=issuer.audience,
            issuer=issuer.issuer,
            # Times are checked against the caller's ``now`` by _check_times.
            options={"require": _REQUIRED_CLAIMS, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
    except jwt.InvalidSignatureError:
        raise AuthenticationError("invalid signature") from None
    except jwt.InvalidAudienceError:
        raise AuthenticationError("wrong audience") from None
    except jwt.InvalidIssuerError:
        raise AuthenticationError("wrong issuer") from None
    except jwt.MissingRequiredClaimError:
        raise AuthenticationError("missing required claim") from None
    except jwt.InvalidAlgorithmError:
        raise AuthenticationError("unsupported algorithm") from None
    except jwt.InvalidTokenError:
        raise AuthenticationError("malformed token") from None


def _bearer_token(authorization_header: str | None) -> str:
    scheme, _, token = (authorization_header or "").strip().partition(" ")
    if not scheme:
        raise AuthenticationError("missing bearer token")
    if scheme.lower() != "bearer":
        raise AuthenticationError("unsupported authorization scheme")
    token = token.strip()
    if not token:
        raise AuthenticationError("missing bearer token")
    return token


def _checked_header(token: str) -> dict[str, Any]:
    """The token's header once it names RS256 (PyJWT refuses critical extensions it does not know)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise AuthenticationError("malformed token") from None
    if header.get("alg") != ALGORITHM:
        raise AuthenticationError("unsupported algorithm")
    return header


def _check_times(claims: Mapping[str, Any], now: float, leeway: float, max_lifetime: float) -> None:
    """Within its validity at ``now`` (give or take ``leeway``), and living no longer than
    ``max_lifetime`` (plus ``leeway``): from ``iat`` to ``exp``, or from now when ``iat`` is absent."""
    expires = _timestamp(claims, "exp")
    if expires is not None and now >= expires + leeway:
        raise AuthenticationError("token expired")
    for claim in ("nbf", "iat"):
        since = _timestamp(claims, claim)
        if since is not None and now + leeway < since:
            raise AuthenticationError("token not yet valid")
    issued = _timestamp(claims, "iat")
    if expires is not None and expires - (now if issued is None else issued) > max_lifetime + leeway:
        raise AuthenticationError("token lifetime too long")


def _timestamp(claims: Mapping[str, Any], name: str) -> float | None:
    """The claim as seconds since the epoch; a value that is no finite number is malformed."""
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AuthenticationError("malformed token")
    try:
        seconds = float(value)
    except OverflowError:
        raise AuthenticationError("malformed token") from None
    if not math.isfinite(seconds):
        raise AuthenticationError("malformed token")
    return seconds


def _principal(claims: Mapping[str, Any], customer_claim: str, *, staff: bool) -> Principal:
    subject = claims.get("sub")
    raw_roles = claims.get("roles", [])
    if not isinstance(subject, str) or not subject or not isinstance(raw_roles, list):
        raise AuthenticationError("malformed token")
    roles = frozenset(
        _ROLES_BY_VALUE[value] for value in raw_roles if isinstance(value, str) and value in _ROLES_BY_VALUE
    )
    customer_id = None if staff else _customer_id(claims, roles, customer_claim)
    if staff and Role.CUSTOMER in roles:
        raise AuthenticationError("role not granted by this issuer")
    name = _text(claims, "name")
    return Principal(
        subject=subject,
        email=_address(claims, "email") or _address(claims, "preferred_username"),
        name=one_line(name) or None if name else None,
        roles=roles,
        customer_id=customer_id,
        issuer=_text(claims, "iss"),
        object_id=_text(claims, "oid") or subject,
    )


def _customer_id(claims: Mapping[str, Any], roles: frozenset[Role], customer_claim: str) -> str:
    """The company a customers' issuer token acts for: the token must hold the customer role and
    no other, and name a well-formed customer id."""
    if roles != {Role.CUSTOMER}:
        raise AuthenticationError("ambiguous roles" if Role.CUSTOMER in roles else "role not granted by this issuer")
    customer_id = _text(claims, customer_claim)
    if customer_id is None:
        raise AuthenticationError("customer id missing")
    if not valid_customer_id(customer_id):
        raise AuthenticationError("malformed customer id")
    return customer_id


def _text(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _address(claims: Mapping[str, Any], name: str) -> str | None:
    """The claim as a lower-case mail address, or None when it is absent or not an address."""
    value = _text(claims, name)
    try:
        return normalise_email(value, name) if value else None
    except InvalidInput:
        return None
