"""The console's view index in Table Storage: table ``ConsoleViews``.

* **Rows** (:mod:`shared.domain.views` names them): partition = a list (``queue``, ``open``,
  ``mine|<assignee>``, ``waiting``, ``waiting|<assignee>``), row =
  ``<clearance>|<sort>|<slice>|<sort key>|<ticket id>``, each with what the view shows of the
  ticket. A page is one range query of one partition.
* **Placements**: partition ``placed|<customer>``, row = the ticket id: the keys of the rows the
  ticket may have, its revision and its unread mark. A change reads it to know which rows to
  delete.
* **Intents**: partition ``intent|<UTC minute>``, row ``<customer>|<ticket id>``: written before
  a ticket change commits, deleted once its rows are placed; the repair sweep finds those left
  behind with one range query.
* **Re-keys due**: partition ``rekey``, row = the first day a change of closures changed
  (ISO date): the repair sweep re-keys from the earliest, then deletes them.

Every query is parameterised; no OData is built from input.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
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

from shared.adapters.storage_layout import CONSOLE_VIEWS_TABLE
from shared.domain.errors import Conflict
from shared.domain.lifecycle import Status
from shared.domain.sla.policy import Category, Clock
from shared.domain.views import IndexKey, RowSla, Source, ViewRow
from shared.usecases.view_records import IndexedRow, Placement, ViewIntent

__all__ = ["ViewIndexStore", "index_entity", "placement_entity"]

_TRANSACTION_LIMIT = 100
_MICROSECOND = timedelta(microseconds=1)
_INTENTS = "intent|"
_REKEYS = "rekey"


class ViewIndexStore:
    """Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(CONSOLE_VIEWS_TABLE)

    # --- pages -------------------------------------------------------------------------------------

    def page(self, source: Source, after: str | None, limit: int) -> tuple[list[IndexedRow], bool]:
        """Up to ``limit`` rows of ``source`` after the row key ``after`` (None: from its start),
        in key order, and whether more may follow: one query (more only when the service answers
        an empty page with a continuation)."""
        parameters = {"pk": source.partition, "after": after or source.prefix, "end": source.prefix + "~"}
        pager: Any = self._table.query_entities(
            "PartitionKey eq @pk and RowKey gt @after and RowKey lt @end", parameters=parameters, results_per_page=limit
        ).by_page()
        for page in pager:
            rows = list(page)
            if rows or pager.continuation_token is None:
                return [_indexed(row) for row in rows], pager.continuation_token is not None
        return [], False

    def tickets_between(self, source: Source, first: str, end: str) -> Iterator[tuple[str, str]]:
        """(customer, ticket id) of the rows of ``source`` whose sort key is in [``first``,
        ``end``): one range query, a request per 1,000 rows."""
        rows = self._table.query_entities(
            "PartitionKey eq @pk and RowKey ge @first and RowKey lt @end",
            parameters={"pk": source.partition, "first": source.prefix + first, "end": source.prefix + end},
            select=["CustomerId", "TicketId"],
        )
        for row in rows:
            yield str(row["CustomerId"]), str(row["TicketId"])

    # --- placements --------------------------------------------------------------------------------

    def placement(self, customer_id: str, ticket_id: str) -> Placement | None:
        """One point read."""
        try:
            entity = self._table.get_entity(_placed(customer_id), ticket_id)
        except ResourceNotFoundError:
            return None
        keys = frozenset(IndexKey(partition, row) for partition, row in json.loads(entity["Keys"]))
        return Placement(
            customer_id,
            ticket_id,
            int(entity["Revision"]),
            keys,
            bool(entity["Unread"]),
            str(entity.metadata["etag"]),
        )

    def put_placement(self, placement: Placement) -> str:
        """Write ``placement`` over the one read with its ``etag`` (None: create it): one write.
        :class:`Conflict` when another writer came first. Answers the new ETag."""
        entity = placement_entity(placement)
        try:
            if placement.etag is None:
                metadata = self._table.create_entity(entity)
            else:
                metadata = self._table.update_entity(
                    entity, mode=UpdateMode.REPLACE, etag=placement.etag, match_condition=MatchConditions.IfNotModified
                )
        except (ResourceExistsError, ResourceModifiedError):
            raise Conflict(f"ticket {placement.ticket_id} is being placed by someone else") from None
        return str(metadata["etag"])

    # --- rows --------------------------------------------------------------------------------------

    def write(self, rows: Mapping[IndexKey, ViewRow], deletes: Iterable[IndexKey]) -> None:
        """Upsert ``rows`` and delete ``deletes``: one transaction per list of up to 100 rows (a
        ticket's rows in one list are 20 at most). A delete of a row already gone is fine: the
        transaction that fails on it is done again without the deletes, which then go one by one."""
        by_partition: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for key, row in rows.items():
            by_partition[key.partition].append(("upsert", index_entity(key, row), {"mode": UpdateMode.REPLACE}))
        gone: dict[str, list[IndexKey]] = defaultdict(list)
        for key in deletes:
            by_partition[key.partition].append(("delete", {"PartitionKey": key.partition, "RowKey": key.row}))
            gone[key.partition].append(key)
        for partition, operations in by_partition.items():
            for start in range(0, len(operations), _TRANSACTION_LIMIT):
                self._submit(operations[start : start + _TRANSACTION_LIMIT], gone[partition])

    def mark_unread(self, keys: Iterable[IndexKey], unread: bool) -> None:
        """Set the unread mark of the rows ``keys`` (merge, so nothing else is touched): one
        transaction per list."""
        by_partition: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for key in keys:
            entity = {"PartitionKey": key.partition, "RowKey": key.row, "Unread": unread}
            by_partition[key.partition].append(("update", entity, {"mode": UpdateMode.MERGE}))
        for operations in by_partition.values():
            for start in range(0, len(operations), _TRANSACTION_LIMIT):
                chunk = operations[start : start + _TRANSACTION_LIMIT]
                try:
                    self._table.submit_transaction(chunk)
                except TableTransactionError as error:
                    if error.status_code != 404:
                        raise
                    for _, entity, _options in chunk:  # a row gone meanwhile: mark the others
                        try:
                            self._table.update_entity(entity, mode=UpdateMode.MERGE)
                        except ResourceNotFoundError:
                            continue

    def _submit(self, operations: list[tuple[Any, ...]], gone: Sequence[IndexKey]) -> None:
        try:
            self._table.submit_transaction(operations)
        except TableTransactionError as error:
            if error.status_code != 404:
                raise
            writes = [operation for operation in operations if operation[0] != "delete"]
            if writes:
                self._table.submit_transaction(writes)
            for key in gone:
                try:
                    self._table.delete_entity(key.partition, key.row)
                except ResourceNotFoundError:
                    continue

    # --- intents -----------------------------------------------------------------------------------

    def intend(self, intent: ViewIntent) -> None:
        """One write, before the change commits."""
        self._table.upsert_entity(
            {
                "PartitionKey": _intent_partition(intent.created_at),
                "RowKey": f"{intent.customer_id}|{intent.ticket_id}",
                "CreatedAt": intent.created_at.astimezone(UTC),
                "CustomerWrote": intent.customer_wrote,
            },
            mode=UpdateMode.REPLACE,
        )

    def drop_intent(self, intent: ViewIntent) -> None:
        """One delete (an intent already gone is fine)."""
        try:
            self._table.delete_entity(_intent_partition(intent.created_at), f"{intent.customer_id}|{intent.ticket_id}")
        except ResourceNotFoundError:
            return

    def intend_rekey(self, first_day: date) -> None:
        """One write."""
        self._table.upsert_entity({"PartitionKey": _REKEYS, "RowKey": first_day.isoformat()}, mode=UpdateMode.REPLACE)

    def rekeys_due(self) -> list[date]:
        """The first days of the re-keys asked for and not done: one query."""
        rows = self._table.query_entities("PartitionKey eq @pk", parameters={"pk": _REKEYS}, select=["RowKey"])
        return [date.fromisoformat(row["RowKey"]) for row in rows]

    def drop_rekey(self, first_day: date) -> None:
        """One delete (gone already is fine)."""
        try:
            self._table.delete_entity(_REKEYS, first_day.isoformat())
        except ResourceNotFoundError:
            return

    def intents_before(self, moment: datetime) -> Iterator[ViewIntent]:
        """The intents written before ``moment``: one range query (paged) over the intent
        partitions up to ``moment``'s minute."""
        rows = self._table.query_entities(
            "PartitionKey ge @first and PartitionKey le @last and CreatedAt lt @moment",
            parameters={"first": _INTENTS, "last": _intent_partition(moment), "moment": moment.astimezone(UTC)},
        )
        for row in rows:
            customer_id, ticket_id = str(row["RowKey"]).split("|", 1)
            yield ViewIntent(
                customer_id, ticket_id, row["CreatedAt"].astimezone(UTC), bool(row.get("CustomerWrote", False))
            )


def placement_entity(placement: Placement) -> dict[str, Any]:
    """The placement's row (the benchmark seeds the index with it too)."""
    return {
        "PartitionKey": _placed(placement.customer_id),
        "RowKey": placement.ticket_id,
        "Revision": placement.revision,
        "Keys": json.dumps(sorted([key.partition, key.row] for key in placement.keys), separators=(",", ":")),
        "Unread": placement.unread,
    }


def _placed(customer_id: str) -> str:
    return f"placed|{customer_id}"


def _intent_partition(moment: datetime) -> str:
    return f"{_INTENTS}{moment.astimezone(UTC):%Y%m%d%H%M}"


def index_entity(key: IndexKey, row: ViewRow) -> dict[str, Any]:
    """The index row ``key`` showing ``row`` (the benchmark seeds the index with it too)."""
    sla = row.sla
    entity: dict[str, Any] = {
        "PartitionKey": key.partition,
        "RowKey": key.row,
        "TicketId": row.id,
        "Subject": row.subject,
        "CustomerId": row.customer_id,
        "CustomerName": row.customer_name,
        "ContactEmail": row.contact_email,
        "Priority": row.priority,
        "Category": row.category.value,
        "Status": row.status.value,
        "Assignee": row.assignee or "",
        "AssigneeName": row.assignee_name or "",
        "LastActivity": row.last_activity.astimezone(UTC),
        "Unread": row.unread,
        "SlaClock": sla.clock.value if sla.clock else "",
        "SlaPaused": sla.paused,
        "SlaBreached": sla.breached,
        "EscalationLevel": sla.escalation_level,
    }
    if sla.due is not None:
        entity["SlaDue"] = sla.due.astimezone(UTC)
    if sla.left is not None:
        entity["SlaLeftUs"] = EntityProperty(sla.left // _MICROSECOND, EdmType.INT64)
    return entity


def _indexed(entity: Mapping[str, Any]) -> IndexedRow:
    due = entity.get("SlaDue")
    left = entity.get("SlaLeftUs")
    sla = RowSla(
        clock=Clock(entity["SlaClock"]) if entity.get("SlaClock") else None,
        due=due.astimezone(UTC) if due is not None else None,
        left=None if left is None else int(getattr(left, "value", left)) * _MICROSECOND,
        paused=bool(entity["SlaPaused"]),
        breached=bool(entity["SlaBreached"]),
        escalation_level=int(entity["EscalationLevel"]),
    )
    row = ViewRow(
        id=entity["TicketId"],
        subject=entity["Subject"],
        customer_id=entity["CustomerId"],
        customer_name=entity["CustomerName"],
        contact_email=entity["ContactEmail"],
        priority=int(entity["Priority"]),
        category=Category(entity["Category"]),
        status=Status(entity["Status"]),
        assignee=entity.get("Assignee") or None,
        assignee_name=entity.get("AssigneeName") or None,
        last_activity=entity["LastActivity"].astimezone(UTC),
        unread=bool(entity["Unread"]),
        sla=sla,
    )
    return IndexedRow(IndexKey(entity["PartitionKey"], entity["RowKey"]), row)
