"""Pages of a list and their opaque cursors."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.domain.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the opaque cursor of the next (None on the last page)."""

    items: list[T]
    cursor: str | None


def encode_cursor(document: Mapping[str, str]) -> str:
    """An opaque, URL-safe cursor carrying ``document``."""
    return base64.urlsafe_b64encode(json.dumps(document, separators=(",", ":")).encode()).decode().rstrip("=")


def cursor_field(cursor: str, name: str) -> str:
    """One field of an opaque cursor, or :class:`InvalidInput` naming ``cursor``."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        decoded = None
    value = decoded.get(name) if isinstance(decoded, dict) else None
    if not isinstance(value, str) or len(value) > 512:
        raise InvalidInput("cursor", "is not a cursor of this list")
    return value
