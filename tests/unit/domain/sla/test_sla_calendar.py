"""The SLA calendar, as literal tables of local Rome times and as properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.sla.calendar import CalendarConfigError, SlaCalendar, default_calendar

ROME = ZoneInfo("Europe/Rome")
H = timedelta(hours=1)
M = timedelta(minutes=1)
DAY = 8 * H  # one working day of the vendor's week

CALENDAR = default_calendar()
NEW_YEAR_CLOSURE = default_calendar(closures=[(date(2026, 12, 24), date(2027, 1, 6))])
CHRISTMAS_EVE_MORNING = default_calendar(exceptions={date(2026, 12, 24): [(time(9), time(13))]})


def rome(text: str) -> datetime:
    """``'2026-11-26 09:00'`` read as Rome wall-clock time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)


@pytest.mark.parametrize(
    ("calendar", "start", "duration", "expected"),
    [
        pytest.param(CALENDAR, "2026-11-26 09:00", 4 * H, "2026-11-26 13:00", id="nine plus four hours is one pm"),
        pytest.param(CALENDAR, "2026-11-26 09:00", 0 * H, "2026-11-26 09:00", id="zero duration returns the start"),
        pytest.param(CALENDAR, "2026-11-28 10:00", 0 * H, "2026-11-28 10:00", id="zero duration on a weekend"),
        pytest.param(CALENDAR, "2026-11-26 09:00", 4 * H + M, "2026-11-26 14:31", id="a minute past the morning"),
        pytest.param(CALENDAR, "2026-11-26 13:00", 1 * H, "2026-11-26 15:30", id="start at lunch closing"),
        pytest.param(CALENDAR, "2026-11-26 14:30", 4 * H, "2026-11-26 18:30", id="afternoon ends at closing"),
        pytest.param(CALENDAR, "2026-11-26 18:30", 1 * H, "2026-11-27 10:00", id="start at evening closing"),
        pytest.param(CALENDAR, "2026-11-26 07:00", 1 * H, "2026-11-26 10:00", id="before opening"),
        pytest.param(CALENDAR, "2026-11-26 23:00", 1 * H, "2026-11-27 10:00", id="at night"),
        pytest.param(CALENDAR, "2026-11-28 10:00", 1 * H, "2026-11-30 10:00", id="on a weekend"),
        pytest.param(CALENDAR, "2026-11-27 12:30", 1 * H, "2026-11-27 15:00", id="p1 at half past twelve on friday"),
        pytest.param(CALENDAR, "2026-11-27 18:00", 1 * H, "2026-11-30 09:30", id="friday evening to monday"),
        pytest.param(CALENDAR, "2026-03-27 18:00", 1 * H, "2026-03-30 09:30", id="across the last sunday of march"),
        pytest.param(CALENDAR, "2026-10-23 18:00", 1 * H, "2026-10-26 09:30", id="across the last sunday of october"),
        pytest.param(CALENDAR, "2026-03-27 09:00", 3 * DAY, "2026-03-31 18:30", id="three days across spring dst"),
        pytest.param(CALENDAR, "2026-10-23 09:00", 3 * DAY, "2026-10-27 18:30", id="three days across autumn dst"),
        pytest.param(CALENDAR, "2026-04-03 18:00", 1 * H, "2026-04-07 09:30", id="over easter monday"),
        pytest.param(CALENDAR, "2025-08-14 18:00", 1 * H, "2025-08-18 09:30", id="over the fifteenth of august"),
        pytest.param(CALENDAR, "2025-12-05 18:00", 1 * H, "2025-12-09 09:30", id="over the eighth of december"),
        pytest.param(CALENDAR, "2025-10-09 18:00", 1 * H, "2025-10-13 09:30", id="over san cetteo in pescara"),
        pytest.param(CALENDAR, "2027-10-01 18:00", 1 * H, "2027-10-05 09:30", id="over saint francis from 2026 on"),
        pytest.param(CALENDAR, "2025-12-31 18:00", 1 * H, "2026-01-02 09:30", id="over new year's day"),
        pytest.param(CALENDAR, "2026-03-02 09:00", 30 * DAY, "2026-04-13 18:30", id="thirty days over easter"),
        pytest.param(CALENDAR, "2026-11-26 09:00", 120 * DAY, "2027-05-19 18:30", id="a hundred and twenty days"),
        pytest.param(
            NEW_YEAR_CLOSURE, "2026-12-23 18:00", 1 * H, "2027-01-07 09:30", id="over a closure across new year"
        ),
        pytest.param(
            NEW_YEAR_CLOSURE, "2026-12-28 10:00", 1 * H, "2027-01-07 10:00", id="inside a closure across new year"
        ),
        pytest.param(
            CHRISTMAS_EVE_MORNING, "2026-12-24 12:00", 2 * H, "2026-12-28 10:00", id="christmas eve morning only"
        ),
    ],
)
def test_add_working_time_returns_the_earliest_instant_the_duration_has_elapsed(
    calendar: SlaCalendar, start: str, duration: timedelta, expected: str
) -> None:
    due = calendar.add_working_time(rome(start), duration)
    assert due == rome(expected)
    assert due.tzinfo is UTC


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        pytest.param(CALENDAR, "2026-11-26 09:00", "2026-11-26 18:30", 8 * H, id="a whole day"),
        pytest.param(CALENDAR, "2026-11-26 12:00", "2026-11-26 15:00", 90 * M, id="across lunch"),
        pytest.param(CALENDAR, "2026-11-26 15:00", "2026-11-26 12:00", -90 * M, id="a negative span"),
        pytest.param(CALENDAR, "2026-11-26 10:00", "2026-11-26 10:00", 0 * H, id="an empty span"),
        pytest.param(CALENDAR, "2026-11-26 13:00", "2026-11-26 14:30", 0 * H, id="the lunch break"),
        pytest.param(CALENDAR, "2026-11-27 18:00", "2026-11-30 09:30", 1 * H, id="over a weekend"),
        pytest.param(CALENDAR, "2026-03-27 09:00", "2026-03-30 18:30", 2 * DAY, id="over spring dst"),
        pytest.param(CALENDAR, "2026-10-23 09:00", "2026-10-26 18:30", 2 * DAY, id="over autumn dst"),
        pytest.param(CALENDAR, "2026-12-07 09:00", "2026-12-14 09:00", 4 * DAY, id="a week with the eighth"),
        pytest.param(CALENDAR, "2025-12-31 00:00", "2026-12-31 00:00", 254 * DAY, id="a whole year across years"),
        pytest.param(NEW_YEAR_CLOSURE, "2026-12-23 09:00", "2027-01-08 00:00", 2 * DAY, id="a closure"),
        pytest.param(CHRISTMAS_EVE_MORNING, "2026-12-24 00:00", "2026-12-25 00:00", 4 * H, id="a half day"),
    ],
)
def test_working_time_between_counts_only_working_intervals(
    calendar: SlaCalendar, start: str, end: str, expected: timedelta
) -> None:
    assert calendar.working_time_between(rome(start), rome(end)) == expected


@pytest.mark.parametrize(
    ("at", "working"),
    [
        ("2026-11-26 09:00", True),
        ("2026-11-26 08:59", False),
        ("2026-11-26 12:59", True),
        ("2026-11-26 13:00", False),
        ("2026-11-26 14:29", False),
        ("2026-11-26 14:30", True),
        ("2026-11-26 18:29", True),
        ("2026-11-26 18:30", False),
        ("2026-11-28 10:00", False),  # Saturday
        ("2026-03-30 09:00", True),  # Monday after spring DST
        ("2026-10-26 09:00", True),  # Monday after autumn DST
        ("2026-04-06 10:00", False),  # Easter Monday
        ("2025-08-15 10:00", False),  # Assumption
        ("2025-12-08 10:00", False),  # Immaculate Conception
        ("2025-10-10 10:00", False),  # San Cetteo, Pescara
        ("2027-10-04 10:00", False),  # Saint Francis, national holiday again from 2026
        ("2026-12-24 15:00", True),  # an ordinary Thursday in the default calendar
    ],
)
def test_is_working_time_includes_openings_and_excludes_closings(at: str, working: bool) -> None:
    assert CALENDAR.is_working_time(rome(at)) is working


def test_a_dated_exception_replaces_the_day_s_hours() -> None:
    assert CHRISTMAS_EVE_MORNING.is_working_time(rome("2026-12-24 12:59"))
    assert not CHRISTMAS_EVE_MORNING.is_working_time(rome("2026-12-24 15:00"))


@pytest.mark.parametrize(
    ("calendar", "at", "expected"),
    [
        (CALENDAR, "2026-11-26 09:00", "2026-11-26 09:00"),
        (CALENDAR, "2026-11-26 11:17", "2026-11-26 11:17"),
        (CALENDAR, "2026-11-26 13:00", "2026-11-26 14:30"),
        (CALENDAR, "2026-11-26 18:30", "2026-11-27 09:00"),
        (CALENDAR, "2026-11-28 10:00", "2026-11-30 09:00"),
        (CALENDAR, "2026-03-29 02:30", "2026-03-30 09:00"),
        (CALENDAR, "2026-12-31 19:00", "2027-01-04 09:00"),
        (NEW_YEAR_CLOSURE, "2026-12-23 18:45", "2027-01-07 09:00"),
    ],
)
def test_next_working_time_is_the_instant_itself_or_the_next_opening(
    calendar: SlaCalendar, at: str, expected: str
) -> None:
    assert calendar.next_working_time(rome(at)) == rome(expected)


@pytest.mark.parametrize(
    ("at", "days", "expected"),
    [
        ("2026-11-26 10:00", 1, "2026-11-27 18:30"),  # Thursday under way: day 1 is Friday
        ("2026-11-26 09:00", 1, "2026-11-26 18:30"),  # at the opening: today is day 1
        ("2026-11-26 07:00", 2, "2026-11-27 18:30"),
        ("2026-11-26 20:00", 1, "2026-11-27 18:30"),
        ("2026-11-28 10:00", 1, "2026-11-30 18:30"),  # Saturday: Monday is day 1
        ("2026-12-04 10:00", 2, "2026-12-09 18:30"),  # over a weekend and the eighth
        ("2026-12-30 10:00", 2, "2027-01-04 18:30"),  # across the new year
    ],
)
def test_end_of_working_day_counts_whole_working_days(at: str, days: int, expected: str) -> None:
    assert CALENDAR.end_of_working_day(rome(at), days) == rome(expected)


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        CALENDAR.add_working_time(datetime(2026, 11, 26, 9, 0), H)  # noqa: DTZ001
    with pytest.raises(ValueError, match="naive"):
        CALENDAR.working_time_between(rome("2026-11-26 09:00"), datetime(2026, 11, 27))  # noqa: DTZ001


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        CALENDAR.add_working_time(rome("2026-11-26 09:00"), -H)


def test_every_answer_is_in_utc_whatever_the_input_zone() -> None:
    at = datetime(2026, 11, 26, 3, 0, tzinfo=ZoneInfo("America/New_York"))  # 09:00 in Rome
    assert CALENDAR.next_working_time(at) == at
    assert CALENDAR.next_working_time(at).tzinfo is UTC
    assert CALENDAR.add_working_time(at, H) == rome("2026-11-26 10:00")


def test_an_invalid_configuration_is_one_error_naming_every_problem() -> None:
    with pytest.raises(CalendarConfigError) as raised:
        SlaCalendar(
            zone="Europe/Pescara",
            week={0: [(time(13), time(9))], 1: [(time(9), time(12)), (time(11), time(14))], 7: []},
            country="IT",
            subdivision="XX",
            closures=[(date(2026, 8, 21), date(2026, 8, 10))],
        )
    message = str(raised.value)
    for fragment in ("'Europe/Pescara'", "weekday 0", "overlaps", "weekday 7", "'XX'", "ends before it starts"):
        assert fragment in message


def test_a_week_without_working_time_is_refused() -> None:
    with pytest.raises(CalendarConfigError, match="no working interval"):
        SlaCalendar(week={})


def test_another_site_can_have_its_own_zone_week_and_holidays() -> None:
    berlin = SlaCalendar(
        zone="Europe/Berlin", week={5: [(time(8), time(12))]}, country="DE", subdivision="BE", extra_holidays=[]
    )
    saturday = datetime(2026, 11, 28, 8, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert berlin.add_working_time(saturday, 5 * H) == saturday + timedelta(days=7, hours=1)


# --- properties -----------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive; the zone is given)
    max_value=datetime(2030, 12, 31),  # noqa: DTZ001
    timezones=st.just(ROME),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=60 * DAY)


@settings(max_examples=300, deadline=None)
@given(start=instants, duration=durations)
def test_the_working_time_up_to_the_due_instant_is_the_duration(start: datetime, duration: timedelta) -> None:
    assert CALENDAR.working_time_between(start, CALENDAR.add_working_time(start, duration)) == duration


@settings(max_examples=300, deadline=None)
@given(start=instants, duration=durations.filter(lambda d: d > timedelta(0)))
def test_a_due_instant_is_in_working_time_or_at_an_interval_end_and_is_the_earliest(
    start: datetime, duration: timedelta
) -> None:
    due = CALENDAR.add_working_time(start, duration)
    just_before = due - timedelta(microseconds=1)
    assert CALENDAR.is_working_time(just_before)
    assert CALENDAR.working_time_between(start, just_before) < duration


@settings(max_examples=200, deadline=None)
@given(start=instants, first=durations, second=durations)
def test_adding_working_time_is_monotonic_in_the_duration(start: datetime, first: timedelta, second: timedelta) -> None:
    shorter, longer = sorted((first, second))
    assert CALENDAR.add_working_time(start, shorter) <= CALENDAR.add_working_time(start, longer)


@settings(max_examples=200, deadline=None)
@given(first=instants, second=instants, duration=durations)
def test_adding_working_time_is_monotonic_in_the_start(first: datetime, second: datetime, duration: timedelta) -> None:
    earlier, later = sorted((first, second))
    assert CALENDAR.add_working_time(earlier, duration) <= CALENDAR.add_working_time(later, duration)


@settings(max_examples=200, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_working_time_between_adds_up_over_consecutive_spans(a: datetime, b: datetime, c: datetime) -> None:
    assert CALENDAR.working_time_between(a, b) + CALENDAR.working_time_between(b, c) == (
        CALENDAR.working_time_between(a, c)
    )


@settings(max_examples=200, deadline=None)
@given(at=instants)
def test_the_next_working_time_is_working_time_and_nothing_is_skipped(at: datetime) -> None:
    opening = CALENDAR.next_working_time(at)
    assert opening >= at
    assert CALENDAR.is_working_time(opening)
    assert CALENDAR.working_time_between(at, opening) == timedelta(0)
