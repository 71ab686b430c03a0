"""Key sets: which keys are taken, how long a fetched set is kept, and how often it is fetched again.

The HTTPS source runs with a fake fetch and a fake clock: nothing touches the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from shared.adapters.auth.jwks import FileKeySet, HttpsKeySet, KeysUnavailableError, https_get, parse_key_set

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
ROTATED = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
SMALL = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()  # noqa: S505 - must be refused
EC_KEY = ec.generate_private_key(ec.SECP256R1()).public_key()


def jwk(key: Any, kid: str, **members: Any) -> dict[str, Any]:
    algorithm = RSAAlgorithm if isinstance(key, rsa.RSAPublicKey) else ECAlgorithm
    return {**algorithm.to_jwk(key, as_dict=True), "kid": kid, **members}


def key_set(*keys: Any) -> bytes:
    return json.dumps({"keys": list(keys)}).encode()


class FakeProvider:
    """Serves ``document`` and counts fetches; ``failing`` makes fetches fail."""

    def __init__(self, document: bytes) -> None:
        self.document = document
        self.fetches = 0
        self.failing = False

    def __call__(self, url: str) -> bytes:
        self.fetches += 1
        if self.failing:
            raise KeysUnavailableError("provider down")
        return self.document


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_only_rsa_signing_keys_of_2048_bits_or_more_are_taken() -> None:
    keys = parse_key_set(
        key_set(
            jwk(KEY, "good", use="sig", alg="RS256"),
            jwk(KEY, "no-use-no-alg"),
            jwk(SMALL, "small"),
            jwk(EC_KEY, "elliptic"),
            jwk(KEY, "encryption", use="enc"),
            jwk(KEY, "rs512", alg="RS512"),
            jwk(KEY, ""),
            {"kty": "RSA", "kid": "broken", "n": "!!!", "e": "AQAB"},
            "not an object",
        )
    )
    assert sorted(keys) == ["good", "no-use-no-alg"]
    assert keys["good"].public_numbers() == KEY.public_numbers()


@pytest.mark.parametrize("document", [b"<html>", b"[]", b'{"keys": {}}'])
def test_a_document_that_is_not_a_key_set_is_refused(document: bytes) -> None:
    with pytest.raises(KeysUnavailableError):
        parse_key_set(document)


def test_a_fetched_key_set_is_kept_for_an_hour() -> None:
    provider, clock = FakeProvider(key_set(jwk(KEY, "k1"))), FakeClock()
    source = HttpsKeySet("https://idp.example/keys", fetch=provider, clock=clock)
    assert "k1" in source.signing_keys()
    clock.now += 3599
    provider.document = key_set(jwk(ROTATED, "k2"))
    assert "k1" in source.signing_keys()
    clock.now += 1
    assert list(source.signing_keys()) == ["k2"]
    assert provider.fetches == 2


def test_a_refresh_fetches_again_at_most_once_every_five_minutes() -> None:
    provider, clock = FakeProvider(key_set(jwk(KEY, "k1"))), FakeClock()
    source = HttpsKeySet("https://idp.example/keys", fetch=provider, clock=clock)
    source.signing_keys()
    clock.now += 299
    source.signing_keys(refresh=True)
    source.signing_keys(refresh=True)
    assert provider.fetches == 1
    clock.now += 1
    provider.document = key_set(jwk(ROTATED, "k2"))
    assert "k2" in source.signing_keys(refresh=True)
    source.signing_keys(refresh=True)
    assert provider.fetches == 2


def test_the_held_key_set_keeps_serving_when_a_fetch_fails() -> None:
    provider, clock = FakeProvider(key_set(jwk(KEY, "k1"))), FakeClock()
    source = HttpsKeySet("https://idp.example/keys", fetch=provider, clock=clock)
    source.signing_keys()
    provider.failing = True
    clock.now += 3600
    assert "k1" in source.signing_keys()
    assert "k1" in source.signing_keys()
    assert provider.fetches == 2, "a failed fetch is not retried within five minutes"


def test_no_key_set_at_all_is_an_error_and_is_tried_again_on_the_next_call() -> None:
    provider = FakeProvider(key_set(jwk(KEY, "k1")))
    provider.failing = True
    source = HttpsKeySet("https://idp.example/keys", fetch=provider, clock=FakeClock())
    with pytest.raises(KeysUnavailableError):
        source.signing_keys()
    provider.failing = False
    assert "k1" in source.signing_keys()


def test_keys_are_fetched_over_https_only() -> None:
    with pytest.raises(KeysUnavailableError, match="https"):
        https_get("http://idp.example/keys")


def test_a_local_key_set_is_read_again_on_refresh(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_bytes(key_set(jwk(KEY, "k1")))
    source = FileKeySet(path)
    assert list(source.signing_keys()) == ["k1"]
    path.write_bytes(key_set(jwk(ROTATED, "k2")))
    assert list(source.signing_keys()) == ["k1"]
    assert list(source.signing_keys(refresh=True)) == ["k2"]


def test_a_missing_local_key_set_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(KeysUnavailableError, match="devhost token"):
        FileKeySet(tmp_path / "jwks.json").signing_keys()
