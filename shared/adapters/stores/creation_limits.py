"""Each customer's ticket-creation bucket (:mod:`shared.domain.creation_limit`) in Table Storage.

The bucket is row ``L|creation`` of the customer's own partition of ``Tickets`` (``Kind = limit``),
beside its tickets, so that the bucket's new level commits in the very transaction that creates
the ticket: no request of its own, and a ticket is never created without its token taken. The
row is written under its ETag (created when it does not exist yet): of two creators that read the
same level, one commits and the other's transaction fails, reads the level again and decides
anew. So the limit holds however many instances share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.adapters.storage_layout import TICKETS_TABLE
from shared.domain.creation_limit import Bucket, CreationLimit
from shared.domain.errors import TooManyRequests
from shared.usecases.stored import CreationToken

__all__ = ["CreationLimits", "bucket_write"]

_ROW = "L|creation"


@dataclass(frozen=True)
class _Read:
    """A bucket as read (None: never written) and its ETag."""

    bucket: Bucket | None
    etag: str | None


class CreationLimits:
    """The limit ``limit`` applied to each customer's bucket. Each method states its round trips."""

    def __init__(self, service: TableServiceClient, limit: CreationLimit) -> None:
        self._tickets: TableClient = service.get_table_client(TICKETS_TABLE)
        self.limit = limit

    def spend(self, customer_id: str, at: datetime) -> CreationToken:
        """Take a token from the customer's bucket at ``at``, to commit with the ticket in the
        customer's partition (:func:`bucket_write`; one point read); raise
        :class:`TooManyRequests` with the seconds until the next token when the bucket is empty.
        A failed commit means another creator took a token meanwhile: spend again."""
        read = self._read(customer_id)
        taken = self.limit.take(read.bucket, at)
        if taken is None:
            wait = self.limit.retry_after_seconds(read.bucket, at)
            raise TooManyRequests(
                f"customer {customer_id} may open {self.limit.burst} tickets at once and "
                f"{self.limit.per_hour} an hour; try again in {wait} s",
                wait,
            )
        return CreationToken(customer_id, taken, read.etag)

    def bucket(self, customer_id: str) -> Bucket | None:
        """The customer's bucket as last written (None: never): one point read."""
        return self._read(customer_id).bucket

    def _read(self, customer_id: str) -> _Read:
        try:
            entity = self._tickets.get_entity(customer_id, _ROW, select=["Tokens", "At"])
        except ResourceNotFoundError:
            return _Read(None, None)
        return _Read(Bucket(float(entity["Tokens"]), entity["At"].astimezone(UTC)), str(entity.metadata["etag"]))


def bucket_write(token: CreationToken) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The transaction operation that commits ``token`` with the ticket it opens: the bucket's row
    created, or replaced under the ETag it was read with (so a concurrent creator's commit fails)."""
    entity = {
        "PartitionKey": token.customer_id,
        "RowKey": _ROW,
        "Kind": "limit",
        "Tokens": token.bucket.tokens,
        "At": token.bucket.at.astimezone(UTC),
    }
    if token.etag is None:
        return ("create", entity, {})
    return (
        "update",
        entity,
        {"mode": UpdateMode.REPLACE, "etag": token.etag, "match_condition": MatchConditions.IfNotModified},
    )
