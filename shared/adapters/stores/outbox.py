"""The outbox in Table Storage.

* A notification is a row of ``Tickets`` in its ticket's partition (``O|<ticket>|<seq>|<index>``),
  created in the ticket change's own transaction (:func:`notification_row`), updated under its ETag.
* ``OutboxIndex`` holds what must be found without knowing the partition:

  - an **intent** per notification, partition ``pending|<UTC minute of its creation>`` (with
    ``Staff``: whether it goes to staff, for the sweep's fair order), written
    *before* the ticket transaction and deleted once the mail is sent or has failed for good. A
    crash anywhere after the commit leaves the intent behind, and the sweep finds it with one range
    query over the partitions older than a grace period: its cost follows what is left behind, not
    the number of tickets. An intent whose row never appeared (the transaction failed) is dropped;
  - a **failure** per notification that failed for good, partition ``failed``, for administrators;
  - the app's **mail budget**, partition ``budget`` (:mod:`shared.adapters.stores.mail_budget`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.adapters.storage_layout import OUTBOX_INDEX_TABLE, TICKETS_TABLE
from shared.domain.errors import Conflict
from shared.domain.language import Language
from shared.domain.notifications import (
    DeliveryState,
    Notification,
    NotificationKind,
    context_from_json,
    context_to_json,
)
from shared.usecases.stored import FailedNotification, Intent, StoredNotification

_FAILED = "failed"


class OutboxStore:
    """Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._tickets: TableClient = service.get_table_client(TICKETS_TABLE)
        self._index: TableClient = service.get_table_client(OUTBOX_INDEX_TABLE)

    def intend(self, notifications: list[Notification]) -> None:
        """Record the intents of one change's notifications: one transaction per minute of
        creation (in practice one), before the change commits."""
        by_partition: dict[str, list[Any]] = {}
        for notification in notifications:
            entity = _intent(notification)
            by_partition.setdefault(entity["PartitionKey"], []).append(("upsert", entity))
        for operations in by_partition.values():
            if len(operations) == 1:  # a plain write is lighter than a one-operation transaction
                self._index.upsert_entity(operations[0][1], mode=UpdateMode.REPLACE)
            else:
                self._index.submit_transaction(operations)

    def get(self, customer_id: str, notification_id: str) -> StoredNotification | None:
        """One point read."""
        try:
            entity = self._tickets.get_entity(customer_id, _row_key(notification_id))
        except ResourceNotFoundError:
            return None
        return StoredNotification(notification_from(entity), str(entity.metadata["etag"]))

    def replace(self, stored: StoredNotification, changed: Notification) -> StoredNotification:
        """Write ``changed`` if nobody changed the row since ``stored`` was read: one write.
        Raises :class:`Conflict` otherwise (another dispatcher has it)."""
        try:
            metadata = self._tickets.update_entity(
                notification_row(changed),
                mode=UpdateMode.REPLACE,
                etag=stored.etag,
                match_condition=MatchConditions.IfNotModified,
            )
        except ResourceModifiedError:
            raise Conflict(f"notification {changed.id} was taken by another dispatcher") from None
        return StoredNotification(changed, str(metadata["etag"]))

    def settle(self, notification: Notification) -> None:
        """After a final state: record a failure for administrators (one write), then drop the
        intent (one delete; an intent already gone is fine)."""
        if notification.state is DeliveryState.FAILED:
            self._index.upsert_entity(_failure(notification), mode=UpdateMode.REPLACE)
        self.drop_intent(Intent(notification.customer_id, notification.id, notification.created_at))

    def drop_intent(self, intent: Intent) -> None:
        """One delete."""
        self._index.delete_entity(
            _intent_partition(intent.created_at), _index_row(intent.customer_id, intent.notification_id)
        )

    def intents_before(self, moment: datetime) -> Iterator[Intent]:
        """Intents created before ``moment``: one range query (paged) over the index's pending
        partitions up to ``moment``'s minute."""
        rows = self._index.query_entities(
            "PartitionKey ge @first and PartitionKey le @last and CreatedAt lt @moment",
            parameters={"first": "pending|", "last": _intent_partition(moment), "moment": moment.astimezone(UTC)},
        )
        for row in rows:
            customer_id, notification_id = row["RowKey"].split("|", 1)
            yield Intent(customer_id, notification_id, row["CreatedAt"].astimezone(UTC), bool(row.get("Staff", False)))

    def failures(self, limit: int) -> list[FailedNotification]:
        """Up to ``limit`` notifications that failed for good, as recorded for administrators: one query."""
        rows = self._index.query_entities("PartitionKey eq @pk", parameters={"pk": _FAILED}, results_per_page=limit)
        page: Any = next(iter(rows.by_page()), [])
        return [_failure_from(row) for row in page]

    def forget_failure(self, notification: Notification) -> None:
        """One delete (an administrator retries it)."""
        try:
            self._index.delete_entity(_FAILED, _index_row(notification.customer_id, notification.id))
        except ResourceNotFoundError:
            return


def _row_key(notification_id: str) -> str:
    ticket_id, seq, index = notification_id.rsplit(".", 2)
    return f"O|{ticket_id}|{int(seq):06d}|{int(index):02d}"


def _index_row(customer_id: str, notification_id: str) -> str:
    return f"{customer_id}|{notification_id}"


def _intent_partition(moment: datetime) -> str:
    return f"pending|{moment.astimezone(UTC):%Y%m%d%H%M}"


def _intent(notification: Notification) -> dict[str, Any]:
    return {
        "PartitionKey": _intent_partition(notification.created_at),
        "RowKey": _index_row(notification.customer_id, notification.id),
        "CreatedAt": notification.created_at.astimezone(UTC),
        "Staff": notification.kind.internal,
    }


def _failure(notification: Notification) -> dict[str, Any]:
    return {
        "PartitionKey": _FAILED,
        "RowKey": _index_row(notification.customer_id, notification.id),
        "NotificationId": notification.id,
        "TicketId": notification.ticket_id,
        "NotificationKind": notification.kind.value,
        "Recipient": notification.recipient,
        "Attempts": notification.attempts,
        "LastError": notification.last_error or "",
        "CreatedAt": notification.created_at.astimezone(UTC),
    }


def _failure_from(entity: Mapping[str, Any]) -> FailedNotification:
    customer_id, _, notification_id = entity["RowKey"].partition("|")
    return FailedNotification(
        id=notification_id,
        ticket_id=entity["TicketId"],
        customer_id=customer_id,
        kind=NotificationKind(entity["NotificationKind"]),
        recipient=entity["Recipient"],
        attempts=entity["Attempts"],
        last_error=entity["LastError"],
    )


def notification_row(notification: Notification) -> dict[str, Any]:
    """The notification's row in its ticket's partition: created in the ticket change's own
    transaction (:meth:`shared.adapters.stores.tickets.TicketStore.add` and ``save``), replaced
    under its ETag afterwards."""
    entity: dict[str, Any] = {
        "PartitionKey": notification.customer_id,
        "RowKey": _row_key(notification.id),
        "Kind": "outbox",
        "NotificationId": notification.id,
        "TicketId": notification.ticket_id,
        "Seq": notification.seq,
        "Index": notification.index,
        "NotificationKind": notification.kind.value,
        "Language": notification.language.value,
        "Recipient": notification.recipient,
        "RecipientName": notification.recipient_name,
        "Context": context_to_json(notification.context),
        "CreatedAt": notification.created_at.astimezone(UTC),
        "State": notification.state.value,
        "Attempts": notification.attempts,
        "LastError": notification.last_error or "",
    }
    for name, moment in (
        ("NextAttemptAt", notification.next_attempt_at),
        ("LeaseUntil", notification.lease_until),
        ("SentAt", notification.sent_at),
    ):
        if moment is not None:
            entity[name] = moment.astimezone(UTC)
    return entity


def notification_from(entity: Any) -> Notification:
    """The notification a row of :func:`notification_row` holds."""

    def moment(name: str) -> datetime | None:
        value = entity.get(name)
        return value.astimezone(UTC) if value is not None else None

    return Notification(
        ticket_id=entity["TicketId"],
        customer_id=entity["PartitionKey"],
        seq=int(entity["Seq"]),
        index=int(entity["Index"]),
        kind=NotificationKind(entity["NotificationKind"]),
        language=Language(entity["Language"]),
        recipient=entity["Recipient"],
        recipient_name=entity.get("RecipientName") or "",
        context=context_from_json(entity["Context"]),
        created_at=entity["CreatedAt"].astimezone(UTC),
        state=DeliveryState(entity["State"]),
        attempts=int(entity["Attempts"]),
        next_attempt_at=moment("NextAttemptAt"),
        lease_until=moment("LeaseUntil"),
        last_error=entity.get("LastError") or None,
        sent_at=moment("SentAt"),
    )
