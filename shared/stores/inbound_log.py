"""The record of every received mail in Table Storage (table ``InboundMail``).

Rows, by partition:

* ``record`` / ``<mail id>``: a mail's :class:`InboundRecord`, written once its outcome is known
  (a release rewrites it). Its absence means the mail was never finished: a retry redoes it.
* ``list|all`` and ``list|<outcome>`` / ``<inverted receipt time>|<mail id>``: copies of the
  records for the admin lists, newest first: a page is one single-partition range query.
* ``message-id`` / ``<sha-256 of the Message-ID>``: which mail took a Message-ID first; inserted,
  so of two mails with the same id exactly one wins and the other is a duplicate.
* ``rate|<sha-256 of the sender>`` / ``<window start>``: how many mails an address sent in a
  window, counted under the row's ETag (loop detection).

Every query is parameterised.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.errors import InvalidInput
from shared.mail.inbound.outcome import InboundRecord, Outcome
from shared.paging import Page, cursor_field, encode_cursor

__all__ = ["INBOUND_TABLE", "InboundLog"]

INBOUND_TABLE = "InboundMail"

_RECORD = "record"
_MESSAGE_ID = "message-id"
_ALL = "list|all"
_MAX_MICROS = 10**17
_COUNT_ATTEMPTS = 8


class InboundLog:
    """Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(INBOUND_TABLE)

    def get(self, mail_id: str) -> InboundRecord | None:
        """The mail's record, or None while it has none: one point read."""
        try:
            return _record_from(self._table.get_entity(_RECORD, mail_id))
        except ResourceNotFoundError:
            return None

    def save(self, record: InboundRecord, previous: InboundRecord | None = None) -> None:
        """Write the record and its list rows (three writes; four more when a release moves it
        from ``previous``'s outcome list). Writing the same record again changes nothing."""
        listed = _listed_row(record)
        for partition, row in ((_RECORD, record.id), (_ALL, listed), (_list_partition(record.outcome), listed)):
            self._table.upsert_entity(_record_entity(record, partition, row), mode=UpdateMode.REPLACE)
        if previous is not None and previous.outcome is not record.outcome:
            with suppress(ResourceNotFoundError):
                self._table.delete_entity(_list_partition(previous.outcome), _listed_row(previous))

    def claim_message_id(self, message_id: str, mail_id: str) -> str:
        """The mail that holds ``message_id``: ``mail_id`` when it is the first to ask (or asks
        again), else the earlier one. One insert; one read more when the id was taken."""
        key = _digest(message_id)
        try:
            self._table.create_entity({"PartitionKey": _MESSAGE_ID, "RowKey": key, "MailId": mail_id})
        except ResourceExistsError:
            return str(self._table.get_entity(_MESSAGE_ID, key, select=["MailId"])["MailId"])
        return mail_id

    def count_from(self, sender: str, at: datetime, window: timedelta) -> int:
        """Count one more mail from ``sender`` in the window holding ``at``; the count so far,
        this one included: a read and a write (more when another worker counts at once)."""
        seconds = int(window.total_seconds())
        start = int(at.timestamp()) // seconds * seconds
        partition, row = f"rate|{_digest(sender.lower())}", f"{start:012d}"
        for _ in range(_COUNT_ATTEMPTS):
            try:
                entity = self._table.get_entity(partition, row)
            except ResourceNotFoundError:
                try:
                    self._table.create_entity({"PartitionKey": partition, "RowKey": row, "Count": 1})
                except ResourceExistsError:
                    continue
                return 1
            count = int(entity["Count"]) + 1
            try:
                self._table.update_entity(
                    {"PartitionKey": partition, "RowKey": row, "Count": count},
                    mode=UpdateMode.REPLACE,
                    etag=entity.metadata["etag"],
                    match_condition=MatchConditions.IfNotModified,
                )
            except ResourceModifiedError:
                continue
            return count
        return _COUNT_ATTEMPTS  # contended this hard: as many as we tried, at least

    def list(self, outcome: Outcome | None, *, limit: int, cursor: str | None) -> Page[InboundRecord]:
        """Records newest first, of one outcome or all: one query per page."""
        partition = _ALL if outcome is None else _list_partition(outcome)
        after = ""
        if cursor is not None:
            after = cursor_field(cursor, "rk")
            if "|" not in after:
                raise InvalidInput("cursor", "is not a cursor of this list")
        query = "PartitionKey eq @pk and RowKey gt @after"
        pager: Any = self._table.query_entities(
            query, parameters={"pk": partition, "after": after}, results_per_page=limit
        ).by_page()
        rows: list[Any] = []
        for page in pager:
            rows = list(page)
            if rows or pager.continuation_token is None:
                break
        records = [_record_from(row) for row in rows]
        more = pager.continuation_token is not None
        return Page(records, encode_cursor({"rk": rows[-1]["RowKey"]}) if rows and more else None)

    def purge_counts(self, before: datetime) -> int:
        """Delete loop counters of windows that ended before ``before``; how many (a scan of the
        counter rows, then a delete each: run by the daily purge)."""
        limit = f"{int(before.timestamp()):012d}"
        rows = self._table.query_entities(
            "PartitionKey ge @low and PartitionKey lt @high and RowKey lt @limit",
            parameters={"low": "rate|", "high": "rate}", "limit": limit},
            select=["PartitionKey", "RowKey"],
        )
        deleted = 0
        for row in rows:
            self._table.delete_entity(row["PartitionKey"], row["RowKey"])
            deleted += 1
        return deleted


def mail_id_of(blob_name: str) -> str:
    """A received mail's id: derived from its blob's name, so a blob always maps to one record."""
    return hashlib.sha256(blob_name.encode()).hexdigest()[:24]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _list_partition(outcome: Outcome) -> str:
    return f"list|{outcome.value}"


def _listed_row(record: InboundRecord) -> str:
    micros = int(record.received_at.timestamp() * 1_000_000)
    return f"{_MAX_MICROS - micros:017d}|{record.id}"


def _record_entity(record: InboundRecord, partition: str, row: str) -> dict[str, Any]:
    return {
        "PartitionKey": partition,
        "RowKey": row,
        "MailId": record.id,
        "Blob": record.blob,
        "Outcome": record.outcome.value,
        "ReceivedAt": record.received_at.astimezone(UTC),
        "Reason": record.reason,
        "MessageId": record.message_id[:1024],
        "Sender": record.sender[:320],
        "Subject": record.subject[:1000],
        "CustomerId": record.customer_id or "",
        "TicketId": record.ticket_id or "",
        "DuplicateOf": record.duplicate_of or "",
        "ReleasedBy": record.released_by or "",
    }


def _record_from(entity: Any) -> InboundRecord:
    return InboundRecord(
        id=str(entity["MailId"]),
        blob=str(entity["Blob"]),
        outcome=Outcome(entity["Outcome"]),
        received_at=entity["ReceivedAt"].astimezone(UTC),
        reason=str(entity.get("Reason") or ""),
        message_id=str(entity.get("MessageId") or ""),
        sender=str(entity.get("Sender") or ""),
        subject=str(entity.get("Subject") or ""),
        customer_id=entity.get("CustomerId") or None,
        ticket_id=entity.get("TicketId") or None,
        duplicate_of=entity.get("DuplicateOf") or None,
        released_by=entity.get("ReleasedBy") or None,
    )
