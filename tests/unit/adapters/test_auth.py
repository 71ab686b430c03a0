"""Bearer tokens: what is accepted, what is refused and why, and the settings that drive it.
Two issuers are trusted, the customers' and the staff's, each for its own roles and with its own
keys.

Keys are made here; the key source is an in-memory fake, so nothing touches the network.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from shared.adapters.auth.jwks import FileKeySet, HttpsKeySet
from shared.adapters.auth.tokens import AuthenticationError, TokenVerifier, key_source
from shared.config.auth import AuthSettings, IssuerSettings, load_auth_settings
from shared.config.env import SettingsError
from shared.domain.access import Principal
from shared.domain.lifecycle import Role

CUSTOMER_ISSUER = "https://desk.ciamlogin.com/0000-tenant/v2.0"
STAFF_ISSUER = "https://login.microsoftonline.com/1111-tenant/v2.0"
AUDIENCE = "api://support-desk"
STAFF_AUDIENCE = "api://support-desk-staff"
NOW = 1_800_000_000
KID = "key-1"

SIGNING_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PUBLIC_PEM = SIGNING_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)
CUSTOMERS = IssuerSettings(CUSTOMER_ISSUER, AUDIENCE, "https://desk.ciamlogin.com/keys", None)
STAFF = IssuerSettings(STAFF_ISSUER, STAFF_AUDIENCE, "https://login.microsoftonline.com/keys", None)
SETTINGS = AuthSettings(customers=CUSTOMERS, staff=STAFF)


class FakeKeys:
    """A key source holding ``keys``; a refresh switches to ``after_refresh`` when given."""

    def __init__(
        self, keys: Mapping[str, rsa.RSAPublicKey], after_refresh: Mapping[str, rsa.RSAPublicKey] | None = None
    ):
        self.keys = keys
        self.after_refresh = after_refresh
        self.refreshes = 0

    def signing_keys(self, *, refresh: bool = False) -> Mapping[str, rsa.RSAPublicKey]:
        if refresh:
            self.refreshes += 1
            if self.after_refresh is not None:
                self.keys = self.after_refresh
        return self.keys


def claims(**overrides: Any) -> dict[str, Any]:
    """A valid operator's claims at NOW, with ``overrides`` (None removes a claim); from the
    customers' issuer when the roles hold the customer role, else from the staff issuer."""
    customer = "customer" in (overrides.get("roles") or [])
    base: dict[str, Any] = {
        "iss": CUSTOMER_ISSUER if customer else STAFF_ISSUER,
        "aud": AUDIENCE if customer else STAFF_AUDIENCE,
        "sub": "00000000-aaaa-bbbb-cccc-000000000001",
        "email": "ada@example.test",
        "name": "Ada",
        "iat": NOW,
        "nbf": NOW,
        "exp": NOW + 600,
        "roles": ["operator"],
    }
    base.update(overrides)
    return {name: value for name, value in base.items() if value is not None}


def token(
    payload: dict[str, Any] | None = None,
    *,
    key: rsa.RSAPrivateKey = SIGNING_KEY,
    algorithm: str = "RS256",
    headers: dict[str, Any] | None = None,
) -> str:
    return jwt.encode(payload or claims(), key, algorithm=algorithm, headers={"kid": KID, **(headers or {})})


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def handmade(header: dict[str, Any], payload: dict[str, Any], sign: Any = None) -> str:
    """A token assembled by hand, as an attacker would: ``sign`` maps the signing input to the
    signature bytes (none: an empty signature)."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    signature = sign(signing_input.encode("ascii")) if sign else b""
    return f"{signing_input}.{b64url(signature)}"


def verifier(
    settings: AuthSettings = SETTINGS, keys: FakeKeys | None = None, staff_keys: FakeKeys | None = None
) -> TokenVerifier:
    """A verifier whose two issuers trust ``keys`` (by default the signing key), unless
    ``staff_keys`` gives the staff issuer keys of its own."""
    customer_keys = keys or FakeKeys({KID: SIGNING_KEY.public_key()})
    return TokenVerifier(settings, customer_keys, staff_keys or customer_keys)


def bearer(value: str) -> str:
    return f"Bearer {value}"


# --- accepted -------------------------------------------------------------------------------


def test_a_customer_token_yields_a_customer_acting_for_its_company() -> None:
    principal = verifier().verify(bearer(token(claims(roles=["customer"], customer_id="acme"))), now=NOW)
    assert principal == Principal(
        subject="00000000-aaaa-bbbb-cccc-000000000001",
        email="ada@example.test",
        name="Ada",
        roles=frozenset({Role.CUSTOMER}),
        customer_id="acme",
        issuer=CUSTOMER_ISSUER,
        object_id="00000000-aaaa-bbbb-cccc-000000000001",
    )
    assert not principal.is_staff
    assert principal.has(Role.CUSTOMER)


def test_a_person_is_named_by_the_issuer_and_the_directory_object_id_rather_than_the_subject() -> None:
    principal = verifier().verify(bearer(token(claims(oid="11111111-2222-3333-4444-555555555555"))), now=NOW)
    assert (principal.issuer, principal.object_id) == (STAFF_ISSUER, "11111111-2222-3333-4444-555555555555")
    assert principal.subject == "00000000-aaaa-bbbb-cccc-000000000001"


def test_a_staff_token_yields_staff_with_no_company_even_when_the_claim_is_present() -> None:
    principal = verifier().verify(bearer(token(claims(roles=["supervisor", "operator"], customer_id="acme"))), now=NOW)
    assert principal.roles == {Role.SUPERVISOR, Role.OPERATOR}
    assert principal.is_staff
    assert principal.has(Role.SUPERVISOR)
    assert not principal.has(Role.ADMIN)
    assert principal.customer_id is None


def test_an_admin_alone_is_not_staff() -> None:
    principal = verifier().verify(bearer(token(claims(roles=["admin"]))), now=NOW)
    assert principal.roles == {Role.ADMIN}
    assert not principal.is_staff


def test_unknown_roles_are_ignored() -> None:
    principal = verifier().verify(bearer(token(claims(roles=["Task.Read", "operator", 7, "OPERATOR"]))), now=NOW)
    assert principal.roles == {Role.OPERATOR}


def test_a_token_without_roles_yields_a_principal_without_roles() -> None:
    assert verifier().verify(bearer(token(claims(roles=None))), now=NOW).roles == frozenset()


def test_the_email_falls_back_to_the_preferred_username() -> None:
    principal = verifier().verify(
        bearer(token(claims(email=None, name=None, preferred_username="ada@contoso.test"))), now=NOW
    )
    assert (principal.email, principal.name) == ("ada@contoso.test", None)


def test_a_name_with_line_breaks_and_controls_becomes_one_line() -> None:
    payload = claims(name="Anna\r\nBcc: x@evil.example\u2028\x00Bianchi")
    assert verifier().verify(bearer(token(payload)), now=NOW).name == "Anna Bcc: x@evil.example Bianchi"


@pytest.mark.parametrize(
    "unusable",
    ["anna@acme.example\r\nBcc: x@evil.example", "anna", "anna@", "@acme.example", "anna@acme..example", " "],
)
def test_an_email_claim_that_is_no_address_is_no_email(unusable: str) -> None:
    principal = verifier().verify(bearer(token(claims(email=unusable, preferred_username=None))), now=NOW)
    assert principal.email is None


def test_an_unusable_email_claim_falls_back_to_a_usable_preferred_username() -> None:
    payload = claims(email="not an address", preferred_username="Ada@Contoso.test")
    assert verifier().verify(bearer(token(payload)), now=NOW).email == "ada@contoso.test"


HOUR = 3600


@pytest.mark.parametrize(
    ("lifetime", "accepted"),
    [
        pytest.param({"iat": NOW, "exp": NOW + 28 * HOUR}, True, id="28-hours-entra-s-longest"),
        pytest.param({"iat": NOW, "exp": NOW + 28 * HOUR + 60}, True, id="28-hours-and-the-leeway"),
        pytest.param({"iat": NOW, "exp": NOW + 28 * HOUR + 61}, False, id="beyond-28-hours-and-the-leeway"),
        pytest.param({"iat": NOW - 27 * HOUR, "exp": NOW + 2 * HOUR}, False, id="29-hours-issued-long-ago"),
        pytest.param({"iat": None, "nbf": None, "exp": NOW + 27 * HOUR}, True, id="no-iat-27-hours-left"),
        pytest.param({"iat": None, "nbf": None, "exp": NOW + 29 * HOUR}, False, id="no-iat-29-hours-left"),
        pytest.param({"iat": NOW, "exp": 10**22 * 365 * 24 * HOUR}, False, id="exp-in-the-year-10-to-the-22"),
    ],
)
def test_a_token_living_longer_than_the_maximum_is_refused(lifetime: dict[str, Any], accepted: bool) -> None:
    check = verifier()
    if accepted:
        assert check.verify(bearer(token(claims(**lifetime))), now=NOW).has(Role.OPERATOR)
    else:
        with pytest.raises(AuthenticationError, match=r"^token lifetime too long$"):
            check.verify(bearer(token(claims(**lifetime))), now=NOW)


def test_the_maximum_lifetime_is_configurable() -> None:
    settings = replace(SETTINGS, max_lifetime_seconds=HOUR)
    assert verifier(settings).verify(bearer(token(claims(exp=NOW + HOUR))), now=NOW).has(Role.OPERATOR)
    with pytest.raises(AuthenticationError, match="token lifetime too long"):
        verifier(settings).verify(bearer(token(claims(exp=NOW + 2 * HOUR))), now=NOW)


def test_the_scheme_is_case_insensitive() -> None:
    assert verifier().verify(f"bEaReR  {token()}  ", now=NOW).has(Role.OPERATOR)


def test_the_customer_claim_is_configurable() -> None:
    settings = replace(SETTINGS, customer_claim="extension_CompanyId")
    payload = claims(roles=["customer"], extension_CompanyId="acme", customer_id="other")
    assert verifier(settings).verify(bearer(token(payload)), now=NOW).customer_id == "acme"


@pytest.mark.parametrize(
    ("payload", "leeway", "accepted"),
    [
        pytest.param(claims(exp=NOW - 59), 60, True, id="expired-within-leeway"),
        pytest.param(claims(exp=NOW - 60), 60, False, id="expired-at-leeway"),
        pytest.param(claims(nbf=NOW + 59, iat=NOW + 59), 60, True, id="early-within-leeway"),
        pytest.param(claims(nbf=NOW + 61), 60, False, id="early-beyond-leeway"),
        pytest.param(claims(exp=NOW - 1), 0, False, id="expired-without-leeway"),
        pytest.param(claims(exp=NOW + 1), 0, True, id="valid-without-leeway"),
    ],
)
def test_the_leeway_is_honoured(payload: dict[str, Any], leeway: int, accepted: bool) -> None:
    settings = replace(SETTINGS, leeway_seconds=leeway)
    try:
        verifier(settings).verify(bearer(token(payload)), now=NOW)
    except AuthenticationError:
        assert not accepted
    else:
        assert accepted


def test_an_unknown_key_id_refreshes_the_key_set_once_and_finds_a_rotated_key() -> None:
    keys = FakeKeys({"old": OTHER_KEY.public_key()}, after_refresh={KID: SIGNING_KEY.public_key()})
    assert verifier(keys=keys).verify(bearer(token()), now=NOW).has(Role.OPERATOR)
    assert keys.refreshes == 1


# --- refused --------------------------------------------------------------------------------


def _alg_none() -> str:
    return handmade({"alg": "none", "typ": "JWT", "kid": KID}, claims())


def _hs256_with_the_public_key_as_secret() -> str:
    return handmade(
        {"alg": "HS256", "typ": "JWT", "kid": KID},
        claims(),
        lambda signing_input: hmac.new(PUBLIC_PEM, signing_input, hashlib.sha256).digest(),
    )


def _without_kid() -> str:
    return handmade(
        {"alg": "RS256", "typ": "JWT"},
        claims(),
        lambda signing_input: SIGNING_KEY.sign(signing_input, padding.PKCS1v15(), hashes.SHA256()),
    )


def _tampered() -> str:
    header, _, signature = token().split(".")
    forged = b64url(json.dumps(claims(roles=["admin"])).encode())
    return f"{header}.{forged}.{signature}"


REFUSED = [
    pytest.param(None, "missing bearer token", id="no-header"),
    pytest.param("", "missing bearer token", id="empty-header"),
    pytest.param("Bearer   ", "missing bearer token", id="scheme-without-token"),
    pytest.param("Basic YWRhOnNlY3JldA==", "unsupported authorization scheme", id="basic-scheme"),
    pytest.param(token(), "unsupported authorization scheme", id="token-without-scheme"),
    pytest.param(bearer(token(claims(exp=NOW - 61))), "token expired", id="expired"),
    pytest.param(bearer(token(claims(nbf=NOW + 61))), "token not yet valid", id="not-before-in-the-future"),
    pytest.param(bearer(token(claims(iat=NOW + 61))), "token not yet valid", id="issued-in-the-future"),
    pytest.param(bearer(token(claims(aud="api://another-app"))), "wrong audience", id="wrong-audience"),
    pytest.param(bearer(token(claims(iss="https://evil.example/v2.0"))), "unknown issuer", id="unknown-issuer"),
    pytest.param(bearer(token(key=OTHER_KEY)), "invalid signature", id="another-key-same-kid"),
    pytest.param(bearer(_tampered()), "invalid signature", id="tampered-payload"),
    pytest.param(bearer(token(headers={"kid": "key-2"})), "unknown signing key", id="unknown-kid"),
    pytest.param(bearer(_without_kid()), "unknown signing key", id="no-kid"),
    pytest.param(bearer(_alg_none()), "unsupported algorithm", id="alg-none"),
    pytest.param(bearer(_hs256_with_the_public_key_as_secret()), "unsupported algorithm", id="hs256-public-key"),
    pytest.param(bearer(token(algorithm="RS512")), "unsupported algorithm", id="rs512"),
    pytest.param(bearer(token(headers={"crit": ["exp"]})), "malformed token", id="unknown-critical-header"),
    pytest.param(bearer("garbage"), "malformed token", id="garbage"),
    pytest.param(bearer("abc.def"), "malformed token", id="two-segments"),
    pytest.param(bearer(token(claims(exp="tomorrow"))), "malformed token", id="exp-not-a-number"),
    pytest.param(bearer(token(claims(exp=10**400))), "malformed token", id="exp-beyond-any-float"),
    pytest.param(bearer(token(claims(iat=-(10**400)))), "malformed token", id="iat-beyond-any-float"),
    pytest.param(bearer(token(claims(roles="operator"))), "malformed token", id="roles-not-an-array"),
    pytest.param(bearer(token(claims(sub=None))), "missing required claim", id="no-subject"),
    pytest.param(bearer(token(claims(exp=None))), "missing required claim", id="no-expiry"),
    pytest.param(bearer(token(claims(aud=None))), "missing required claim", id="no-audience"),
    pytest.param(bearer(token(claims(roles=["customer"]))), "customer id missing", id="customer-without-id"),
    pytest.param(
        bearer(token(claims(roles=["customer"], customer_id="  "))), "customer id missing", id="customer-blank-id"
    ),
    pytest.param(
        bearer(token(claims(roles=["customer"], customer_id="a/b"))), "malformed customer id", id="customer-id-a/b"
    ),
    pytest.param(
        bearer(token(claims(roles=["customer"], customer_id="ACME"))), "malformed customer id", id="customer-id-caps"
    ),
    pytest.param(
        bearer(token(claims(roles=["customer"], customer_id="acme' or PartitionKey ne '"))),
        "malformed customer id",
        id="customer-id-odata",
    ),
    pytest.param(
        bearer(token(claims(roles=["customer"], customer_id=["acme"]))), "customer id missing", id="customer-id-list"
    ),
    pytest.param(
        bearer(token(claims(roles=["customer", "operator"], customer_id="acme"))),
        "ambiguous roles",
        id="customer-and-operator",
    ),
    pytest.param(
        bearer(token(claims(roles=["customer", "admin"], customer_id="acme"))),
        "ambiguous roles",
        id="customer-and-admin",
    ),
]


@pytest.mark.parametrize(("header", "reason"), REFUSED)
def test_a_bad_token_is_refused_with_a_reason_that_names_the_fault(header: str | None, reason: str) -> None:
    with pytest.raises(AuthenticationError) as refused:
        verifier().verify(header, now=NOW)
    assert refused.value.reason == reason


def test_an_unknown_key_id_is_refused_after_a_single_refresh() -> None:
    keys = FakeKeys({KID: SIGNING_KEY.public_key()})
    with pytest.raises(AuthenticationError, match="unknown signing key"):
        verifier(keys=keys).verify(bearer(token(headers={"kid": "key-2"})), now=NOW)
    assert keys.refreshes == 1


def test_a_refusal_reveals_nothing_of_the_token_or_the_expected_values() -> None:
    with pytest.raises(AuthenticationError) as refused:
        verifier().verify(bearer(token(claims(aud="api://another-app"))), now=NOW)
    message = str(refused.value)
    assert AUDIENCE not in message
    assert "another-app" not in message


# --- settings -------------------------------------------------------------------------------

STAFF_ENVIRON = {
    "AUTH_STAFF_ISSUER": STAFF_ISSUER,
    "AUTH_STAFF_AUDIENCE": STAFF_AUDIENCE,
    "AUTH_STAFF_JWKS_URL": "https://login.microsoftonline.com/keys",
}
BASE = {"AUTH_ISSUER": CUSTOMER_ISSUER, "AUTH_AUDIENCE": AUDIENCE, **STAFF_ENVIRON}
CUSTOMER_ENVIRON = {**BASE, "AUTH_JWKS_URL": "https://desk.ciamlogin.com/keys"}


def test_production_settings_name_each_providers_key_endpoint() -> None:
    url = "https://desk.ciamlogin.com/0000-tenant/discovery/v2.0/keys"
    settings = load_auth_settings({**BASE, "AUTH_JWKS_URL": url})
    assert settings == AuthSettings(
        customers=IssuerSettings(issuer=CUSTOMER_ISSUER, audience=AUDIENCE, jwks_url=url, local_jwks_file=None),
        staff=STAFF,
        customer_claim="customer_id",
    )
    assert settings.leeway_seconds == 60
    assert isinstance(key_source(settings.customers), HttpsKeySet)
    assert isinstance(key_source(settings.staff), HttpsKeySet)


def test_a_relative_local_key_file_is_taken_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_auth_settings({**BASE, "AUTH_LOCAL_JWKS_FILE": ".local/auth/jwks.json"})
    assert settings.customers.jwks_url is None
    assert settings.customers.local_jwks_file == tmp_path / ".local" / "auth" / "jwks.json"
    assert isinstance(key_source(settings.customers), FileKeySet)


@pytest.mark.parametrize(("value", "seconds"), [(None, 28 * HOUR), ("3600", 3600), (" 90000 ", 90000)])
def test_the_maximum_token_lifetime_setting_defaults_to_entra_s_longest(value: str | None, seconds: int) -> None:
    environ = {**BASE, "AUTH_JWKS_URL": "https://idp.example/keys"}
    if value is not None:
        environ["AUTH_MAX_TOKEN_LIFETIME_SECONDS"] = value
    assert load_auth_settings(environ).max_lifetime_seconds == seconds


def test_the_customer_claim_setting_overrides_the_default() -> None:
    environ = {**BASE, "AUTH_JWKS_URL": "https://idp.example/keys", "AUTH_CUSTOMER_CLAIM": "extension_CompanyId"}
    assert load_auth_settings(environ).customer_claim == "extension_CompanyId"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        pytest.param(
            {**STAFF_ENVIRON, "AUTH_AUDIENCE": AUDIENCE, "AUTH_JWKS_URL": "https://x/keys"},
            "AUTH_ISSUER",
            id="no-issuer",
        ),
        pytest.param(
            {**STAFF_ENVIRON, "AUTH_ISSUER": CUSTOMER_ISSUER, "AUTH_JWKS_URL": "https://x/keys"},
            "AUTH_AUDIENCE",
            id="no-audience",
        ),
        pytest.param({**BASE, "AUTH_AUDIENCE": "  ", "AUTH_JWKS_URL": "https://x/k"}, "AUTH_AUDIENCE", id="blank"),
        pytest.param(BASE, "AUTH_JWKS_URL", id="no-key-source"),
        pytest.param({**BASE, "AUTH_JWKS_URL": "http://idp.example/keys"}, "AUTH_JWKS_URL", id="http-url"),
        pytest.param({**BASE, "AUTH_JWKS_URL": "https:///keys"}, "AUTH_JWKS_URL", id="url-without-host"),
        pytest.param(
            {**BASE, "AUTH_JWKS_URL": "https://idp.example/keys", "AUTH_LOCAL_JWKS_FILE": "jwks.json"},
            "not both",
            id="two-key-sources",
        ),
        pytest.param(
            {**BASE, "AUTH_JWKS_URL": "https://x/k", "AUTH_MAX_TOKEN_LIFETIME_SECONDS": "0"},
            "AUTH_MAX_TOKEN_LIFETIME_SECONDS",
            id="no-lifetime",
        ),
        pytest.param(
            {**BASE, "AUTH_JWKS_URL": "https://x/k", "AUTH_MAX_TOKEN_LIFETIME_SECONDS": "a day"},
            "AUTH_MAX_TOKEN_LIFETIME_SECONDS",
            id="lifetime-in-words",
        ),
        pytest.param(
            {**BASE, "AUTH_LOCAL_JWKS_FILE": "jwks.json", "WEBSITE_INSTANCE_ID": "abc"},
            "AUTH_LOCAL_JWKS_FILE",
            id="local-file-on-azure",
        ),
        pytest.param({**CUSTOMER_ENVIRON, "AUTH_STAFF_ISSUER": ""}, "AUTH_STAFF_ISSUER", id="no-staff-issuer"),
        pytest.param({**CUSTOMER_ENVIRON, "AUTH_STAFF_AUDIENCE": ""}, "AUTH_STAFF_AUDIENCE", id="no-staff-audience"),
        pytest.param({**CUSTOMER_ENVIRON, "AUTH_STAFF_JWKS_URL": ""}, "AUTH_STAFF_JWKS_URL", id="no-staff-key-source"),
        pytest.param(
            {**CUSTOMER_ENVIRON, "AUTH_STAFF_JWKS_URL": "http://login.example/keys"},
            "AUTH_STAFF_JWKS_URL",
            id="staff-http-url",
        ),
        pytest.param(
            {**CUSTOMER_ENVIRON, "AUTH_STAFF_LOCAL_JWKS_FILE": "staff-jwks.json"},
            "AUTH_STAFF_JWKS_URL or AUTH_STAFF_LOCAL_JWKS_FILE, not both",
            id="two-staff-key-sources",
        ),
        pytest.param(
            {
                **CUSTOMER_ENVIRON,
                "AUTH_STAFF_JWKS_URL": "",
                "AUTH_STAFF_LOCAL_JWKS_FILE": "staff-jwks.json",
                "WEBSITE_INSTANCE_ID": "abc",
            },
            "AUTH_STAFF_LOCAL_JWKS_FILE is for local runs only",
            id="staff-local-file-on-azure",
        ),
        pytest.param(
            {**CUSTOMER_ENVIRON, "AUTH_STAFF_ISSUER": CUSTOMER_ISSUER}, "AUTH_STAFF_ISSUER must differ", id="one-issuer"
        ),
    ],
)
def test_a_missing_or_invalid_auth_setting_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_auth_settings(environ)


def test_the_local_key_file_is_never_a_default() -> None:
    with pytest.raises(SettingsError, match="AUTH_LOCAL_JWKS_FILE"):
        load_auth_settings(BASE)
    settings = load_auth_settings({**BASE, "AUTH_JWKS_URL": "https://idp.example/keys"})
    assert settings.customers.local_jwks_file is None
    assert settings.staff.local_jwks_file is None


def test_settings_made_by_hand_without_a_key_source_are_refused() -> None:
    with pytest.raises(SettingsError, match="no source of signing keys"):
        key_source(IssuerSettings(issuer=CUSTOMER_ISSUER, audience=AUDIENCE, jwks_url=None, local_jwks_file=None))
