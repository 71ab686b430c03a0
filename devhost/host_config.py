"""The few ``host.json`` settings the local host honours."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

DEFAULT_ROUTE_PREFIX = "api"
DEFAULT_POISON_BLOB_THRESHOLD = 5


@dataclass(frozen=True)
class HostConfig:
    """``extensions.http.routePrefix`` (without slashes; empty serves routes at the root) and
    ``extensions.blobs.poisonBlobThreshold`` (total tries of a blob before it is poison)."""

    route_prefix: str = DEFAULT_ROUTE_PREFIX
    poison_blob_threshold: int = DEFAULT_POISON_BLOB_THRESHOLD


def load_host_config(root: Path) -> HostConfig:
    """The settings from ``host.json`` under ``root``; defaults for what it (or the file)
    leaves out."""
    path = root / "host.json"
    if not path.is_file():
        return HostConfig()
    extensions = json.loads(path.read_text(encoding="utf-8")).get("extensions") or {}
    http = extensions.get("http") or {}
    blobs = extensions.get("blobs") or {}
    threshold = int(blobs.get("poisonBlobThreshold", DEFAULT_POISON_BLOB_THRESHOLD))
    if threshold < 1:
        raise ValueError("host.json: extensions.blobs.poisonBlobThreshold must be at least 1")
    return HostConfig(
        route_prefix=str(http.get("routePrefix", DEFAULT_ROUTE_PREFIX)).strip("/"),
        poison_blob_threshold=threshold,
    )
