"""Queue triggers: poll each trigger's queue and run the function once per message, as the
Functions host's queue listener does.

A poll receives up to ``batchSize`` messages, each hidden for LEASE_SECONDS (renewed halfway
while its function runs), and handles them one after the other:

* the body is decoded under ``extensions.queues.messageEncoding`` (Base64 unless ``none``); a
  message that does not decode goes to the poison queue without running the function;
* the function gets a real ``azure.functions.QueueMessage``; when it returns, the message is
  deleted;
* when it raises, the message is moved to ``<queue>-poison`` once it has been dequeued
  ``maxDequeueCount`` times, else made visible again after ``visibilityTimeout``;
* a queue without a poison queue (its name ends in ``-poison`` already, or is too long for
  the suffix) never releases a failed message: it stays hidden until its lease runs out and
  is not run again once dequeued more than ``maxDequeueCount`` times, as on Azure.

The trigger's queue is created when it does not exist (the real host waits for it instead).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from types import TracebackType

from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.functions.decorators.function_app import Function
from azure.functions.decorators.queue import QueueTrigger
from azure.functions.queue import QueueMessage as TriggerMessage
from azure.storage.queue import QueueClient, QueueMessage, QueueServiceClient

from devhost.background import ThreadGroup
from devhost.binding_expressions import expand_settings
from devhost.connections import MissingConnectionError, resolve_connection
from devhost.host_config import QueueOptions
from devhost.invocation import name_of, run_logged, typed_trigger
from devhost.polling import poll_until_stopped
from devhost.queue_encoding import UndecodableMessageError, decode_text
from devhost.queue_names import normalize_queue_name, poison_queue_name

LOG = logging.getLogger(__name__)

POLL_SECONDS_SETTING = "DEVHOST_QUEUE_POLL_SECONDS"
#: How long a received message stays hidden, as the host's listener hides it (10 minutes).
LEASE_SECONDS = 600


@dataclass(frozen=True)
class QueueJob:
    """A queue-triggered function, the queue it reads (lower case, settings expanded) and
    that account's connection string."""

    function: Function
    queue: str
    connection: str

    @property
    def name(self) -> str:
        """The function's name."""
        return name_of(self.function)


def queue_jobs(functions: list[Function], environ: Mapping[str, str]) -> list[QueueJob]:
    """A job for each queue-triggered function whose queue name and connection resolve; the
    others are logged as not served."""
    jobs = []
    for function in functions:
        trigger = typed_trigger(function, QueueTrigger)
        try:
            queue = normalize_queue_name(expand_settings(trigger.queue_name, environ))
            connection = resolve_connection(trigger.connection, environ)
        except (KeyError, ValueError, MissingConnectionError) as error:
            LOG.error("%s: not served: %s", name_of(function), error)
            continue
        jobs.append(QueueJob(function, queue, connection))
    return jobs


def trigger_message(message: QueueMessage, body: bytes) -> TriggerMessage:
    """The value the function receives for a stored ``message`` whose decoded body is
    ``body``."""
    return TriggerMessage(  # type: ignore[no-untyped-call]  # the library leaves its __init__ untyped
        id=message.id,
        body=body,
        dequeue_count=message.dequeue_count,
        expiration_time=message.expires_on,
        insertion_time=message.inserted_on,
        time_next_visible=message.next_visible_on,
        pop_receipt=message.pop_receipt,
    )


class QueuePoller:
    """Reads the queue of one job; each ``poll`` handles the messages one receive returns."""

    def __init__(self, job: QueueJob, options: QueueOptions, lease_seconds: int = LEASE_SECONDS) -> None:
        """``lease_seconds`` is how long a received message stays hidden (renewed halfway)."""
        self._job = job
        self._options = options
        self._lease_seconds = lease_seconds
        service = QueueServiceClient.from_connection_string(job.connection)
        self._queue: QueueClient = service.get_queue_client(job.queue)
        poison = poison_queue_name(job.queue)
        self._poison: QueueClient | None = service.get_queue_client(poison) if poison else None
        self._queue_exists = False

    @property
    def poison_queue(self) -> str | None:
        """The name of the queue failed messages move to, if the queue has one."""
        return self._poison.queue_name if self._poison else None

    def poll(self) -> int:
        """Receive up to ``batchSize`` messages and handle each; how many were received."""
        if not self._queue_exists:
            with suppress(ResourceExistsError):
                self._queue.create_queue()
            self._queue_exists = True
        try:
            messages = list(
                self._queue.receive_messages(
                    max_messages=self._options.batch_size, visibility_timeout=self._lease_seconds
                )
            )
        except ResourceNotFoundError:
            self._queue_exists = False  # deleted under us: created again on the next poll
            return 0
        for message in messages:
            self._handle(message)
        return len(messages)

    def _handle(self, message: QueueMessage) -> None:
        try:
            body = decode_text(message.content, self._options.message_encoding)
        except UndecodableMessageError as error:
            LOG.warning("%s: message %s: %s (check messageEncoding)", self._job.name, message.id, error)
            self._give_up(message)
            return
        tries = int(message.dequeue_count or 0)
        if tries > self._options.max_dequeue_count:
            self._give_up(message)
            return
        reason = f"queue {self._job.queue}, message {message.id}, try {tries}"
        with _Lease(self._queue, message, self._lease_seconds):
            succeeded = run_logged(self._job.function, trigger_message(message, body), reason)
        if succeeded:
            self._delete(message)
        elif self._poison is None:
            LOG.warning(
                "%s: no poison queue for %s: message %s stays hidden", self._job.name, self._job.queue, message.id
            )
        elif tries >= self._options.max_dequeue_count:
            self._give_up(message)
        else:
            self._release(message)

    def _give_up(self, message: QueueMessage) -> None:
        """Move the message, as stored, to the poison queue; without one, leave it hidden."""
        if self._poison is None:
            return
        LOG.error(
            "%s: message %s has reached maxDequeueCount %d: moved to %s",
            self._job.name,
            message.id,
            self._options.max_dequeue_count,
            self._poison.queue_name,
        )
        with suppress(ResourceExistsError):
            self._poison.create_queue()
        self._poison.send_message(message.content)
        self._delete(message)

    def _release(self, message: QueueMessage) -> None:
        """Make the message visible again after ``visibilityTimeout``."""
        with _gone_ignored():
            self._queue.update_message(
                message.id, message.pop_receipt, visibility_timeout=round(self._options.visibility_timeout)
            )

    def _delete(self, message: QueueMessage) -> None:
        with _gone_ignored():
            self._queue.delete_message(message.id, message.pop_receipt)


class _Lease:
    """Keeps a received message hidden while its function runs: a thread renews its
    visibility every half lease, and each renewal's pop receipt replaces the message's, so
    that deleting or releasing it afterwards uses the current one."""

    def __init__(self, queue: QueueClient, message: QueueMessage, seconds: int) -> None:
        self._queue = queue
        self._message = message
        self._seconds = seconds
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"lease-{message.id}", daemon=True)

    def __enter__(self) -> _Lease:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stopping.set()
        self._thread.join()

    def _renew(self) -> None:
        while not self._stopping.wait(self._seconds / 2):
            try:
                receipt = self._queue.update_message(
                    self._message.id, self._message.pop_receipt, visibility_timeout=self._seconds
                )
            except HttpResponseError as error:
                LOG.warning("message %s: visibility not renewed: %s", self._message.id, error)
                continue
            self._message.pop_receipt = receipt.pop_receipt
            self._message.next_visible_on = receipt.next_visible_on


@contextmanager
def _gone_ignored() -> Iterator[None]:
    """Ignores the errors that mean someone else has dealt with the message: it is gone, or
    its pop receipt is stale."""
    try:
        yield
    except ResourceNotFoundError:
        pass
    except HttpResponseError as error:
        if getattr(error, "error_code", None) != "PopReceiptMismatch":
            raise


def start_queue_pollers(jobs: list[QueueJob], options: QueueOptions, interval: float, threads: ThreadGroup) -> None:
    """Poll each job's queue on a thread of ``threads`` until the group stops: again at once
    after a poll that found messages, else after ``interval`` seconds."""
    for job in jobs:
        poller = QueuePoller(job, options)
        threads.spawn(partial(poll_until_stopped, poller.poll, job.name, interval), name=f"queue-{job.name}")
        LOG.info("%s: watching queue %s (poison queue: %s)", job.name, job.queue, poller.poison_queue or "none")
