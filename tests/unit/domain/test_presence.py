"""Presence marks: current for two and a half heartbeats (half-open), ``since`` kept while the
state holds, the others listed longest present first, the expired ones handed back to delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.presence import PresenceMark, current_others, expired, expires_after, heartbeat

BEAT = timedelta(seconds=10)
T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
TICKET = "IZ-2026-000123"


def mark(handle: str, *, seen: float, since: float | None = None, composing: bool = False) -> PresenceMark:
    """``handle``'s mark, last seen ``seen`` seconds after T0, in its state since ``since``."""
    at = T0 + timedelta(seconds=seen)
    return PresenceMark(
        TICKET, handle, handle.title(), composing, at if since is None else T0 + timedelta(seconds=since), at
    )


def test_a_mark_lasts_two_and_a_half_heartbeats() -> None:
    assert expires_after(BEAT) == timedelta(seconds=25)


@pytest.mark.parametrize(
    ("age", "current"),
    [(0, True), (10, True), (24.999, True), (25, False), (60, False)],
)
def test_a_mark_is_current_until_two_and_a_half_heartbeats_old_that_instant_excluded(age: float, current: bool) -> None:
    now = T0 + timedelta(seconds=age)
    olga = mark("olga", seen=0)
    assert (current_others([olga], "sue", now, BEAT) == [olga]) is current
    assert (expired([olga], now, BEAT) == [olga]) is not current


# previous mark (seen, since, composing) or None; the new beat (seconds after T0, composing); its since
SINCE = [
    pytest.param(None, (0, False), 0, id="a first heartbeat starts the presence"),
    pytest.param((0, 0, False), (10, False), 0, id="a beat in the same state keeps since"),
    pytest.param((10, 0, False), (20, True), 20, id="starting to compose starts a new since"),
    pytest.param((20, 20, True), (30, False), 30, id="stopping composing starts a new since"),
    pytest.param((0, 0, False), (25, False), 25, id="a beat after the mark expired starts anew"),
    pytest.param((0, 0, False), (24, False), 0, id="a late beat within the expiry keeps since"),
]


@pytest.mark.parametrize(("previous", "beat", "since"), SINCE)
def test_since_is_when_the_present_state_began(
    previous: tuple[float, float, bool] | None, beat: tuple[float, bool], since: float
) -> None:
    before = None if previous is None else mark("olga", seen=previous[0], since=previous[1], composing=previous[2])
    at, composing = T0 + timedelta(seconds=beat[0]), beat[1]

    left = heartbeat(before, TICKET, "olga", "Olga", composing=composing, now=at, interval=BEAT)

    assert left == PresenceMark(TICKET, "olga", "Olga", composing, T0 + timedelta(seconds=since), at)


def test_the_others_leave_out_the_caller_and_the_expired_longest_present_first() -> None:
    now = T0 + timedelta(seconds=30)
    marks = [
        mark("sue", seen=29, since=20, composing=True),
        mark("olga", seen=28, since=5),
        mark("otto", seen=2),  # 28 s old: expired
        mark("sam", seen=30, since=5),
    ]

    others = current_others(marks, "sam", now, BEAT)

    assert [(other.handle, other.composing) for other in others] == [("olga", False), ("sue", True)]
    assert [gone.handle for gone in expired(marks, now, BEAT)] == ["otto"]
