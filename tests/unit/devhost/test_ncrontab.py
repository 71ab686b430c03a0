"""Timer schedules: NCRONTAB expressions and TimeSpans, and their next occurrences in UTC."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from devhost.ncrontab import CronSchedule, IntervalSchedule, parse_schedule


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("* * * * * *", "2024-01-01 00:00:00", "2024-01-01 00:00:01"),
        ("* * * * * *", "2024-01-01 00:00:00.500", "2024-01-01 00:00:01"),
        ("*/1 * * * * *", "2024-01-01 23:59:59", "2024-01-02 00:00:00"),
        ("*/5 * * * * *", "2024-01-01 12:00:03", "2024-01-01 12:00:05"),
        ("*/5 * * * * *", "2024-01-01 12:00:55", "2024-01-01 12:01:00"),
        ("10-40/10 * * * * *", "2024-01-01 12:00:40", "2024-01-01 12:01:10"),
        ("5/20 * * * * *", "2024-01-01 12:00:45", "2024-01-01 12:01:05"),
        ("0,30 * * * * *", "2024-01-01 12:00:00", "2024-01-01 12:00:30"),
        ("0 */15 * * * *", "2024-12-31 23:59:59", "2025-01-01 00:00:00"),
        ("0 0 6,18 * * *", "2024-01-01 18:00:00", "2024-01-02 06:00:00"),
        ("0 0 0 1 * *", "2024-01-31 08:00:00", "2024-02-01 00:00:00"),
        ("0 0 0 31 * *", "2024-04-15 00:00:00", "2024-05-31 00:00:00"),
        ("0 0 0 30 * *", "2024-01-30 00:00:00", "2024-03-30 00:00:00"),
        ("0 0 0 31 Dec *", "2024-12-31 00:00:00", "2025-12-31 00:00:00"),
        ("0 0 0 29 2 *", "2023-01-01 00:00:00", "2024-02-29 00:00:00"),
        ("0 0 0 29 Feb *", "2024-03-01 00:00:00", "2028-02-29 00:00:00"),
        ("0 0 0 29 Feb Thu", "2024-03-01 00:00:00", "2052-02-29 00:00:00"),
        ("0 0 0 1 * Mon", "2024-01-01 00:00:00", "2024-04-01 00:00:00"),
        ("0 0 12 1 Jan,Jul *", "2024-01-01 12:00:00", "2024-07-01 12:00:00"),
        ("0 0 8 * MARCH wed", "2024-01-01 00:00:00", "2024-03-06 08:00:00"),
        ("0 0 9 * * Mon-Fri", "2024-06-07 10:00:00", "2024-06-10 09:00:00"),
        ("0 30 9 * * 1-5", "2024-06-08 00:00:00", "2024-06-10 09:30:00"),
        ("0 0 0 * * Sun", "2024-06-08 23:59:59", "2024-06-09 00:00:00"),
        ("0 0 0 * * 0", "2024-06-08 23:59:59", "2024-06-09 00:00:00"),
        ("0 0 0 * * Saturday", "2024-06-08 00:00:00", "2024-06-15 00:00:00"),
        ("0 0 0 * * 6,0", "2024-06-07 12:00:00", "2024-06-08 00:00:00"),
        ("59 59 23 31 12 *", "2024-06-01 00:00:00", "2024-12-31 23:59:59"),
    ],
)
def test_the_next_occurrence_is_the_first_instant_after_that_every_field_allows(
    expression: str, after: str, expected: str
) -> None:
    assert parse_schedule(expression).next_after(utc(after)) == utc(expected)


def test_an_instant_in_another_time_zone_is_read_in_utc() -> None:
    rome_winter = timezone(timedelta(hours=1))
    after = datetime(2024, 1, 1, 0, 30, tzinfo=rome_winter)  # 2023-12-31 23:30 UTC
    assert parse_schedule("0 0 * * * *").next_after(after) == utc("2024-01-01 00:00:00")


@pytest.mark.parametrize(
    ("expression", "interval"),
    [
        ("00:00:30", timedelta(seconds=30)),
        ("01:30:00", timedelta(hours=1, minutes=30)),
        ("01:30", timedelta(hours=1, minutes=30)),
        ("1.00:00:00", timedelta(days=1)),
    ],
)
def test_a_timespan_schedule_fires_once_per_interval(expression: str, interval: timedelta) -> None:
    after = utc("2024-02-28 23:59:59")
    assert parse_schedule(expression).next_after(after) == after + interval


@pytest.mark.parametrize(
    ("expression", "complaint"),
    [
        ("* * * * *", "6"),
        ("* * * * * * *", "6"),
        ("60 * * * * *", "second"),
        ("* 60 * * * *", "minute"),
        ("* * 24 * * *", "hour"),
        ("* * * 0 * *", "day"),
        ("* * * 32 * *", "day"),
        ("* * * * 13 *", "month"),
        ("* * * * * 7", "day-of-week"),
        ("*/0 * * * * *", "step"),
        ("*/x * * * * *", "step"),
        ("5-1 * * * * *", "backwards"),
        ("1,,2 * * * * *", "second"),
        ("* * * * Ja *", "month"),
        ("* * * * Foo *", "month"),
        ("* * * * * Funday", "day-of-week"),
        ("0 0 0 30 Feb *", "none of its months"),
        ("0 0 0 31 Apr,Jun *", "none of its months"),
        ("00:60:00", "range"),
        ("24:00:00", "range"),
        ("00:00:00", "longer than zero"),
    ],
)
def test_a_malformed_schedule_is_refused_saying_what_is_wrong(expression: str, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        parse_schedule(expression)


def reference_next(schedule: CronSchedule, after: datetime) -> datetime:
    """The next occurrence by generating candidates in order and filtering: slow, obvious.
    Sixty years cover the longest gap, a 29 February on a given day of the week."""
    day = after.date()
    for _ in range(366 * 60):
        if (
            day.month in schedule.months
            and day.day in schedule.days
            and (day.isoweekday() % 7) in schedule.days_of_week
        ):
            for hour in schedule.hours:
                for minute in schedule.minutes:
                    for second in schedule.seconds:
                        candidate = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)
                        if candidate > after:
                            return candidate
        day += timedelta(days=1)
    raise AssertionError("no occurrence within the reference's horizon")


def field(low: int, high: int) -> st.SearchStrategy[tuple[int, ...]]:
    return st.sets(st.integers(low, high), min_size=1, max_size=4).map(lambda values: tuple(sorted(values)))


@settings(max_examples=300, deadline=None)
@given(
    seconds=field(0, 59),
    minutes=field(0, 59),
    hours=field(0, 23),
    days=field(1, 31),
    months=field(1, 12),
    days_of_week=field(0, 6),
    after=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
        max_value=datetime(2099, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_the_next_occurrence_agrees_with_a_brute_force_search(
    seconds: tuple[int, ...],
    minutes: tuple[int, ...],
    hours: tuple[int, ...],
    days: tuple[int, ...],
    months: tuple[int, ...],
    days_of_week: tuple[int, ...],
    after: datetime,
) -> None:
    assume(any(day <= calendar.monthrange(2000, month)[1] for month in months for day in days))  # else refused
    schedule = CronSchedule(seconds, minutes, hours, days, months, frozenset(days_of_week))
    assert schedule.next_after(after) == reference_next(schedule, after)


def test_parsing_yields_the_sorted_values_of_each_field() -> None:
    assert parse_schedule("0,30 */20 9-17/4 1,15 Jan-Mar/2 Mon-Fri") == CronSchedule(
        seconds=(0, 30),
        minutes=(0, 20, 40),
        hours=(9, 13, 17),
        days=(1, 15),
        months=(1, 3),
        days_of_week=frozenset({1, 2, 3, 4, 5}),
    )


def test_a_timespan_parses_to_an_interval_schedule() -> None:
    assert parse_schedule(" 00:05:00 ") == IntervalSchedule(timedelta(minutes=5))
