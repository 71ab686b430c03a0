"""Presence on a ticket: who else has its screen open, and who is writing a reply.

A member of staff with a ticket's screen open sends a heartbeat every ``heartbeat`` (a setting);
each heartbeat leaves a :class:`PresenceMark`. A mark is *current* while it is younger than
:data:`EXPIRY_HEARTBEATS` heartbeats (half-open: a mark exactly that old has expired), so a
person who closed the screen, lost the network or signed out disappears on their own, with no
"leave" message, after two and a half heartbeats at most (two missed beats are forgiven, the
third is not). An expired mark is shown to nobody and is there only to be deleted.

``since`` is when the person's present state (viewing, or composing) began: a heartbeat that
finds its own current mark in the same state keeps it; one that changes state, or comes after
the mark expired, starts it anew.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["EXPIRY_HEARTBEATS", "PresenceMark", "current_others", "expired", "expires_after", "heartbeat"]

#: How many heartbeats a mark stays current.
EXPIRY_HEARTBEATS = 2.5


@dataclass(frozen=True)
class PresenceMark:
    """``handle`` (named ``name``) has the ticket open, ``composing`` a reply or note or not,
    in that state since ``since``; the last heartbeat came at ``seen_at``."""

    ticket_id: str
    handle: str
    name: str
    composing: bool
    since: datetime
    seen_at: datetime


def expires_after(interval: timedelta) -> timedelta:
    """How long a mark stays current when heartbeats come every ``interval``."""
    return interval * EXPIRY_HEARTBEATS


def _current(mark: PresenceMark, now: datetime, interval: timedelta) -> bool:
    return now - mark.seen_at < expires_after(interval)


def heartbeat(
    previous: PresenceMark | None,
    ticket_id: str,
    handle: str,
    name: str,
    *,
    composing: bool,
    now: datetime,
    interval: timedelta,
) -> PresenceMark:
    """The mark a heartbeat at ``now`` leaves, given the person's ``previous`` mark (None: none)."""
    same_state = previous is not None and previous.composing == composing and _current(previous, now, interval)
    since = previous.since if same_state and previous is not None else now
    return PresenceMark(ticket_id, handle, name, composing, since, now)


def current_others(
    marks: Iterable[PresenceMark], handle: str, now: datetime, interval: timedelta
) -> list[PresenceMark]:
    """The current marks of everyone but ``handle``, longest present first (then by name)."""
    others = [mark for mark in marks if mark.handle != handle and _current(mark, now, interval)]
    return sorted(others, key=lambda mark: (mark.since, mark.name, mark.handle))


def expired(marks: Iterable[PresenceMark], now: datetime, interval: timedelta) -> list[PresenceMark]:
    """The marks that are no longer current: to be deleted by whoever read them."""
    return [mark for mark in marks if not _current(mark, now, interval)]
