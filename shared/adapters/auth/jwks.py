"""Where the public keys that sign access tokens come from: a JSON Web Key Set (RFC 7517).

In production the identity provider publishes its keys at an HTTPS endpoint (Microsoft Entra ID:
``.../discovery/v2.0/keys``); :class:`HttpsKeySet` fetches it, keeps it for an hour and fetches
again early, at most once every five minutes, when a token names a key it does not know (the
provider rotated its keys). Locally ``python -m devhost token`` writes the key set to a file;
:class:`FileKeySet` reads it.

Only RSA signing keys of at least 2048 bits are taken; the others in a set are skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from http.client import HTTPException
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey, RSAPublicNumbers

__all__ = [
    "FileKeySet",
    "HttpsKeySet",
    "KeySource",
    "KeysUnavailableError",
    "parse_key_set",
]

LOG = logging.getLogger(__name__)

MIN_KEY_BITS = 2048
FETCH_TIMEOUT_SECONDS = 5.0
CACHE_SECONDS = 3600.0
MIN_REFRESH_INTERVAL_SECONDS = 300.0
MAX_KEY_SET_BYTES = 1 << 20

Keys = Mapping[str, RSAPublicKey]


class KeysUnavailableError(RuntimeError):
    """No key set could be had (the endpoint or the file cannot be read or parsed): the service,
    not the caller's token, is at fault."""


class KeySource(Protocol):
    """The signing keys a token verifier trusts, by key id (``kid``)."""

    def signing_keys(self, *, refresh: bool = False) -> Keys:
        """The current keys; ``refresh`` asks for the set to be read again because a token names
        an unknown key (a source may decline, e.g. when it read the set moments ago). Raises
        :class:`KeysUnavailableError` when there is no set to answer with."""
        ...


def parse_key_set(document: bytes) -> dict[str, RSAPublicKey]:
    """The RSA signing keys in a JWKS document, by ``kid``; raises :class:`KeysUnavailableError`
    when the document is not a key set."""
    try:
        parsed = json.loads(document)
    except (ValueError, UnicodeDecodeError) as error:
        raise KeysUnavailableError("the key set is not JSON") from error
    entries = parsed.get("keys") if isinstance(parsed, dict) else None
    if not isinstance(entries, list):
        raise KeysUnavailableError("the key set has no 'keys' array")
    keys: dict[str, RSAPublicKey] = {}
    for entry in entries:
        kid = entry.get("kid") if isinstance(entry, dict) else None
        key = _rsa_signing_key(entry) if isinstance(kid, str) and kid else None
        if key is None:
            LOG.debug("skipping a key that is not an RSA signing key of %d bits or more", MIN_KEY_BITS)
            continue
        keys[str(kid)] = key
    return keys


def _rsa_signing_key(entry: dict[str, Any]) -> RSAPublicKey | None:
    if entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig" or entry.get("alg", "RS256") != "RS256":
        return None
    modulus, exponent = _base64url_int(entry.get("n")), _base64url_int(entry.get("e"))
    if modulus is None or exponent is None or modulus.bit_length() < MIN_KEY_BITS:
        return None
    try:
        return RSAPublicNumbers(exponent, modulus).public_key()
    except ValueError:
        return None


def _base64url_int(value: object) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, binascii.Error):
        return None
    return int.from_bytes(raw, "big")


def https_get(url: str) -> bytes:
    """The body of an HTTPS GET of ``url`` (at most 1 MiB) within :data:`FETCH_TIMEOUT_SECONDS`;
    raises :class:`KeysUnavailableError` on any failure."""
    if urlsplit(url).scheme != "https":
        raise KeysUnavailableError("the key set URL must be https://")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - https only, checked above
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310 - as above
            body: bytes = response.read(MAX_KEY_SET_BYTES + 1)
    except (OSError, HTTPException) as error:
        raise KeysUnavailableError(f"cannot fetch the signing keys: {error}") from error
    if len(body) > MAX_KEY_SET_BYTES:
        raise KeysUnavailableError("the key set is larger than 1 MiB")
    return body


class HttpsKeySet:
    """The key set at an HTTPS URL, cached for :data:`CACHE_SECONDS`.

    Fetches are at most one per :data:`MIN_REFRESH_INTERVAL_SECONDS` once a set is held, so
    tokens with made-up key ids cannot make the service hammer the provider. When a fetch fails
    the set held keeps serving (the failure is logged); with no set held yet every call tries
    again and raises :class:`KeysUnavailableError` on failure. ``fetch`` (HTTPS GET by default)
    returns the document or raises :class:`KeysUnavailableError`. Thread-safe: one fetch at a time.
    """

    def __init__(
        self,
        url: str,
        *,
        fetch: Callable[[str], bytes] = https_get,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url = url
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: Keys | None = None
        self._fetched_at = 0.0
        self._attempted_at = 0.0

    def signing_keys(self, *, refresh: bool = False) -> Keys:
        """The set held, fetched first when there is none, when it is an hour old, or when
        ``refresh`` is asked for (each subject to the five-minute limit once a set is held)."""
        with self._lock:
            if self._keys is None:
                return self._fetch_keys()
            now = self._clock()
            stale = now - self._fetched_at >= CACHE_SECONDS
            if (stale or refresh) and now - self._attempted_at >= MIN_REFRESH_INTERVAL_SECONDS:
                try:
                    return self._fetch_keys()
                except KeysUnavailableError as error:
                    LOG.warning("keeping the signing keys held: %s", error)
            return self._keys

    def _fetch_keys(self) -> Keys:
        self._attempted_at = self._clock()
        keys = MappingProxyType(parse_key_set(self._fetch(self._url)))
        self._keys, self._fetched_at = keys, self._attempted_at
        return keys


class FileKeySet:
    """The key set in a local file (local runs only), read on first use and again on refresh, so
    a key regenerated by ``python -m devhost token`` is picked up without a restart."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._keys: Keys | None = None

    def signing_keys(self, *, refresh: bool = False) -> Keys:
        """The keys in the file; raises :class:`KeysUnavailableError` when it cannot be read."""
        with self._lock:
            if self._keys is None or refresh:
                try:
                    document = self._path.read_bytes()
                except OSError as error:
                    raise KeysUnavailableError(
                        f"cannot read the local key set {self._path} (python -m devhost token writes it)"
                    ) from error
                self._keys = MappingProxyType(parse_key_set(document))
            return self._keys
