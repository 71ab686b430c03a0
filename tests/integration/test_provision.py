"""Provisioning creates the storage layout on Azurite and may run any number of times."""

from __future__ import annotations

import uuid

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueServiceClient

from devhost.provision import ensure_containers, ensure_queues, ensure_tables, provision_layout
from shared.adapters import storage_layout
from shared.adapters.storage import DEVELOPMENT_STORAGE, azurite_connection_string

CONNECTION = azurite_connection_string()


def table_names() -> set[str]:
    return {table.name for table in TableServiceClient.from_connection_string(CONNECTION).list_tables()}


def container_names() -> set[str]:
    return {container.name for container in BlobServiceClient.from_connection_string(CONNECTION).list_containers()}


def queue_names() -> set[str]:
    return {queue.name for queue in QueueServiceClient.from_connection_string(CONNECTION).list_queues()}


def test_the_storage_layout_exists_after_provisioning_twice(azurite: bool) -> None:
    environ = {"AzureWebJobsStorage": DEVELOPMENT_STORAGE, "TABLES_CONNECTION_STRING": DEVELOPMENT_STORAGE}
    provision_layout(environ)
    provision_layout(environ)
    assert set(storage_layout.TABLES) <= table_names()
    assert set(storage_layout.BLOB_CONTAINERS) <= container_names()
    assert set(storage_layout.QUEUES) <= queue_names()


def test_tables_containers_and_queues_that_exist_already_are_fine(azurite: bool) -> None:
    suffix = uuid.uuid4().hex[:10]
    table, container, queue = f"Provision{suffix}", f"provision-{suffix}", f"provision-{suffix}"
    for _ in range(2):
        ensure_tables(CONNECTION, [table])
        ensure_containers(CONNECTION, [container])
        ensure_queues(CONNECTION, [queue])
    assert (table in table_names(), container in container_names(), queue in queue_names()) == (True, True, True)
    TableServiceClient.from_connection_string(CONNECTION).delete_table(table)
    BlobServiceClient.from_connection_string(CONNECTION).delete_container(container)
    QueueServiceClient.from_connection_string(CONNECTION).delete_queue(queue)
