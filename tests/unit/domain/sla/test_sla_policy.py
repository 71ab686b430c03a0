"""The SLA policy: budgets and due instants per priority, the two readings of a working day, and
the category rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.policy import Category, Clock, Priority, ResolutionRule, SlaPolicy

ROME = ZoneInfo("Europe/Rome")
CALENDAR = default_calendar()
POLICY = SlaPolicy()
THURSDAY_TEN = datetime(2026, 11, 26, 10, 0, tzinfo=ROME)


def rome(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)


@pytest.mark.parametrize(
    ("priority", "take_charge", "resolution"),
    [
        (Priority.BLOCKING, timedelta(hours=1), timedelta(hours=8)),
        (Priority.HIGH, timedelta(hours=4), timedelta(hours=16)),
        (Priority.MEDIUM, timedelta(hours=8), timedelta(hours=40)),
        (Priority.LOW, timedelta(hours=16), timedelta(hours=240)),
    ],
)
def test_each_priority_has_the_contract_s_budgets(
    priority: Priority, take_charge: timedelta, resolution: timedelta
) -> None:
    assert POLICY.budget(CALENDAR, Clock.TAKE_CHARGE, priority, THURSDAY_TEN) == take_charge
    assert POLICY.budget(CALENDAR, Clock.RESOLUTION, priority, THURSDAY_TEN) == resolution


@pytest.mark.parametrize(
    ("priority", "clock", "expected"),
    [
        (Priority.BLOCKING, Clock.TAKE_CHARGE, "2026-11-26 11:00"),
        (Priority.HIGH, Clock.TAKE_CHARGE, "2026-11-26 15:30"),
        (Priority.MEDIUM, Clock.TAKE_CHARGE, "2026-11-27 10:00"),
        (Priority.LOW, Clock.TAKE_CHARGE, "2026-11-30 10:00"),
        (Priority.BLOCKING, Clock.RESOLUTION, "2026-11-27 10:00"),
        (Priority.HIGH, Clock.RESOLUTION, "2026-11-30 10:00"),
        (Priority.MEDIUM, Clock.RESOLUTION, "2026-12-03 10:00"),
        (Priority.LOW, Clock.RESOLUTION, "2027-01-13 10:00"),
    ],
)
def test_due_instants_follow_the_calendar_with_working_days_of_eight_hours(
    priority: Priority, clock: Clock, expected: str
) -> None:
    assert POLICY.due(CALENDAR, clock, priority, THURSDAY_TEN) == rome(expected)


@pytest.mark.parametrize(
    ("opened", "priority", "expected"),
    [
        ("2026-11-26 10:00", Priority.BLOCKING, "2026-11-27 18:30"),  # Thursday is under way: Friday is day 1
        ("2026-11-26 08:00", Priority.BLOCKING, "2026-11-26 18:30"),  # before opening: Thursday is day 1
        ("2026-11-26 10:00", Priority.HIGH, "2026-11-30 18:30"),
        ("2026-12-04 10:00", Priority.HIGH, "2026-12-09 18:30"),  # over a weekend and the eighth
    ],
)
def test_the_end_of_working_day_rule_falls_due_at_a_closing(opened: str, priority: Priority, expected: str) -> None:
    policy = SlaPolicy(resolution_rule=ResolutionRule.END_OF_WORKING_DAY)
    assert policy.due(CALENDAR, Clock.RESOLUTION, priority, rome(opened)) == rome(expected)


def test_the_end_of_working_day_rule_leaves_charge_taking_in_working_hours() -> None:
    policy = SlaPolicy(resolution_rule=ResolutionRule.END_OF_WORKING_DAY)
    assert policy.due(CALENDAR, Clock.TAKE_CHARGE, Priority.BLOCKING, THURSDAY_TEN) == rome("2026-11-26 11:00")


@pytest.mark.parametrize(
    ("category", "take_charge", "resolution", "closes"),
    [
        (Category.BUG, True, True, False),
        (Category.HELPDESK, True, True, False),
        (Category.VULNERABILITY, True, True, False),
        (Category.EVOLUTION, True, False, False),
        (Category.BILLABLE, True, False, False),
        (Category.DECLINED_BY_CUSTOMER, False, False, True),
        (Category.OUT_OF_SCOPE, False, False, True),
    ],
)
def test_the_category_decides_which_clocks_run_and_which_close_the_ticket(
    category: Category, take_charge: bool, resolution: bool, closes: bool
) -> None:
    assert POLICY.runs(Clock.TAKE_CHARGE, category) is take_charge
    assert POLICY.runs(Clock.RESOLUTION, category) is resolution
    assert POLICY.rule_for(category).closes_ticket is closes


def test_a_vulnerability_is_at_least_high_and_seen_only_by_security() -> None:
    assert POLICY.effective_priority(Category.VULNERABILITY, Priority.LOW) is Priority.HIGH
    assert POLICY.effective_priority(Category.VULNERABILITY, Priority.BLOCKING) is Priority.BLOCKING
    assert POLICY.effective_priority(Category.BUG, Priority.LOW) is Priority.LOW
    assert POLICY.rule_for(Category.VULNERABILITY).required_role == "security"
    assert POLICY.rule_for(Category.BUG).required_role is None


def test_a_policy_with_missing_or_non_positive_values_is_refused() -> None:
    with pytest.raises(ValueError, match="take_charge_hours has no positive value for priority 4") as raised:
        SlaPolicy(
            take_charge_hours={Priority.BLOCKING: 1, Priority.HIGH: 4, Priority.MEDIUM: 8},
            working_day=timedelta(0),
            categories={},
        )
    assert "working_day must be positive" in str(raised.value)
    assert "category 'bug' has no rule" in str(raised.value)
