"""Blob triggers: poll each trigger's container and run the function once per new blob version.

A function run that raises is retried on later polls until it has been tried
``poisonBlobThreshold`` times in all; then the blob is reported on the queue
``webjobs-blobtrigger-poison`` of the trigger's account and given a receipt, as the real host
does. The report is the host's blob trigger message, JSON ``{"Type": "BlobTrigger",
"FunctionId": "Host.Functions.<function>", "BlobType", "ContainerName", "BlobName", "ETag"}``
in the queues' message encoding (Base64 unless ``host.json`` says ``none``), so a queue trigger
on that queue reads it back. Try counts live in memory: a restart gives a failing blob a fresh
set of tries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import partial

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.functions.blob import InputStream
from azure.functions.decorators.blob import BlobTrigger
from azure.functions.decorators.function_app import Function
from azure.storage.blob import BlobProperties, BlobServiceClient, ContainerClient
from azure.storage.queue import QueueClient

from devhost.background import ThreadGroup
from devhost.binding_expressions import expand_settings
from devhost.blob_paths import BlobPath, parse_blob_path
from devhost.blob_receipts import ReceiptStore
from devhost.connections import MissingConnectionError, resolve_connection
from devhost.invocation import name_of, run_logged, typed_trigger
from devhost.polling import poll_until_stopped
from devhost.queue_encoding import MessageEncoding, encode_text
from shared.adapters.storage_layout import BLOB_POISON_QUEUE

LOG = logging.getLogger(__name__)

POLL_SECONDS_SETTING = "DEVHOST_BLOB_POLL_SECONDS"
#: How the Functions host names a function in its blob trigger messages.
FUNCTION_ID_PREFIX = "Host.Functions."


@dataclass(frozen=True)
class BlobJob:
    """A blob-triggered function, the container path it watches and that account's
    connection string."""

    function: Function
    path: BlobPath
    connection: str

    @property
    def name(self) -> str:
        """The function's name."""
        return name_of(self.function)


def blob_jobs(functions: list[Function], environ: Mapping[str, str]) -> list[BlobJob]:
    """A job for each blob-triggered function whose path and connection resolve; the others
    are logged as not served."""
    jobs = []
    for function in functions:
        trigger = typed_trigger(function, BlobTrigger)
        try:
            path = parse_blob_path(expand_settings(trigger.path, environ))
            connection = resolve_connection(trigger.connection, environ)
        except (KeyError, ValueError, MissingConnectionError) as error:
            LOG.error("%s: not served: %s", name_of(function), error)
            continue
        jobs.append(BlobJob(function, path, connection))
    return jobs


class BlobPoller:
    """Watches the container of one blob job; each ``poll`` runs the function for the
    matching blob versions that have no receipt yet."""

    def __init__(
        self,
        job: BlobJob,
        receipts: ReceiptStore,
        poison_threshold: int,
        message_encoding: MessageEncoding = MessageEncoding.BASE64,
    ) -> None:
        """``message_encoding`` is the queues' (``extensions.queues.messageEncoding``): the
        poison report is written with it, as the host writes it."""
        self._job = job
        self._receipts = receipts
        self._poison_threshold = poison_threshold
        self._message_encoding = message_encoding
        self._container: ContainerClient = BlobServiceClient.from_connection_string(
            job.connection
        ).get_container_client(job.path.container)
        self._done: set[tuple[str, str]] = set()
        self._tries: dict[tuple[str, str], int] = {}
        self._container_missing = False

    def poll(self) -> None:
        """List the container once and handle each new blob version in it. A container that
        does not exist (yet) counts as empty."""
        try:
            blobs = list(
                self._container.list_blobs(name_starts_with=self._job.path.prefix or None, include=["metadata"])
            )
        except ResourceNotFoundError:
            if not self._container_missing:
                LOG.warning("%s: container %s does not exist (yet)", self._job.name, self._job.path.container)
            self._container_missing = True
            return
        self._container_missing = False
        for blob in blobs:
            key = (blob.name, str(blob.etag))
            if key in self._done or not self._job.path.matches(blob.name):
                continue
            if self._receipts.has(self._job.name, str(blob.etag), blob.name):
                self._done.add(key)
            else:
                self._handle(blob, key)

    def _handle(self, blob: BlobProperties, key: tuple[str, str]) -> None:
        client = self._container.get_blob_client(blob.name)
        try:
            data = client.download_blob(etag=blob.etag, match_condition=MatchConditions.IfNotModified).readall()
        except (ResourceModifiedError, ResourceNotFoundError):
            return  # changed or deleted since it was listed: the next poll sees what is there now
        stream = InputStream(
            data=data,
            name=f"{self._job.path.container}/{blob.name}",
            uri=client.url,
            length=len(data),
            blob_properties=_properties(blob),
            metadata=dict(blob.metadata or {}),
        )
        tries = self._tries.get(key, 0) + 1
        if run_logged(self._job.function, stream, f"blob {stream.name}, try {tries}"):
            self._finish(key)
        elif tries >= self._poison_threshold:
            LOG.error(
                "%s: giving up on %s after %d tries: reported on %s",
                self._job.name,
                stream.name,
                tries,
                BLOB_POISON_QUEUE,
            )
            self._report_poison(blob)
            self._finish(key)
        else:
            self._tries[key] = tries

    def _finish(self, key: tuple[str, str]) -> None:
        name, etag = key
        self._receipts.write(self._job.name, etag, name)
        self._done.add(key)
        self._tries.pop(key, None)

    def _report_poison(self, blob: BlobProperties) -> None:
        """The host's blob trigger message, as JSON in the queues' encoding."""
        queue = QueueClient.from_connection_string(self._job.connection, BLOB_POISON_QUEUE)
        with suppress(ResourceExistsError):
            queue.create_queue()
        message = {
            "Type": "BlobTrigger",
            "FunctionId": FUNCTION_ID_PREFIX + self._job.name,
            "BlobType": _blob_type(blob),
            "ContainerName": self._job.path.container,
            "BlobName": blob.name,
            "ETag": blob.etag,
        }
        queue.send_message(encode_text(json.dumps(message), self._message_encoding))


def start_blob_pollers(
    jobs: list[BlobJob],
    receipts: ReceiptStore,
    poison_threshold: int,
    message_encoding: MessageEncoding,
    interval: float,
    threads: ThreadGroup,
) -> None:
    """Poll each job's container every ``interval`` seconds on a thread of ``threads`` until
    the group stops; a failing poll (storage unreachable, say) is logged and retried."""
    for job in jobs:
        poller = BlobPoller(job, receipts, poison_threshold, message_encoding)
        threads.spawn(partial(poll_until_stopped, poller.poll, job.name, interval), name=f"blob-{job.name}")
        LOG.info("%s: watching %s/%s*", job.name, job.path.container, job.path.prefix)


def _blob_type(blob: BlobProperties) -> str:
    return str(getattr(blob.blob_type, "value", blob.blob_type))


def _properties(blob: BlobProperties) -> dict[str, object]:
    """Blob properties under the names the real host's trigger metadata uses."""
    return {
        "BlobType": _blob_type(blob),
        "ContentLength": blob.size,
        "ContentType": blob.content_settings.content_type,
        "ETag": blob.etag,
        "LastModified": blob.last_modified.isoformat() if blob.last_modified else None,
    }
