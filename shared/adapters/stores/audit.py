"""The operators' audit trail: who read or changed which ticket, and when.

Table ``Audit``: partition = the ticket id, row = the instant (sortable), this process's sequence
number (records of one instant keep their order) and a random suffix (records of two processes
never collide), so a ticket's trail is one partition query in time order. List
views are recorded under partition ``list|<yyyy-mm-dd>`` with the ids they showed.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

from azure.data.tables import TableClient, TableServiceClient

from shared.adapters.storage_layout import AUDIT_TABLE
from shared.usecases.stored import AuditRecord

_SEQUENCE = itertools.count()


class AuditTrail:
    """Writes and reads audit records: one write per record, one query per page read."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(AUDIT_TABLE)

    def record(self, ticket_id: str, at: datetime, actor: str, role: str, action: str) -> None:
        self._table.create_entity(_entity(ticket_id, at, actor, role, action))

    def record_list(self, ticket_ids: list[str], at: datetime, actor: str, role: str) -> None:
        partition = f"list|{at.astimezone(UTC):%Y-%m-%d}"
        self._table.create_entity(_entity(partition, at, actor, role, "list", shown=",".join(ticket_ids)))

    def for_ticket(self, ticket_id: str, limit: int) -> list[AuditRecord]:
        rows = self._table.query_entities("PartitionKey eq @pk", parameters={"pk": ticket_id}, results_per_page=limit)
        page: Any = next(iter(rows.by_page()), [])
        return [
            AuditRecord(row["PartitionKey"], row["At"].astimezone(UTC), row["Actor"], row["Role"], row["Action"])
            for row in page
        ]


def _entity(partition: str, at: datetime, actor: str, role: str, action: str, **extra: str) -> dict[str, Any]:
    moment = at.astimezone(UTC)
    return {
        "PartitionKey": partition,
        "RowKey": f"{moment:%Y%m%dT%H%M%S.%fZ}|{next(_SEQUENCE):012d}|{uuid.uuid4().hex[:12]}",
        "At": moment,
        "Actor": actor,
        "Role": role,
        "Action": action,
        **extra,
    }
