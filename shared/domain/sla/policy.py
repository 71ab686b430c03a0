"""The SLA policy: what each priority and category promises, in working time.

The contract (the vendor's support page): priority 1 Blocking, 2 High, 3 Medium, 4 Low; charge
taking within 1 / 4 / 8 / 16 working hours and resolution within 1 / 2 / 5 / 30 working days.

Every promise is a *budget of working time* measured from the instant its clock starts; the due
instant is that budget added on the SLA calendar. A working day is read in one of two ways:

* ``ResolutionRule.WORKING_HOURS`` (default): a working day is a fixed amount of working time,
  8 working hours (one full day of the vendor's week), so "2 working days" is 16 working hours.
* ``ResolutionRule.END_OF_WORKING_DAY``: "by the end of the Nth working day", counted as
  :meth:`SlaCalendar.end_of_working_day` does; the budget is the working time up to that closing.

The category policy says which clocks run for each category, which categories are outcomes that
close the ticket, and which need a minimum priority or a role to see them. Pure code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from types import MappingProxyType

from shared.domain.sla.calendar import SlaCalendar

__all__ = [
    "DEFAULT_CATEGORY_RULES",
    "Category",
    "CategoryRule",
    "Clock",
    "Priority",
    "ResolutionRule",
    "SlaPolicy",
]


class Priority(IntEnum):
    """Priority and severity: 1 is the most urgent."""

    BLOCKING = 1
    HIGH = 2
    MEDIUM = 3
    LOW = 4


class Category(StrEnum):
    """How a request is classified."""

    BUG = "bug"
    EVOLUTION = "evolution"
    HELPDESK = "helpdesk"
    BILLABLE = "billable"
    DECLINED_BY_CUSTOMER = "declined_by_customer"
    OUT_OF_SCOPE = "out_of_scope"
    VULNERABILITY = "vulnerability"


class Clock(StrEnum):
    """The two SLA clocks of a ticket."""

    TAKE_CHARGE = "take_charge"
    RESOLUTION = "resolution"


class ResolutionRule(StrEnum):
    """How a number of working days becomes a budget of working time."""

    WORKING_HOURS = "working_hours"
    END_OF_WORKING_DAY = "end_of_working_day"


@dataclass(frozen=True)
class CategoryRule:
    """What a category means for the SLA and for who may see the ticket.

    ``clocks``: the SLA clocks that run. ``closes_ticket``: the category is an outcome; setting
    it closes the ticket with a notification that says why. ``minimum_priority``: the ticket is
    at least this urgent (a lower urgency is raised to it). ``required_role``: only operators
    with this role may see the ticket.
    """

    clocks: frozenset[Clock]
    closes_ticket: bool = False
    minimum_priority: Priority | None = None
    required_role: str | None = None


_BOTH = frozenset(Clock)
_TAKE_CHARGE_ONLY = frozenset({Clock.TAKE_CHARGE})

#: The default category policy: bug, helpdesk and vulnerability run both clocks; evolution and
#: billable only charge taking (their delivery is planned or quoted); the two outcomes close the
#: ticket and run no clock; a vulnerability is at least High and seen only by the security role.
DEFAULT_CATEGORY_RULES: Mapping[Category, CategoryRule] = MappingProxyType(
    {
        Category.BUG: CategoryRule(_BOTH),
        Category.HELPDESK: CategoryRule(_BOTH),
        Category.VULNERABILITY: CategoryRule(_BOTH, minimum_priority=Priority.HIGH, required_role="security"),
        Category.EVOLUTION: CategoryRule(_TAKE_CHARGE_ONLY),
        Category.BILLABLE: CategoryRule(_TAKE_CHARGE_ONLY),
        Category.DECLINED_BY_CUSTOMER: CategoryRule(frozenset(), closes_ticket=True),
        Category.OUT_OF_SCOPE: CategoryRule(frozenset(), closes_ticket=True),
    }
)

_TAKE_CHARGE_HOURS = MappingProxyType({Priority.BLOCKING: 1, Priority.HIGH: 4, Priority.MEDIUM: 8, Priority.LOW: 16})
_RESOLUTION_DAYS = MappingProxyType({Priority.BLOCKING: 1, Priority.HIGH: 2, Priority.MEDIUM: 5, Priority.LOW: 30})


@dataclass(frozen=True)
class SlaPolicy:
    """The SLA promises; the defaults are the vendor's contract. Invalid values raise ``ValueError``."""

    take_charge_hours: Mapping[Priority, int] = field(default_factory=lambda: _TAKE_CHARGE_HOURS)
    resolution_days: Mapping[Priority, int] = field(default_factory=lambda: _RESOLUTION_DAYS)
    working_day: timedelta = timedelta(hours=8)
    resolution_rule: ResolutionRule = ResolutionRule.WORKING_HOURS
    categories: Mapping[Category, CategoryRule] = field(default_factory=lambda: DEFAULT_CATEGORY_RULES)

    def __post_init__(self) -> None:
        tables = {"take_charge_hours": self.take_charge_hours, "resolution_days": self.resolution_days}
        problems = [
            f"{name} has no positive value for priority {int(priority)}"
            for name, table in tables.items()
            for priority in Priority
            if not (isinstance(table.get(priority), int) and table[priority] > 0)
        ]
        if self.working_day <= timedelta(0):
            problems.append("working_day must be positive")
        problems += [f"category {c.value!r} has no rule" for c in Category if c not in self.categories]
        if problems:
            raise ValueError("invalid SLA policy: " + "; ".join(problems))

    def rule_for(self, category: Category) -> CategoryRule:
        """The rule of ``category``."""
        return self.categories[category]

    def runs(self, clock: Clock, category: Category) -> bool:
        """Whether ``clock`` runs for a ticket of ``category``."""
        return clock in self.categories[category].clocks

    def effective_priority(self, category: Category, priority: Priority) -> Priority:
        """``priority``, raised to the category's minimum where it has one (a vulnerability
        reported as Low is handled as High)."""
        minimum = self.categories[category].minimum_priority
        return Priority(min(priority, minimum)) if minimum is not None else priority

    def budget(self, calendar: SlaCalendar, clock: Clock, priority: Priority, started_at: datetime) -> timedelta:
        """The working time ``clock`` allows a ticket of ``priority`` whose clock starts at
        ``started_at``. Only the end-of-working-day rule depends on the start."""
        if clock is Clock.TAKE_CHARGE:
            return timedelta(hours=self.take_charge_hours[priority])
        days = self.resolution_days[priority]
        if self.resolution_rule is ResolutionRule.WORKING_HOURS:
            return days * self.working_day
        return calendar.working_time_between(started_at, calendar.end_of_working_day(started_at, days))

    def due(self, calendar: SlaCalendar, clock: Clock, priority: Priority, started_at: datetime) -> datetime:
        """When ``clock`` falls due if it runs without pause from ``started_at`` (aware UTC)."""
        return calendar.add_working_time(started_at, self.budget(calendar, clock, priority, started_at))
