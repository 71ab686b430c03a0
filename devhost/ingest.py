"""``python -m devhost ingest FILE...``: drop raw mail into the inbound container, as the
mailbox connector does on Azure.

Each file (``-`` is standard input) becomes one blob of the ``inbound-email`` container of the
mail storage account (app setting ``MailStorage``; Azurite when it is not set), named
``<yyyy/mm/dd>/<yyyymmddThhmmssZ>-<first 12 hex digits of the SHA-256 of the bytes>.eml`` after
the UTC time of the upload, with content type ``message/rfc822``. A blob is never overwritten:
the same bytes ingested twice within a second are reported as already there. The settings are
the local run's (``local.settings.json``), as ``serve`` and ``sweep`` read them. Like ``sweep``,
the command starts nothing: storage must be listening (``make run`` starts Azurite).

One line per file on standard output: ``FILE: BLOB`` (with ``(already there)`` when it was),
or ``FILE: error: ...`` on standard error. The exit code is 1 when any file failed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from azure.core.exceptions import AzureError, ResourceExistsError
from azure.storage.blob import BlobServiceClient, ContainerClient, ContentSettings

from devhost import PROJECT_ROOT
from devhost.azurite import is_listening
from devhost.connections import MissingConnectionError, resolve_connection
from devhost.settings_file import load_local_settings
from shared.adapters.storage import DEVELOPMENT_STORAGE, connection_string
from shared.adapters.storage_layout import INBOUND_CONTAINER
from shared.config.inbound import MAIL_CONNECTION

CONTENT_TYPE = "message/rfc822"
STDIN = "-"
TIMEOUT_SECONDS = 5

Clock = Callable[[], datetime]


class StorageUnreachableError(RuntimeError):
    """Nothing answers at the blob endpoint of the mail storage account."""


@dataclass(frozen=True)
class Ingested:
    """What became of one file: the blob it is (``existed`` when it was there already), or
    the error that kept it out."""

    source: str
    blob: str | None = None
    existed: bool = False
    error: str | None = None

    def line(self) -> str:
        """The line the command prints for the file."""
        if self.error is not None:
            return f"{self.source}: error: {self.error}"
        return f"{self.source}: {self.blob}{' (already there)' if self.existed else ''}"


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``ingest`` subcommand."""
    parser = subparsers.add_parser(
        "ingest",
        help="upload raw mail files into the inbound-email container",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="a raw RFC 5322 message; - reads standard input")
    parser.add_argument("--container", default=INBOUND_CONTAINER, help="the container (default %(default)s)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Upload every file; 0 when all are in the container, 1 when any is not."""
    load_local_settings(PROJECT_ROOT, os.environ)
    service = BlobServiceClient.from_connection_string(
        mail_connection(os.environ), connection_timeout=TIMEOUT_SECONDS, read_timeout=TIMEOUT_SECONDS
    )
    container = service.get_container_client(args.container)
    try:
        ensure_container(container)
    except (StorageUnreachableError, AzureError) as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    results = ingest(args.files, container, read_stdin=sys.stdin.buffer.read)
    for result in results:
        (sys.stderr if result.error else sys.stdout).write(result.line() + "\n")
    return 1 if any(result.error for result in results) else 0


def mail_connection(environ: Mapping[str, str]) -> str:
    """The connection string of the mail storage account: app setting ``MailStorage`` (or
    ``AzureWebJobsMailStorage``), Azurite when neither is set."""
    try:
        return resolve_connection(MAIL_CONNECTION, environ)
    except MissingConnectionError:
        return connection_string(DEVELOPMENT_STORAGE)


def ensure_container(container: ContainerClient) -> None:
    """Make sure the container exists; StorageUnreachableError, naming the endpoint, when
    nothing listens there."""
    endpoint = urlsplit(container.url)
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    if not is_listening(port, endpoint.hostname or ""):
        raise StorageUnreachableError(
            f"nothing answers at {endpoint.scheme}://{endpoint.netloc}: start Azurite (`make run` does) "
            f"or set {MAIL_CONNECTION} to a reachable account"
        )
    with suppress(ResourceExistsError):
        container.create_container()


def blob_name(data: bytes, at: datetime) -> str:
    """``<yyyy/mm/dd>/<yyyymmddThhmmssZ>-<sha256[:12]>.eml`` for ``data`` uploaded at ``at``
    (an aware instant, written in UTC)."""
    utc = at.astimezone(UTC)
    return f"{utc:%Y/%m/%d}/{utc:%Y%m%dT%H%M%SZ}-{hashlib.sha256(data).hexdigest()[:12]}.eml"


def ingest(
    sources: Sequence[str],
    container: ContainerClient,
    *,
    read_stdin: Callable[[], bytes],
    clock: Clock = lambda: datetime.now(UTC),
) -> list[Ingested]:
    """Upload each source (a path, or ``-`` for ``read_stdin()``) into ``container``, never
    overwriting a blob; what became of each, in order. Nothing raises: a file that cannot be
    read or stored is an ``Ingested`` with its error."""
    return [_ingest_one(source, container, read_stdin, clock) for source in sources]


def _ingest_one(source: str, container: ContainerClient, read_stdin: Callable[[], bytes], clock: Clock) -> Ingested:
    try:
        data = read_stdin() if source == STDIN else Path(source).read_bytes()
    except OSError as error:
        return Ingested(source, error=error.strerror or str(error))
    name = blob_name(data, clock())
    try:
        container.upload_blob(name, data, overwrite=False, content_settings=ContentSettings(content_type=CONTENT_TYPE))
    except ResourceExistsError:
        return Ingested(source, blob=name, existed=True)
    except AzureError as error:
        return Ingested(source, error=f"storage: {str(error).splitlines()[0]}")
    return Ingested(source, blob=name)
