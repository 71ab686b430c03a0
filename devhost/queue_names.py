"""Storage queue names as the Functions host treats them: lower-cased and validated, and the
poison queue that goes with each."""

from __future__ import annotations

import re

POISON_SUFFIX = "-poison"

_VALID = re.compile(r"^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$")


def normalize_queue_name(name: str) -> str:
    """``name`` in lower case, as the host reads a trigger's queue name; ValueError when it is
    not a valid queue name (3-63 letters, digits and single hyphens, starting and ending with
    a letter or digit)."""
    lowered = name.lower()
    if not _VALID.match(lowered):
        raise ValueError(f"{name!r} is not a valid queue name")
    return lowered


def poison_queue_name(name: str) -> str | None:
    """``<name>-poison``, where failed messages of queue ``name`` end; None for a queue that
    has none: one that is a poison queue already (its name ends in ``-poison``) or whose name
    is too long to take the suffix."""
    if name.endswith(POISON_SUFFIX):
        return None
    candidate = name + POISON_SUFFIX
    return candidate if _VALID.match(candidate) else None
