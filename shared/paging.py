"""Pages of a list and their opaque cursors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list and the opaque cursor of the next (None on the last page)."""

    items: list[T]
    cursor: str | None
