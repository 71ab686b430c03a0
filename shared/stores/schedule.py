"""The escalation schedule in Table Storage: table ``Escalations``.

* A checkpoint is a row in partition ``due|<UTC hour it falls due>``, keyed
  ``<customer>|<ticket>|<clock>``: at most one per clock per hour bucket, and the sweep reads only
  the buckets up to now with one range query. A ticket change writes its clocks' next checkpoints
  (an upsert each); a checkpoint made stale by a later change is found stale when due, re-checked
  against the ticket, and dropped.
* The row ``watermark|sweep`` records the instant up to which the last sweep finished.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.escalation import Checkpoint
from shared.sla_policy import Clock

ESCALATIONS_TABLE = "Escalations"
_WATERMARK = ("watermark", "sweep")


class EscalationSchedule:
    """Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(ESCALATIONS_TABLE)

    def plan(self, checkpoints: Iterable[Checkpoint]) -> None:
        """Write the checkpoints: one upsert each (a ticket has at most one per running clock)."""
        for checkpoint in checkpoints:
            self._table.upsert_entity(_row(checkpoint), mode=UpdateMode.REPLACE)

    def due(self, now: datetime) -> list[Checkpoint]:
        """The checkpoints due at ``now``: one range query over the buckets up to now's hour."""
        rows = self._table.query_entities(
            "PartitionKey ge @first and PartitionKey le @last and DueAt le @now",
            parameters={"first": "due|", "last": _bucket(now), "now": now.astimezone(UTC)},
        )
        return [_checkpoint(row) for row in rows]

    def drop(self, checkpoint: Checkpoint) -> None:
        """One delete (a row already gone is fine)."""
        self._table.delete_entity(_bucket(checkpoint.due), _row_key(checkpoint))

    def same_row(self, first: Checkpoint, second: Checkpoint) -> bool:
        """Whether writing ``second`` replaced the row of ``first``."""
        return _bucket(first.due) == _bucket(second.due) and _row_key(first) == _row_key(second)

    def watermark(self) -> datetime | None:
        """The instant up to which the last complete sweep ran: one point read."""
        try:
            return self._table.get_entity(*_WATERMARK)["SweptUntil"].astimezone(UTC)  # type: ignore[no-any-return]
        except ResourceNotFoundError:
            return None

    def advance_watermark(self, until: datetime) -> None:
        """One upsert."""
        self._table.upsert_entity(
            {"PartitionKey": _WATERMARK[0], "RowKey": _WATERMARK[1], "SweptUntil": until.astimezone(UTC)},
            mode=UpdateMode.REPLACE,
        )


def _bucket(moment: datetime) -> str:
    return f"due|{moment.astimezone(UTC):%Y%m%d%H}"


def _row_key(checkpoint: Checkpoint) -> str:
    return f"{checkpoint.customer_id}|{checkpoint.ticket_id}|{checkpoint.clock.value}"


def _row(checkpoint: Checkpoint) -> dict[str, Any]:
    return {
        "PartitionKey": _bucket(checkpoint.due),
        "RowKey": _row_key(checkpoint),
        "CustomerId": checkpoint.customer_id,
        "TicketId": checkpoint.ticket_id,
        "Clock": checkpoint.clock.value,
        "Level": checkpoint.level,
        "DueAt": checkpoint.due.astimezone(UTC),
    }


def _checkpoint(row: Any) -> Checkpoint:
    return Checkpoint(
        customer_id=row["CustomerId"],
        ticket_id=row["TicketId"],
        clock=Clock(row["Clock"]),
        level=int(row["Level"]),
        due=row["DueAt"].astimezone(UTC),
    )
