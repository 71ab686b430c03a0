"""Closure periods (summer, Christmas) that administrators announce; they feed the SLA calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

__all__ = ["Closure"]


@dataclass(frozen=True)
class Closure:
    """The desk is closed from ``first_day`` to ``last_day``, both included."""

    id: str
    first_day: date
    last_day: date
    note: str
