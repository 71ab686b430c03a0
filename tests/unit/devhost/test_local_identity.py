"""The local identity provider: one key made once, a key set the verifier trusts, and the
``python -m devhost token`` command."""

from __future__ import annotations

import base64
import json
import stat
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from devhost import PROJECT_ROOT
from devhost.local_identity import (
    LOCAL_STAFF_ISSUER,
    ensure_signing_key,
    local_auth_environment,
    mint_token,
    public_jwk,
)
from shared.adapters.auth.jwks import FileKeySet
from shared.adapters.auth.tokens import TokenVerifier
from shared.config.auth import load_auth_settings
from shared.domain.lifecycle import Role


def local_verifier(root: Path) -> TokenVerifier:
    """The app's verifier as the local settings configure it, trusting both local issuers."""
    settings = load_auth_settings(local_auth_environment(root))
    assert settings.customers.local_jwks_file
    assert settings.staff.local_jwks_file
    return TokenVerifier(
        settings, FileKeySet(settings.customers.local_jwks_file), FileKeySet(settings.staff.local_jwks_file)
    )


def test_the_key_is_made_once_and_reused(tmp_path: Path) -> None:
    first = ensure_signing_key(tmp_path)
    second = ensure_signing_key(tmp_path)
    assert first.kid == second.kid
    assert first.private_key.private_numbers() == second.private_key.private_numbers()


def test_the_private_key_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    ensure_signing_key(tmp_path)
    key_file = tmp_path / ".local" / "auth" / "signing-key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [path.name for path in key_file.parent.iterdir()] == sorted(["jwks.json", "signing-key.pem"])


def test_the_key_set_holds_the_public_key_under_its_rfc_7638_thumbprint(tmp_path: Path) -> None:
    key = ensure_signing_key(tmp_path)
    document = json.loads(key.jwks_path.read_text(encoding="utf-8"))
    assert document == {"keys": [public_jwk(key.private_key.public_key())]}
    (entry,) = document["keys"]
    assert (entry["kid"], entry["kty"], entry["alg"], entry["use"]) == (key.kid, "RSA", "RS256", "sig")
    assert "d" not in entry


#: The example key of RFC 7638 §3.1 and its thumbprint.
RFC_7638_MODULUS = (
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjh"
    "Mstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvR"
    "L5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
)
RFC_7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_the_key_id_is_the_thumbprint_of_rfc_7638() -> None:
    raw = base64.urlsafe_b64decode(RFC_7638_MODULUS + "=" * (-len(RFC_7638_MODULUS) % 4))
    public_key = rsa.RSAPublicNumbers(65537, int.from_bytes(raw, "big")).public_key()
    assert public_jwk(public_key)["kid"] == RFC_7638_THUMBPRINT


def test_a_minted_token_verifies_against_the_local_key_set(tmp_path: Path) -> None:
    token = mint_token([Role.CUSTOMER], "acme", subject="carla@acme.test", name="Carla", root=tmp_path)
    principal = local_verifier(tmp_path).verify(f"Bearer {token}")
    assert (principal.subject, principal.email, principal.name) == ("carla@acme.test", "carla@acme.test", "Carla")
    assert (principal.roles, principal.customer_id) == (frozenset({Role.CUSTOMER}), "acme")


def test_extra_claims_override_the_defaults(tmp_path: Path) -> None:
    token = mint_token(["operator"], minutes=5, extra_claims={"aud": "api://elsewhere"}, root=tmp_path)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["aud"] == "api://elsewhere"
    assert claims["exp"] - claims["iat"] == 300


def test_the_token_command_prints_a_verifiable_token_on_its_last_line(tmp_path: Path) -> None:
    result = _devhost("token", "--role", "customer", "--customer", "acme", "--root", str(tmp_path))
    assert result.returncode == 0, result.stderr
    token = result.stdout.splitlines()[-1]
    assert token.count(".") == 2
    assert local_verifier(tmp_path).verify(f"Bearer {token}").customer_id == "acme"


def test_the_token_command_takes_several_roles(tmp_path: Path) -> None:
    result = _devhost("token", "--role", "operator", "--role", "supervisor", "--root", str(tmp_path))
    principal = local_verifier(tmp_path).verify(f"Bearer {result.stdout.splitlines()[-1]}")
    assert principal.roles == {Role.OPERATOR, Role.SUPERVISOR}


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["--role", "customer"], id="customer-without-company"),
        pytest.param(["--role", "janitor"], id="unknown-role"),
        pytest.param(["--role", "operator", "--minutes", "0"], id="no-time"),
    ],
)
def test_the_token_command_refuses_what_would_not_make_a_usable_token(tmp_path: Path, arguments: list[str]) -> None:
    result = _devhost("token", *arguments, "--root", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""


def _devhost(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devhost", *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_staff_role_picks_the_staff_issuer_and_its_own_key(tmp_path: Path) -> None:
    staff = mint_token([Role.OPERATOR], "acme", root=tmp_path)
    customer = mint_token([Role.CUSTOMER], "acme", root=tmp_path)
    assert jwt.decode(staff, options={"verify_signature": False})["iss"] == LOCAL_STAFF_ISSUER
    assert jwt.get_unverified_header(staff)["kid"] != jwt.get_unverified_header(customer)["kid"]
    caller = local_verifier(tmp_path).verify(f"Bearer {staff}")
    assert (caller.roles, caller.customer_id, caller.issuer) == ({Role.OPERATOR}, None, LOCAL_STAFF_ISSUER)


def test_the_token_command_refuses_to_mix_the_customer_role_with_staff_roles(tmp_path: Path) -> None:
    result = _devhost("token", "--role", "customer", "--role", "admin", "--customer", "acme", "--root", str(tmp_path))
    assert result.returncode == 2
    assert "no issuer grants both" in result.stderr
