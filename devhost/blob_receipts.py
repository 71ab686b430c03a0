"""Blob receipts: the record, kept in storage, that a function has handled a blob version.

Like the Functions host, the local host writes an empty blob into the container
``azure-webjobs-hosts`` of the host storage account once a function is done with a blob, so
that a restart does not run it again; a rewritten blob has a new ETag and so no receipt yet.
"""

from __future__ import annotations

from contextlib import suppress

from azure.core.exceptions import ResourceExistsError
from azure.storage.blob import BlobServiceClient

RECEIPTS_CONTAINER = "azure-webjobs-hosts"
HOST_ID = "devhost"


def receipt_name(function_name: str, etag: str, blob_name: str) -> str:
    """``blobreceipts/devhost/<function>/<etag without quotes>/<blob name>``."""
    bare_etag = etag.strip('"')
    return f"blobreceipts/{HOST_ID}/{function_name}/{bare_etag}/{blob_name}"


class ReceiptStore:
    """Receipts in the ``azure-webjobs-hosts`` container of one storage account."""

    def __init__(self, connection: str) -> None:
        """Use the account of ``connection``, creating the container when it is missing."""
        self._container = BlobServiceClient.from_connection_string(connection).get_container_client(RECEIPTS_CONTAINER)
        with suppress(ResourceExistsError):
            self._container.create_container()

    def has(self, function_name: str, etag: str, blob_name: str) -> bool:
        """Whether the function is done with this version of the blob."""
        return bool(self._container.get_blob_client(receipt_name(function_name, etag, blob_name)).exists())

    def write(self, function_name: str, etag: str, blob_name: str) -> None:
        """Record that the function is done with this version of the blob."""
        self._container.upload_blob(receipt_name(function_name, etag, blob_name), b"", overwrite=True)
