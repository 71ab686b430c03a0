"""Queue triggers against Azurite: decoded bodies, deletion on success, retries, the poison
queue, message encodings, leases while a function runs, and the blob poller's poison report
read back by a queue trigger."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress

import azure.functions as func
import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueClient, QueueServiceClient

from devhost.background import ThreadGroup
from devhost.blob_receipts import ReceiptStore
from devhost.blob_triggers import BlobPoller, blob_jobs
from devhost.host_config import QueueOptions
from devhost.queue_encoding import MessageEncoding
from devhost.queue_triggers import QueueJob, QueuePoller, queue_jobs, start_queue_pollers
from shared.adapters.storage import DEVELOPMENT_STORAGE, azurite_connection_string
from shared.adapters.storage_layout import BLOB_POISON_QUEUE

CONNECTION = azurite_connection_string()

app = func.FunctionApp()
received: list[func.QueueMessage] = []
hidden_while_running: list[bool] = []


@app.queue_trigger(arg_name="message", queue_name="%QUEUE%", connection="AzureWebJobsStorage")
def record(message: func.QueueMessage) -> None:
    received.append(message)


@app.queue_trigger(arg_name="message", queue_name="%QUEUE%", connection="AzureWebJobsStorage")
def always_fails(message: func.QueueMessage) -> None:
    received.append(message)
    raise ValueError("cannot handle this message")


@app.queue_trigger(arg_name="message", queue_name="%QUEUE%", connection="AzureWebJobsStorage")
async def record_later(message: func.QueueMessage) -> None:
    await asyncio.sleep(0)
    received.append(message)


@app.queue_trigger(arg_name="message", queue_name="%QUEUE%", connection="AzureWebJobsStorage")
def outlasts_its_lease(message: func.QueueMessage) -> None:
    time.sleep(2.5)
    peeked = QueueClient.from_connection_string(CONNECTION, QUEUE_OF[message.id]).peek_messages()
    hidden_while_running.append(not peeked)
    received.append(message)


@app.blob_trigger(arg_name="blob", path="%CONTAINER%/{name}", connection="AzureWebJobsStorage")
def garbled_mail(blob: func.InputStream) -> None:
    raise ValueError("cannot read this mail")


FUNCTIONS = app.get_functions()
QUEUE_OF: dict[str, str] = {}


@pytest.fixture
def queue(azurite: bool) -> Iterator[QueueClient]:
    """A queue of the test's own, deleted afterwards with its poison queue."""
    service = QueueServiceClient.from_connection_string(CONNECTION)
    client = service.create_queue(f"qt-{uuid.uuid4().hex[:12]}")
    received.clear()
    hidden_while_running.clear()
    yield client
    for name in (client.queue_name, f"{client.queue_name}-poison"):
        with suppress(ResourceNotFoundError):
            service.delete_queue(name)


def job(name: str, queue_name: str) -> QueueJob:
    environ = {"QUEUE": queue_name, "AzureWebJobsStorage": DEVELOPMENT_STORAGE}
    queue_functions = [function for function in FUNCTIONS if function.get_trigger().type == "queueTrigger"]
    return next(job for job in queue_jobs(queue_functions, environ) if job.name == name)


def poller(name: str, queue: QueueClient, options: QueueOptions | None = None, lease: int = 600) -> QueuePoller:
    return QueuePoller(job(name, queue.queue_name), options or QueueOptions(), lease_seconds=lease)


def send_base64(queue: QueueClient, body: bytes) -> str:
    return str(queue.send_message(base64.b64encode(body).decode("ascii")).id)


def stored_texts(queue_name: str) -> list[str]:
    """The texts of the visible messages of a queue, as stored."""
    return [message.content for message in QueueClient.from_connection_string(CONNECTION, queue_name).peek_messages(32)]


def message_count(queue: QueueClient) -> int:
    return int(queue.get_queue_properties().approximate_message_count)


def test_a_base64_message_reaches_the_function_decoded_and_is_deleted_after_it(queue: QueueClient) -> None:
    message_id = send_base64(queue, b"\x00\xffraw bytes")
    assert poller("record", queue).poll() == 1
    [message] = received
    assert message.get_body() == b"\x00\xffraw bytes"
    assert message.id == message_id
    assert message.dequeue_count == 1
    assert message.pop_receipt
    assert message.insertion_time is not None
    assert message.expiration_time is not None
    assert message.time_next_visible is not None
    assert message_count(queue) == 0


def test_an_async_function_is_awaited(queue: QueueClient) -> None:
    send_base64(queue, b'{"n": 1}')
    poller("record_later", queue).poll()
    assert [message.get_json() for message in received] == [{"n": 1}]


def test_with_no_encoding_the_stored_text_is_the_body(queue: QueueClient) -> None:
    queue.send_message('{"plain": "è"}')
    poller("record", queue, QueueOptions(message_encoding=MessageEncoding.NONE)).poll()
    assert [message.get_body() for message in received] == ['{"plain": "è"}'.encode()]
    assert message_count(queue) == 0


def test_a_failing_message_is_tried_max_dequeue_count_times_then_moved_to_the_poison_queue(
    queue: QueueClient,
) -> None:
    send_base64(queue, b"poison me")
    watcher = poller("always_fails", queue, QueueOptions(max_dequeue_count=3))
    for _ in range(5):
        watcher.poll()
    assert [message.dequeue_count for message in received] == [1, 2, 3]
    assert message_count(queue) == 0
    assert stored_texts(f"{queue.queue_name}-poison") == [base64.b64encode(b"poison me").decode()]


def test_a_failed_message_stays_hidden_for_the_visibility_timeout(queue: QueueClient) -> None:
    send_base64(queue, b"later")
    watcher = poller("always_fails", queue, QueueOptions(visibility_timeout=30))
    watcher.poll()
    watcher.poll()
    assert len(received) == 1
    assert message_count(queue) == 1
    assert stored_texts(queue.queue_name) == []


def test_a_message_that_is_not_base64_goes_to_the_poison_queue_without_running(queue: QueueClient) -> None:
    queue.send_message("{not base64}")
    poller("record", queue).poll()
    assert received == []
    assert message_count(queue) == 0
    assert stored_texts(f"{queue.queue_name}-poison") == ["{not base64}"]


def test_a_message_dequeued_too_often_already_goes_to_the_poison_queue_without_running(queue: QueueClient) -> None:
    send_base64(queue, b"tired")
    for _ in range(2):  # two earlier tries that ended without a verdict (a host that crashed, say)
        [taken] = queue.receive_messages(max_messages=1, visibility_timeout=1)
        queue.update_message(taken, visibility_timeout=0)
    poller("record", queue, QueueOptions(max_dequeue_count=2)).poll()
    assert received == []
    assert stored_texts(f"{queue.queue_name}-poison") == [base64.b64encode(b"tired").decode()]


def test_a_poison_queue_has_no_poison_queue_of_its_own_so_a_failure_stays_hidden(azurite: bool) -> None:
    service = QueueServiceClient.from_connection_string(CONNECTION)
    poison = service.create_queue(f"qt-{uuid.uuid4().hex[:12]}-poison")
    received.clear()
    try:
        send_base64(poison, b"dead letter")
        watcher = poller("always_fails", poison, QueueOptions(max_dequeue_count=1))
        assert watcher.poison_queue is None
        watcher.poll()
        watcher.poll()
        assert len(received) == 1
        assert message_count(poison) == 1  # neither released nor moved
        assert stored_texts(poison.queue_name) == []
        with pytest.raises(ResourceNotFoundError):
            service.get_queue_client(f"{poison.queue_name}-poison").get_queue_properties()
    finally:
        service.delete_queue(poison.queue_name)


def test_a_message_stays_hidden_while_its_function_outlasts_the_lease(queue: QueueClient) -> None:
    QUEUE_OF[send_base64(queue, b"slow")] = queue.queue_name
    poller("outlasts_its_lease", queue, lease=2).poll()  # renewed after 1 s, the function takes 2.5 s
    assert hidden_while_running == [True]
    assert message_count(queue) == 0  # deleted with the renewed pop receipt


def test_a_queue_that_does_not_exist_is_created(azurite: bool) -> None:
    name = f"qt-{uuid.uuid4().hex[:12]}"
    client = QueueClient.from_connection_string(CONNECTION, name)
    try:
        assert poller("record", client).poll() == 0
        client.get_queue_properties()
    finally:
        client.delete_queue()


def test_the_host_polls_every_queue_trigger_in_the_background(queue: QueueClient) -> None:
    threads = ThreadGroup()
    start_queue_pollers([job("record", queue.queue_name)], QueueOptions(), 0.1, threads)
    try:
        send_base64(queue, b"one")
        send_base64(queue, b"two")
        deadline = time.monotonic() + 10
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        threads.stop()
    assert sorted(message.get_body() for message in received) == [b"one", b"two"]


@pytest.mark.parametrize("encoding", [MessageEncoding.BASE64, MessageEncoding.NONE])
def test_the_blob_poller_s_poison_report_reads_back_through_a_queue_trigger(
    queue: QueueClient, encoding: MessageEncoding
) -> None:
    blobs = BlobServiceClient.from_connection_string(CONNECTION).create_container(f"qt-{uuid.uuid4().hex[:12]}")
    try:
        blobs.upload_blob("bad.eml", b"garbled")
        environ = {"CONTAINER": blobs.container_name, "AzureWebJobsStorage": DEVELOPMENT_STORAGE}
        blob_functions = [function for function in FUNCTIONS if function.get_trigger().type == "blobTrigger"]
        [blob_job] = blob_jobs(blob_functions, environ)
        BlobPoller(blob_job, ReceiptStore(CONNECTION), 1, encoding).poll()
        queue.send_message(take_report_text(blobs.container_name, encoding))  # as stored, into this test's queue
    finally:
        blobs.delete_container()

    poller("record", queue, QueueOptions(message_encoding=encoding)).poll()
    [message] = received
    report = message.get_json()
    assert report.pop("ETag")
    assert report == {
        "Type": "BlobTrigger",
        "FunctionId": "Host.Functions.garbled_mail",
        "BlobType": "BlockBlob",
        "ContainerName": blobs.container_name,
        "BlobName": "bad.eml",
    }


def take_report_text(container_name: str, encoding: MessageEncoding) -> str:
    """The stored text of this test's report on the shared poison queue, deleted once found;
    other messages are only hidden for a second."""
    shared = QueueClient.from_connection_string(CONNECTION, BLOB_POISON_QUEUE)
    for message in shared.receive_messages(messages_per_page=32, visibility_timeout=1):
        text = str(message.content)
        try:
            document = json.loads(base64.b64decode(text) if encoding is MessageEncoding.BASE64 else text)
        except ValueError:
            continue
        if document.get("ContainerName") == container_name:
            shared.delete_message(message)
            return text
    raise AssertionError(f"no poison report for {container_name}")
