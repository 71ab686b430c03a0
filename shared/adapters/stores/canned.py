"""Canned replies in Table Storage: table ``CannedReplies``, partition ``reply``, row = the reply's
id, with ``Title``, ``Tags`` (space-separated: a tag holds no space), ``BodyIt`` and ``BodyEn``
(absent when the reply has no body in that language) and ``Revision``. The desk keeps at most
:data:`shared.domain.canned.MAX_REPLIES` of them, so reading them all is one query of one partition
(a few hundred rows of a few KiB, one or two response pages)."""

from __future__ import annotations

from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.adapters.storage_layout import CANNED_REPLIES_TABLE
from shared.domain.canned import CannedReply, canned_reply, is_reply_id
from shared.domain.errors import Conflict
from shared.domain.language import Language
from shared.usecases.stored import StoredReply

_PARTITION = "reply"
_BODY = {Language.ITALIAN: "BodyIt", Language.ENGLISH: "BodyEn"}


class CannedReplyStore:
    """The canned replies. Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(CANNED_REPLIES_TABLE)

    def all(self) -> list[StoredReply]:
        """Every reply, by id: one query of the partition."""
        rows = self._table.query_entities("PartitionKey eq @pk", parameters={"pk": _PARTITION})
        return sorted((_stored(row) for row in rows), key=lambda stored: stored.reply.id)

    def get(self, reply_id: str) -> StoredReply | None:
        """One point read (none for a value that is not an id)."""
        if not is_reply_id(reply_id):
            return None
        try:
            return _stored(self._table.get_entity(_PARTITION, reply_id))
        except ResourceNotFoundError:
            return None

    def create(self, reply: CannedReply) -> None:
        """One write; :class:`Conflict` when a reply has the id already."""
        try:
            self._table.create_entity(_entity(reply))
        except ResourceExistsError:
            raise Conflict(f"a canned reply {reply.id} exists already") from None

    def replace(self, reply: CannedReply, etag: str) -> None:
        """One write under ``etag``; :class:`Conflict` when the reply changed or went meanwhile."""
        try:
            self._table.update_entity(
                _entity(reply), mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            raise Conflict(f"the canned reply {reply.id} changed meanwhile") from None

    def delete(self, reply_id: str, etag: str) -> None:
        """One delete under ``etag``; :class:`Conflict` when the reply changed meanwhile (gone is done)."""
        try:
            self._table.delete_entity(_PARTITION, reply_id, etag=etag, match_condition=MatchConditions.IfNotModified)
        except ResourceModifiedError:
            raise Conflict(f"the canned reply {reply_id} changed meanwhile") from None


def _entity(reply: CannedReply) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "PartitionKey": _PARTITION,
        "RowKey": reply.id,
        "Title": reply.title,
        "Tags": " ".join(reply.tags),
        "Revision": reply.revision,
    }
    for language, text in reply.bodies.items():
        entity[_BODY[language]] = text
    return entity


def _stored(entity: Any) -> StoredReply:
    reply = canned_reply(
        entity["RowKey"],
        title=entity["Title"],
        tags=(entity.get("Tags") or "").split(),
        bodies={language: entity.get(name) for language, name in _BODY.items()},
        revision=int(entity["Revision"]),
    )
    return StoredReply(reply, entity.metadata["etag"])
