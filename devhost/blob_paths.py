"""Blob trigger paths: ``container/pattern``, where the pattern may hold ``{name}`` parts."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class BlobPath:
    """A trigger path split into its container and a matcher for blob names.

    ``inbound-email/{name}`` watches every blob of ``inbound-email``;
    ``inbound-email/raw/{name}.eml`` only blobs under ``raw/`` ending in ``.eml``. A ``{...}``
    part matches one or more characters, slashes included.
    """

    container: str
    prefix: str
    """The literal start of the blob pattern, before its first ``{``: what listing asks for."""
    pattern: re.Pattern[str]

    def matches(self, blob_name: str) -> bool:
        """Whether the trigger fires for a blob of this name in the container."""
        return self.pattern.fullmatch(blob_name) is not None


def parse_blob_path(path: str) -> BlobPath:
    """Parse a trigger path whose ``%NAME%`` references are already expanded; raises
    ValueError when the container part is missing or holds a ``{...}`` expression."""
    container, _, blob_pattern = path.strip("/").partition("/")
    if not container or "{" in container:
        raise ValueError(f"blob path {path!r} must start with a literal container name")
    parts = re.split(r"\{[^{}]*\}", blob_pattern)
    regex = ".+".join(re.escape(part) for part in parts) if blob_pattern else ".+"
    return BlobPath(container=container, prefix=parts[0], pattern=re.compile(regex, re.DOTALL))
