"""Read-only queries of the ``Tickets`` table for reports (see ``docs/reports.md`` for their cost).

The tickets opened in a period are found by their ``CreatedAt`` property, which is no key: for one
customer the query stays in its partition (a range of its ticket rows, filtered server-side); for
every customer it is a scan of the whole table, filtered server-side and paged through to the end.
Only the properties a report needs are transferred (never subjects or descriptions).

Every query is parameterised; no OData is built from input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from azure.data.tables import TableClient, TableServiceClient

from shared.adapters.storage_layout import TICKETS_TABLE

# The ticket rows and the ledger's serialisation belong to the ticket store; one definition of
# each keeps the two in step.
from shared.adapters.stores.tickets import TICKET_ROWS, clock_event_from
from shared.domain.sla.policy import Priority
from shared.domain.sla.stats import ReportedTicket

__all__ = ["ReportQueries"]

_PAGE = 1000  # the most rows the service answers per request
_SELECTED = ["CustomerId", "TicketId", "Priority", "CreatedAt", "Clocks"]


class ReportQueries:
    """Queries for reports. Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._tickets: TableClient = service.get_table_client(TICKETS_TABLE)

    def opened_between(self, start: datetime, end: datetime, customer_id: str | None) -> Iterator[ReportedTicket]:
        """The tickets opened in ``[start, end)``, of ``customer_id`` alone or of every customer
        (None), lazily, in key order. One request per 1,000 tickets found, more when the service
        cuts a page short (a scan past its time budget or a partition boundary answers fewer rows
        with a continuation, possibly none): for one customer it reads that customer's ticket rows
        only; for every customer it scans the table."""
        query = "Kind eq @kind and CreatedAt ge @start and CreatedAt lt @end"
        parameters: dict[str, Any] = {"kind": "ticket", "start": start.astimezone(UTC), "end": end.astimezone(UTC)}
        if customer_id is not None:
            query = "PartitionKey eq @pk and RowKey gt @first and RowKey lt @last and " + query
            parameters.update(pk=customer_id, first=TICKET_ROWS[0], last=TICKET_ROWS[1])
        rows = self._tickets.query_entities(query, parameters=parameters, select=_SELECTED, results_per_page=_PAGE)
        for row in rows:
            yield _reported(row)


def _reported(row: Mapping[str, Any]) -> ReportedTicket:
    return ReportedTicket(
        customer_id=row["CustomerId"],
        ticket_id=row["TicketId"],
        priority=Priority(row["Priority"]),
        created_at=row["CreatedAt"].astimezone(UTC),
        clocks=tuple(clock_event_from(item) for item in json.loads(row["Clocks"])),
    )
