"""Timer functions run on their schedule on threads of their own, with real TimerRequests."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import azure.functions as func
from azure.functions.timer import TimerRequest

from devhost.background import ThreadGroup
from devhost.ncrontab import IntervalSchedule
from devhost.timers import TimerJob, start_timers, timer_jobs

app = func.FunctionApp()
calls: list[TimerRequest] = []


@app.timer_trigger(schedule="%TICK%", arg_name="timer", run_on_startup=True)
def tick(timer: TimerRequest) -> None:
    calls.append(timer)


@app.timer_trigger(schedule="*/1 * * * * *", arg_name="timer")
def flaky(timer: TimerRequest) -> None:
    calls.append(timer)
    raise RuntimeError("every run fails")


@app.timer_trigger(schedule="not a schedule", arg_name="timer")
def broken(timer: TimerRequest) -> None:
    """Never runs: its schedule does not parse."""


FUNCTIONS = app.get_functions()
TICK, FLAKY = (next(f for f in FUNCTIONS if f.get_function_name() == name) for name in ("tick", "flaky"))


def run_for(seconds: float, jobs: list[TimerJob]) -> None:
    threads = ThreadGroup()
    start_timers(jobs, threads)
    time.sleep(seconds)
    threads.stop()


def test_schedules_are_read_from_settings_and_bad_ones_are_left_out() -> None:
    jobs = timer_jobs(FUNCTIONS, {"TICK": "*/10 * * * * *"})
    assert [job.name for job in jobs] == ["tick", "flaky"]
    assert jobs[0].run_on_startup is True
    start = datetime(2024, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert jobs[0].schedule.next_after(start) == datetime(2024, 1, 1, 0, 0, 10, tzinfo=UTC)


def test_a_timer_runs_at_startup_then_on_schedule() -> None:
    calls.clear()
    run_for(0.5, [TimerJob(TICK, IntervalSchedule(timedelta(milliseconds=100)), run_on_startup=True)])
    assert len(calls) >= 4  # the startup run and then one every 100 ms
    assert not any(request.past_due for request in calls)
    status = calls[1].schedule_status
    assert set(status) == {"Last", "Next", "LastUpdated"}
    assert datetime.fromisoformat(status["Next"]) > datetime.fromisoformat(status["LastUpdated"])


def test_a_timer_keeps_its_schedule_after_runs_that_raise() -> None:
    calls.clear()
    run_for(0.5, [TimerJob(FLAKY, IntervalSchedule(timedelta(milliseconds=100)), run_on_startup=False)])
    assert len(calls) >= 3


def test_a_run_that_starts_late_is_past_due() -> None:
    calls.clear()
    offset = timedelta(0)

    def clock() -> datetime:
        return datetime.now(UTC) + offset

    threads = ThreadGroup()
    start_timers([TimerJob(TICK, IntervalSchedule(timedelta(seconds=1)), run_on_startup=False)], threads, clock)
    time.sleep(0.3)
    offset = timedelta(seconds=5)  # the clock jumps while the timer waits, as after a suspend
    deadline = time.monotonic() + 3
    while not calls and time.monotonic() < deadline:
        time.sleep(0.05)
    threads.stop()
    assert calls
    assert calls[0].past_due is True


def test_stopping_wakes_a_timer_that_waits_for_a_distant_occurrence() -> None:
    threads = ThreadGroup()
    start_timers([TimerJob(TICK, IntervalSchedule(timedelta(days=1)), run_on_startup=False)], threads)
    started = time.monotonic()
    threads.stop()
    assert time.monotonic() - started < 1
    assert not any(thread.name == "timer-tick" and thread.is_alive() for thread in threading.enumerate())
