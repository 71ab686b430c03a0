"""The escalation rules, pure: what a checkpoint records, and where a change of closures moves it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.clock import ClockEvent, clock_state
from shared.domain.sla.closures import Closure, changed_days
from shared.domain.sla.escalation import DEFAULT_MATRIX, Checkpoint, next_checkpoint, replanned
from shared.domain.sla.policy import Clock

ROME = ZoneInfo("Europe/Rome")
SUMMER = (date(2026, 8, 10), date(2026, 8, 21))
FIRST_WEEK, SECOND_WEEK = (date(2026, 8, 10), date(2026, 8, 14)), (date(2026, 8, 17), date(2026, 8, 21))
SUMMER_CHANGED = (datetime(2026, 8, 10, tzinfo=ROME), datetime(2026, 8, 22, tzinfo=ROME))  # its days, [from, until)


def rome(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)


def p4_warning(planned_at: str, left_hours: float, due: str, started: str = "2026-08-07 10:00") -> Checkpoint:
    return Checkpoint(
        "acme",
        "IZ-2026-000001",
        Clock.TAKE_CHARGE,
        1,
        rome(due),
        rome(planned_at),
        timedelta(hours=left_hours),
        rome(started),
    )


def test_a_checkpoint_records_when_it_was_planned_and_the_working_time_its_clock_had_left() -> None:
    calendar = default_calendar(closures=[SUMMER])
    opened, now = rome("2026-08-07 10:00"), rome("2026-08-07 11:00")
    state = clock_state(
        Clock.TAKE_CHARGE, [ClockEvent.start(Clock.TAKE_CHARGE, opened, timedelta(hours=16))], calendar, now
    )
    checkpoint = next_checkpoint(state, DEFAULT_MATRIX, 0, calendar, now, "acme", "IZ-2026-000001")
    assert checkpoint == p4_warning("2026-08-07 11:00", 11, "2026-08-24 15:30")


# fmt: off
REPLANS = [
    # planned at,        left h, due as planned,   closures now,     due now
    ("2026-08-07 11:00", 11,  "2026-08-24 15:30", [],               "2026-08-10 15:30"),  # withdrawn
    ("2026-08-07 11:00", 11,  "2026-08-24 15:30", [SECOND_WEEK],    "2026-08-10 15:30"),  # begun later
    ("2026-08-07 11:00", 11,  "2026-08-24 15:30", [FIRST_WEEK],     "2026-08-17 15:30"),  # shortened
    ("2026-08-07 11:00", 11,  "2026-08-10 15:30", [SUMMER],         "2026-08-24 15:30"),  # announced
    ("2026-08-07 11:00", 0,   "2026-08-07 11:00", [],               "2026-08-07 11:00"),  # due at once
    ("2026-08-10 00:00", 11,  "2026-08-25 12:00", [],               "2026-08-11 12:00"),  # at the change
]
# fmt: on


@pytest.mark.parametrize(("planned_at", "left", "due", "closures", "expected"), REPLANS)
def test_a_checkpoint_planned_before_a_change_of_closures_moves_by_its_working_time_left(
    planned_at: str, left: float, due: str, closures: list[tuple[date, date]], expected: str
) -> None:
    moved = replanned(p4_warning(planned_at, left, due), default_calendar(closures=closures), SUMMER_CHANGED)
    assert moved == p4_warning(planned_at, left, expected)


def test_a_checkpoint_of_a_clock_started_after_the_changed_days_stays_where_it_was() -> None:
    after = p4_warning("2026-08-26 10:00", 11, "2026-08-27 13:30", started="2026-08-24 09:00")
    assert replanned(after, default_calendar(), SUMMER_CHANGED) == after


def test_a_checkpoint_planned_inside_or_after_the_change_of_a_clock_that_ran_before_it_needs_its_ticket() -> None:
    calendar = default_calendar()
    inside = p4_warning("2026-08-12 10:00", 11, "2026-08-25 13:00")
    after = p4_warning("2026-08-24 10:00", 11, "2026-08-25 13:00")
    unrecorded = Checkpoint("acme", "IZ-2026-000001", Clock.TAKE_CHARGE, 1, rome("2026-08-24 15:30"))
    assert [replanned(checkpoint, calendar, SUMMER_CHANGED) for checkpoint in (inside, after, unrecorded)] == [
        None,
        None,
        None,
    ]


def days(text: str | None) -> Closure | None:
    """``'10-21'``: a closure of those days of August 2026."""
    if text is None:
        return None
    first, last = (int(day) for day in text.split("-"))
    return Closure("summer", date(2026, 8, first), date(2026, 8, last), "")


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        (None, "10-21", "10-21"),  # announced
        ("10-21", None, "10-21"),  # withdrawn
        ("10-21", "10-14", "15-21"),  # shortened
        ("10-21", "10-28", "22-28"),  # lengthened
        ("10-21", "3-21", "3-9"),  # begun earlier
        ("10-21", "17-28", "10-28"),  # moved later
        ("10-21", "1-5", "1-21"),  # moved before itself
        ("10-21", "10-21", "10-21"),  # put again unchanged: re-planned again
    ],
)
def test_a_change_of_closures_changes_the_working_time_of_the_days_closed_by_one_and_not_the_other(
    before: str | None, after: str | None, changed: str
) -> None:
    expected = days(changed)
    assert expected is not None
    assert changed_days(days(before), days(after)) == (expected.first_day, expected.last_day)


def test_a_change_of_closures_without_any_closure_is_refused() -> None:
    with pytest.raises(ValueError, match="needs a closure"):
        changed_days(None, None)
