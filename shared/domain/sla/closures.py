"""Closure periods (summer, Christmas) that administrators announce; they feed the SLA calendar.

A closure an administrator announces is checked here (:func:`check_closure`): its id is 1–63
lower-case letters, digits or dashes (a row key and a URL segment), both its days fall in
:data:`CLOSURE_YEARS`, and it lasts from one day to a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from shared.domain.errors import InvalidInput

__all__ = ["CLOSURE_YEARS", "LONGEST_CLOSURE", "Closure", "changed_days", "check_closure", "valid_closure_id"]

_CLOSURE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
#: The years a closure may fall in: a desk's closures are announced for the years it works in, and
#: the escalation schedule's hour buckets are not defined at the ends of the calendar.
CLOSURE_YEARS = range(2000, 3000)
#: The longest span from a closure's first day to its last.
LONGEST_CLOSURE = timedelta(days=366)


@dataclass(frozen=True)
class Closure:
    """The desk is closed from ``first_day`` to ``last_day``, both included."""

    id: str
    first_day: date
    last_day: date
    note: str


def valid_closure_id(value: str) -> bool:
    """1–63 lower-case letters, digits or dashes, the first a letter or digit."""
    return bool(_CLOSURE_ID.fullmatch(value))


def check_closure(closure: Closure) -> Closure:
    """``closure`` if an administrator may announce it, else :class:`InvalidInput` naming the first
    fault: ``id`` (its shape), ``first_day`` or ``last_day`` (outside :data:`CLOSURE_YEARS`), then
    ``last_day`` (before ``first_day``, or more than :data:`LONGEST_CLOSURE` after it)."""
    if not valid_closure_id(closure.id):
        raise InvalidInput("id", "must be lower-case letters, digits or dashes")
    for name, day in (("first_day", closure.first_day), ("last_day", closure.last_day)):
        if day.year not in CLOSURE_YEARS:
            raise InvalidInput(name, f"must fall in the years {CLOSURE_YEARS[0]} to {CLOSURE_YEARS[-1]}")
    if closure.last_day < closure.first_day:
        raise InvalidInput("last_day", "is before first_day")
    if closure.last_day - closure.first_day > LONGEST_CLOSURE:
        raise InvalidInput("last_day", "makes a closure longer than a year")
    return closure


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
