"""Raw mail in blob storage: ``inbound-email`` as the mailbox connector fills it, and
``inbound-quarantine`` for mail set aside with its reason.

Raw messages are never changed or deleted by the intake; the retention purge deletes both
containers' blobs once they are older than ``INBOUND_RETENTION_DAYS``.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, unquote

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContainerClient, ContentSettings

__all__ = ["INBOUND_CONTAINER", "QUARANTINE_CONTAINER", "RawMail", "RawMailStore"]

INBOUND_CONTAINER = "inbound-email"
QUARANTINE_CONTAINER = "inbound-quarantine"


class RawMail:
    """A raw message as stored: its bytes (None when over the size asked for) and its size."""

    def __init__(self, content: bytes | None, size: int) -> None:
        self.content, self.size = content, size


class RawMailStore:
    """Each method states its storage round trips."""

    def __init__(self, service: BlobServiceClient) -> None:
        self._inbound: ContainerClient = service.get_container_client(INBOUND_CONTAINER)
        self._quarantine: ContainerClient = service.get_container_client(QUARANTINE_CONTAINER)

    def read(self, name: str, max_bytes: int) -> RawMail | None:
        """The blob ``name`` of ``inbound-email``, or None when it is gone; its content only when
        it is at most ``max_bytes`` (a read of its properties, then the download)."""
        blob = self._inbound.get_blob_client(name)
        try:
            size = int(blob.get_blob_properties().size)
            if size > max_bytes:
                return RawMail(None, size)
            return RawMail(blob.download_blob().readall(), size)
        except ResourceNotFoundError:
            return None

    def put(self, name: str, content: bytes) -> None:
        """Store a raw message in ``inbound-email`` as the connector does (one write)."""
        self._inbound.upload_blob(
            name, content, overwrite=False, content_settings=ContentSettings(content_type="message/rfc822")
        )

    def quarantine(self, name: str, reason: str, content: bytes | None = None) -> None:
        """Copy the raw message to ``inbound-quarantine`` under the same name, the reason in its
        metadata (one server-side copy, or one write when ``content`` is given). The original stays
        until the retention purge. A message already gone leaves nothing to copy."""
        target = self._quarantine.get_blob_client(name)
        metadata = {"reason": quote(reason[:500], safe=" :;,.-_/()")}
        if content is not None:
            target.upload_blob(
                content,
                overwrite=True,
                metadata=metadata,
                content_settings=ContentSettings(content_type="message/rfc822"),
            )
            return
        source = self._inbound.get_blob_client(name)
        try:
            target.start_copy_from_url(source.url, metadata=metadata, requires_sync=True)
        except ResourceNotFoundError:
            return

    def quarantined_reason(self, name: str) -> str | None:
        """The reason a quarantined copy was set aside, or None when there is no copy."""
        try:
            metadata = self._quarantine.get_blob_client(name).get_blob_properties().metadata
        except ResourceNotFoundError:
            return None
        return unquote(str(metadata.get("reason", "")))

    def purge(self, older_than: datetime) -> int:
        """Delete raw and quarantined messages created before ``older_than``; how many (one
        listing per container page, a delete each)."""
        deleted = 0
        for container in (self._inbound, self._quarantine):
            for blob in container.list_blobs():
                if blob.creation_time is not None and blob.creation_time < older_than:
                    try:
                        container.delete_blob(blob.name)
                    except ResourceNotFoundError:
                        continue
                    deleted += 1
        return deleted
