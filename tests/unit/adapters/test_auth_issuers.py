"""Bearer tokens from two issuers: each issuer's keys verify only its own tokens, and each grants
only its own kind of role (the customers' issuer the customer role with a company, the staff
issuer staff roles, whose customer claim names no customer)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.adapters.auth.tokens import AuthenticationError, TokenVerifier
from shared.domain.lifecycle import Role
from tests.unit.adapters.test_auth import (
    AUDIENCE,
    CUSTOMER_ISSUER,
    KID,
    NOW,
    SIGNING_KEY,
    STAFF_AUDIENCE,
    STAFF_ISSUER,
    FakeKeys,
    bearer,
    claims,
    token,
    verifier,
)

STAFF_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
STAFF_KID = "staff-key-1"


def two_key_verifier() -> TokenVerifier:
    """A verifier whose customers' issuer trusts the signing key and whose staff issuer trusts
    only a key of its own."""
    return verifier(
        keys=FakeKeys({KID: SIGNING_KEY.public_key()}), staff_keys=FakeKeys({STAFF_KID: STAFF_KEY.public_key()})
    )


def test_each_issuer_s_key_verifies_its_own_tokens() -> None:
    customer = token(claims(roles=["customer"], customer_id="acme"))
    staff = token(claims(roles=["operator"]), key=STAFF_KEY, headers={"kid": STAFF_KID})
    assert two_key_verifier().verify(bearer(customer), now=NOW).customer_id == "acme"
    assert two_key_verifier().verify(bearer(staff), now=NOW).roles == {Role.OPERATOR}


@pytest.mark.parametrize(
    ("payload", "key", "kid"),
    [
        pytest.param(claims(roles=["customer"], customer_id="acme"), STAFF_KEY, STAFF_KID, id="customer-by-staff-key"),
        pytest.param(claims(roles=["operator"]), SIGNING_KEY, KID, id="staff-by-customer-key"),
        pytest.param(claims(roles=["customer"], customer_id="acme"), STAFF_KEY, KID, id="customer-staff-key-own-kid"),
        pytest.param(claims(roles=["operator"]), SIGNING_KEY, STAFF_KID, id="staff-customer-key-staff-kid"),
    ],
)
def test_a_token_signed_with_the_other_issuer_s_key_is_refused(
    payload: dict[str, Any], key: rsa.RSAPrivateKey, kid: str
) -> None:
    with pytest.raises(AuthenticationError) as refused:
        two_key_verifier().verify(bearer(token(payload, key=key, headers={"kid": kid})), now=NOW)
    assert refused.value.reason in {"unknown signing key", "invalid signature"}


def test_a_token_for_the_other_issuer_s_audience_is_refused() -> None:
    with pytest.raises(AuthenticationError, match="wrong audience"):
        verifier().verify(bearer(token(claims(roles=["customer"], customer_id="acme", aud=STAFF_AUDIENCE))), now=NOW)


@pytest.mark.parametrize("role", ["admin", "operator", "supervisor", "security"])
def test_a_customer_issuer_token_claiming_a_staff_role_is_refused(role: str) -> None:
    payload = claims(roles=[role], iss=CUSTOMER_ISSUER, aud=AUDIENCE, customer_id="acme")
    with pytest.raises(AuthenticationError, match="role not granted by this issuer"):
        verifier().verify(bearer(token(payload)), now=NOW)


def test_a_customer_issuer_token_without_the_customer_role_is_refused() -> None:
    payload = claims(roles=None, iss=CUSTOMER_ISSUER, aud=AUDIENCE, customer_id="acme")
    with pytest.raises(AuthenticationError, match="role not granted by this issuer"):
        verifier().verify(bearer(token(payload)), now=NOW)


def test_a_staff_issuer_token_claiming_the_customer_role_is_refused() -> None:
    payload = claims(roles=["customer"], iss=STAFF_ISSUER, aud=STAFF_AUDIENCE, customer_id="acme")
    with pytest.raises(AuthenticationError, match="role not granted by this issuer"):
        verifier().verify(bearer(token(payload)), now=NOW)


def test_a_staff_issuer_token_s_customer_claim_names_no_customer() -> None:
    principal = verifier().verify(bearer(token(claims(roles=["operator"], customer_id="acme"))), now=NOW)
    assert (principal.customer_id, principal.issuer, principal.is_staff) == (None, STAFF_ISSUER, True)
