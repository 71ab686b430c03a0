"""Benchmark of ``SlaCalendar.add_working_time`` against pandas ``CustomBusinessHour``.

Run from the repository root: ``python benchmarks/bench_calendar.py [--starts N] [--repeats R]``.
It prints figures, checks the targets, and exits non-zero when a target fails. pandas is a
benchmark-only dependency (requirements-dev.txt); the app never imports it.

Targets:
  (a) ours is at least 10x faster than pandas, both as the geometric mean of the per-duration
      speed-ups and for the slowest duration;
  (b) adding 120 working days (960 h) costs at most 3x adding one hour (ours, same starts).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
ROME = ZoneInfo("Europe/Rome")
FIRST_YEAR, LAST_YEAR = 2024, 2030
HOLIDAY_YEARS = range(FIRST_YEAR, LAST_YEAR + 3)  # 120 working days from late 2030 reach 2031

#: (label, working hours); a working day is 8 h.
DURATIONS = (
    ("1 h", 1),
    ("4 h", 4),
    ("8 h", 8),
    ("16 h", 16),
    ("1 d (8 h)", 8),
    ("2 d (16 h)", 16),
    ("5 d (40 h)", 40),
    ("30 d (240 h)", 240),
)
SPEED_UP_TARGET = 10.0
SCALING_TARGET = 3.0
SCALING_HOURS = 960  # 120 working days


def median_ns_per_call(run: Callable[[], None], calls: int, repeats: int, warmups: int = 2) -> float:
    """Median over repeats of the time of one run divided by its calls, after warm-up runs."""
    for _ in range(warmups):
        run()
    samples = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            began = time.perf_counter_ns()
            run()
            samples.append((time.perf_counter_ns() - began) / calls)
    finally:
        if gc_was_enabled:
            gc.enable()
    return statistics.median(samples)


def random_starts(rng: random.Random, count: int) -> list[datetime]:
    """Aware UTC instants spread over the years, at any time of day or week."""
    low = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    span = int((datetime(LAST_YEAR + 1, 1, 1, tzinfo=UTC) - low).total_seconds())
    return [low + timedelta(seconds=rng.randrange(span)) for _ in range(count)]


def naive_local(instant: datetime) -> datetime:
    return instant.astimezone(ROME).replace(tzinfo=None)


def last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def in_dst_transition_week(instant: datetime) -> bool:
    day = instant.astimezone(ROME).date()
    return any(abs((day - last_sunday(day.year, month)).days) <= 7 for month in (3, 10))


def cold_costs(start: datetime) -> object:
    """Import, first construction and first call, before anything warms a cache; then warm figures."""
    began = time.perf_counter_ns()
    module = importlib.import_module("shared.domain.sla.calendar")
    imported = time.perf_counter_ns() - began

    began = time.perf_counter_ns()
    calendar = module.default_calendar()
    constructed = time.perf_counter_ns() - began

    began = time.perf_counter_ns()
    calendar.add_working_time(start, timedelta(hours=1))
    first_call = time.perf_counter_ns() - began

    began = time.perf_counter_ns()
    calendar.add_working_time(start, timedelta(hours=1))
    second_call = time.perf_counter_ns() - began

    constructions, first_calls = [], []
    for _ in range(25):
        began = time.perf_counter_ns()
        fresh = module.default_calendar()
        constructions.append(time.perf_counter_ns() - began)
        began = time.perf_counter_ns()
        fresh.add_working_time(start, timedelta(hours=1))
        first_calls.append(time.perf_counter_ns() - began)

    print("Cold costs (this process, first use):")
    print(f"  import shared.domain.sla.calendar (with holidays) {imported / 1e6:10.2f} ms")
    print(f"  first default_calendar()                   {constructed / 1e6:10.2f} ms")
    print(f"  first add_working_time (cold cache)        {first_call / 1e3:10.1f} µs")
    print(f"  second add_working_time, same start        {second_call / 1e3:10.1f} µs")
    print("Later calendars (module warm), median of 25:")
    print(f"  default_calendar()                         {statistics.median(constructions) / 1e3:10.1f} µs")
    print(f"  its first add_working_time                 {statistics.median(first_calls) / 1e3:10.1f} µs")
    print()
    return calendar


def holiday_dates() -> list[date]:
    """The same days off as production: Italian national holidays and Pescara's (holidays package)."""
    import holidays

    return sorted(holidays.country_holidays("IT", subdiv="PE", years=HOLIDAY_YEARS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=300, help="random start instants (default 300)")
    parser.add_argument("--repeats", type=int, default=7, help="timed repetitions, median taken (default 7)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random starts (default 2026)")
    parser.add_argument("--sample", type=int, default=500, help="working-time starts compared with pandas")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    rng = random.Random(args.seed)
    starts = random_starts(rng, args.starts)
    calendar = cold_costs(starts[0])

    import pandas as pd
    from pandas.tseries.offsets import CustomBusinessHour

    days_off = holiday_dates()
    local_starts = [pd.Timestamp(naive_local(start)) for start in starts]

    def business_hours(hours: int) -> CustomBusinessHour:
        return CustomBusinessHour(n=hours, start=["09:00", "14:30"], end=["13:00", "18:30"], holidays=days_off)

    def ours_run(duration: timedelta) -> Callable[[], None]:
        add = calendar.add_working_time

        def run() -> None:
            for start in starts:
                add(start, duration)

        return run

    def pandas_run(offset: CustomBusinessHour) -> Callable[[], None]:
        def run() -> None:
            for stamp in local_starts:
                stamp + offset

        return run

    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}")
    print(
        f"{len(starts)} random starts {FIRST_YEAR}–{LAST_YEAR} (seed {args.seed}), median of {args.repeats} runs "
        "after warm-up, time.perf_counter_ns."
    )
    print("Ours gets aware UTC datetimes; pandas gets the same instants as naive Europe/Rome wall times:")
    print("pandas has no notion of time zones or DST, so it counts in wall-clock hours.")
    print()
    header = f"{'duration':<14} {'ours µs/call':>13} {'pandas µs/call':>15} {'speed-up':>9}"
    print(header)
    print("-" * len(header))
    speed_ups = []
    for label, hours in DURATIONS:
        offset = business_hours(hours)  # built once per duration, outside the timed loop
        ours_ns = median_ns_per_call(ours_run(timedelta(hours=hours)), len(starts), args.repeats)
        pandas_ns = median_ns_per_call(pandas_run(offset), len(starts), args.repeats)
        speed_up = pandas_ns / ours_ns
        speed_ups.append(speed_up)
        print(f"{label:<14} {ours_ns / 1e3:>13.2f} {pandas_ns / 1e3:>15.2f} {speed_up:>8.1f}x")
    print()

    geometric_mean = math.exp(statistics.fmean(math.log(value) for value in speed_ups))
    slowest = min(speed_ups)
    one_hour = median_ns_per_call(ours_run(timedelta(hours=1)), len(starts), args.repeats)
    far = median_ns_per_call(ours_run(timedelta(hours=SCALING_HOURS)), len(starts), args.repeats)
    scaling = far / one_hour

    results = [
        (
            f"(a) geometric mean speed-up {geometric_mean:.1f}x >= {SPEED_UP_TARGET:g}x",
            geometric_mean >= SPEED_UP_TARGET,
        ),
        (f"(a) minimum speed-up {slowest:.1f}x >= {SPEED_UP_TARGET:g}x", slowest >= SPEED_UP_TARGET),
        (
            f"(b) 120 working days {far / 1e3:.2f} µs vs 1 h {one_hour / 1e3:.2f} µs: "
            f"{scaling:.2f}x <= {SCALING_TARGET:g}x",
            scaling <= SCALING_TARGET,
        ),
    ]
    print("Targets:")
    for text, passed in results:
        print(f"  {'PASS' if passed else 'FAIL'}  {text}")
    print()

    agreement(calendar, rng, args.sample, business_hours)
    return 0 if all(passed for _, passed in results) else 1


def agreement(calendar, rng: random.Random, size: int, business_hours) -> None:
    """Do pandas and ours land on the same local wall time, from working-time starts outside DST weeks?"""
    import pandas as pd

    sample: list[datetime] = []
    while len(sample) < size:
        day = date(FIRST_YEAR, 1, 1) + timedelta(
            days=rng.randrange((date(LAST_YEAR, 12, 31) - date(FIRST_YEAR, 1, 1)).days)
        )
        opening = rng.choice(((9, 0), (14, 30)))
        # Half the starts sit on the half-hour grid, so some results end exactly at 13:00 or 18:30.
        into_shift = (
            timedelta(minutes=30 * rng.randrange(8))
            if rng.random() < 0.5
            else timedelta(seconds=rng.randrange(4 * 3600))
        )
        local = datetime(day.year, day.month, day.day, *opening, tzinfo=ROME) + into_shift
        instant = local.astimezone(UTC)
        if calendar.is_working_time(instant) and not in_dst_transition_week(instant):
            sample.append(instant)

    agreed = at_interval_end = other = 0
    examples: list[str] = []
    for _, hours in DURATIONS:
        offset = business_hours(hours)
        for start in sample:
            ours = calendar.add_working_time(start, timedelta(hours=hours))
            ours_local = naive_local(ours)
            theirs = (pd.Timestamp(naive_local(start)) + offset).to_pydatetime()
            if theirs == ours_local:
                agreed += 1
            elif not calendar.is_working_time(ours) and theirs == naive_local(calendar.next_working_time(ours)):
                at_interval_end += 1
            else:
                other += 1
                if len(examples) < 5:
                    examples.append(f"    start {naive_local(start)} + {hours} h: ours {ours_local}, pandas {theirs}")
    total = agreed + at_interval_end + other
    print(f"Agreement with pandas on local wall time ({len(sample)} working-time starts outside DST weeks")
    print(f"x {len(DURATIONS)} durations = {total} results):")
    print(f"  agree exactly:                                   {agreed}")
    print(f"  ours ends at 13:00/18:30, pandas at next opening: {at_interval_end} (expected, not a failure)")
    print(f"  other differences:                               {other}")
    for line in examples:
        print(line)


if __name__ == "__main__":
    sys.exit(main())
