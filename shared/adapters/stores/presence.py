"""Presence marks in Table Storage: table ``Presence``, partition = the ticket id, row = ``p`` and
the SHA-256 hex of the person's handle (a handle is an address or a token subject, which may hold
characters a key may not), with ``Handle``, ``Name``, ``Composing``, ``Since`` and ``SeenAt``.

A ticket's marks are one partition, so the screen reads them with one query whatever the number
of tickets. Nothing sweeps the table: the heartbeat that reads a ticket's expired marks deletes
them (one transaction). What stays behind is the last mark of each person on a ticket nobody
opens again: at most one row per person and ticket, deleted by the next heartbeat on it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from azure.core import MatchConditions
from azure.data.tables import TableClient, TableServiceClient, TableTransactionError, UpdateMode

from shared.adapters.storage_layout import PRESENCE_TABLE
from shared.domain.presence import PresenceMark
from shared.usecases.stored import StoredMark

_TRANSACTION_LIMIT = 100


class PresenceStore:
    """Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(PRESENCE_TABLE)

    def marks(self, ticket_id: str) -> list[StoredMark]:
        """One query of the ticket's partition (a page holds a thousand marks: more people than
        ever open one ticket)."""
        rows = self._table.query_entities("PartitionKey eq @pk", parameters={"pk": ticket_id})
        return [StoredMark(_mark_from(row), str(row.metadata["etag"])) for row in rows]

    def leave(self, mark: PresenceMark) -> None:
        """One write (create or replace)."""
        self._table.upsert_entity(_entity(mark), mode=UpdateMode.REPLACE)

    def remove(self, marks: Sequence[StoredMark]) -> None:
        """One transaction per hundred marks (they are one ticket's), each delete guarded by the
        ETag read: when a heartbeat refreshed one meanwhile, or another reader deleted it first,
        the transaction deletes nothing, and the next reader tries again."""
        operations: list[Any] = [
            (
                "delete",
                {"PartitionKey": stored.mark.ticket_id, "RowKey": _row_key(stored.mark.handle)},
                {"etag": stored.etag, "match_condition": MatchConditions.IfNotModified},
            )
            for stored in marks
        ]
        for start in range(0, len(operations), _TRANSACTION_LIMIT):
            try:
                self._table.submit_transaction(operations[start : start + _TRANSACTION_LIMIT])
            except TableTransactionError as error:
                if error.status_code not in (404, 412):
                    raise


def _row_key(handle: str) -> str:
    return "p" + hashlib.sha256(handle.encode()).hexdigest()


def _entity(mark: PresenceMark) -> dict[str, Any]:
    return {
        "PartitionKey": mark.ticket_id,
        "RowKey": _row_key(mark.handle),
        "Handle": mark.handle,
        "Name": mark.name,
        "Composing": mark.composing,
        "Since": mark.since.astimezone(UTC),
        "SeenAt": mark.seen_at.astimezone(UTC),
    }


def _mark_from(entity: Any) -> PresenceMark:
    return PresenceMark(
        ticket_id=entity["PartitionKey"],
        handle=entity["Handle"],
        name=entity["Name"],
        composing=bool(entity["Composing"]),
        since=entity["Since"].astimezone(UTC),
        seen_at=entity["SeenAt"].astimezone(UTC),
    )
