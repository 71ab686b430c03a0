"""The escalation procedure, pure: which level an SLA clock has reached, and when it reaches the next.

A clock escalates in levels, each a percentage of its working-time budget (the default matrix:
level 1 warning at 75%, level 2 breach at 100%, level 3 at 150%). A level is *reached* when the
working time elapsed on the clock is at least its share of the budget: level 2 fires at the
deadline itself. Paused, stopped and never-started clocks reach nothing new. Percentages are of
working time, so a level never falls at night, on a holiday or in a closure.

Escalation is *planned*: every change of a ticket computes, per running clock, the next level not
reached yet and the working instant it falls due (:func:`next_checkpoint`); the sweep reads only
those checkpoints that are due. A checkpoint remembers the instant it was planned at and the working
time its clock had left to the level then (and when the clock started), so that a change of the
calendar (a closure announced, moved or withdrawn) can move it without reading its ticket
(:func:`replanned`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.clock import ClockState
from shared.domain.sla.policy import Clock

__all__ = ["DEFAULT_MATRIX", "Checkpoint", "EscalationMatrix", "level_reached", "next_checkpoint", "replanned"]


@dataclass(frozen=True)
class EscalationMatrix:
    """The percentages of a clock's budget at which levels 1, 2, 3 … fire, increasing."""

    percentages: Sequence[int] = (75, 100, 150)

    def __post_init__(self) -> None:
        values = list(self.percentages)
        if not values or any(p <= 0 for p in values) or values != sorted(set(values)):
            raise ValueError(f"escalation percentages must be positive and increasing: {values}")

    def threshold(self, budget: timedelta, level: int) -> timedelta:
        """The working time at which ``level`` (1-based) fires."""
        return budget * self.percentages[level - 1] // 100

    @property
    def levels(self) -> range:
        return range(1, len(self.percentages) + 1)

    @property
    def breach_level(self) -> int | None:
        """The first level at or past the whole budget (a ticket there is breached), if any."""
        return next((level for level in self.levels if self.percentages[level - 1] >= 100), None)


DEFAULT_MATRIX = EscalationMatrix()


@dataclass(frozen=True)
class Checkpoint:
    """Level ``level`` of ``clock`` of the ticket falls due at ``due``: planned at ``planned_at``,
    when the clock, started at ``clock_started``, had ``left`` working time to go to the level (the
    three are None for a checkpoint planned before they were recorded)."""

    customer_id: str
    ticket_id: str
    clock: Clock
    level: int
    due: datetime
    planned_at: datetime | None = None
    left: timedelta | None = None
    clock_started: datetime | None = None


def level_reached(state: ClockState, matrix: EscalationMatrix, already: int) -> int:
    """The highest level ``state`` has reached, never lower than ``already`` (a level reached
    stays reached); a clock that is not running reaches nothing new."""
    if not state.running:
        return already
    reached = already
    for level in matrix.levels:
        if level > reached and state.elapsed >= matrix.threshold(state.budget, level):
            reached = level
    return reached


def next_checkpoint(
    state: ClockState,
    matrix: EscalationMatrix,
    already: int,
    calendar: SlaCalendar,
    now: datetime,
    customer_id: str,
    ticket_id: str,
) -> Checkpoint | None:
    """When the first level above ``already`` falls due for a running clock (``state`` as of
    ``now``); ``now`` itself when it is already reached; None for a clock that is paused, stopped
    or past its last level."""
    if not state.running:
        return None
    for level in matrix.levels:
        if level <= already:
            continue
        left = max(matrix.threshold(state.budget, level) - state.elapsed, timedelta(0))
        due = calendar.add_working_time(now, left)
        return Checkpoint(customer_id, ticket_id, state.clock, level, due, now, left, state.started_at)
    return None


def replanned(checkpoint: Checkpoint, calendar: SlaCalendar, changed: tuple[datetime, datetime]) -> Checkpoint | None:
    """``checkpoint`` on ``calendar``, a calendar that differs from the one it was planned with only
    within ``changed`` (``[from, until)``: a closure announced, moved or withdrawn), or None when
    only the ticket's ledger can tell.

    * A clock started at or after ``until`` never counted a changed instant: the checkpoint stays.
    * A checkpoint planned at or before ``from`` counted no changed instant yet: its level falls due
      once its working time left has elapsed on ``calendar`` since it was planned.
    * Any other (planned inside or after the change, by a clock that ran before its end), and one
      planned without what it needs, is for the ledger.
    """
    changed_from, changed_until = changed
    if checkpoint.clock_started is not None and checkpoint.clock_started >= changed_until:
        return checkpoint
    if checkpoint.planned_at is None or checkpoint.left is None or checkpoint.planned_at > changed_from:
        return None
    return replace(checkpoint, due=calendar.add_working_time(checkpoint.planned_at, checkpoint.left))
