"""Closure periods in Table Storage: table ``Closures``, partition ``closure``, row = the closure id."""

from __future__ import annotations

from datetime import date
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.adapters.storage_layout import CLOSURES_TABLE
from shared.domain.sla.closures import Closure

_PARTITION = "closure"


class ClosureRegistry:
    """The closure periods. Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(CLOSURES_TABLE)

    def list(self) -> list[Closure]:
        """Every closure, by first day: one partition query."""
        rows = self._table.query_entities("PartitionKey eq @pk", parameters={"pk": _PARTITION})
        return sorted((_closure_from(row) for row in rows), key=lambda closure: (closure.first_day, closure.id))

    def get(self, closure_id: str) -> Closure | None:
        """One point read."""
        try:
            return _closure_from(self._table.get_entity(_PARTITION, closure_id))
        except ResourceNotFoundError:
            return None

    def put(self, closure: Closure) -> None:
        """Create or replace: one write."""
        self._table.upsert_entity(
            {
                "PartitionKey": _PARTITION,
                "RowKey": closure.id,
                "FirstDay": closure.first_day.isoformat(),
                "LastDay": closure.last_day.isoformat(),
                "Note": closure.note,
            },
            mode=UpdateMode.REPLACE,
        )

    def delete(self, closure_id: str) -> Closure | None:
        """The closure removed, or None when there was none: one point read and one delete."""
        closure = self.get(closure_id)
        if closure is not None:
            self._table.delete_entity(_PARTITION, closure_id)
        return closure


def _closure_from(entity: Any) -> Closure:
    return Closure(
        id=entity["RowKey"],
        first_day=date.fromisoformat(entity["FirstDay"]),
        last_day=date.fromisoformat(entity["LastDay"]),
        note=entity.get("Note") or "",
    )
