"""Timer triggers: each timer function runs on its schedule on a thread of its own."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from azure.functions.decorators.function_app import Function
from azure.functions.decorators.timer import TimerTrigger
from azure.functions.timer import TimerRequest

from devhost.background import ThreadGroup
from devhost.binding_expressions import expand_settings
from devhost.invocation import name_of, run_logged, typed_trigger
from devhost.ncrontab import Schedule, parse_schedule

LOG = logging.getLogger(__name__)

#: A run that starts later than its occurrence by more than this is past due.
PAST_DUE_TOLERANCE = timedelta(seconds=3)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class TimerJob:
    """A timer function with its parsed schedule."""

    function: Function
    schedule: Schedule
    run_on_startup: bool

    @property
    def name(self) -> str:
        """The function's name."""
        return name_of(self.function)


def timer_jobs(functions: list[Function], environ: Mapping[str, str]) -> list[TimerJob]:
    """A job for each timer function whose schedule (``%NAME%`` expanded) parses; the others
    are logged as not served."""
    jobs = []
    for function in functions:
        trigger = typed_trigger(function, TimerTrigger)
        try:
            schedule = parse_schedule(expand_settings(trigger.schedule, environ))
        except (KeyError, ValueError) as error:
            LOG.error("%s: not served, bad schedule %r: %s", name_of(function), trigger.schedule, error)
            continue
        jobs.append(TimerJob(function, schedule, bool(trigger.run_on_startup)))
    return jobs


def timer_request(*, past_due: bool, last: datetime | None, next_due: datetime, now: datetime) -> TimerRequest:
    """The TimerRequest a run gets; its status is shaped like the real host's."""
    return TimerRequest(
        past_due=past_due,
        schedule_status={
            "Last": (last or now).isoformat(),
            "Next": next_due.isoformat(),
            "LastUpdated": now.isoformat(),
        },
        schedule={"AdjustForDST": True},
    )


def start_timers(jobs: list[TimerJob], threads: ThreadGroup, clock: Clock = utc_now) -> None:
    """Run each job on a thread of ``threads`` until the group stops.

    A job first runs at start when it asks to (``run_on_startup``), then at each occurrence.
    When a run overlaps later occurrences, those are skipped and the next one waited for; a
    run that starts more than PAST_DUE_TOLERANCE after its occurrence is past due. A run that
    raises is logged and the job keeps its schedule.
    """
    for job in jobs:
        threads.spawn(partial(_run, job, clock=clock), name=f"timer-{job.name}")
        LOG.info("%s: timer scheduled, next run at %s", job.name, job.schedule.next_after(clock()))


def _run(job: TimerJob, stopping: threading.Event, *, clock: Clock) -> None:
    last: datetime | None = None
    due = job.schedule.next_after(clock())
    if job.run_on_startup:
        run_logged(job.function, timer_request(past_due=False, last=None, next_due=due, now=clock()), "startup")
    while not stopping.wait(max(0.0, (due - clock()).total_seconds())):
        now = clock()
        following = job.schedule.next_after(max(due, now))
        request = timer_request(past_due=now - due > PAST_DUE_TOLERANCE, last=last, next_due=following, now=now)
        run_logged(job.function, request, f"timer due {due:%H:%M:%S}")
        last, due = due, job.schedule.next_after(max(due, clock()))
