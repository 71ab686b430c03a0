"""What the Azurite benchmarks share: a Table transport that records every request it puts on the
wire and says whose it is (the ticket's or mail delivery's), and the clean-up of what a run wrote.

Counting wraps the transport, so every retry attempt counts; attempts that share an
``x-ms-client-request-id`` are one SDK call. A policy given to the ``TableServiceClient`` as
``per_call_policies`` (or ``per_retry_policies``) would see none of the app's requests:
``get_table_client`` builds each ``TableClient``'s pipeline from the service client's own policy
list, without them.

Attribution, by the URLs a request addresses (a transaction's are those of its operations):

* mail delivery: every request to table ``OutboxIndex`` (the intents, the failures, the sweep's
  query), and the reads and writes of ``Tickets`` rows whose RowKey starts with ``O|`` (a
  notification, ``O%7C…`` in the entity path);
* the search index: every request to table ``SearchIndex`` (the intent, the term rows, the intent's
  delete), and the point read of a ticket's ``Revision`` alone by which the index checks that no
  later change committed meanwhile (shared/usecases/search.py);
* the ticket's: everything else, including the ticket's own transaction although it carries the
  change's notification rows (they ride in the ticket's request; their creates name no key).
"""

from __future__ import annotations

import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from time import perf_counter
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from azure.core.pipeline.transport import RequestsTransport
from azure.data.tables import TableClient, TableServiceClient

from shared.adapters.storage_layout import (
    ADDRESSES_TABLE,
    AUDIT_TABLE,
    CUSTOMERS_TABLE,
    ESCALATIONS_TABLE,
    OUTBOX_INDEX_TABLE,
    SEARCH_INDEX_TABLE,
    TICKET_IDS_TABLE,
    TICKETS_TABLE,
)
from shared.adapters.stores.customers import CustomerRegistry
from shared.domain.customers import Contact, Customer
from shared.domain.language import Language

#: The RowKey prefix of a notification row in ``Tickets`` (shared/adapters/stores/outbox.py, docs/outbox.md).
NOTIFICATION_ROW_PREFIX = "O|"
TRANSACTION_LIMIT = 100  # entities per entity group transaction

# The RowKey in the last path segment of an entity's URL, ``Tickets(PartitionKey='a',RowKey='b')``
# once unquoted (a quote inside a key is doubled).
_ROW_KEY = re.compile(r"RowKey='((?:[^']|'')*)'")


@dataclass(frozen=True)
class SentRequest:
    """One HTTP request on the wire: the SDK call it belongs to (its client request id, shared by
    the call's retry attempts), its method, the table it addressed, the RowKey its URL names (None
    for a query, a create or a transaction), whether it was a transaction (``$batch``), and how
    long the transport took to answer it (for a transaction, whose answer the SDK reads as a
    stream, until the answer's headers)."""

    call_id: str
    method: str
    table: str
    row_key: str | None
    transaction: bool
    seconds: float
    selected: str | None = None  # the properties a read asked for alone ($select), if any

    @property
    def mail(self) -> bool:
        """Whether the request is mail delivery's rather than the ticket's (see the module's doc)."""
        if self.table == OUTBOX_INDEX_TABLE:
            return True
        notification_row = (self.row_key or "").startswith(NOTIFICATION_ROW_PREFIX)
        return self.table == TICKETS_TABLE and not self.transaction and notification_row

    @property
    def search(self) -> bool:
        """Whether the request is the search index's (see the module's doc)."""
        revision_read = self.table == TICKETS_TABLE and self.method == "GET" and self.selected == "Revision"
        return self.table == SEARCH_INDEX_TABLE or revision_read

    @property
    def label(self) -> str:
        """``GET Tickets O|``, ``$batch OutboxIndex``, …: what the request did, for breakdowns."""
        what = "$batch" if self.transaction else self.method
        row = f" {NOTIFICATION_ROW_PREFIX}" if (self.row_key or "").startswith(NOTIFICATION_ROW_PREFIX) else ""
        return f"{what} {self.table}{row}"


class CountingTransport(RequestsTransport):
    """The SDK's ``requests`` transport, recording every request it sends, retry attempts included,
    in the order their answers came back (an attempt that raised is recorded too)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sent: list[SentRequest] = []

    def send(self, request: Any, **kwargs: Any) -> Any:
        """Send ``request`` as the ``requests`` transport does, then record it."""
        began = perf_counter()
        try:
            return super().send(request, **kwargs)
        finally:
            table, row_key, transaction = _addressed(request)
            call_id = request.headers.get("x-ms-client-request-id", "")
            selected = parse_qs(urlparse(request.url).query).get("$select", [None])[0]
            elapsed = perf_counter() - began
            self.sent.append(SentRequest(call_id, request.method, table, row_key, transaction, elapsed, selected))


def _addressed(request: Any) -> tuple[str, str | None, bool]:
    """The table, the RowKey the URL names and whether ``request`` is a transaction: for a
    ``$batch``, the table of its first operation (a transaction addresses one partition of one table)."""
    if urlparse(request.url).path.endswith("/$batch"):
        (changeset,) = request.multipart_mixed_info[0]
        first_operation = changeset.multipart_mixed_info[0][0]
        table, _ = _entity_of(first_operation.url)
        return table, None, True
    table, row_key = _entity_of(request.url)
    return table, row_key, False


def _entity_of(url: str) -> tuple[str, str | None]:
    """``('Tickets', 'O|IZ-2026-000001|000001|00')`` for ``…/Tickets(PartitionKey='a',RowKey='O%7C…')``;
    ``('Tickets', None)`` for ``…/Tickets()?$filter=…`` or ``…/Tickets``."""
    table, _, keys = unquote(urlparse(url).path.rsplit("/", 1)[-1]).partition("(")
    row = _ROW_KEY.search(keys)
    return table, None if row is None else row[1].replace("''", "'")


def counting_service(connection_string: str, timeout: float) -> tuple[TableServiceClient, CountingTransport]:
    """A Table service client built as ``shared.adapters.storage.table_service`` builds it from a connection
    string (same timeouts), on a counting transport; the client and its transport."""
    transport = CountingTransport(connection_timeout=timeout, read_timeout=timeout)
    return TableServiceClient.from_connection_string(connection_string, transport=transport), transport


# --- cleaning up -------------------------------------------------------------------------------------


def delete_rows(table: TableClient, query: str, parameters: dict[str, str], threads: int) -> int:
    """Delete the rows ``query`` selects, in transactions of up to 100 rows of one partition; the
    number deleted."""
    batches: list[list[tuple[str, dict[str, str]]]] = []
    by_partition: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for row in table.query_entities(query, parameters=parameters, select=["PartitionKey", "RowKey"]):
        keys = {"PartitionKey": row["PartitionKey"], "RowKey": row["RowKey"]}
        by_partition[keys["PartitionKey"]].append(("delete", keys))
    for operations in by_partition.values():
        batches += [operations[at : at + TRANSACTION_LIMIT] for at in range(0, len(operations), TRANSACTION_LIMIT)]
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(table.submit_transaction, batches))
    return sum(len(batch) for batch in batches)


def clean_up(service: TableServiceClient, customer_id: str, operator: str, threads: int) -> int:
    """Delete what a run wrote: the customer's tickets, history and notifications, its claims and
    addresses, its record, its rows in the outbox index (intents and failures are keyed
    ``<customer>|<notification>``; '}' sorts right after '|'), and the operator's audit trail. The
    number of rows deleted."""
    by_customer = {"id": customer_id}
    index_rows = {"first": f"{customer_id}|", "last": f"{customer_id}}}"}
    deletions = (
        (TICKETS_TABLE, "PartitionKey eq @id", by_customer),
        (TICKET_IDS_TABLE, "CustomerId eq @id", by_customer),
        (ADDRESSES_TABLE, "CustomerId eq @id", by_customer),
        (CUSTOMERS_TABLE, "PartitionKey eq 'customer' and RowKey eq @id", by_customer),
        (OUTBOX_INDEX_TABLE, "RowKey ge @first and RowKey lt @last", index_rows),
        (AUDIT_TABLE, "Actor eq @actor", {"actor": operator}),
    )
    return sum(delete_rows(service.get_table_client(name), q, p, threads) for name, q, p in deletions)


def bench_customer(service: TableServiceClient, suffix: str) -> Customer:
    """A new entitled customer ``bench-<suffix>`` with one contact, for a run's tickets
    (:func:`clean_up` removes it)."""
    return CustomerRegistry(service).put(
        Customer(
            id=f"bench-{suffix}",
            name="Bench S.r.l.",
            entitled=True,
            email_domains=(f"bench-{suffix}.example",),
            contacts=(Contact(f"anna@bench-{suffix}.example", "Anna Bianchi"),),
            language=Language.ENGLISH,
        )
    )


class EscalationsAs:
    """A Table service that hands out the table ``name`` where the app asks for ``Escalations``
    (every other table as asked), so that the schedule runs unchanged on the run's table."""

    def __init__(self, service: TableServiceClient, name: str) -> None:
        self._service, self._name = service, name

    def get_table_client(self, table_name: str) -> TableClient:
        """The client of ``table_name``, or of the run's table for ``Escalations``."""
        return self._service.get_table_client(self._name if table_name == ESCALATIONS_TABLE else table_name)


class Clock:
    """A run's clock: what the desk, the dispatcher and the intake read as now is ``at``."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at
