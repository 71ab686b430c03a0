"""The escalation schedule in Table Storage: table ``Escalations``.

* A checkpoint is a row in partition ``due|<UTC hour it falls due>``, keyed
  ``<customer>|<ticket>|<clock>``: at most one per clock per hour bucket, and the sweep reads only
  the buckets up to now with one range query. A ticket change writes its clocks' next checkpoints
  (an upsert each); a checkpoint made stale by a later change is found stale when due, re-checked
  against the ticket, and dropped. A row also records when it was planned (``PlannedAt``), the
  working time its clock had left to the level then (``LeftUs``, microseconds) and when the clock
  started (``ClockStarted``), so that a change of closures can move it without reading its ticket.
* The row ``watermark|sweep`` records the instant up to which the last sweep finished.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import (
    EdmType,
    EntityProperty,
    TableClient,
    TableServiceClient,
    TableTransactionError,
    UpdateMode,
)

from shared.adapters.storage_layout import ESCALATIONS_TABLE
from shared.domain.sla.escalation import Checkpoint
from shared.domain.sla.policy import Clock
from shared.usecases.stored import StoredCheckpoint

_WATERMARK = ("watermark", "sweep")
_BUCKETS_END = "due}"  # '}' sorts right after '|': every bucket's partition key is below it
_TRANSACTION_LIMIT = 100  # operations per entity group transaction
_MICROSECOND = timedelta(microseconds=1)
_Operation = tuple[Any, ...]  # a transaction's operation: (kind, entity[, options])


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

    def planned_from(self, start: datetime) -> list[StoredCheckpoint]:
        """Every checkpoint in the buckets from ``start``'s hour on (for ``start`` on the hour: every
        one due at ``start`` or later): one range query, a request per 1,000 rows."""
        rows = self._table.query_entities(
            "PartitionKey ge @first and PartitionKey lt @end",
            parameters={"first": _bucket(start), "end": _BUCKETS_END},
        )
        return [StoredCheckpoint(_checkpoint(row), str(row.metadata["etag"])) for row in rows]

    def move(self, moves: Sequence[tuple[StoredCheckpoint, Checkpoint]]) -> None:
        """Re-plan checkpoints read by :meth:`planned_from`: each ``(as read, as it becomes)``.
        Where several rows of one clock come to one bucket, the earliest stays (an early checkpoint
        is found stale and re-planned; a late one would escalate late). The new rows are written
        first, then the rows left behind are deleted, each phase in transactions of up to 100 rows
        of one bucket: a crash in between leaves a row too many, never one too few. Every write of
        a row that was read is guarded by its ETag, and a new row is created only where none is: a
        row a concurrent ticket change wrote meanwhile is newer, and is kept."""
        read = {_position(stored.checkpoint): stored for stored, _ in moves}
        staying: dict[tuple[str, str], Checkpoint] = {}
        for _, new in moves:
            held = staying.get(_position(new))
            if held is None or new.due < held.due:
                staying[_position(new)] = new
        writes: list[_Operation] = []
        for position, checkpoint in staying.items():
            before = read.get(position)
            if before is None:
                writes.append(("create", _row(checkpoint)))
            elif before.checkpoint != checkpoint:
                guard = {
                    "mode": UpdateMode.REPLACE,
                    "etag": before.etag,
                    "match_condition": MatchConditions.IfNotModified,
                }
                writes.append(("update", _row(checkpoint), guard))
        deletes: list[_Operation] = [
            ("delete", _keys(position), {"etag": stored.etag, "match_condition": MatchConditions.IfNotModified})
            for position, stored in read.items()
            if position not in staying
        ]
        for phase in (writes, deletes):
            self._submit_by_bucket(phase)

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

    def _submit_by_bucket(self, operations: list[_Operation]) -> None:
        """Submit ``operations`` in transactions of up to 100 of one bucket. A transaction refused
        because a guarded row changed (or appeared, or went) is retried one operation at a time,
        leaving out the refused ones."""
        by_bucket: dict[str, list[_Operation]] = defaultdict(list)
        for operation in operations:
            by_bucket[operation[1]["PartitionKey"]].append(operation)
        for bucket in by_bucket.values():
            for at in range(0, len(bucket), _TRANSACTION_LIMIT):
                batch = bucket[at : at + _TRANSACTION_LIMIT]
                try:
                    self._table.submit_transaction(batch)
                except TableTransactionError as error:
                    if error.status_code not in (404, 409, 412):
                        raise
                    for operation in batch:
                        self._submit_one(operation)

    def _submit_one(self, operation: _Operation) -> None:
        kind, entity = operation[:2]
        guard: dict[str, Any] = operation[2] if len(operation) > 2 else {}
        try:
            if kind == "create":
                self._table.create_entity(entity)
            elif kind == "update":
                self._table.update_entity(entity, **guard)
            else:
                self._table.delete_entity(entity["PartitionKey"], entity["RowKey"], **guard)
        except (ResourceExistsError, ResourceModifiedError, ResourceNotFoundError):
            pass  # a concurrent change's row: theirs is newer


def _bucket(moment: datetime) -> str:
    return f"due|{moment.astimezone(UTC):%Y%m%d%H}"


def _row_key(checkpoint: Checkpoint) -> str:
    return f"{checkpoint.customer_id}|{checkpoint.ticket_id}|{checkpoint.clock.value}"


def _position(checkpoint: Checkpoint) -> tuple[str, str]:
    """The row a checkpoint is written to: (partition, row key)."""
    return _bucket(checkpoint.due), _row_key(checkpoint)


def _keys(position: tuple[str, str]) -> dict[str, str]:
    return {"PartitionKey": position[0], "RowKey": position[1]}


def _row(checkpoint: Checkpoint) -> dict[str, Any]:
    row: dict[str, Any] = {
        **_keys(_position(checkpoint)),
        "CustomerId": checkpoint.customer_id,
        "TicketId": checkpoint.ticket_id,
        "Clock": checkpoint.clock.value,
        "Level": checkpoint.level,
        "DueAt": checkpoint.due.astimezone(UTC),
    }
    if checkpoint.planned_at is not None and checkpoint.left is not None:
        row["PlannedAt"] = checkpoint.planned_at.astimezone(UTC)
        row["LeftUs"] = EntityProperty(checkpoint.left // _MICROSECOND, EdmType.INT64)
    if checkpoint.clock_started is not None:
        row["ClockStarted"] = checkpoint.clock_started.astimezone(UTC)
    return row


def _checkpoint(row: Any) -> Checkpoint:
    planned_at, left, started = row.get("PlannedAt"), row.get("LeftUs"), row.get("ClockStarted")
    return Checkpoint(
        customer_id=row["CustomerId"],
        ticket_id=row["TicketId"],
        clock=Clock(row["Clock"]),
        level=int(row["Level"]),
        due=row["DueAt"].astimezone(UTC),
        planned_at=None if planned_at is None else planned_at.astimezone(UTC),
        left=None if left is None else _MICROSECOND * int(getattr(left, "value", left)),
        clock_started=None if started is None else started.astimezone(UTC),
    )
