"""Create the tables, blob containers and queues the app needs, as ``shared.adapters.storage_layout``
lists them; whatever exists already is left as it is."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from contextlib import suppress

from azure.core.exceptions import ResourceExistsError
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from devhost.connections import HOST_STORAGE_SETTING, MissingConnectionError, resolve_connection
from shared.adapters import storage_layout
from shared.adapters.storage import connection_string

LOG = logging.getLogger(__name__)

#: The setting holding the Table Storage connection (the app's own, not the host's).
TABLES_SETTING = "TABLES_CONNECTION_STRING"


def ensure_tables(connection: str, names: Iterable[str]) -> None:
    """Create each table in ``names`` that does not exist yet."""
    service = TableServiceClient.from_connection_string(connection)
    for name in names:
        service.create_table_if_not_exists(name)


def ensure_containers(connection: str, names: Iterable[str]) -> None:
    """Create each blob container in ``names`` that does not exist yet."""
    service = BlobServiceClient.from_connection_string(connection)
    for name in names:
        with suppress(ResourceExistsError):
            service.create_container(name)


def ensure_queues(connection: str, names: Iterable[str]) -> None:
    """Create each queue in ``names`` that does not exist yet."""
    service = QueueServiceClient.from_connection_string(connection)
    for name in names:
        with suppress(ResourceExistsError):
            service.create_queue(name)


def provision_layout(environ: Mapping[str, str]) -> None:
    """Create the storage layout: tables through ``TABLES_CONNECTION_STRING``, containers and
    queues through ``AzureWebJobsStorage``. A kind with no names needs no setting."""
    if storage_layout.TABLES:
        tables_connection = environ.get(TABLES_SETTING, "").strip()
        if not tables_connection:
            raise MissingConnectionError(f"app setting {TABLES_SETTING} is not set")
        ensure_tables(connection_string(tables_connection), storage_layout.TABLES)
    if storage_layout.BLOB_CONTAINERS or storage_layout.QUEUES:
        connection = resolve_connection(HOST_STORAGE_SETTING, environ)
        ensure_containers(connection, storage_layout.BLOB_CONTAINERS)
        ensure_queues(connection, storage_layout.QUEUES)
    LOG.info(
        "storage ready: %d tables, %d containers, %d queues",
        len(storage_layout.TABLES),
        len(storage_layout.BLOB_CONTAINERS),
        len(storage_layout.QUEUES),
    )
