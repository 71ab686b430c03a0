"""SLA clocks as an append-only ledger of events, and the state derived from it.

A ticket has up to two clocks (charge taking, resolution). Nothing about a clock is stored as a
mutable deadline: the ledger records what happened, and :func:`clock_state` derives the deadline,
the paused state and met/breached from it with the SLA calendar, as of any instant.

Events:

* ``start`` (at, budget): the clock runs from ``at`` with a working-time ``budget``.
* ``pause`` (at, reason): working time stops counting (while the ticket waits for the customer).
* ``resume`` (at): working time counts again; the time paused is not charged.
* ``goal_change`` (at, budget): the budget is replaced (priority or category changed). The budget
  counts from the clock's start, so the paused time is kept and the deadline moves by the difference.
* ``stop`` (at, elapsed, met): the clock is done. The working time elapsed and the verdict are
  recorded *in the event*, with the calendar in force when it stopped, so a closure period added
  later never rewrites the compliance of a clock already stopped.
* ``resume`` after a ``stop`` reopens the clock (a resolved ticket reopened): it counts on from the
  working time recorded at the stop. A clock reopened with its budget already spent is due at the
  instant it was reopened.

Semantics: *elapsed* is the working time counted while running; the clock is *breached* once
elapsed exceeds the budget (reaching it exactly, at the deadline, is still met); the *deadline* is
the first instant at which elapsed reaches the budget. While paused short of the budget there is no
deadline (it moves with the pause); once reached, the deadline stays the instant it was reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.policy import Clock

__all__ = ["ClockEvent", "ClockEventKind", "ClockState", "LedgerError", "clock_state"]


class ClockEventKind(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    GOAL_CHANGE = "goal_change"
    STOP = "stop"


class LedgerError(ValueError):
    """The events do not make a valid history (a pause of a paused clock, an event before the start)."""


@dataclass(frozen=True)
class ClockEvent:
    """One entry of a clock's ledger. ``budget`` belongs to start and goal_change, ``reason`` to
    pause, ``elapsed`` and ``met`` to stop."""

    clock: Clock
    kind: ClockEventKind
    at: datetime
    budget: timedelta | None = None
    reason: str | None = None
    elapsed: timedelta | None = None
    met: bool | None = None

    @classmethod
    def start(cls, clock: Clock, at: datetime, budget: timedelta) -> ClockEvent:
        return cls(clock, ClockEventKind.START, at, budget=budget)

    @classmethod
    def pause(cls, clock: Clock, at: datetime, reason: str) -> ClockEvent:
        return cls(clock, ClockEventKind.PAUSE, at, reason=reason)

    @classmethod
    def resume(cls, clock: Clock, at: datetime) -> ClockEvent:
        return cls(clock, ClockEventKind.RESUME, at)

    @classmethod
    def goal_change(cls, clock: Clock, at: datetime, budget: timedelta) -> ClockEvent:
        return cls(clock, ClockEventKind.GOAL_CHANGE, at, budget=budget)


@dataclass(frozen=True)
class ClockState:
    """A clock as of an instant.

    ``due`` is None while paused and not breached, and for a clock never started. ``met`` is None
    until the clock stops. ``remaining`` is the working time left (negative once breached).
    """

    clock: Clock
    started_at: datetime | None
    budget: timedelta
    elapsed: timedelta
    due: datetime | None
    paused: bool
    pause_reason: str | None
    stopped_at: datetime | None
    met: bool | None

    @property
    def running(self) -> bool:
        return self.started_at is not None and not self.paused and self.stopped_at is None

    @property
    def breached(self) -> bool:
        return self.met is False if self.stopped_at is not None else self.elapsed > self.budget

    @property
    def remaining(self) -> timedelta:
        return self.budget - self.elapsed

    def stop_event(self, at: datetime) -> ClockEvent:
        """The ``stop`` event that closes this clock at ``at`` (the state must be as of ``at``),
        recording the elapsed working time and the verdict."""
        if self.started_at is None or self.stopped_at is not None:
            raise LedgerError(f"the {self.clock} clock is not running or paused; it cannot stop")
        return ClockEvent(self.clock, ClockEventKind.STOP, at, elapsed=self.elapsed, met=not self.breached)


def clock_state(clock: Clock, events: Iterable[ClockEvent], calendar: SlaCalendar, now: datetime) -> ClockState:
    """Replay ``clock``'s events (others are ignored, and so are events after ``now``) in order and
    derive its state as of ``now``. Raise :class:`LedgerError` on an impossible sequence."""
    started_at: datetime | None = None
    budget = timedelta(0)
    running_since: datetime | None = None
    pause_reason: str | None = None
    spans: list[tuple[datetime, datetime]] = []  # the spans during which the clock ran since (re)opening
    carried = timedelta(0)  # working time recorded by the last stop, when the clock was reopened
    stopped: ClockEvent | None = None

    for event in sorted((e for e in events if e.clock == clock and e.at <= now), key=lambda e: e.at):
        if stopped is not None:
            if event.kind is not ClockEventKind.RESUME:
                raise LedgerError(f"{event.kind} after the {clock} clock stopped")
            carried, spans, stopped = _recorded_elapsed(stopped), [], None
            running_since = event.at
            continue
        if event.kind is ClockEventKind.START:
            if started_at is not None:
                raise LedgerError(f"the {clock} clock started twice")
            started_at, running_since, budget = event.at, event.at, _budget(event)
        elif started_at is None:
            raise LedgerError(f"{event.kind} of the {clock} clock: the clock has not started")
        elif event.kind is ClockEventKind.PAUSE:
            if running_since is None:
                raise LedgerError(f"the {clock} clock is already paused")
            spans.append((running_since, event.at))
            running_since, pause_reason = None, event.reason
        elif event.kind is ClockEventKind.RESUME:
            if running_since is not None:
                raise LedgerError(f"the {clock} clock is not paused")
            running_since, pause_reason = event.at, None
        elif event.kind is ClockEventKind.GOAL_CHANGE:
            budget = _budget(event)
        else:
            if running_since is not None:
                spans.append((running_since, event.at))
                running_since = None
            stopped = event

    if started_at is None:
        return ClockState(clock, None, budget, timedelta(0), None, False, None, None, None)
    if running_since is not None:
        spans.append((running_since, now))
    elapsed, due = _elapsed_and_due(calendar, spans, budget, carried, running=running_since is not None)
    if stopped is not None:
        recorded = _recorded_elapsed(stopped, elapsed)
        met = stopped.met if stopped.met is not None else recorded <= budget
        return ClockState(clock, started_at, budget, recorded, None if met else due, False, None, stopped.at, met)
    paused = running_since is None
    return ClockState(clock, started_at, budget, elapsed, due, paused, pause_reason if paused else None, None, None)


def _elapsed_and_due(
    calendar: SlaCalendar,
    spans: list[tuple[datetime, datetime]],
    budget: timedelta,
    carried: timedelta,
    *,
    running: bool,
) -> tuple[timedelta, datetime | None]:
    """The working time counted in ``spans``, and the deadline: the first instant at which the
    count reached the budget; or, for a running clock whose count has not reached it yet (its last
    span is open up to now), the instant it will; or none (paused short of the budget). ``carried``
    is the working time counted before the spans (recorded by a stop before a reopening)."""
    elapsed = before_last = carried
    due: datetime | None = spans[0][0] if spans and carried >= budget else None
    for begin, end in spans:
        counted = calendar.working_time_between(begin, end)
        if due is None and elapsed + counted >= budget:
            due = calendar.add_working_time(begin, budget - elapsed)
        before_last, elapsed = elapsed, elapsed + counted
    if due is None and running:
        due = calendar.add_working_time(spans[-1][0], budget - before_last)
    return elapsed, due


def _recorded_elapsed(stop: ClockEvent, counted: timedelta = timedelta(0)) -> timedelta:
    """The working time a stop recorded (``counted`` for a stop written without it)."""
    return stop.elapsed if stop.elapsed is not None else counted


def _budget(event: ClockEvent) -> timedelta:
    if event.budget is None or event.budget < timedelta(0):
        raise LedgerError(f"{event.kind} of the {event.clock} clock needs a non-negative budget")
    return event.budget
