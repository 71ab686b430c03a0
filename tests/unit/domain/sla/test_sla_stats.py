"""The SLA report's arithmetic: nearest-rank percentiles, time paused, figures per customer and priority."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.clock import ClockEvent, ClockEventKind
from shared.domain.sla.policy import Clock, Priority
from shared.domain.sla.stats import ReportedTicket, nearest_rank, paused_time, summarise

ROME = ZoneInfo("Europe/Rome")
H = timedelta(hours=1)
CALENDAR = default_calendar()
TAKE = Clock.TAKE_CHARGE
RESOLVE = Clock.RESOLUTION


def rome(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)


def stop(clock: Clock, at: str, elapsed: timedelta, *, met: bool) -> ClockEvent:
    return ClockEvent(clock, ClockEventKind.STOP, rome(at), elapsed=elapsed, met=met)


def test_the_nearest_rank_percentile_is_always_one_of_the_values() -> None:
    assert nearest_rank([4, 1, 3, 2], 50) == 2
    assert nearest_rank([4, 1, 3, 2], 90) == 4
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert nearest_rank(list(range(1, 12)), 90) == 10
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([], 50) is None


def test_a_percentile_outside_one_to_a_hundred_is_refused() -> None:
    with pytest.raises(ValueError, match="percent"):
        nearest_rank([1], 0)


def test_a_pause_over_a_weekend_counts_only_its_working_time() -> None:
    events = [
        ClockEvent.start(RESOLVE, rome("2026-11-02 09:00"), 16 * H),
        ClockEvent.pause(RESOLVE, rome("2026-11-06 17:00"), "waiting_customer"),  # Friday
        ClockEvent.resume(RESOLVE, rome("2026-11-09 10:00")),  # Monday
    ]
    assert paused_time(events, CALENDAR, rome("2026-11-20 09:00")) == 2.5 * H


def test_a_pause_still_open_counts_up_to_now_and_one_ended_by_a_stop_up_to_the_stop() -> None:
    start = ClockEvent.start(RESOLVE, rome("2026-11-02 09:00"), 16 * H)
    pause = ClockEvent.pause(RESOLVE, rome("2026-11-02 10:00"), "waiting_customer")
    assert paused_time([start, pause], CALENDAR, rome("2026-11-02 12:00")) == 2 * H
    stopped = [start, pause, stop(RESOLVE, "2026-11-02 11:00", H, met=True)]
    assert paused_time(stopped, CALENDAR, rome("2026-11-02 12:00")) == H


def test_two_clocks_paused_together_count_their_pause_once() -> None:
    events = [
        *(ClockEvent.start(clock, rome("2026-11-02 09:00"), 16 * H) for clock in Clock),
        *(ClockEvent.pause(clock, rome("2026-11-02 10:00"), "waiting_customer") for clock in Clock),
        ClockEvent.resume(TAKE, rome("2026-11-02 11:00")),
        ClockEvent.resume(RESOLVE, rome("2026-11-02 12:00")),
    ]
    assert paused_time(events, CALENDAR, rome("2026-11-03 09:00")) == 2 * H


def test_rows_group_by_customer_and_priority_and_count_breaches_of_clocks_still_running() -> None:
    def ticket(customer: str, priority: Priority, *events: ClockEvent) -> ReportedTicket:
        return ReportedTicket(customer, f"IT-2026-{len(events):06d}", priority, events[0].at, tuple(events))

    opened = rome("2026-11-02 09:00")
    tickets = [
        ticket("b", Priority.HIGH, ClockEvent.start(TAKE, opened, 4 * H), stop(TAKE, "2026-11-02 10:00", H, met=True)),
        ticket(
            "a", Priority.HIGH, ClockEvent.start(TAKE, opened, 4 * H), stop(TAKE, "2026-11-02 14:30", 4 * H, met=True)
        ),
        ticket("a", Priority.HIGH, ClockEvent.start(TAKE, opened, 4 * H)),
        ticket("a", Priority.LOW, ClockEvent.start(RESOLVE, opened, 240 * H)),
    ]
    rows = summarise(tickets, CALENDAR, rome("2026-11-03 09:00"))
    assert [(row.customer_id, row.priority, row.opened) for row in rows] == [
        ("a", Priority.HIGH, 2),
        ("a", Priority.LOW, 1),
        ("b", Priority.HIGH, 1),
    ]
    take = rows[0].take_charge
    assert (take.stopped, take.met, take.met_percent, take.breached, take.median, take.p90) == (
        1,
        1,
        100.0,
        1,
        4 * H,
        4 * H,
    )
    assert (rows[1].take_charge.stopped, rows[1].take_charge.met_percent, rows[1].take_charge.median) == (0, None, None)
    assert rows[1].resolution.breached == 0
