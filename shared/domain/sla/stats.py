"""SLA figures over a set of tickets, per customer and priority: the arithmetic of the SLA report.

Pure: the tickets, the calendar and the report's instant ``now`` come in, figures come out.

Semantics (per ``(customer, priority)``; the priority is the ticket's current one):

* ``opened``: the tickets in the set.
* per clock (charge taking, resolution), with each clock's state derived from the ledger as of
  ``now`` (:func:`shared.domain.sla.clock.clock_state`):

  - ``stopped``: the clocks stopped as of ``now`` (accepted for charge taking; resolved, closed,
    classified as an outcome or to a category that does not run the clock for resolution; a
    reopened ticket's resolution clock runs again and is not counted);
  - ``met``: the stopped clocks whose recorded verdict is met; ``met_percent`` is ``met`` over
    ``stopped``, in percent with one decimal, and None when nothing stopped;
  - ``breached``: the clocks past their budget as of ``now``, stopped or not (a running or paused
    clock already past its budget counts);
  - ``median`` and ``p90``: the nearest-rank 50th and 90th percentiles (:func:`nearest_rank`) of
    the working time the stopped clocks recorded; None when nothing stopped.

* ``paused``: the working time the tickets spent paused: for each ticket, the union over its clocks
  of the spans from a ``pause`` to the next ``resume`` (or ``stop``, or ``now`` while still
  paused), measured with the calendar (so a weekend in a pause counts nothing).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.clock import ClockEvent, ClockEventKind, ClockState, clock_state
from shared.domain.sla.policy import Clock, Priority

__all__ = ["ClockFigures", "ReportedTicket", "SlaRow", "nearest_rank", "paused_time", "summarise"]

T = TypeVar("T", int, timedelta)


@dataclass(frozen=True)
class ReportedTicket:
    """What the report needs of a ticket: whose it is, its priority, when it opened, its ledger."""

    customer_id: str
    ticket_id: str
    priority: Priority
    created_at: datetime
    clocks: tuple[ClockEvent, ...]


@dataclass(frozen=True)
class ClockFigures:
    """One clock's figures over a group of tickets (see the module's semantics)."""

    stopped: int
    met: int
    breached: int
    median: timedelta | None
    p90: timedelta | None

    @property
    def met_percent(self) -> float | None:
        """``met`` over ``stopped`` in percent, one decimal; None when nothing stopped."""
        return round(100 * self.met / self.stopped, 1) if self.stopped else None


@dataclass(frozen=True)
class SlaRow:
    """The figures of one customer's tickets of one priority."""

    customer_id: str
    priority: Priority
    opened: int
    take_charge: ClockFigures
    resolution: ClockFigures
    paused: timedelta


def nearest_rank(values: Sequence[T], percent: int) -> T | None:
    """The nearest-rank ``percent``-th percentile of ``values`` (1 ≤ percent ≤ 100): the smallest
    value such that at least ``percent``% of the values are less than or equal to it, i.e. the
    ⌈percent·n/100⌉-th in ascending order. Always one of the values (the median of four is the
    second); None for no values."""
    if not 1 <= percent <= 100:
        raise ValueError(f"percent must be from 1 to 100: {percent}")
    if not values:
        return None
    rank = -(-percent * len(values) // 100)
    return sorted(values)[rank - 1]


def paused_time(events: Iterable[ClockEvent], calendar: SlaCalendar, now: datetime) -> timedelta:
    """The working time during which any of a ticket's clocks was paused, up to ``now`` (spans of
    several clocks that overlap count once)."""
    spans: list[tuple[datetime, datetime]] = []
    for clock in Clock:
        paused_since: datetime | None = None
        for event in sorted((e for e in events if e.clock == clock and e.at <= now), key=lambda e: e.at):
            if event.kind is ClockEventKind.PAUSE and paused_since is None:
                paused_since = event.at
            elif event.kind in (ClockEventKind.RESUME, ClockEventKind.STOP) and paused_since is not None:
                spans.append((paused_since, event.at))
                paused_since = None
        if paused_since is not None:
            spans.append((paused_since, now))
    return sum((calendar.working_time_between(begin, end) for begin, end in _merged(spans)), timedelta(0))


def summarise(tickets: Iterable[ReportedTicket], calendar: SlaCalendar, now: datetime) -> list[SlaRow]:
    """One row per ``(customer, priority)`` that has tickets, ordered by customer id then priority."""
    groups: dict[tuple[str, Priority], _Group] = defaultdict(_Group)
    for ticket in tickets:
        group = groups[ticket.customer_id, ticket.priority]
        group.opened += 1
        group.take_charge.add(clock_state(Clock.TAKE_CHARGE, ticket.clocks, calendar, now))
        group.resolution.add(clock_state(Clock.RESOLUTION, ticket.clocks, calendar, now))
        group.paused += paused_time(ticket.clocks, calendar, now)
    return [
        SlaRow(customer, priority, group.opened, group.take_charge.figures(), group.resolution.figures(), group.paused)
        for (customer, priority), group in sorted(groups.items())
    ]


@dataclass
class _Tally:
    """One clock's figures in the making."""

    met: int = 0
    breached: int = 0
    elapsed: list[timedelta] = field(default_factory=list)

    def add(self, state: ClockState) -> None:
        if state.started_at is None:
            return
        if state.breached:
            self.breached += 1
        if state.stopped_at is not None:
            self.elapsed.append(state.elapsed)
            self.met += bool(state.met)

    def figures(self) -> ClockFigures:
        return ClockFigures(
            len(self.elapsed), self.met, self.breached, nearest_rank(self.elapsed, 50), nearest_rank(self.elapsed, 90)
        )


@dataclass
class _Group:
    opened: int = 0
    take_charge: _Tally = field(default_factory=_Tally)
    resolution: _Tally = field(default_factory=_Tally)
    paused: timedelta = timedelta(0)


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """The union of ``spans`` as disjoint spans in order."""
    merged: list[tuple[datetime, datetime]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((begin, end))
    return merged
