"""Timer schedules: six-field NCRONTAB expressions and TimeSpan intervals, in UTC.

An NCRONTAB expression has six fields, ``second minute hour day month day-of-week``. Each
field is ``*``, a value, a range ``a-b``, or a comma list of those; any of them may carry a
step (``*/5``, ``10-40/10``, and ``a/n`` meaning from ``a`` to the field's maximum every
``n``). Months may be named (``Jan``..``Dec``) and days of the week too (``Sun``..``Sat``;
numbers 0-6 with Sunday 0); names are case-insensitive, three letters or longer prefixes of
the full name. As in NCrontab, which the Functions host uses, a day must match both the
day-of-month and the day-of-week field.

A TimeSpan ``hh:mm:ss`` (or ``d.hh:mm:ss``) is an interval instead: each occurrence follows
the previous one by that much.

Next occurrences are found field by field (month, then day, hour, minute, second), never by
stepping through the seconds between.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

_MONTHS = [name.lower() for name in calendar.month_name[1:]]
_DAYS_OF_WEEK = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

#: How far ahead an occurrence is looked for: more than a full Gregorian cycle.
_SEARCH_YEARS = 401


class Schedule(Protocol):
    """When a timer fires."""

    def next_after(self, instant: datetime) -> datetime:
        """The first occurrence strictly after ``instant`` (aware), in UTC."""
        ...


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()


_FIELDS = (
    _Field("second", 0, 59),
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day", 1, 31),
    _Field("month", 1, 12, tuple(_MONTHS)),
    _Field("day-of-week", 0, 6, tuple(_DAYS_OF_WEEK)),
)


@dataclass(frozen=True)
class CronSchedule:
    """A parsed NCRONTAB expression: the sorted values each field allows."""

    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]
    months: tuple[int, ...]
    days_of_week: frozenset[int]

    def next_after(self, instant: datetime) -> datetime:
        """The first instant strictly after ``instant`` (whole seconds, UTC) that every
        field allows."""
        start = instant.astimezone(UTC).replace(microsecond=0) + timedelta(seconds=1)
        for year in range(start.year, start.year + _SEARCH_YEARS):
            for month in _from(self.months, start.month if year == start.year else 1):
                same_month = (year, month) == (start.year, start.month)
                for day in self._days_of(year, month, start.day if same_month else 1):
                    same_day = same_month and day == start.day
                    clock = self._first_time_from(
                        *((start.hour, start.minute, start.second) if same_day else (0, 0, 0))
                    )
                    if clock is not None:
                        return datetime(year, month, day, *clock, tzinfo=UTC)
        raise ValueError("the schedule has no occurrence")  # excluded when parsing

    def _days_of(self, year: int, month: int, first: int) -> list[int]:
        """The days of ``year-month`` from ``first`` on that both day fields allow."""
        length = calendar.monthrange(year, month)[1]
        return [
            day
            for day in _from(self.days, first)
            if day <= length and _weekday_sunday_zero(year, month, day) in self.days_of_week
        ]

    def _first_time_from(self, hour: int, minute: int, second: int) -> tuple[int, int, int] | None:
        """The earliest allowed time of day at or after ``hour:minute:second``, if any."""
        for h in _from(self.hours, hour):
            for m in _from(self.minutes, minute if h == hour else 0):
                seconds = _from(self.seconds, second if (h, m) == (hour, minute) else 0)
                if seconds:
                    return h, m, seconds[0]
        return None


@dataclass(frozen=True)
class IntervalSchedule:
    """A TimeSpan schedule: an occurrence every ``interval``."""

    interval: timedelta

    def next_after(self, instant: datetime) -> datetime:
        """``instant`` plus the interval, in UTC."""
        return instant.astimezone(UTC) + self.interval


def parse_schedule(expression: str) -> CronSchedule | IntervalSchedule:
    """Parse an NCRONTAB expression or a TimeSpan (after ``%NAME%`` references have been
    expanded); raises ValueError naming the faulty field."""
    text = expression.strip()
    if re.fullmatch(r"(\d+\.)?\d{1,2}:\d{1,2}(:\d{1,2})?", text):
        return _parse_timespan(text)
    fields = text.split()
    if len(fields) != len(_FIELDS):
        raise ValueError(
            f"schedule {expression!r} has {len(fields)} fields; NCRONTAB needs 6 "
            "(second minute hour day month day-of-week)"
        )
    seconds, minutes, hours, days, months, days_of_week = (
        _parse_field(value, spec) for value, spec in zip(fields, _FIELDS, strict=True)
    )
    if not any(day <= _longest_month(month) for month in months for day in days):
        raise ValueError(f"schedule {expression!r} names a day that none of its months has")
    return CronSchedule(seconds, minutes, hours, days, months, frozenset(days_of_week))


def _parse_timespan(text: str) -> IntervalSchedule:
    days, _, clock = text.rpartition(".")
    hours, minutes, *rest = (int(part) for part in clock.split(":"))
    seconds = rest[0] if rest else 0
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"TimeSpan {text!r} is out of range")
    interval = timedelta(days=int(days or 0), hours=hours, minutes=minutes, seconds=seconds)
    if interval <= timedelta(0):
        raise ValueError(f"TimeSpan {text!r} must be longer than zero")
    return IntervalSchedule(interval)


def _parse_field(text: str, spec: _Field) -> tuple[int, ...]:
    """The sorted values a field allows."""
    values: set[int] = set()
    for item in text.split(","):
        range_text, _, step_text = item.partition("/")
        step = _parse_step(step_text, spec) if step_text else 1
        if range_text == "*":
            low, high = spec.low, spec.high
        elif "-" in range_text:
            first, _, last = range_text.partition("-")
            low, high = _parse_value(first, spec), _parse_value(last, spec)
            if low > high:
                raise ValueError(f"{spec.name} range {range_text!r} runs backwards")
        else:
            low = _parse_value(range_text, spec)
            high = spec.high if step_text else low
        values.update(range(low, high + 1, step))
    return tuple(sorted(values))


def _parse_step(text: str, spec: _Field) -> int:
    if not text.isdigit() or int(text) == 0:
        raise ValueError(f"{spec.name} step {text!r} must be a positive number")
    return int(text)


def _parse_value(text: str, spec: _Field) -> int:
    value = int(text) if text.isdigit() else _value_of_name(text.lower(), spec)
    if not spec.low <= value <= spec.high:
        raise ValueError(f"{spec.name} {text!r} is outside {spec.low}-{spec.high}")
    return value


def _value_of_name(text: str, spec: _Field) -> int:
    if len(text) >= 3:
        for offset, name in enumerate(spec.names):
            if name.startswith(text):
                return spec.low + offset
    raise ValueError(f"{spec.name} {text!r} is neither a number nor a name")


def _from(values: tuple[int, ...], first: int) -> tuple[int, ...]:
    """The sorted ``values`` from ``first`` on."""
    return values[bisect_left(values, first) :]


def _weekday_sunday_zero(year: int, month: int, day: int) -> int:
    return (calendar.weekday(year, month, day) + 1) % 7


def _longest_month(month: int) -> int:
    return calendar.monthrange(2000, month)[1]  # 2000 is a leap year: February has 29 days
