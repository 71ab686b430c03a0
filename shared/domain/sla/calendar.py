"""The SLA calendar: when the desk works, and how much working time lies between two instants.

Every deadline the desk promises is computed here, so the semantics are exact and stated once:

* **Working intervals** are half-open ``[opening, closing)`` local wall-clock spans of a day
  (Monday–Friday 09:00–13:00 and 14:30–18:30 for the vendor), at minute precision, in the
  calendar's time zone (Europe/Rome for the vendor, so the offset follows daylight saving time).
* **A day's hours** come from the first rule that speaks for it, most specific first: a dated
  exception (it replaces the day's hours, e.g. 24 December 09:00–13:00, or none at all), then a
  closure period or a holiday (no hours), then the weekly pattern.
* **Working time** is elapsed real time inside working intervals. Instants are compared in UTC,
  so a working interval on a day when the clocks change lasts what it really lasts.
* Every method accepts any time-zone-aware ``datetime`` and returns aware UTC datetimes; a naive
  ``datetime`` is refused with ``ValueError`` rather than guessed at.

Internally a year is laid out once (its days' intervals as UTC microseconds and the running total
of working time at each day's start), so a long span costs a binary search, not a day-by-day walk.
This module is pure: standard library plus the ``holidays`` package.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "VENDOR_WEEK",
    "CalendarConfigError",
    "SlaCalendar",
    "default_calendar",
]

Hours = Sequence[tuple[time, time]]
"""A day's working intervals: ``(opening, closing)`` local wall-clock pairs, in order."""

_MORNING = (time(9, 0), time(13, 0))
_AFTERNOON = (time(14, 30), time(18, 30))

#: The vendor's week: Monday (0) to Friday (4), 09:00–13:00 and 14:30–18:30.
VENDOR_WEEK: Mapping[int, Hours] = dict.fromkeys(range(5), (_MORNING, _AFTERNOON))

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_HORIZON_YEARS = 100
"""How far past an instant the calendar looks for working time before it gives up."""


class CalendarConfigError(ValueError):
    """The calendar's configuration is invalid; the message lists every problem found."""


def _to_micros(at: datetime, name: str) -> int:
    if not isinstance(at, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(at).__name__}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be time-zone aware; naive datetimes are refused: {at!r}")
    return (at - _EPOCH) // _MICROSECOND


def _from_micros(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _duration_micros(duration: timedelta) -> int:
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, not {type(duration).__name__}")
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative: {duration}")
    return duration // _MICROSECOND


@dataclass(frozen=True, slots=True)
class _Year:
    """One calendar year laid out for arithmetic.

    ``days[i]`` holds day ``first + i``'s working intervals as ``(start, end)`` UTC microseconds;
    ``before[i]`` is the working time of days ``0 .. i-1`` (so ``before[-1]`` is the year's total);
    ``working_days`` lists the indices of the days that have any working time.
    """

    number: int
    first: int
    days: tuple[tuple[tuple[int, int], ...], ...]
    before: tuple[int, ...]
    working_days: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.before[-1]


class SlaCalendar:
    """A working-time calendar: a weekly pattern, holidays, closures and dated exceptions.

    Immutable once built; safe to share between threads. Build the vendor's with
    :func:`default_calendar`, or another site's with this constructor.
    """

    def __init__(
        self,
        *,
        zone: str = "Europe/Rome",
        week: Mapping[int, Hours] = VENDOR_WEEK,
        country: str | None = "IT",
        subdivision: str | None = "PE",
        extra_holidays: Iterable[date] = (),
        closures: Iterable[tuple[date, date]] = (),
        exceptions: Mapping[date, Hours] | None = None,
    ) -> None:
        """Validate the configuration and keep it; raise :class:`CalendarConfigError` naming every
        problem at once.

        ``week`` maps a weekday (Monday 0 … Sunday 6) to its intervals; missing days are closed.
        ``country``/``subdivision`` select public holidays from the ``holidays`` package (``None``
        for none). ``closures`` are inclusive ``(first_day, last_day)`` date ranges.
        ``exceptions`` maps a date to the intervals that replace that day's hours (empty: closed).
        """
        problems: list[str] = []
        self._zone = _check_zone(zone, problems)
        self._week = {weekday: _check_hours(f"weekday {weekday}", hours, problems) for weekday, hours in week.items()}
        for weekday in self._week:
            if not isinstance(weekday, int) or not 0 <= weekday <= 6:
                problems.append(f"weekday {weekday!r} is not 0 (Monday) to 6 (Sunday)")
        if not any(self._week.values()):
            problems.append("the week has no working interval")
        self._holiday_source = _check_holiday_source(country, subdivision, problems)
        self._extra_holidays = frozenset(_check_dates("extra holiday", extra_holidays, problems))
        self._closures = tuple(_check_closures(closures, problems))
        self._exceptions = {
            day: _check_hours(f"exception on {day}", hours, problems) for day, hours in (exceptions or {}).items()
        }
        _check_dates("exception", self._exceptions, problems)
        if problems:
            raise CalendarConfigError("invalid calendar configuration: " + "; ".join(problems))
        self._years: dict[int, _Year] = {}
        self._public_holidays: dict[int, frozenset[date]] = {}
        self._lock = threading.Lock()

    @property
    def zone(self) -> ZoneInfo:
        """The time zone in which working intervals are read."""
        return self._zone

    # --- queries -------------------------------------------------------------------------------

    def hours_on(self, day: date) -> Hours:
        """The local working intervals of ``day`` after exceptions, closures and holidays."""
        if day in self._exceptions:
            return self._exceptions[day]
        if self.is_closed_day(day):
            return ()
        return self._week.get(day.weekday(), ())

    def is_closed_day(self, day: date) -> bool:
        """``day`` is a holiday, an extra holiday or inside a closure period (whatever its weekday)."""
        return (
            day in self._extra_holidays
            or any(first <= day <= last for first, last in self._closures)
            or (self._holiday_source is not None and day in self._holidays_of(day.year))
        )

    def is_working_time(self, at: datetime) -> bool:
        """``at`` lies inside a working interval: the opening instant is working time, the closing
        instant is not (at 13:00 the desk is closed)."""
        micros = _to_micros(at, "at")
        year, index = self._locate(at)
        return any(start <= micros < end for start, end in year.days[index])

    def next_working_time(self, at: datetime) -> datetime:
        """``at`` itself (in UTC) when it is working time, else the next opening after it."""
        micros = _to_micros(at, "at")
        year, index = self._locate(at)
        for start, end in year.days[index]:
            if micros < end:
                return _from_micros(max(start, micros))
        year, index = self._next_working_day(year, index)
        return _from_micros(year.days[index][0][0])

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which ``duration`` of working time has elapsed since ``start``.

        ``09:00 + 4h`` is ``13:00`` the same day (the end of the interval, not the next opening);
        a zero duration returns ``start`` itself, whether or not it is working time. The duration
        must not be negative. The result is an aware UTC datetime.
        """
        micros = _to_micros(start, "start")
        remaining = _duration_micros(duration)
        if remaining == 0:
            return _from_micros(micros)
        year, index = self._locate(start)
        for begin, end in year.days[index]:
            if end <= micros:
                continue
            available = end - max(begin, micros)
            if remaining <= available:
                return _from_micros(max(begin, micros) + remaining)
            remaining -= available
        # The rest falls on later days: find the day on which the running total reaches it.
        target = year.before[index + 1] + remaining
        while target > year.total:
            target -= year.total
            year = self._following_year(year, start.year)
        day = bisect_left(year.before, target) - 1
        remaining = target - year.before[day]
        for begin, end in year.days[day]:
            if remaining <= end - begin:
                return _from_micros(begin + remaining)
            remaining -= end - begin
        raise AssertionError("unreachable: the running total located the day")  # pragma: no cover

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """The working time in ``[start, end)``; negative (the same amount) when ``end < start``."""
        start_micros = _to_micros(start, "start")
        end_micros = _to_micros(end, "end")
        if end_micros < start_micros:
            return -self.working_time_between(end, start)
        start_year, start_elapsed = self._elapsed_in_year(start, start_micros)
        end_year, end_elapsed = self._elapsed_in_year(end, end_micros)
        between = end_elapsed - start_elapsed
        for number in range(start_year.number, end_year.number):
            between += self._year(number).total
        return timedelta(microseconds=between)

    def end_of_working_day(self, at: datetime, days: int) -> datetime:
        """The closing instant of the ``days``-th working day counted from ``at``.

        The working day in progress at ``at`` counts as day 0 once any of its working time has
        passed; a working day that has not started yet (``at`` is at or before its first opening,
        e.g. at night or on a weekend) counts as day 1. ``days`` must be at least 1.
        """
        if days < 1:
            raise ValueError(f"days must be at least 1: {days}")
        micros = _to_micros(at, "at")
        year, index = self._locate(at)
        intervals = year.days[index]
        if not intervals or micros > intervals[0][0]:
            days_left = days  # today has started (or has no hours): count from tomorrow
        else:
            days_left = days - 1
            if days_left == 0:
                return _from_micros(intervals[-1][1])
        position = bisect_right(year.working_days, index)
        while position + days_left > len(year.working_days):
            days_left -= len(year.working_days) - position
            year, position = self._following_year(year, at.year), 0
        day = year.working_days[position + days_left - 1]
        return _from_micros(year.days[day][-1][1])

    # --- internals -----------------------------------------------------------------------------

    def _locate(self, at: datetime) -> tuple[_Year, int]:
        """The laid-out year of ``at``'s local date and the date's index in it."""
        local_day = at.astimezone(self._zone).date()
        year = self._year(local_day.year)
        return year, local_day.toordinal() - year.first

    def _elapsed_in_year(self, at: datetime, micros: int) -> tuple[_Year, int]:
        """``at``'s year and the working time from that year's start to ``at``."""
        year, index = self._locate(at)
        elapsed = year.before[index]
        for start, end in year.days[index]:
            elapsed += max(0, min(end, micros) - start)
        return year, elapsed

    def _next_working_day(self, year: _Year, index: int) -> tuple[_Year, int]:
        """The first day after ``year``'s day ``index`` that has working time."""
        origin = year.number
        position = bisect_right(year.working_days, index)
        while position == len(year.working_days):
            year, position = self._following_year(year, origin), 0
        return year, year.working_days[position]

    def _following_year(self, year: _Year, origin: int) -> _Year:
        """The year after ``year``; refuses to look more than the horizon past year ``origin``."""
        if year.number + 1 > min(origin + _HORIZON_YEARS, 9999):
            raise ValueError(f"no working time within {_HORIZON_YEARS} years after {origin}")
        return self._year(year.number + 1)

    def _year(self, number: int) -> _Year:
        year = self._years.get(number)
        if year is None:
            with self._lock:
                year = self._years.get(number)
                if year is None:
                    year = self._lay_out(number)
                    self._years[number] = year
        return year

    def _lay_out(self, number: int) -> _Year:
        first = date(number, 1, 1)
        count = (date(number, 12, 31) - first).days + 1
        days: list[tuple[tuple[int, int], ...]] = []
        before = [0]
        for offset in range(count):
            day = first + timedelta(days=offset)
            intervals = tuple(
                (start, end)
                for start, end in (
                    (self._instant(day, opening), self._instant(day, closing))
                    for opening, closing in self.hours_on(day)
                )
                if end > start
            )
            days.append(intervals)
            before.append(before[-1] + sum(end - start for start, end in intervals))
        working_days = tuple(index for index, intervals in enumerate(days) if intervals)
        return _Year(number, first.toordinal(), tuple(days), tuple(before), working_days)

    def _instant(self, day: date, wall: time) -> int:
        """UTC microseconds of a local wall-clock time (the earlier one in a repeated hour)."""
        return (datetime.combine(day, wall, tzinfo=self._zone) - _EPOCH) // _MICROSECOND

    def _holidays_of(self, year: int) -> frozenset[date]:
        """The public holidays of ``year`` (looked up once per year: the lookup is slow)."""
        found = self._public_holidays.get(year)
        if found is None:
            country, subdivision = self._holiday_source or ("", None)
            found = frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))
            self._public_holidays[year] = found
        return found


def default_calendar(
    *,
    closures: Iterable[tuple[date, date]] = (),
    extra_holidays: Iterable[date] = (),
    exceptions: Mapping[date, Hours] | None = None,
) -> SlaCalendar:
    """The vendor's calendar: Monday–Friday 09:00–13:00 and 14:30–18:30 Europe/Rome, without
    Italian national holidays and the feast of Pescara's patron saint (10 October), plus the
    closure periods, extra holidays and dated exceptions given here."""
    return SlaCalendar(
        zone="Europe/Rome",
        week=VENDOR_WEEK,
        country="IT",
        subdivision="PE",
        extra_holidays=extra_holidays,
        closures=closures,
        exceptions=exceptions,
    )


# --- validation ----------------------------------------------------------------------------------


def _check_zone(zone: str, problems: list[str]) -> ZoneInfo:
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        problems.append(f"time zone {zone!r} is unknown")
        return ZoneInfo("UTC")


def _check_hours(owner: str, hours: Hours, problems: list[str]) -> tuple[tuple[time, time], ...]:
    checked: list[tuple[time, time]] = []
    for pair in hours:
        if not (isinstance(pair, tuple | list) and len(pair) == 2 and all(isinstance(t, time) for t in pair)):
            problems.append(f"{owner}: {pair!r} is not an (opening, closing) pair of times")
            continue
        opening, closing = pair
        if any(t.tzinfo is not None for t in pair):
            problems.append(f"{owner}: {opening}–{closing} must be wall-clock times without a zone")
        elif any(t.second or t.microsecond for t in pair):
            problems.append(f"{owner}: {opening}–{closing} is not at minute precision")
        elif closing <= opening:
            problems.append(f"{owner}: {opening:%H:%M}–{closing:%H:%M} does not close after it opens")
        elif checked and opening < checked[-1][1]:
            problems.append(f"{owner}: {opening:%H:%M}–{closing:%H:%M} overlaps or precedes the interval before")
        else:
            checked.append((opening, closing))
    return tuple(checked)


def _check_holiday_source(
    country: str | None, subdivision: str | None, problems: list[str]
) -> tuple[str, str | None] | None:
    if country is None:
        if subdivision is not None:
            problems.append(f"subdivision {subdivision!r} needs a country")
        return None
    supported = holidays.list_supported_countries()
    if country not in supported:
        problems.append(f"country {country!r} has no holiday calendar")
    elif subdivision is not None and subdivision not in supported[country]:
        problems.append(f"subdivision {subdivision!r} is not one of {country!r}")
    return country, subdivision


def _check_dates(owner: str, days: Iterable[date], problems: list[str]) -> list[date]:
    checked = []
    for day in days:
        if isinstance(day, datetime) or not isinstance(day, date):
            problems.append(f"{owner} {day!r} is not a date")
        else:
            checked.append(day)
    return checked


def _check_closures(closures: Iterable[tuple[date, date]], problems: list[str]) -> list[tuple[date, date]]:
    checked = []
    for closure in closures:
        try:
            first, last = closure
        except (TypeError, ValueError):
            problems.append(f"closure {closure!r} is not a (first_day, last_day) pair")
            continue
        if len(_check_dates("closure day", (first, last), problems)) < 2:
            continue
        if last < first:
            problems.append(f"closure {first}–{last} ends before it starts")
        else:
            checked.append((first, last))
    return checked
