"""Blob triggers against Azurite: once per blob version, receipts that survive a restart,
retries, and the poison queue."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import azure.functions as func
import pytest
from azure.storage.blob import BlobServiceClient, ContainerClient
from azure.storage.queue import QueueClient, TextBase64DecodePolicy

from devhost.blob_receipts import RECEIPTS_CONTAINER, ReceiptStore, receipt_name
from devhost.blob_triggers import BlobJob, BlobPoller, blob_jobs
from shared.adapters.storage import DEVELOPMENT_STORAGE, azurite_connection_string
from shared.adapters.storage_layout import BLOB_POISON_QUEUE

CONNECTION = azurite_connection_string()

app = func.FunctionApp()
seen: list[tuple[str | None, bytes]] = []


@app.blob_trigger(arg_name="blob", path="%CONTAINER%/in/{name}", connection="AzureWebJobsStorage")
def record(blob: func.InputStream) -> None:
    seen.append((blob.name, blob.read()))


@app.blob_trigger(arg_name="blob", path="%CONTAINER%/in/{name}", connection="AzureWebJobsStorage")
def always_fails(blob: func.InputStream) -> None:
    seen.append((blob.name, blob.read()))
    raise ValueError("cannot read this mail")


FUNCTIONS = app.get_functions()


@pytest.fixture
def container(azurite: bool) -> Iterator[ContainerClient]:
    client = BlobServiceClient.from_connection_string(CONNECTION).create_container(f"poller-{uuid.uuid4().hex[:12]}")
    seen.clear()
    yield client
    client.delete_container()


def job(name: str, container: ContainerClient) -> BlobJob:
    environ = {"CONTAINER": container.container_name, "AzureWebJobsStorage": DEVELOPMENT_STORAGE}
    return next(job for job in blob_jobs(FUNCTIONS, environ) if job.name == name)


def poller(name: str, container: ContainerClient, threshold: int = 5) -> BlobPoller:
    return BlobPoller(job(name, container), ReceiptStore(CONNECTION), threshold)


def test_a_new_blob_fires_once_and_a_restart_does_not_fire_it_again(container: ContainerClient) -> None:
    container.upload_blob("in/a.eml", b"mail")
    first = poller("record", container)
    first.poll()
    first.poll()
    poller("record", container).poll()  # a restarted host
    assert seen == [(f"{container.container_name}/in/a.eml", b"mail")]
    etag = container.get_blob_client("in/a.eml").get_blob_properties().etag
    receipts = BlobServiceClient.from_connection_string(CONNECTION).get_container_client(RECEIPTS_CONTAINER)
    assert receipts.get_blob_client(receipt_name("record", etag, "in/a.eml")).exists()


def test_a_rewritten_blob_fires_again(container: ContainerClient) -> None:
    container.upload_blob("in/a.eml", b"first")
    watcher = poller("record", container)
    watcher.poll()
    container.upload_blob("in/a.eml", b"second", overwrite=True)
    watcher.poll()
    watcher.poll()
    assert [data for _, data in seen] == [b"first", b"second"]


def test_blobs_outside_the_path_do_not_fire(container: ContainerClient) -> None:
    container.upload_blob("out/a.eml", b"elsewhere")
    container.upload_blob("inbox.eml", b"almost")
    poller("record", container).poll()
    assert seen == []


def test_a_container_that_does_not_exist_yet_counts_as_empty(container: ContainerClient) -> None:
    container.delete_container()
    poller("record", container).poll()
    assert seen == []
    container.create_container()  # for the fixture to delete


def test_a_blob_that_keeps_failing_is_tried_up_to_the_threshold_then_reported_as_poison(
    container: ContainerClient,
) -> None:
    container.upload_blob("in/bad.eml", b"garbled")
    watcher = poller("always_fails", container, threshold=3)
    for _ in range(5):
        watcher.poll()
    assert len(seen) == 3
    poller("always_fails", container, threshold=3).poll()  # the receipt stops a restarted host too
    assert len(seen) == 3

    etag = container.get_blob_client("in/bad.eml").get_blob_properties().etag
    message = take_poison_message(container.container_name)
    assert message.pop("ETag").strip('"') == etag.strip('"')  # listings and properties quote it differently
    assert message == {
        "Type": "BlobTrigger",
        "FunctionId": "Host.Functions.always_fails",
        "BlobType": "BlockBlob",
        "ContainerName": container.container_name,
        "BlobName": "in/bad.eml",
    }


def take_poison_message(container_name: str) -> dict[str, str]:
    """This test's message from the shared poison queue, deleted once found; other messages
    are only hidden for a second."""
    queue = QueueClient.from_connection_string(
        CONNECTION, BLOB_POISON_QUEUE, message_decode_policy=TextBase64DecodePolicy()
    )
    for message in queue.receive_messages(messages_per_page=32, visibility_timeout=1):
        document = json.loads(message.content)
        if document["ContainerName"] == container_name:
            queue.delete_message(message)
            return dict(document)
    raise AssertionError(f"no poison message for {container_name}")
