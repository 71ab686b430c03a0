"""An independent cross-check of ``shared.domain.sla.calendar`` against a deliberately naive reference.

The reference calendar below shares nothing with the production code. It does not use the
``holidays`` package: the Italian national holidays are written out by hand, Easter comes from a
Gregorian computus of its own, and the calendar is the explicit list of every working interval,
day by day, converted to UTC with ``zoneinfo``. Queries are answered by walking that list; only
the first interval of interest is located with ``bisect`` so that thousands of random cases stay
fast. Nothing here is clever on purpose: when the two disagree, the contract decides which one
is wrong.

Every random test draws from its own ``random.Random`` seeded with a string that names the base
seed, the test and the calendar, and every failure message prints it. Set ``SLA_CALENDAR_SEED``
to explore other draws; a failing draw replays with the same value.
"""

from __future__ import annotations

import os
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from shared.domain.sla.calendar import default_calendar

pytestmark = pytest.mark.unit

ROME = ZoneInfo("Europe/Rome")
ZERO = timedelta(0)
WORKING_DAY = timedelta(hours=8)

BASE_SEED = os.environ.get("SLA_CALENDAR_SEED", "20260401")

#: Random instants fall in these years; the reference covers a margin on both sides, so that a
#: walk of 30 working days from late 2030 (or a long interval) never leaves it.
FIRST_YEAR, LAST_YEAR = 2024, 2030
REFERENCE_FIRST_DAY = date(FIRST_YEAR - 1, 1, 1)
REFERENCE_LAST_DAY = date(LAST_YEAR + 2, 12, 31)

#: Working intervals of a working day, local wall time.
SHIFTS = ((time(9, 0), time(13, 0)), (time(14, 30), time(18, 30)))
BOUNDARIES = (time(9, 0), time(13, 0), time(14, 30), time(18, 30))
BOUNDARY_NUDGES = (
    ZERO,
    timedelta(minutes=1),
    -timedelta(minutes=1),
    timedelta(seconds=1),
    -timedelta(seconds=1),
    timedelta(microseconds=1),
    -timedelta(microseconds=1),
)

#: One closure runs across New Year (and over its holidays), one spans the October DST change,
#: one covers a whole Easter weekend, one is a plain summer fortnight.
CLOSURES = (
    (date(2025, 12, 22), date(2026, 1, 9)),
    (date(2027, 8, 9), date(2027, 8, 20)),
    (date(2028, 10, 27), date(2028, 10, 31)),
    (date(2029, 3, 30), date(2029, 4, 3)),
)
#: 19 March 2026 is a Thursday; 4 October 2024 a Friday before San Francesco was a holiday again;
#: 26 March 2027 the Friday before the spring DST change; 26 December 2025 is already a holiday.
EXTRA_HOLIDAYS = (date(2026, 3, 19), date(2024, 10, 4), date(2027, 3, 26), date(2025, 12, 26), date(2030, 6, 3))


# --- the reference ------------------------------------------------------------------------------


def gregorian_easter(year: int) -> date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian computus, worked in integers)."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    moon_correction = (century + 8) // 25
    solar_correction = (century - moon_correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - solar_correction + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday_shift = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    late_correction = (golden + 11 * epact + 22 * weekday_shift) // 451
    month, day = divmod(epact + weekday_shift - 7 * late_correction + 114, 31)
    return date(year, month, day + 1)


#: Fixed-date national holidays, plus 10 October, San Cetteo, patron saint of Pescara.
FIXED_HOLIDAYS = (
    (1, 1),  # Capodanno
    (1, 6),  # Epifania
    (4, 25),  # Liberazione
    (5, 1),  # Festa del lavoro
    (6, 2),  # Festa della Repubblica
    (8, 15),  # Ferragosto
    (10, 10),  # San Cetteo (Pescara)
    (11, 1),  # Ognissanti
    (12, 8),  # Immacolata
    (12, 25),  # Natale
    (12, 26),  # Santo Stefano
)


@cache
def italian_holidays(year: int) -> frozenset[date]:
    """Days off in Pescara in a year, written out by hand.

    4 October (San Francesco d'Assisi, patron saint of Italy) became a national holiday again by
    a 2025 Italian law, from 2026 on. ``holidays`` 0.109, which production uses, agrees: checked
    with ``holidays.country_holidays('IT', subdiv='PE', years=...)`` for 2020–2035, it lists
    4 October from 2026 on and not before (4 October 2024 is a Friday and stays a working day),
    so the reference does the same. Beyond that the package lists exactly the days below, plus
    "National Unity Day" on the first Sunday of November: that day is no day off and always a
    Sunday, so it changes no working interval and the reference leaves it out.
    """
    days = {date(year, month, day) for month, day in FIXED_HOLIDAYS}
    easter = gregorian_easter(year)
    days |= {easter, easter + timedelta(days=1)}
    if year >= 2026:
        days.add(date(year, 10, 4))
    return frozenset(days)


def days_between(first: date, last: date) -> list[date]:
    """Every day from first to last, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


class ReferenceCalendar:
    """The explicit, sorted list of UTC working intervals [start, end), and linear walks over it."""

    def __init__(self, *, closures: Iterable[tuple[date, date]] = (), extra_holidays: Iterable[date] = ()) -> None:
        closed = set(extra_holidays)
        for first, last in closures:
            closed.update(days_between(first, last))
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        for day in days_between(REFERENCE_FIRST_DAY, REFERENCE_LAST_DAY):
            if day.weekday() >= 5 or day in closed or day in italian_holidays(day.year):
                continue
            for opening, closing in SHIFTS:
                self.starts.append(datetime.combine(day, opening, ROME).astimezone(UTC))
                self.ends.append(datetime.combine(day, closing, ROME).astimezone(UTC))
        self.lowest = self.starts[0] + timedelta(days=40)
        self.highest = self.ends[-1] - timedelta(days=40)

    def _utc(self, at: datetime) -> datetime:
        if at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("naive datetime")
        instant = at.astimezone(UTC)
        if not self.lowest <= instant <= self.highest:
            raise AssertionError(f"{instant} is outside the range the reference covers")
        return instant

    def _first_interval_ending_after(self, instant: datetime) -> int:
        """Index of the first interval whose end lies after instant (it contains or follows it)."""
        index = bisect_right(self.ends, instant)
        if index >= len(self.ends):
            raise AssertionError(f"no working interval after {instant} in the reference")
        return index

    def is_working_time(self, at: datetime) -> bool:
        instant = self._utc(at)
        index = self._first_interval_ending_after(instant)
        return self.starts[index] <= instant

    def next_working_time(self, at: datetime) -> datetime:
        instant = self._utc(at)
        index = self._first_interval_ending_after(instant)
        return max(instant, self.starts[index])

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        instant = self._utc(start)
        if duration < ZERO:
            raise ValueError("negative duration")
        if duration == ZERO:
            return instant
        index = self._first_interval_ending_after(instant)
        cursor = max(instant, self.starts[index])
        remaining = duration
        while True:
            available = self.ends[index] - cursor
            if remaining <= available:
                return cursor + remaining
            remaining -= available
            index += 1
            if index >= len(self.starts):
                raise AssertionError("walked off the end of the reference")
            cursor = self.starts[index]

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        low, high = self._utc(start), self._utc(end)
        if high < low:
            return -self.working_time_between(end, start)
        total = ZERO
        index = self._first_interval_ending_after(low)
        while index < len(self.starts) and self.starts[index] < high:
            total += min(high, self.ends[index]) - max(low, self.starts[index])
            index += 1
        return total


# --- the calendars under test -------------------------------------------------------------------

CALENDAR_KINDS = ("plain", "with-closures")


@cache
def reference_calendar(kind: str) -> ReferenceCalendar:
    if kind == "plain":
        return ReferenceCalendar()
    return ReferenceCalendar(closures=CLOSURES, extra_holidays=EXTRA_HOLIDAYS)


@cache
def production_calendar(kind: str):
    if kind == "plain":
        return default_calendar()
    return default_calendar(closures=CLOSURES, extra_holidays=EXTRA_HOLIDAYS)


# --- random inputs ------------------------------------------------------------------------------


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


@cache
def interesting_days() -> tuple[date, ...]:
    """Days near DST changes, holidays, closures and extra holidays, across the tested years."""
    days: set[date] = set()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in (3, 10):
            sunday = last_sunday(year, month)
            days.update(days_between(sunday - timedelta(days=6), sunday + timedelta(days=6)))
        for holiday in italian_holidays(year):
            days.update(days_between(holiday - timedelta(days=1), holiday + timedelta(days=1)))
        days.add(date(year, 10, 4))
    for first, last in CLOSURES:
        days.update(days_between(first - timedelta(days=2), last + timedelta(days=2)))
    for extra in EXTRA_HOLIDAYS:
        days.update(days_between(extra - timedelta(days=1), extra + timedelta(days=1)))
    return tuple(sorted(day for day in days if FIRST_YEAR <= day.year <= LAST_YEAR))


def random_day(rng: random.Random) -> date:
    if rng.random() < 0.4:
        span = (date(LAST_YEAR, 12, 31) - date(FIRST_YEAR, 1, 1)).days
        return date(FIRST_YEAR, 1, 1) + timedelta(days=rng.randint(0, span))
    return rng.choice(interesting_days())


def random_local_instant(rng: random.Random, day: date) -> datetime:
    """An instant on a local day: next to a boundary, inside a shift, at night, at lunch, or anywhere."""
    roll = rng.random()
    if roll < 0.35:
        boundary = datetime.combine(day, rng.choice(BOUNDARIES), ROME)
        return (boundary + rng.choice(BOUNDARY_NUDGES)).astimezone(UTC)
    if roll < 0.55:  # inside a shift
        opening, _ = rng.choice(SHIFTS)
        local = datetime.combine(day, opening, ROME) + timedelta(seconds=rng.randrange(4 * 3600))
    elif roll < 0.7:  # night: 18:30 to 09:00 (wall-clock arithmetic; DST gaps resolve by fold=0)
        seconds = rng.randrange(int(timedelta(hours=14, minutes=30).total_seconds()))
        local = datetime.combine(day, time(18, 30), ROME) + timedelta(seconds=seconds)
    elif roll < 0.8:  # lunch: 13:00 to 14:30
        local = datetime.combine(day, time(13, 0), ROME) + timedelta(seconds=rng.randrange(90 * 60))
    else:
        local = datetime.combine(day, time(0, 0), ROME) + timedelta(seconds=rng.randrange(86_400))
    if rng.random() < 0.3:
        local += timedelta(microseconds=rng.randrange(1_000_000))
    return local.astimezone(UTC)


def random_instant(rng: random.Random) -> datetime:
    """A UTC instant in the tested years, biased towards the interesting days and boundaries."""
    if rng.random() < 0.2:
        low = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
        span = int((datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC) - low).total_seconds())
        return low + timedelta(seconds=rng.randrange(span), microseconds=rng.choice((0, rng.randrange(1_000_000))))
    return random_local_instant(rng, random_day(rng))


#: Inputs are the same instants seen from various zones: any aware datetime must do.
PRESENTATION_ZONES: tuple[tzinfo, ...] = (
    UTC,
    ROME,
    ZoneInfo("UTC"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Kolkata"),
    timezone(timedelta(hours=-3, minutes=-30)),
)


def present(rng: random.Random, instant: datetime) -> datetime:
    return instant.astimezone(rng.choice(PRESENTATION_ZONES))


def random_duration(rng: random.Random) -> timedelta:
    """From zero to 30 working days of 8 h."""
    roll = rng.random()
    if roll < 0.05:
        return ZERO
    if roll < 0.3:
        return WORKING_DAY * rng.randint(1, 30)
    if roll < 0.55:
        return timedelta(hours=rng.randint(1, 240))
    if roll < 0.65:
        return rng.choice(
            (
                timedelta(microseconds=1),
                timedelta(seconds=1),
                timedelta(minutes=1),
                timedelta(hours=4) - timedelta(seconds=1),
            )
        ) + rng.choice((ZERO, timedelta(hours=rng.randint(0, 239))))
    if roll < 0.75:
        return timedelta(minutes=rng.randint(0, 240 * 60))
    return timedelta(seconds=rng.randrange(240 * 3600 + 1), microseconds=rng.choice((0, rng.randrange(1_000_000))))


# --- comparing ----------------------------------------------------------------------------------


def show(value: object) -> str:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return f"{value.isoformat()} (Rome {value.astimezone(ROME).strftime('%a %Y-%m-%d %H:%M:%S.%f')})"
    if isinstance(value, timedelta):
        return f"timedelta({value}, i.e. {value / timedelta(hours=1):g} h)"
    return repr(value)


def is_utc(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() == ZERO


class Disagreements:
    """Collects disagreements so a failure lists several cases at once, each replayable."""

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self.cases: list[str] = []
        self.total = 0

    def check(self, method: str, args: tuple[object, ...], call: Callable[[], object], expected: object) -> None:
        self.total += 1
        try:
            actual = call()
        except Exception as error:  # an exception is one more disagreement to report
            actual = error
        same = actual == expected and type(actual) is type(expected)
        if same and isinstance(actual, datetime):
            same = is_utc(actual)
        if not same:
            shown = ", ".join(show(arg) for arg in args)
            self.cases.append(f"  {method}({shown})\n    production: {show(actual)}\n    reference:  {show(expected)}")

    def assert_none(self) -> None:
        listed = "\n".join(self.cases[:12])
        assert not self.cases, (
            f"{len(self.cases)} of {self.total} cases disagree with the reference "
            f"(seed {self.seed!r}; replay with SLA_CALENDAR_SEED={BASE_SEED}):\n{listed}"
        )


def seed_for(test: str, kind: str) -> str:
    return f"{BASE_SEED}:{test}:{kind}"


# --- the reference itself -----------------------------------------------------------------------


def rome(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=ROME)


def test_the_computus_gives_the_known_easter_sundays() -> None:
    known = {
        2000: date(2000, 4, 23),
        2019: date(2019, 4, 21),
        2024: date(2024, 3, 31),
        2025: date(2025, 4, 20),
        2026: date(2026, 4, 5),
        2027: date(2027, 3, 28),
        2028: date(2028, 4, 16),
        2029: date(2029, 4, 1),
        2030: date(2030, 4, 21),
        2038: date(2038, 4, 25),
    }
    assert {year: gregorian_easter(year) for year in known} == known


@pytest.mark.parametrize("calendar_source", ["reference", "production"])
def test_both_calendars_give_the_hand_checked_answers_of_the_contract(calendar_source: str) -> None:
    calendar = reference_calendar("plain") if calendar_source == "reference" else production_calendar("plain")
    monday = rome(2026, 3, 2, 9)
    assert calendar.add_working_time(monday, timedelta(hours=4)) == rome(2026, 3, 2, 13)
    assert calendar.add_working_time(monday, timedelta(hours=4, seconds=1)) == rome(2026, 3, 2, 14, 30, 1)
    assert calendar.add_working_time(monday, WORKING_DAY) == rome(2026, 3, 2, 18, 30)
    assert calendar.add_working_time(rome(2026, 3, 1, 12), ZERO) == rome(2026, 3, 1, 12)
    assert calendar.is_working_time(rome(2026, 3, 2, 9))
    assert not calendar.is_working_time(rome(2026, 3, 2, 13))
    assert calendar.is_working_time(rome(2026, 3, 2, 12, 59, 59))
    assert not calendar.is_working_time(rome(2026, 3, 2, 18, 30))
    assert calendar.next_working_time(rome(2026, 3, 2, 13)) == rome(2026, 3, 2, 14, 30)
    assert calendar.working_time_between(rome(2026, 3, 2, 8), rome(2026, 3, 3, 8)) == WORKING_DAY
    assert calendar.working_time_between(rome(2026, 3, 3, 8), rome(2026, 3, 2, 8)) == -WORKING_DAY
    # Friday 27 March 2026 18:30 CET + 1 h lands on Monday 30 March 10:00 CEST, 62.5 h later.
    assert calendar.add_working_time(rome(2026, 3, 27, 18), timedelta(hours=1)) == rome(2026, 3, 30, 9, 30)
    # Easter Monday 2027 is the day after the spring DST change.
    assert calendar.next_working_time(rome(2027, 3, 26, 19)) == rome(2027, 3, 30, 9)
    # San Francesco: a working Friday in 2024, a holiday on Monday 4 October 2027.
    assert calendar.is_working_time(rome(2024, 10, 4, 10))
    assert not calendar.is_working_time(rome(2027, 10, 4, 10))
    # San Cetteo, Pescara's patron saint, Friday 10 October 2025.
    assert not calendar.is_working_time(rome(2025, 10, 10, 10))


def test_the_production_calendar_returns_aware_utc_datetimes() -> None:
    calendar = production_calendar("plain")
    for result in (
        calendar.add_working_time(rome(2026, 3, 2, 10), timedelta(hours=3)),
        calendar.add_working_time(rome(2026, 3, 2, 10), ZERO),
        calendar.next_working_time(rome(2026, 3, 2, 10)),
        calendar.next_working_time(rome(2026, 3, 1, 10)),
    ):
        assert is_utc(result), result


def test_every_method_rejects_naive_datetimes() -> None:
    calendar = production_calendar("plain")
    naive = datetime(2026, 3, 2, 10, 0)  # noqa: DTZ001 - naive on purpose
    aware = rome(2026, 3, 2, 10)
    calls: list[Callable[[], object]] = [
        lambda: calendar.add_working_time(naive, timedelta(hours=1)),
        lambda: calendar.add_working_time(naive, ZERO),
        lambda: calendar.working_time_between(naive, aware),
        lambda: calendar.working_time_between(aware, naive),
        lambda: calendar.is_working_time(naive),
        lambda: calendar.next_working_time(naive),
    ]
    for call in calls:
        with pytest.raises(ValueError):  # noqa: PT011 - the contract names only the type
            call()


# --- random agreement ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", CALENDAR_KINDS)
def test_add_working_time_agrees_with_the_reference_on_random_instants(kind: str) -> None:
    seed = seed_for("add_working_time", kind)
    rng = random.Random(seed)
    reference, production = reference_calendar(kind), production_calendar(kind)
    disagreements = Disagreements(seed)
    for _ in range(3000):
        start = present(rng, random_instant(rng))
        duration = random_duration(rng)
        disagreements.check(
            "add_working_time",
            (start, duration),
            lambda: production.add_working_time(start, duration),  # noqa: B023 - called at once
            reference.add_working_time(start, duration),
        )
    disagreements.assert_none()


def random_end(rng: random.Random, start: datetime, reference: ReferenceCalendar) -> datetime:
    roll = rng.random()
    if roll < 0.1:
        return random_instant(rng)
    if roll < 0.5:
        return start + timedelta(seconds=rng.randint(-45 * 86_400, 45 * 86_400))
    if roll < 0.7:
        return start + timedelta(seconds=rng.randint(-3 * 86_400, 3 * 86_400), microseconds=rng.randrange(1_000_000))
    if roll < 0.85:
        return reference.add_working_time(start, random_duration(rng))
    if roll < 0.95:
        return start
    return start + rng.choice((timedelta(microseconds=1), -timedelta(microseconds=1)))


@pytest.mark.parametrize("kind", CALENDAR_KINDS)
def test_working_time_between_agrees_with_the_reference_on_random_intervals(kind: str) -> None:
    seed = seed_for("working_time_between", kind)
    rng = random.Random(seed)
    reference, production = reference_calendar(kind), production_calendar(kind)
    disagreements = Disagreements(seed)
    for _ in range(3000):
        start = random_instant(rng)
        end = present(rng, random_end(rng, start, reference))
        start = present(rng, start)
        disagreements.check(
            "working_time_between",
            (start, end),
            lambda: production.working_time_between(start, end),  # noqa: B023 - called at once
            reference.working_time_between(start, end),
        )
    disagreements.assert_none()


@pytest.mark.parametrize("kind", CALENDAR_KINDS)
def test_is_working_time_agrees_with_the_reference_on_random_instants(kind: str) -> None:
    seed = seed_for("is_working_time", kind)
    rng = random.Random(seed)
    reference, production = reference_calendar(kind), production_calendar(kind)
    disagreements = Disagreements(seed)
    for _ in range(5000):
        at = present(rng, random_instant(rng))
        disagreements.check(
            "is_working_time",
            (at,),
            lambda: production.is_working_time(at),  # noqa: B023 - called at once
            reference.is_working_time(at),
        )
    disagreements.assert_none()


@pytest.mark.parametrize("kind", CALENDAR_KINDS)
def test_next_working_time_agrees_with_the_reference_on_random_instants(kind: str) -> None:
    seed = seed_for("next_working_time", kind)
    rng = random.Random(seed)
    reference, production = reference_calendar(kind), production_calendar(kind)
    disagreements = Disagreements(seed)
    for _ in range(3000):
        at = present(rng, random_instant(rng))
        disagreements.check(
            "next_working_time",
            (at,),
            lambda: production.next_working_time(at),  # noqa: B023 - called at once
            reference.next_working_time(at),
        )
    disagreements.assert_none()


# --- every minute of the DST weeks --------------------------------------------------------------

#: (year, month) of a DST change: March springs forward, October falls back. Spring 2027 is also
#: Easter weekend, so Easter Monday is the first working day after the change.
DST_WEEKS = ((2026, 3), (2026, 10), (2027, 3), (2029, 10))


@pytest.mark.parametrize(("year", "month"), DST_WEEKS)
def test_is_working_time_agrees_with_the_reference_at_every_minute_of_a_dst_week(year: int, month: int) -> None:
    """From the Wednesday before the change to the Wednesday after, minute by minute in UTC.

    Odd minutes are given in Europe/Rome local time, so the repeated October hour arrives with
    both folds."""
    reference, production = reference_calendar("plain"), production_calendar("plain")
    sunday = last_sunday(year, month)
    instant = datetime.combine(sunday - timedelta(days=4), time(0, 0), ROME).astimezone(UTC)
    stop = datetime.combine(sunday + timedelta(days=3), time(0, 0), ROME).astimezone(UTC)
    disagreements = Disagreements(f"every minute of {year}-{month:02}")
    minute = 0
    while instant < stop:
        at = instant.astimezone(ROME) if minute % 2 else instant
        disagreements.check(
            "is_working_time",
            (at,),
            lambda: production.is_working_time(at),  # noqa: B023 - called at once
            reference.is_working_time(at),
        )
        disagreements.check(
            "next_working_time",
            (at,),
            lambda: production.next_working_time(at),  # noqa: B023 - called at once
            reference.next_working_time(at),
        )
        instant += timedelta(minutes=1)
        minute += 1
    minutes_in_week = 7 * 24 * 60 + (-60 if month == 3 else 60)
    assert disagreements.total == 2 * minutes_in_week
    disagreements.assert_none()


def test_closures_and_extra_holidays_may_come_as_one_shot_iterators() -> None:
    """The contract says iterables: a generator can be read only once."""
    seed = seed_for("one_shot_iterators", "with-closures")
    rng = random.Random(seed)
    reference = reference_calendar("with-closures")
    production = default_calendar(closures=(closure for closure in CLOSURES), extra_holidays=iter(EXTRA_HOLIDAYS))
    disagreements = Disagreements(seed)
    for first, last in CLOSURES:
        for day in days_between(first - timedelta(days=1), last + timedelta(days=1)):
            at = datetime.combine(day, time(10, 0), ROME)
            disagreements.check(
                "is_working_time",
                (at,),
                lambda: production.is_working_time(at),  # noqa: B023 - called at once
                reference.is_working_time(at),
            )
    for extra in EXTRA_HOLIDAYS:
        at = datetime.combine(extra, time(rng.choice((9, 10, 11, 15, 16, 17))), ROME)
        disagreements.check(
            "is_working_time",
            (at,),
            lambda: production.is_working_time(at),  # noqa: B023 - called at once
            reference.is_working_time(at),
        )
    disagreements.assert_none()
