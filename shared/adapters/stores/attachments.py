"""Files that came with customers' mail, in blob storage (container ``ticket-attachments``).

A file is ``<customer id>/<mail id>/<index>``: under its customer, so no path leads from one
customer's files to another's; its original (sanitised) name and content type are kept in the
blob's metadata and headers. Writing the same file again (a retried mail) overwrites it with the
same bytes. Who may download a file is decided by the ticket it belongs to (:mod:`shared.usecases.files`).
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContainerClient, ContentSettings

from shared.adapters.storage_layout import ATTACHMENTS_CONTAINER
from shared.usecases.stored import StoredFile

__all__ = ["AttachmentStore"]


class AttachmentStore:
    """Each method states its storage round trips."""

    def __init__(self, service: BlobServiceClient) -> None:
        self._container: ContainerClient = service.get_container_client(ATTACHMENTS_CONTAINER)

    def put(self, customer_id: str, mail_id: str, index: int, name: str, content_type: str, content: bytes) -> None:
        """Store one file (one write)."""
        self._container.upload_blob(
            _path(customer_id, mail_id, index),
            content,
            overwrite=True,
            metadata={"name": quote(name, safe="")},
            content_settings=ContentSettings(content_type=content_type),
        )

    def get(self, customer_id: str, mail_id: str, index: int) -> StoredFile | None:
        """The file, or None (one download)."""
        try:
            download = self._container.get_blob_client(_path(customer_id, mail_id, index)).download_blob()
        except ResourceNotFoundError:
            return None
        properties = download.properties
        return StoredFile(
            name=unquote(properties.metadata.get("name", "attachment")),
            content_type=properties.content_settings.content_type or "application/octet-stream",
            content=download.readall(),
        )


def _path(customer_id: str, mail_id: str, index: int) -> str:
    return f"{customer_id}/{mail_id}/{index}"
