"""Stand-in identity providers for local runs: two issuers, as in production (the customers'
issuer and the staff issuer), each with its own RSA signing key and public key set, issuing
access tokens shaped like Microsoft Entra ID's (app roles in ``roles``).

The customers' private key is made on first use under ``.local/auth/signing-key.pem`` (mode 0600,
never committed: ``.local/`` is ignored) and its public JWKS is written next to it as
``jwks.json``, the file ``AUTH_LOCAL_JWKS_FILE`` names in ``local.settings.json``; the staff
issuer's are ``staff-signing-key.pem`` and ``staff-jwks.json`` (``AUTH_STAFF_LOCAL_JWKS_FILE``).
A key id is the key's RFC 7638 thumbprint, so a new key gets a new id.

:func:`mint_token` picks the issuer from the roles: the customers' issuer for a token holding the
customer role, the staff issuer otherwise, as the two real providers would.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from devhost import PROJECT_ROOT
from shared.adapters.auth.tokens import ALGORITHM
from shared.config.auth import DEFAULT_CUSTOMER_CLAIM

#: The issuers and audience of local tokens; ``local.settings.sample.json`` sets the same values.
LOCAL_ISSUER = "http://127.0.0.1:7071/local-issuer"
LOCAL_STAFF_ISSUER = "http://127.0.0.1:7071/local-staff-issuer"
LOCAL_AUDIENCE = "api://support-desk-local"
#: Where the keys and the key sets live, relative to the project root.
AUTH_DIR = Path(".local") / "auth"
KEY_FILE = "signing-key.pem"
JWKS_FILE = "jwks.json"
STAFF_KEY_FILE = "staff-signing-key.pem"
STAFF_JWKS_FILE = "staff-jwks.json"

#: Which local issuer: the customers' or the staff's.
Issuer = Literal["customers", "staff"]
_FILES: dict[Issuer, tuple[str, str]] = {"customers": (KEY_FILE, JWKS_FILE), "staff": (STAFF_KEY_FILE, STAFF_JWKS_FILE)}
_ISSUERS: dict[Issuer, str] = {"customers": LOCAL_ISSUER, "staff": LOCAL_STAFF_ISSUER}

DEFAULT_SUBJECT = "dev@example.test"
DEFAULT_MINUTES = 60
KEY_BITS = 2048


@dataclass(frozen=True)
class SigningKey:
    """The local signing key, its key id and the path of its public key set."""

    private_key: rsa.RSAPrivateKey
    kid: str
    jwks_path: Path


def issuer_for(roles: Iterable[str]) -> Issuer:
    """The issuer that grants ``roles``: the customers' for the customer role, else the staff's."""
    return "customers" if "customer" in {str(role) for role in roles} else "staff"


def local_auth_environment(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """The ``AUTH_*`` settings that make an app trust both local issuers with the keys under
    ``root`` (made on first use), as a test or a benchmark hands them to a host."""
    customers, staff = ensure_signing_key(root, "customers"), ensure_signing_key(root, "staff")
    return {
        "AUTH_ISSUER": LOCAL_ISSUER,
        "AUTH_AUDIENCE": LOCAL_AUDIENCE,
        "AUTH_LOCAL_JWKS_FILE": str(customers.jwks_path),
        "AUTH_STAFF_ISSUER": LOCAL_STAFF_ISSUER,
        "AUTH_STAFF_AUDIENCE": LOCAL_AUDIENCE,
        "AUTH_STAFF_LOCAL_JWKS_FILE": str(staff.jwks_path),
    }


def ensure_signing_key(root: Path = PROJECT_ROOT, issuer: Issuer = "customers") -> SigningKey:
    """The signing key of ``issuer`` under ``root/.local/auth``, made (with its key set) on first
    use; the key set is rewritten when it is missing or does not match the key."""
    directory = root / AUTH_DIR
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    key_file, jwks_file = _FILES[issuer]
    private_key = _load_or_create(directory / key_file)
    jwk = public_jwk(private_key.public_key())
    jwks_path = directory / jwks_file
    document = json.dumps({"keys": [jwk]}, indent=2) + "\n"
    if not jwks_path.is_file() or jwks_path.read_text(encoding="utf-8") != document:
        _write_atomically(jwks_path, document)
    return SigningKey(private_key=private_key, kid=jwk["kid"], jwks_path=jwks_path)


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """The public key as a JWK for RS256 signatures, its ``kid`` the RFC 7638 thumbprint."""
    numbers = public_key.public_numbers()
    members = {"e": _base64url_uint(numbers.e), "kty": "RSA", "n": _base64url_uint(numbers.n)}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("ascii")
    kid = _base64url(hashlib.sha256(canonical).digest())
    return {**members, "kid": kid, "use": "sig", "alg": ALGORITHM}


def mint_token(
    roles: Iterable[str],
    customer_id: str | None = None,
    *,
    subject: str = DEFAULT_SUBJECT,
    name: str | None = None,
    minutes: int = DEFAULT_MINUTES,
    extra_claims: Mapping[str, Any] | None = None,
    root: Path = PROJECT_ROOT,
    issuer: Issuer | None = None,
) -> str:
    """An access token for ``subject`` holding ``roles``, valid from now for ``minutes``, from
    ``issuer`` (by default the one that grants the roles, :func:`issuer_for`) and signed with that
    issuer's key under ``root``. ``customer_id`` goes into the ``customer_id`` claim when given;
    ``extra_claims`` are set last and so may override any claim (to make deliberately bad tokens).
    Nothing is checked here: the verifier decides what it accepts."""
    roles = [str(role) for role in roles]
    chosen = issuer or issuer_for(roles)
    key = ensure_signing_key(root, chosen)
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": _ISSUERS[chosen],
        "aud": LOCAL_AUDIENCE,
        "sub": subject,
        "email": subject,
        "iat": now,
        "nbf": now,
        "exp": now + minutes * 60,
        "roles": roles,
    }
    if name is not None:
        claims["name"] = name
    if customer_id is not None:
        claims[DEFAULT_CUSTOMER_CLAIM] = customer_id
    claims.update(extra_claims or {})
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})


def _load_or_create(path: Path) -> rsa.RSAPrivateKey:
    """The key in ``path``; when missing, a new one written there whole (mode 0600) or, when
    another process wrote one meanwhile, theirs."""
    try:
        return _load(path)
    except FileNotFoundError:
        pass
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)  # left over from a run that crashed
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    try:
        os.link(temporary, path)  # atomic, and refuses to replace a key another process made
    except FileExistsError:
        return _load(path)
    finally:
        temporary.unlink()
    return key


def _load(path: Path) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{path} does not hold an RSA private key")
    return key


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _base64url_uint(value: int) -> str:
    return _base64url(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _base64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
