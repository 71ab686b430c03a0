"""The few ``host.json`` settings the local host honours."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devhost.queue_encoding import MessageEncoding

DEFAULT_ROUTE_PREFIX = "api"
DEFAULT_POISON_BLOB_THRESHOLD = 5
DEFAULT_MAX_DEQUEUE_COUNT = 5
DEFAULT_QUEUE_BATCH_SIZE = 16
MAX_QUEUE_BATCH_SIZE = 32

#: A .NET TimeSpan as host.json writes it: ``[d.]hh:mm:ss[.fffffff]``.
_TIMESPAN = re.compile(r"^(?:(?P<days>\d+)\.)?(?P<hours>\d+):(?P<minutes>[0-5]?\d):(?P<seconds>[0-5]?\d(?:\.\d+)?)$")


@dataclass(frozen=True)
class QueueOptions:
    """``extensions.queues``: how message bodies are encoded (``messageEncoding``), how many
    seconds a message that failed stays invisible before its next try (``visibilityTimeout``),
    how many tries a message gets before it is moved to the poison queue
    (``maxDequeueCount``), and how many messages one poll takes (``batchSize``)."""

    message_encoding: MessageEncoding = MessageEncoding.BASE64
    visibility_timeout: float = 0.0
    max_dequeue_count: int = DEFAULT_MAX_DEQUEUE_COUNT
    batch_size: int = DEFAULT_QUEUE_BATCH_SIZE


@dataclass(frozen=True)
class HostConfig:
    """``extensions.http.routePrefix`` (without slashes; empty serves routes at the root),
    ``extensions.blobs.poisonBlobThreshold`` (total tries of a blob before it is poison) and
    the queue options."""

    route_prefix: str = DEFAULT_ROUTE_PREFIX
    poison_blob_threshold: int = DEFAULT_POISON_BLOB_THRESHOLD
    queues: QueueOptions = field(default_factory=QueueOptions)


def load_host_config(root: Path) -> HostConfig:
    """The settings from ``host.json`` under ``root``; defaults for what it (or the file)
    leaves out. A value out of range or malformed raises ValueError naming it."""
    path = root / "host.json"
    if not path.is_file():
        return HostConfig()
    extensions = json.loads(path.read_text(encoding="utf-8")).get("extensions") or {}
    http = extensions.get("http") or {}
    blobs = extensions.get("blobs") or {}
    return HostConfig(
        route_prefix=str(http.get("routePrefix", DEFAULT_ROUTE_PREFIX)).strip("/"),
        poison_blob_threshold=_bounded_int(
            blobs, "poisonBlobThreshold", DEFAULT_POISON_BLOB_THRESHOLD, "extensions.blobs", 1
        ),
        queues=queue_options(extensions.get("queues") or {}),
    )


def queue_options(section: dict[str, Any]) -> QueueOptions:
    """The queue options of an ``extensions.queues`` section (defaults for what it leaves out)."""
    where = "extensions.queues"
    try:
        encoding = MessageEncoding.parse(str(section.get("messageEncoding", MessageEncoding.BASE64.value)))
    except ValueError as error:
        raise ValueError(f"host.json: {where}.messageEncoding: {error}") from None
    timeout = section.get("visibilityTimeout")
    return QueueOptions(
        message_encoding=encoding,
        visibility_timeout=0.0 if timeout is None else timespan_seconds(str(timeout), f"{where}.visibilityTimeout"),
        max_dequeue_count=_bounded_int(section, "maxDequeueCount", DEFAULT_MAX_DEQUEUE_COUNT, where, 1),
        batch_size=_bounded_int(section, "batchSize", DEFAULT_QUEUE_BATCH_SIZE, where, 1, MAX_QUEUE_BATCH_SIZE),
    )


def timespan_seconds(text: str, name: str) -> float:
    """The seconds of a TimeSpan written ``[d.]hh:mm:ss[.fffffff]`` (``00:00:30``); ValueError
    naming the setting ``name`` otherwise."""
    match = _TIMESPAN.match(text.strip())
    if match is None:
        raise ValueError(f"host.json: {name} must look like hh:mm:ss, not {text!r}")
    days, hours, minutes = (int(match.group(part) or 0) for part in ("days", "hours", "minutes"))
    return ((days * 24 + hours) * 60 + minutes) * 60 + float(match.group("seconds"))


def _bounded_int(
    section: dict[str, Any], key: str, default: int, where: str, least: int, most: int | None = None
) -> int:
    value = int(section.get(key, default))
    if value < least or (most is not None and value > most):
        bounds = f"between {least} and {most}" if most is not None else f"at least {least}"
        raise ValueError(f"host.json: {where}.{key} must be {bounds}")
    return value
