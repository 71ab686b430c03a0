"""The values that cross the view index's port (:class:`shared.usecases.ports.ViewIndex`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain.views import IndexKey, ViewRow

__all__ = ["IndexedRow", "Placement", "ViewIntent"]


@dataclass(frozen=True)
class Placement:
    """Which index rows a ticket may have (``keys``), as of its ``revision``, with its unread
    mark; ``etag`` guards the next write (None: never placed)."""

    customer_id: str
    ticket_id: str
    revision: int
    keys: frozenset[IndexKey]
    unread: bool
    etag: str | None = None


@dataclass(frozen=True)
class ViewIntent:
    """A ticket whose index rows may lag behind it: written before its change commits, dropped
    once the rows are placed; ``customer_wrote``: the change is a customer's message (its rows
    are marked unread)."""

    customer_id: str
    ticket_id: str
    created_at: datetime
    customer_wrote: bool = False


@dataclass(frozen=True)
class IndexedRow:
    """One row as a page read it: its key and what it shows."""

    key: IndexKey
    row: ViewRow
