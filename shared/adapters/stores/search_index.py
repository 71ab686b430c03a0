"""The search index in Table Storage: table ``SearchIndex``.

* A **term row** per term of a ticket (:func:`shared.domain.search.terms_of`): partition = the
  term's key (``t|<id>``, ``c|<address>``, ``w|<word or prefix>``), row =
  :func:`shared.domain.search.newest_first` of the ticket's id, so the newest tickets of a term
  are the first rows of one partition. Each carries what a search shows and filters on
  (:class:`shared.domain.search.IndexedTicket`): customer, category, assignee, status, priority,
  subject, the SLA ledger.
* An **intent** per change about to write a ticket's rows: partition ``i|<UTC minute>``, row
  ``<customer>|<ticket>|<random>``, dropped once the rows are written; the repair finds those left
  behind with one range query over the ``i|`` partitions (no term key starts with ``i``).
* The **backfill's position** (row ``backfill`` of partition ``s|state``): how far indexing the
  tickets opened before the index existed has gone.

Every query is parameterised; no OData is built from input.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.adapters.storage_layout import SEARCH_INDEX_TABLE
from shared.adapters.stores.tickets import clock_event_from, clock_event_json
from shared.domain.access import StaffFilter
from shared.domain.lifecycle import Status
from shared.domain.search import IndexedTicket, newest_first
from shared.domain.sla.policy import Category, Priority
from shared.usecases.stored import IndexIntent

__all__ = ["BATCH", "SearchIndexStore"]

#: Rows one query asks for: a page of search reads a batch and keeps what the caller may see.
BATCH = 100
_INTENTS = "i|"
_STATE, _BACKFILL = "s|state", "backfill"
_WRITERS = 8  # a ticket's term rows are in as many partitions: written side by side
_COLUMNS = [
    "RowKey",
    "TicketId",
    "CustomerId",
    "CustomerName",
    "ContactEmail",
    "Subject",
    "Category",
    "Priority",
    "Status",
    "Assignee",
    "AssigneeName",
    "CreatedAt",
    "UpdatedAt",
    "Clocks",
    "EscalationLevel",
    "Revision",
]


class SearchIndexStore:
    """The term rows and the intents. Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(SEARCH_INDEX_TABLE)
        self._writers = ThreadPoolExecutor(max_workers=_WRITERS, thread_name_prefix="search-index")

    def intend(self, customer_id: str, ticket_id: str, at: datetime) -> IndexIntent:
        """One write."""
        row = f"{customer_id}|{ticket_id}|{uuid.uuid4().hex}"
        intent = IndexIntent(customer_id, ticket_id, _intent_partition(at), row)
        entity = {
            "PartitionKey": intent.partition,
            "RowKey": intent.row,
            "CustomerId": customer_id,
            "TicketId": ticket_id,
            "CreatedAt": at.astimezone(UTC),
        }
        self._table.upsert_entity(entity, mode=UpdateMode.REPLACE)
        return intent

    def put(self, ticket: IndexedTicket) -> None:
        """One upsert per term (replacing the row), up to eight at a time; the first failure is raised."""
        rows = [_term_row(key, ticket) for key in ticket.terms]
        list(self._writers.map(lambda row: self._table.upsert_entity(row, mode=UpdateMode.REPLACE), rows))

    def drop_intent(self, intent: IndexIntent) -> None:
        """One delete (one already gone is fine)."""
        try:
            self._table.delete_entity(intent.partition, intent.row)
        except ResourceNotFoundError:
            return

    def backfill_position(self) -> str | None:
        """One point read of row ``backfill`` of partition ``state``."""
        try:
            entity = self._table.get_entity(_STATE, _BACKFILL, select=["Position"])
        except ResourceNotFoundError:
            return None
        return str(entity["Position"])

    def record_backfill(self, position: str) -> None:
        """One write."""
        self._table.upsert_entity(
            {"PartitionKey": _STATE, "RowKey": _BACKFILL, "Position": position}, mode=UpdateMode.REPLACE
        )

    def intents_before(self, moment: datetime) -> list[IndexIntent]:
        """One range query (paged by the service, 1,000 a page) over the intents' partitions up
        to ``moment``'s minute."""
        rows = self._table.query_entities(
            "PartitionKey ge @first and PartitionKey le @last and CreatedAt lt @moment",
            parameters={"first": _INTENTS, "last": _intent_partition(moment), "moment": moment.astimezone(UTC)},
        )
        return [IndexIntent(row["CustomerId"], row["TicketId"], row["PartitionKey"], row["RowKey"]) for row in rows]

    def pages(self, key: str, after: str, visible: StaffFilter) -> Iterator[tuple[list[IndexedTicket], str | None]]:
        """The rows of partition ``key`` after row ``after`` that ``visible`` lets through (by
        category and assignee, ``""`` being the unassigned queue), :data:`BATCH` a query; each page
        with the row key where the service stopped (the next row it would read), or None after
        the last. One query per page."""
        query = "PartitionKey eq @pk and RowKey gt @after"
        parameters: dict[str, Any] = {"pk": key, "after": after}
        if visible.exclude_category is not None:
            query += " and Category ne @excluded"
            parameters["excluded"] = visible.exclude_category.value
        if visible.assignee_in is not None:
            names = [f"assignee{index}" for index in range(len(visible.assignee_in))]
            query += " and ( " + " or ".join(f"Assignee eq @{name}" for name in names) + " )"
            parameters.update(zip(names, visible.assignee_in, strict=True))
        pager: Any = self._table.query_entities(
            query, parameters=parameters, results_per_page=BATCH, select=_COLUMNS
        ).by_page()
        for page in pager:
            rows = [_ticket_from(entity) for entity in page]
            token = pager.continuation_token
            yield rows, None if token is None else _next_row(token, after)


def _next_row(token: Mapping[str, Any], after: str) -> str:
    """The row a continuation resumes at (the service may name none when it stopped at a
    partition's edge: then nothing was passed beyond ``after``)."""
    row = token.get("RowKey")
    return str(row) if row else after


def _intent_partition(at: datetime) -> str:
    return f"{_INTENTS}{at.astimezone(UTC):%Y-%m-%dT%H:%M}"


def _term_row(key: str, ticket: IndexedTicket) -> dict[str, Any]:
    return {
        "PartitionKey": key,
        "RowKey": newest_first(ticket.id),
        "TicketId": ticket.id,
        "CustomerId": ticket.customer_id,
        "CustomerName": ticket.customer_name,
        "ContactEmail": ticket.contact_email,
        "Subject": ticket.subject,
        "Category": ticket.category.value,
        "Priority": int(ticket.priority),
        "Status": ticket.status.value,
        "Assignee": ticket.assignee or "",
        "AssigneeName": ticket.assignee_name or "",
        "CreatedAt": ticket.created_at.astimezone(UTC),
        "UpdatedAt": ticket.updated_at.astimezone(UTC),
        "Clocks": json.dumps([clock_event_json(event) for event in ticket.clocks], separators=(",", ":")),
        "EscalationLevel": ticket.escalation_level,
        "Revision": ticket.revision,
    }


def _ticket_from(entity: Mapping[str, Any]) -> IndexedTicket:
    return IndexedTicket(
        id=entity["TicketId"],
        customer_id=entity["CustomerId"],
        customer_name=entity.get("CustomerName") or entity["CustomerId"],
        contact_email=entity["ContactEmail"],
        subject=entity["Subject"],
        category=Category(entity["Category"]),
        priority=Priority(entity["Priority"]),
        status=Status(entity["Status"]),
        assignee=entity.get("Assignee") or None,
        assignee_name=entity.get("AssigneeName") or None,
        created_at=entity["CreatedAt"].astimezone(UTC),
        updated_at=entity["UpdatedAt"].astimezone(UTC),
        clocks=tuple(clock_event_from(item) for item in json.loads(entity["Clocks"])),
        escalation_level=int(entity["EscalationLevel"]),
        revision=int(entity["Revision"]),
    )
