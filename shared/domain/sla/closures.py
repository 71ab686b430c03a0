"""Closure periods (summer, Christmas) that administrators announce; they feed the SLA calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["Closure", "changed_days"]


@dataclass(frozen=True)
class Closure:
    """The desk is closed from ``first_day`` to ``last_day``, both included."""

    id: str
    first_day: date
    last_day: date
    note: str


def changed_days(before: Closure | None, after: Closure | None) -> tuple[date, date]:
    """The first and the last day whose working time may differ once ``before`` became ``after``
    (None: no closure, before a creation or after a withdrawal): the span of the days closed by one
    and not the other. A closure put again unchanged answers its own days, so repeating a change
    re-plans again (what did not move stays)."""
    if before is None or after is None:
        closure = after or before
        if closure is None:
            raise ValueError("a change of closures needs a closure before or after it")
        return closure.first_day, closure.last_day
    if (before.first_day, before.last_day) == (after.first_day, after.last_day):
        return after.first_day, after.last_day
    one_day = timedelta(days=1)
    first = (
        min(before.first_day, after.first_day)
        if before.first_day != after.first_day
        else min(before.last_day, after.last_day) + one_day
    )
    last = (
        max(before.last_day, after.last_day)
        if before.last_day != after.last_day
        else max(before.first_day, after.first_day) - one_day
    )
    return first, last
