"""Tickets and their history in Azure Table Storage (``azure-data-tables``; Azurite locally).

Table design (see ``docs/storage.md`` for the why):

* ``Tickets``, partition = the customer id. A ticket is row ``T|<sort key>`` (newest first); its
  history events are rows ``E|<ticket id>|<seq>``. A customer's tickets and a ticket's history are
  single-partition range queries, and a change to a ticket commits with its events in one entity
  group transaction, the ticket guarded by its ETag.
* A mail that changed a ticket is claimed by row ``M|<mail id>`` of the customer's partition,
  created in the change's transaction: a second change by the same mail fails with it.
* ``TicketIds``, partition = ``<prefix>-<year>``, row = the inverted number: allocates ticket
  numbers (the first row is the highest number; a new number is claimed by inserting its row, so
  two creators can never get the same one) and locates a ticket's customer from its id.

Every query is parameterised; no OData is built from input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, TableTransactionError, UpdateMode

from shared.adapters.storage_layout import TICKET_IDS_TABLE, TICKETS_TABLE
from shared.adapters.stores.creation_limits import bucket_write
from shared.adapters.stores.outbox import notification_from, notification_row
from shared.domain.access import StaffFilter
from shared.domain.errors import Conflict, InvalidInput
from shared.domain.history import EventType, HistoryEvent
from shared.domain.language import Language
from shared.domain.lifecycle import Status
from shared.domain.notifications import Notification
from shared.domain.paging import Page, cursor_field, encode_cursor
from shared.domain.sla.clock import ClockEvent, ClockEventKind
from shared.domain.sla.policy import Category, Clock, Priority
from shared.domain.ticket import Channel, Ticket, TicketId, format_ticket_id, parse_ticket_id
from shared.usecases.stored import CreationToken, MailClaim, ScreenRead, StoredTicket

__all__ = ["SCREEN_PAGE_ROWS", "TICKET_ROWS", "TicketStore"]

#: The row-key range of a partition's ticket rows (``T|…``; '}' sorts right after '|'), which
#: leaves out their history events (``E|…``) and the other rows of the partition.
TICKET_ROWS = ("T|", "T}")
#: How many rows the ticket screen's query reads (one page): room for a ticket's mails and the
#: panel's 50 open tickets of its customer newer than it, while bounding what a large customer's
#: partition sends back (whole ticket rows, descriptions included).
SCREEN_PAGE_ROWS = 100
_MAX_NUMBER = 999_999_999
_ALLOCATION_ATTEMPTS = 64
_REMEMBERED_LOCATIONS = 50_000


class TicketStore:
    """The ticket repository. Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._tickets: TableClient = service.get_table_client(TICKETS_TABLE)
        self._ids: TableClient = service.get_table_client(TICKET_IDS_TABLE)
        self._locations: dict[TicketId, str] = {}

    # --- ids ---------------------------------------------------------------------------------------

    def allocate_id(self, prefix: str, year: int, customer_id: str) -> TicketId:
        """A new ticket id, claimed for ``customer_id``: one query for the highest number, then one
        insert per attempt (a concurrent creator's claim makes us try the next number)."""
        partition = f"{prefix}-{year:04d}"
        query = self._ids.query_entities(
            "PartitionKey eq @pk", parameters={"pk": partition}, results_per_page=1, select=["RowKey"]
        )
        first_row = next(iter(next(iter(query.by_page()), [])), None)
        number = (_MAX_NUMBER - int(first_row["RowKey"]) if first_row else 0) + 1
        for attempt in range(_ALLOCATION_ATTEMPTS):
            try:
                self._ids.create_entity(
                    {"PartitionKey": partition, "RowKey": _inverted(number + attempt), "CustomerId": customer_id}
                )
            except ResourceExistsError:
                continue
            return format_ticket_id(prefix, year, number + attempt)
        raise Conflict("ticket numbers are contended; try again")

    def customer_of(self, ticket_id: TicketId) -> str | None:
        """The customer a ticket id belongs to, or None for an unknown id: one point read the
        first time, none after (an id never changes customer, so a found one is remembered)."""
        known = self._locations.get(ticket_id)
        if known is not None:
            return known
        parsed = parse_ticket_id(ticket_id)
        if parsed is None:
            return None
        prefix, year, number = parsed
        try:
            entity = self._ids.get_entity(f"{prefix}-{year:04d}", _inverted(number), select=["CustomerId"])
        except ResourceNotFoundError:
            return None
        self._remember(ticket_id, str(entity["CustomerId"]))
        return str(entity["CustomerId"])

    def _remember(self, ticket_id: TicketId, customer_id: str) -> None:
        if len(self._locations) >= _REMEMBERED_LOCATIONS:
            self._locations.clear()
        self._locations[ticket_id] = customer_id

    # --- tickets -----------------------------------------------------------------------------------

    def add(
        self,
        ticket: Ticket,
        events: Sequence[HistoryEvent],
        notifications: Sequence[Notification] = (),
        claim: MailClaim | None = None,
        token: CreationToken | None = None,
    ) -> StoredTicket:
        """Create the ticket with its first events, its outgoing notifications (rows of the same
        partition: :func:`shared.adapters.stores.outbox.notification_row`), the claim of the mail
        it came from, and the creation token it spent (the bucket's row under its ETag:
        :func:`shared.adapters.stores.creation_limits.bucket_write`): one transaction. A conflict
        of any of them raises :class:`Conflict` and writes nothing."""
        operations: list[Any] = [("create", _ticket_entity(ticket))]
        operations += self._with(ticket, events, notifications, claim)
        if token is not None:
            operations.append(bucket_write(token))
        results = self._submit(operations)
        return StoredTicket(ticket, str(results[0]["etag"]))

    def get(self, customer_id: str, ticket_id: TicketId) -> StoredTicket | None:
        """The ticket in ``customer_id``'s partition, or None: one point read."""
        try:
            entity = self._tickets.get_entity(customer_id, _ticket_row(ticket_id))
        except ResourceNotFoundError:
            return None
        return StoredTicket(_ticket_from(entity), str(entity.metadata["etag"]))

    def revision_of(self, customer_id: str, ticket_id: TicketId) -> int | None:
        """The ticket's revision, or None: one point read of that one property."""
        try:
            entity = self._tickets.get_entity(customer_id, _ticket_row(ticket_id), select=["Revision"])
        except ResourceNotFoundError:
            return None
        return int(entity["Revision"])

    def save(
        self,
        stored: StoredTicket,
        changed: Ticket,
        events: Sequence[HistoryEvent],
        notifications: Sequence[Notification] = (),
        claim: MailClaim | None = None,
    ) -> StoredTicket:
        """Replace the ticket if nobody changed it since ``stored`` was read, with its new events,
        its outgoing notifications and the claim of the mail it came from: one transaction. A
        concurrent change, or the mail claimed already, raises :class:`Conflict`."""
        operations: list[Any] = [
            (
                "update",
                _ticket_entity(changed),
                {"mode": UpdateMode.REPLACE, "etag": stored.etag, "match_condition": MatchConditions.IfNotModified},
            )
        ]
        operations += self._with(changed, events, notifications, claim)
        results = self._submit(operations)
        return StoredTicket(changed, str(results[0]["etag"]))

    def list_for_customer(
        self, customer_id: str, *, status: Status | None, limit: int, cursor: str | None
    ) -> Page[Ticket]:
        """A customer's tickets, newest first, inside its partition only: the cursor is the last
        row key seen (keyset paging), so no cursor can lead into another partition. One query per
        page (more only when the service returns an empty page with a continuation)."""
        after = TICKET_ROWS[0]
        if cursor is not None:
            after = cursor_field(cursor, "rk")
            if not after.startswith(TICKET_ROWS[0]):
                raise InvalidInput("cursor", "is not a cursor of this list")
        query = "PartitionKey eq @pk and RowKey gt @after and RowKey lt @last"
        parameters: dict[str, Any] = {"pk": customer_id, "after": after, "last": TICKET_ROWS[1]}
        if status is not None:
            query += " and Status eq @status"
            parameters["status"] = status.value
        rows, more = self._page(query, parameters, limit)
        next_cursor = encode_cursor({"rk": rows[-1]["RowKey"]}) if rows and more else None
        return Page([_ticket_from(entity) for entity in rows], next_cursor)

    def list_all(
        self,
        *,
        status: Status | None,
        visible: StaffFilter,
        limit: int,
        cursor: str | None,
    ) -> Page[Ticket]:
        """Tickets across customers for staff, filtered by status and as ``visible`` says (by
        assignee, ``""`` being the unassigned queue, and without one category): a query across
        partitions in key order, the cursor being the last (partition, row) seen."""
        query = "Kind eq @kind"
        parameters: dict[str, Any] = {"kind": "ticket"}
        if cursor is not None:
            query += " and ( PartitionKey gt @pk or ( PartitionKey eq @pk and RowKey gt @rk ) )"
            parameters.update(pk=cursor_field(cursor, "pk"), rk=cursor_field(cursor, "rk"))
        if status is not None:
            query += " and Status eq @status"
            parameters["status"] = status.value
        exclude_category, assignee_in = visible.exclude_category, visible.assignee_in
        if exclude_category is not None:
            query += " and Category ne @excluded"
            parameters["excluded"] = exclude_category.value
        if assignee_in is not None:
            names = [f"assignee{index}" for index in range(len(assignee_in))]
            query += " and ( " + " or ".join(f"Assignee eq @{name}" for name in names) + " )"
            parameters.update(zip(names, assignee_in, strict=True))
        rows, more = self._page(query, parameters, limit)
        next_cursor = None
        if rows and more:
            next_cursor = encode_cursor({"pk": rows[-1]["PartitionKey"], "rk": rows[-1]["RowKey"]})
        tickets = [_ticket_from(entity) for entity in rows]
        for ticket in tickets:  # staff open what they list: spare them the locator read
            self._remember(ticket.id, ticket.customer_id)
        return Page(tickets, next_cursor)

    def events(self, ticket: Ticket, *, public_only: bool, limit: int, cursor: str | None) -> Page[HistoryEvent]:
        """A ticket's history in order, inside the ticket's partition: one query per page."""
        prefix = f"E|{ticket.id}|"
        after = prefix
        if cursor is not None:
            after = cursor_field(cursor, "rk")
            if not after.startswith(prefix):
                raise InvalidInput("cursor", "is not a cursor of this list")
        query = "PartitionKey eq @pk and RowKey gt @after and RowKey lt @last"
        parameters: dict[str, Any] = {"pk": ticket.customer_id, "after": after, "last": prefix + "~"}
        if public_only:
            query += " and Public eq @public"
            parameters["public"] = True
        rows, more = self._page(query, parameters, limit)
        next_cursor = encode_cursor({"rk": rows[-1]["RowKey"]}) if rows and more else None
        return Page([_event_from(entity) for entity in rows], next_cursor)

    # --- the ticket screen -----------------------------------------------------------------------------

    def screen(self, customer_id: str, ticket_id: TicketId) -> ScreenRead | None:
        """The ticket, its outgoing mails and its customer's open tickets, or None when the
        partition holds no such ticket: one query of the partition, over the row keys from the
        ticket's first notification (``O|<id>|…``) to the end of the ticket rows, keeping the
        ticket's own rows and the open ticket rows, of which only the first page
        (:data:`SCREEN_PAGE_ROWS`) is read. The ticket's mails come first, then the ticket rows
        newest first; when the ticket's row is not on that page (its mails and its customer's open
        tickets newer than it fill it), one point read more fetches it, and the page's open
        tickets stand for the customer's."""
        query = (
            "PartitionKey eq @pk and RowKey ge @first and RowKey lt @last"
            " and ( TicketId eq @id or ( Kind eq @ticket and Status ne @resolved and Status ne @closed ) )"
        )
        parameters: dict[str, Any] = {
            "pk": customer_id,
            "first": f"O|{ticket_id}|",
            "last": TICKET_ROWS[1],
            "id": ticket_id,
            "ticket": "ticket",
            "resolved": Status.RESOLVED.value,
            "closed": Status.CLOSED.value,
        }
        own_row = _ticket_row(ticket_id)
        found: StoredTicket | None = None
        notifications: list[Notification] = []
        open_tickets: list[Ticket] = []
        rows: Any = self._tickets.query_entities(query, parameters=parameters, results_per_page=SCREEN_PAGE_ROWS)
        pager = rows.by_page()
        for entity in next(iter(pager), []):
            if entity["Kind"] == "outbox":
                notifications.append(notification_from(entity))
                continue
            ticket = _ticket_from(entity)
            if entity["RowKey"] == own_row:
                found = StoredTicket(ticket, str(entity.metadata["etag"]))
            if ticket.status.is_open:
                open_tickets.append(ticket)
        if found is None and pager.continuation_token is not None:
            found = self.get(customer_id, ticket_id)
        if found is None:
            return None
        for listed in open_tickets:  # staff open what the panel lists: spare them the locator read
            self._remember(listed.id, listed.customer_id)
        return ScreenRead(found, tuple(notifications), tuple(open_tickets))

    # --- mail claims -------------------------------------------------------------------------------

    def change_by_mail(self, customer_id: str, mail_id: str) -> tuple[TicketId, str] | None:
        """The ticket a mail changed in ``customer_id``'s partition and how (``created`` or
        ``appended``), or None: one point read."""
        try:
            entity = self._tickets.get_entity(customer_id, f"M|{mail_id}", select=["TicketId", "Outcome"])
        except ResourceNotFoundError:
            return None
        return str(entity["TicketId"]), str(entity["Outcome"])

    # --- internals ---------------------------------------------------------------------------------

    @staticmethod
    def _with(
        ticket: Ticket, events: Sequence[HistoryEvent], notifications: Sequence[Notification], claim: MailClaim | None
    ) -> list[Any]:
        """The creations that go with a change of ``ticket``: its events, its notifications and
        its mail claim, rows of its partition (no round trip of their own)."""
        operations: list[Any] = [("create", _event_entity(ticket.customer_id, event)) for event in events]
        operations += [("create", notification_row(notification)) for notification in notifications]
        if claim is not None:
            operations.append(("create", _claim_entity(ticket, claim)))
        return operations

    def _page(self, query: str, parameters: dict[str, Any], limit: int) -> tuple[list[Any], bool]:
        """Up to ``limit`` rows of the query and whether more may follow. The service may answer
        an empty page with a continuation (a scan that timed out); those are followed."""
        pager: Any = self._tickets.query_entities(query, parameters=parameters, results_per_page=limit).by_page()
        for page in pager:
            rows = list(page)
            if rows or pager.continuation_token is None:
                return rows, pager.continuation_token is not None
        return [], False

    def _submit(self, operations: list[Any]) -> list[Mapping[str, Any]]:
        try:
            return self._tickets.submit_transaction(operations)
        except TableTransactionError as error:
            if error.status_code in (409, 412):
                raise Conflict("the ticket was changed by someone else; read it again") from error
            raise


# --- entities --------------------------------------------------------------------------------------


def _inverted(number: int) -> str:
    return f"{_MAX_NUMBER - number:09d}"


def _ticket_row(ticket_id: TicketId) -> str:
    parsed = parse_ticket_id(ticket_id)
    if parsed is None:
        raise InvalidInput("id", "is not a ticket id")
    prefix, year, number = parsed
    return f"T|{9999 - year:04d}|{_inverted(number)}|{prefix}"


def _ticket_entity(ticket: Ticket) -> dict[str, Any]:
    return {
        "PartitionKey": ticket.customer_id,
        "RowKey": _ticket_row(ticket.id),
        "Kind": "ticket",
        "TicketId": ticket.id,
        "CustomerId": ticket.customer_id,
        "ContactEmail": ticket.contact_email,
        "ContactName": ticket.contact_name or "",
        "CustomerName": ticket.customer_name,
        "Escalation": json.dumps({clock.value: level for clock, level in ticket.escalation.items()}),
        "EscalationLevel": max(ticket.escalation.values(), default=0),
        "Subject": ticket.subject,
        "Description": ticket.description,
        "Category": ticket.category.value,
        "Priority": int(ticket.priority),
        "Status": ticket.status.value,
        "Language": ticket.language.value,
        "Channel": ticket.channel.value,
        "Assignee": ticket.assignee or "",
        "AssigneeName": ticket.assignee_name or "",
        "CreatedAt": ticket.created_at.astimezone(UTC),
        "UpdatedAt": ticket.updated_at.astimezone(UTC),
        "CreatedBy": ticket.created_by,
        "Clocks": json.dumps([clock_event_json(event) for event in ticket.clocks], separators=(",", ":")),
        "Resolution": ticket.resolution or "",
        "Revision": ticket.revision,
        "EventCount": ticket.event_count,
    }


def _ticket_from(entity: Mapping[str, Any]) -> Ticket:
    return Ticket(
        id=entity["TicketId"],
        customer_id=entity["CustomerId"],
        contact_email=entity["ContactEmail"],
        contact_name=entity.get("ContactName") or None,
        customer_name=entity.get("CustomerName") or entity["CustomerId"],
        escalation={Clock(name): int(level) for name, level in json.loads(entity.get("Escalation") or "{}").items()},
        subject=entity["Subject"],
        description=entity["Description"],
        category=Category(entity["Category"]),
        priority=Priority(entity["Priority"]),
        status=Status(entity["Status"]),
        language=Language(entity["Language"]),
        channel=Channel(entity["Channel"]),
        assignee=entity.get("Assignee") or None,
        assignee_name=entity.get("AssigneeName") or None,
        created_at=_utc(entity["CreatedAt"]),
        updated_at=_utc(entity["UpdatedAt"]),
        created_by=entity["CreatedBy"],
        clocks=tuple(clock_event_from(item) for item in json.loads(entity["Clocks"])),
        resolution=entity.get("Resolution") or None,
        revision=int(entity["Revision"]),
        event_count=int(entity["EventCount"]),
    )


def _claim_entity(ticket: Ticket, claim: MailClaim) -> dict[str, Any]:
    """The row that claims the mail for the change of ``ticket`` (read by :meth:`TicketStore.change_by_mail`)."""
    return {
        "PartitionKey": ticket.customer_id,
        "RowKey": f"M|{claim.mail_id}",
        "Kind": "mail",
        "TicketId": ticket.id,
        "Outcome": claim.outcome,
    }


def _event_entity(customer_id: str, event: HistoryEvent) -> dict[str, Any]:
    return {
        "PartitionKey": customer_id,
        "RowKey": f"E|{event.ticket_id}|{event.seq:06d}",
        "Kind": "event",
        "TicketId": event.ticket_id,
        "Seq": event.seq,
        "Type": event.type.value,
        "At": event.at.astimezone(UTC),
        "Actor": event.actor,
        "ActorRole": event.actor_role,
        "ActorName": event.actor_name or "",
        "Public": event.public,
        "Body": event.body or "",
        "Data": json.dumps(dict(event.data), separators=(",", ":"), default=str),
    }


def _event_from(entity: Mapping[str, Any]) -> HistoryEvent:
    return HistoryEvent(
        ticket_id=entity["TicketId"],
        seq=int(entity["Seq"]),
        type=EventType(entity["Type"]),
        at=_utc(entity["At"]),
        actor=entity["Actor"],
        actor_role=entity["ActorRole"],
        actor_name=entity.get("ActorName") or None,
        public=bool(entity["Public"]),
        body=entity.get("Body") or None,
        data=json.loads(entity.get("Data") or "{}"),
    )


def clock_event_json(event: ClockEvent) -> dict[str, Any]:
    document: dict[str, Any] = {"clock": event.clock.value, "kind": event.kind.value, "at": event.at.isoformat()}
    if event.budget is not None:
        document["budget_us"] = event.budget // timedelta(microseconds=1)
    if event.reason is not None:
        document["reason"] = event.reason
    if event.elapsed is not None:
        document["elapsed_us"] = event.elapsed // timedelta(microseconds=1)
    if event.met is not None:
        document["met"] = event.met
    return document


def clock_event_from(document: Mapping[str, Any]) -> ClockEvent:
    return ClockEvent(
        clock=Clock(document["clock"]),
        kind=ClockEventKind(document["kind"]),
        at=datetime.fromisoformat(document["at"]),
        budget=_micros(document.get("budget_us")),
        reason=document.get("reason"),
        elapsed=_micros(document.get("elapsed_us")),
        met=document.get("met"),
    )


def _micros(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(microseconds=value)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
