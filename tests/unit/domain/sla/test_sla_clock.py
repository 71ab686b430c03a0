"""The SLA clock ledger: deadlines, pauses, goal changes and stops, derived with the calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.clock import ClockEvent, ClockEventKind, LedgerError, clock_state
from shared.domain.sla.policy import Clock

ROME = ZoneInfo("Europe/Rome")
H = timedelta(hours=1)
CALENDAR = default_calendar()
TAKE = Clock.TAKE_CHARGE
RESOLVE = Clock.RESOLUTION


def rome(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=ROME)


def test_a_running_clock_is_due_its_budget_of_working_time_after_its_start() -> None:
    events = [ClockEvent.start(TAKE, rome("2026-11-26 10:00"), 1 * H)]
    state = clock_state(TAKE, events, CALENDAR, rome("2026-11-26 10:30"))
    assert state.running
    assert (state.elapsed, state.remaining, state.due) == (H / 2, H / 2, rome("2026-11-26 11:00"))
    assert not state.breached


def test_a_clock_is_met_at_its_deadline_and_breached_a_second_later() -> None:
    events = [ClockEvent.start(TAKE, rome("2026-11-26 10:00"), 1 * H)]
    assert not clock_state(TAKE, events, CALENDAR, rome("2026-11-26 11:00")).breached
    late = clock_state(TAKE, events, CALENDAR, rome("2026-11-26 11:00") + timedelta(seconds=1))
    assert late.breached
    assert late.due == rome("2026-11-26 11:00")


def test_a_paused_clock_has_no_deadline_and_keeps_its_elapsed_time() -> None:
    events = [
        ClockEvent.start(RESOLVE, rome("2026-11-26 10:00"), 16 * H),
        ClockEvent.pause(RESOLVE, rome("2026-11-26 10:30"), "waiting_customer"),
    ]
    state = clock_state(RESOLVE, events, CALENDAR, rome("2026-12-02 10:00"))
    assert state.paused
    assert not state.running
    assert (state.elapsed, state.due, state.pause_reason) == (H / 2, None, "waiting_customer")


def test_a_reply_to_a_clarification_request_across_a_weekend_resumes_the_clock() -> None:
    events = [
        ClockEvent.start(RESOLVE, rome("2026-11-26 10:00"), 16 * H),  # P2: two working days
        ClockEvent.pause(RESOLVE, rome("2026-11-27 18:00"), "waiting_customer"),  # 14.5 h counted
        ClockEvent.resume(RESOLVE, rome("2026-11-30 11:00")),  # Monday 09:00–11:00 is not charged
    ]
    state = clock_state(RESOLVE, events, CALENDAR, rome("2026-11-30 11:00"))
    assert state.elapsed == timedelta(hours=14, minutes=30)
    assert state.due == rome("2026-11-30 12:30")


def test_a_priority_raised_after_a_pause_recomputes_the_goal_from_the_start_and_keeps_the_paused_time() -> None:
    events = [
        ClockEvent.start(TAKE, rome("2026-11-26 10:00"), 16 * H),  # opened as P4
        ClockEvent.pause(TAKE, rome("2026-11-26 11:00"), "waiting_customer"),
        ClockEvent.resume(TAKE, rome("2026-11-27 11:00")),
        ClockEvent.goal_change(TAKE, rome("2026-11-27 11:00"), 4 * H),  # raised to P2
    ]
    state = clock_state(TAKE, events, CALENDAR, rome("2026-11-27 11:00"))
    assert state.budget == 4 * H
    assert state.elapsed == 1 * H
    assert state.due == rome("2026-11-27 15:30")  # not Thursday 15:30: the pause is not charged


def test_a_goal_lowered_below_the_time_already_counted_is_breached_when_it_was_reached() -> None:
    events = [
        ClockEvent.start(TAKE, rome("2026-11-26 10:00"), 8 * H),
        ClockEvent.goal_change(TAKE, rome("2026-11-26 12:00"), 1 * H),
    ]
    state = clock_state(TAKE, events, CALENDAR, rome("2026-11-26 12:00"))
    assert state.breached
    assert state.due == rome("2026-11-26 11:00")


def test_a_stopped_clock_keeps_the_verdict_it_stopped_with_when_a_closure_is_added_later() -> None:
    start = ClockEvent.start(TAKE, rome("2026-11-26 10:00"), 1 * H)
    stopped_at = rome("2026-11-26 11:30")
    stop = clock_state(TAKE, [start], CALENDAR, stopped_at).stop_event(stopped_at)
    assert (stop.kind, stop.elapsed, stop.met) == (ClockEventKind.STOP, 90 * H / 60, False)

    closed_that_day = default_calendar(closures=[(date(2026, 11, 26), date(2026, 11, 26))])
    state = clock_state(TAKE, [start, stop], closed_that_day, rome("2026-12-10 10:00"))
    assert (state.stopped_at, state.elapsed, state.met, state.breached) == (stopped_at, 90 * H / 60, False, True)
    assert not state.running
    assert not state.paused


def test_a_running_clock_follows_a_closure_added_while_it_runs() -> None:
    events = [ClockEvent.start(TAKE, rome("2026-11-26 12:30"), 1 * H)]
    closed_friday = default_calendar(closures=[(date(2026, 11, 27), date(2026, 11, 27))])
    state = clock_state(TAKE, events, closed_friday, rome("2026-11-26 12:45"))
    assert state.due == rome("2026-11-26 15:00")
    events = [ClockEvent.start(TAKE, rome("2026-11-26 18:00"), 1 * H)]
    assert clock_state(TAKE, events, closed_friday, rome("2026-11-26 18:10")).due == rome("2026-11-30 09:30")


def test_a_clock_stopped_in_time_is_met() -> None:
    start = ClockEvent.start(TAKE, rome("2026-11-26 10:00"), 1 * H)
    stop = clock_state(TAKE, [start], CALENDAR, rome("2026-11-26 10:20")).stop_event(rome("2026-11-26 10:20"))
    state = clock_state(TAKE, [start, stop], CALENDAR, rome("2026-11-27 10:00"))
    assert (state.met, state.breached, state.elapsed, state.due) == (True, False, H / 3, None)


def test_events_of_the_other_clock_and_events_after_now_are_not_counted() -> None:
    events = [
        ClockEvent.start(TAKE, rome("2026-11-26 10:00"), 1 * H),
        ClockEvent.start(RESOLVE, rome("2026-11-26 10:00"), 8 * H),
        ClockEvent.pause(RESOLVE, rome("2026-11-26 10:10"), "waiting_customer"),
        ClockEvent.pause(TAKE, rome("2026-11-26 12:00"), "waiting_customer"),
    ]
    state = clock_state(TAKE, events, CALENDAR, rome("2026-11-26 10:30"))
    assert state.running
    assert state.elapsed == H / 2


def test_a_clock_that_never_started_has_no_deadline() -> None:
    state = clock_state(RESOLVE, [], CALENDAR, rome("2026-11-26 10:30"))
    assert (state.started_at, state.due, state.running, state.breached, state.met) == (None, None, False, False, None)


def test_a_reopened_clock_counts_on_from_the_working_time_recorded_at_its_stop() -> None:
    start = ClockEvent.start(RESOLVE, rome("2026-11-26 10:00"), 8 * H)
    stop = clock_state(RESOLVE, [start], CALENDAR, rome("2026-11-26 12:00")).stop_event(rome("2026-11-26 12:00"))
    reopen = ClockEvent.resume(RESOLVE, rome("2026-11-30 10:00"))
    state = clock_state(RESOLVE, [start, stop, reopen], CALENDAR, rome("2026-11-30 10:00"))
    assert state.running
    assert (state.elapsed, state.due, state.stopped_at, state.met) == (2 * H, rome("2026-11-30 17:30"), None, None)


def test_a_clock_reopened_with_its_budget_spent_is_due_when_reopened() -> None:
    start = ClockEvent.start(TAKE, rome("2026-11-26 10:00"), 1 * H)
    stop = clock_state(TAKE, [start], CALENDAR, rome("2026-11-26 11:30")).stop_event(rome("2026-11-26 11:30"))
    reopen = ClockEvent.resume(TAKE, rome("2026-11-30 10:00"))
    state = clock_state(TAKE, [start, stop, reopen], CALENDAR, rome("2026-11-30 10:15"))
    assert state.breached
    assert (state.elapsed, state.due) == (105 * H / 60, rome("2026-11-30 10:00"))


@pytest.mark.parametrize(
    "events",
    [
        [ClockEvent.pause(TAKE, rome("2026-11-26 10:00"), "waiting_customer")],
        [ClockEvent.start(TAKE, rome("2026-11-26 10:00"), H), ClockEvent.start(TAKE, rome("2026-11-26 11:00"), H)],
        [ClockEvent.start(TAKE, rome("2026-11-26 10:00"), H), ClockEvent.resume(TAKE, rome("2026-11-26 11:00"))],
        [
            ClockEvent.start(TAKE, rome("2026-11-26 10:00"), H),
            ClockEvent.pause(TAKE, rome("2026-11-26 10:10"), "waiting_customer"),
            ClockEvent.pause(TAKE, rome("2026-11-26 10:20"), "waiting_customer"),
        ],
        [
            ClockEvent.start(TAKE, rome("2026-11-26 10:00"), H),
            ClockEvent(TAKE, ClockEventKind.STOP, rome("2026-11-26 10:10"), elapsed=H / 6, met=True),
            ClockEvent.pause(TAKE, rome("2026-11-26 10:20"), "waiting_customer"),
        ],
        [ClockEvent.start(TAKE, rome("2026-11-26 10:00"), -H)],
    ],
    ids=["pause before start", "two starts", "resume while running", "two pauses", "after stop", "negative budget"],
)
def test_an_impossible_ledger_is_refused(events: list[ClockEvent]) -> None:
    with pytest.raises(LedgerError):
        clock_state(TAKE, events, CALENDAR, rome("2026-11-27 10:00"))
