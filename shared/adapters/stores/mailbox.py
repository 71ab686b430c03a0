"""Raw mail in blob storage: ``inbound-email`` as the mailbox connector fills it, and
``inbound-quarantine`` for mail set aside with its reason.

Raw messages are never changed or deleted by the intake; the retention purge deletes both
containers' blobs once they are older than ``INBOUND_RETENTION_DAYS``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import quote, unquote

from azure.core.exceptions import AzureError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContainerClient, ContentSettings

from shared.adapters.storage_layout import INBOUND_CONTAINER, QUARANTINE_CONTAINER
from shared.usecases.stored import RawMail

__all__ = ["RawMailStore"]

LOG = logging.getLogger(__name__)


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
            properties = blob.get_blob_properties()
            size, created = int(properties.size), properties.creation_time
            if size > max_bytes:
                return RawMail(None, size, created)
            return RawMail(blob.download_blob().readall(), size, created)
        except ResourceNotFoundError:
            return None

    def put(self, name: str, content: bytes) -> None:
        """Store a raw message in ``inbound-email`` as the connector does (one write)."""
        self._inbound.upload_blob(
            name, content, overwrite=False, content_settings=ContentSettings(content_type="message/rfc822")
        )

    def quarantine(self, name: str, reason: str, content: bytes) -> bool:
        """Keep a copy of the raw message in ``inbound-quarantine`` under the same name, the reason
        in its metadata (one write; the bytes are the ones the intake read: a server-side copy
        would need the source authorised by a SAS, which an identity-only account does not give).
        Whether the copy was written: a failure is logged, not raised, since the original stays in
        ``inbound-email`` until the retention purge."""
        try:
            self._quarantine.get_blob_client(name).upload_blob(
                content,
                overwrite=True,
                metadata={"reason": quote(reason[:500], safe=" :;,.-_/()")},
                content_settings=ContentSettings(content_type="message/rfc822"),
            )
        except AzureError as error:
            LOG.warning("copy of %s to %s failed: %s", name, QUARANTINE_CONTAINER, type(error).__name__)
            return False
        return True

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
