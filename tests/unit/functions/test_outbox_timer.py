"""The outbox timer's sweep: how long it sends, how long it keeps the budget for the queue it
leaves, and the delay bound that follows, from when the host says the timer runs next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from azure.functions.timer import TimerRequest

from functions.outbox import next_occurrence
from shared.domain.mail_budget import MailLimits
from shared.usecases.dispatch import SweepWindow, receipt_delay_bound

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ({"Next": "2026-11-26T09:01:00+00:00"}, T0 + timedelta(minutes=1)),
        ({"Next": "2026-11-26T09:01:00.0000000Z"}, T0 + timedelta(minutes=1)),
        ({"Next": "2026-11-26T10:01:00+01:00"}, T0 + timedelta(minutes=1)),
        ({"Next": "2026-11-26T09:01:00"}, T0 + timedelta(minutes=1)),  # no offset: UTC
        ({"Next": "soon"}, None),
        ({}, None),
    ],
)
def test_the_next_run_is_read_from_the_host_s_schedule_status(status: dict[str, str], expected: datetime) -> None:
    assert next_occurrence(TimerRequest(schedule_status=status)) == expected


def test_a_sweep_sends_until_ten_seconds_before_its_next_run_and_holds_to_the_end_of_the_next() -> None:
    window = SweepWindow.before(T0, T0 + timedelta(minutes=5))

    assert window.until == T0 + timedelta(minutes=4, seconds=50)
    assert window.hold_until == T0 + timedelta(minutes=5) + timedelta(minutes=4, seconds=50) + timedelta(seconds=10)


@pytest.mark.parametrize("next_run", [None, T0 - timedelta(seconds=1), T0, T0 + timedelta(hours=2)])
def test_without_a_sensible_next_run_a_sweep_assumes_the_default_minute(next_run: datetime | None) -> None:
    assert SweepWindow.before(T0, next_run).until == T0 + timedelta(seconds=50)


def test_a_short_period_leaves_half_of_it_between_two_sweeps() -> None:
    assert SweepWindow.before(T0, T0 + timedelta(seconds=4)).until == T0 + timedelta(seconds=2)


@pytest.mark.parametrize(
    ("limits", "seconds"),
    [(MailLimits(30, 100), 60 + 60 + 2 * 40 + 10), (MailLimits(5, 10), 60 + 60 + 2 * 400 + 10)],
    ids=["custom domain", "managed domain"],
)
def test_the_receipt_delay_bound_is_grace_period_two_intervals_and_the_gap(limits: MailLimits, seconds: int) -> None:
    assert receipt_delay_bound(limits, timedelta(minutes=1)) == timedelta(seconds=seconds)
