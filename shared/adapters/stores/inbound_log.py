"""The record of every received mail in Table Storage (table ``InboundMail``).

Rows, by partition:

* ``record`` / ``<mail id>``: a mail's :class:`InboundRecord`, written once its outcome is known
  (a release rewrites it). Its absence means the mail was never finished: a retry redoes it.
* ``list|all`` and ``list|<outcome>`` / ``<inverted receipt time>|<mail id>``: copies of the
  records for the admin lists, newest first: a page is one single-partition range query.
* ``message-id`` / ``<sha-256 of the Message-ID>``: which mail holds a Message-ID, inserted, so
  of two mails with the same id exactly one wins and the other is a duplicate; and, once the
  holder is being delivered, to which customer (set under the row's ETag before the ticket
  changes: a retry after a crash finishes that delivery, and two admins cannot release one mail
  to two customers).
* ``rate|<customer id>`` / ``<window start>`` and ``<window start>|<sha-256 of the sender>``: how
  many mails a customer received in a window, and each of its senders sent, counted under the
  rows' ETags (loop and flood detection).

Every query is parameterised.
"""

from __future__ import annotations

import hashlib
import random
import time
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, TableTransactionError, UpdateMode

from shared.adapters.storage_layout import INBOUND_TABLE
from shared.domain.errors import Conflict, InvalidInput
from shared.domain.inbound.record import InboundRecord, Outcome
from shared.domain.paging import Page, cursor_field, encode_cursor
from shared.usecases.stored import MailCount, MessageClaim

__all__ = ["InboundLog"]

_RECORD = "record"
_MESSAGE_ID = "message-id"
_ALL = "list|all"
_RATE = "rate|"
_MAX_MICROS = 10**17
_COUNT_ATTEMPTS = 16
#: The longest pause between two attempts at a contended count, growing with the attempt; random,
#: so that workers that collided do not collide again at once.
_COUNT_BACKOFF_SECONDS = 0.005


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
        """Write the record: its list rows first, the record itself last (its presence means
        "done", so a crash in between leaves nothing half listed: the retry writes the same rows,
        as their keys come from the record). Three writes; one more when a release moves it out of
        ``previous``'s outcome list. Writing the same record again changes nothing."""
        listed = _listed_row(record)
        for partition, row in ((_ALL, listed), (_list_partition(record.outcome), listed), (_RECORD, record.id)):
            self._table.upsert_entity(_record_entity(record, partition, row), mode=UpdateMode.REPLACE)
        if previous is not None and previous.outcome is not record.outcome:
            with suppress(ResourceNotFoundError):
                self._table.delete_entity(_list_partition(previous.outcome), _listed_row(previous))

    def claim_message_id(self, message_id: str, mail_id: str) -> MessageClaim:
        """The claim on ``message_id``: taken by ``mail_id`` when it is the first to ask, else the
        one that stands (``mail_id``'s own when it asks again). One insert; one read more when the
        id was taken."""
        key = _digest(message_id)
        try:
            created = self._table.create_entity({"PartitionKey": _MESSAGE_ID, "RowKey": key, "MailId": mail_id})
        except ResourceExistsError:
            return self._claim(message_id)
        return MessageClaim(message_id, mail_id, None, str(created["etag"]))

    def take_over(self, claim: MessageClaim, mail_id: str, customer_id: str) -> MessageClaim | None:
        """Make ``mail_id`` the holder of the claim, being delivered to ``customer_id`` (its holder
        was never answered): the new claim, or None when the claim changed since it was read (one
        write under the ETag)."""
        taken = MessageClaim(claim.message_id, mail_id, customer_id, "")
        return self._replace(claim, {"MailId": mail_id, "CustomerId": customer_id}, taken)

    def start_delivery(self, claim: MessageClaim, customer_id: str) -> MessageClaim:
        """Record that the holder is being delivered to ``customer_id``, before its ticket
        changes (one write under the ETag). A claim changed meanwhile is read again: the same
        holder to the same customer goes on; another customer, or another holder (a copy took the
        Message-ID over), raises :class:`Conflict`."""
        if claim.customer_id == customer_id:
            return claim
        if claim.customer_id is not None:
            raise Conflict(f"the mail is being delivered to customer {claim.customer_id}")
        fields = {"MailId": claim.holder, "CustomerId": customer_id}
        started = self._replace(claim, fields, replace(claim, customer_id=customer_id))
        if started is None:
            current = self._claim(claim.message_id)
            if current.holder != claim.holder:
                raise Conflict(f"mail {current.holder} took the Message-ID over")
            return self.start_delivery(current, customer_id)
        return started

    def _claim(self, message_id: str) -> MessageClaim:
        entity = self._table.get_entity(_MESSAGE_ID, _digest(message_id))
        customer = entity.get("CustomerId") or None
        return MessageClaim(message_id, str(entity["MailId"]), customer, str(entity.metadata["etag"]))

    def _replace(self, claim: MessageClaim, fields: dict[str, Any], changed: MessageClaim) -> MessageClaim | None:
        try:
            written = self._table.update_entity(
                {"PartitionKey": _MESSAGE_ID, "RowKey": _digest(claim.message_id), **fields},
                mode=UpdateMode.REPLACE,
                etag=claim.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        except ResourceModifiedError:
            return None
        return replace(changed, etag=str(written["etag"]))

    def count_mail(
        self, customer_id: str, sender: str, at: datetime, window: timedelta, sender_limit: int
    ) -> MailCount:
        """Count one more mail from ``sender`` to ``customer_id`` in the window holding ``at``:
        against the sender always, against the customer only while the sender is within
        ``sender_limit`` (so one address, looping or spoofed, cannot use up its colleagues'
        share); the counts so far, this mail included where it counted. One query reads both
        counters, one transaction writes them under their ETags (again, after a short random
        pause, when another worker counted meanwhile; after 16 tries the counts as last read)."""
        seconds = int(window.total_seconds())
        start = f"{int(at.timestamp()) // seconds * seconds:012d}"
        partition, rows = f"{_RATE}{customer_id}", (start, f"{start}|{_digest(sender.lower())}")
        query = "PartitionKey eq @pk and ( RowKey eq @customer or RowKey eq @sender )"  # the SDK splits at spaces
        counted = MailCount(sender=1, customer=1)
        for attempt in range(_COUNT_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, _COUNT_BACKOFF_SECONDS * attempt))  # noqa: S311 (jitter, not a secret)
            found = {
                row["RowKey"]: row
                for row in self._table.query_entities(
                    query, parameters={"pk": partition, "customer": rows[0], "sender": rows[1]}
                )
            }
            so_far = [int(found[row]["Count"]) if row in found else 0 for row in rows]
            counted = MailCount(sender=so_far[1] + 1, customer=so_far[0] + (so_far[1] < sender_limit))
            changes = [(rows[1], counted.sender)] + (
                [(rows[0], counted.customer)] if counted.customer > so_far[0] else []
            )
            try:
                self._table.submit_transaction(
                    [_count_write(partition, row, count, found.get(row)) for row, count in changes]
                )
            except TableTransactionError as error:
                if error.status_code in (409, 412):  # another worker counted meanwhile: read again
                    continue
                raise
            return counted
        return counted  # contended this hard: the counts as last read, this mail added

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
            parameters={"low": _RATE, "high": "rate}", "limit": limit},
            select=["PartitionKey", "RowKey"],
        )
        deleted = 0
        for row in rows:
            self._table.delete_entity(row["PartitionKey"], row["RowKey"])
            deleted += 1
        return deleted


def _count_write(partition: str, row: str, count: int, read: Any) -> tuple[Any, ...]:
    """The transaction's operation that sets a counter read as ``read`` (None: absent) to ``count``."""
    entity = {"PartitionKey": partition, "RowKey": row, "Count": count}
    if read is None:
        return ("create", entity)
    condition = {
        "mode": UpdateMode.REPLACE,
        "etag": read.metadata["etag"],
        "match_condition": MatchConditions.IfNotModified,
    }
    return ("update", entity, condition)


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
