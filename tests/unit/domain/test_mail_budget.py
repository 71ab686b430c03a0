"""The shared mail budget's rules: two token buckets that keep the service's limits over every
sliding window, spread mails evenly after a burst, and keep the budget for the queue while one is left."""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.mail_budget import BudgetState, MailLimits

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
CUSTOM_DOMAIN = MailLimits(per_minute=30, per_hour=100)
MANAGED_DOMAIN = MailLimits(per_minute=5, per_hour=10)


def most_in_any_window(instants: list[datetime], length: timedelta) -> int:
    """The most instants any half-open stretch [t, t + length) holds."""
    ordered = sorted(instants)
    return max((bisect_left(ordered, at + length) - index for index, at in enumerate(ordered)), default=0)


def greedy_sends(limits: MailLimits, duration: timedelta, step: timedelta) -> list[datetime]:
    """Instants a sender that wants a hundred mails out at once, then takes a token whenever one is
    there (polling every ``step``), gets."""
    state, sent, now = BudgetState.full(limits), [], T0
    while now < T0 + duration:
        grant, written = state.take_now(now, limits, 100 if now == T0 else 1)
        if written is not None:
            state = written
        sent += [now] * grant.granted
        now += step
    return sent


@pytest.mark.parametrize("limits", [CUSTOM_DOMAIN, MANAGED_DOMAIN], ids=["custom domain", "managed domain"])
def test_a_sender_that_takes_every_token_keeps_both_limits_over_every_sliding_window(limits: MailLimits) -> None:
    sent = greedy_sends(limits, timedelta(hours=3), timedelta(seconds=0.5))

    assert most_in_any_window(sent, timedelta(minutes=1)) <= limits.per_minute
    assert most_in_any_window(sent, timedelta(hours=1)) <= limits.per_hour
    assert len(sent) >= 3 * (limits.per_hour - limits.hour.burst)  # and it does not keep less than its due


def test_after_a_burst_mails_leave_evenly_not_thirty_at_once_then_a_minute_of_silence() -> None:
    sent = greedy_sends(CUSTOM_DOMAIN, timedelta(hours=1), timedelta(seconds=0.5))

    assert sent[: CUSTOM_DOMAIN.burst] == [T0] * CUSTOM_DOMAIN.burst  # three at once, no more
    gaps = [later - earlier for earlier, later in pairwise(sent)]
    assert max(gaps) <= CUSTOM_DOMAIN.interval + timedelta(seconds=0.5)
    assert CUSTOM_DOMAIN.interval == timedelta(seconds=40)  # 90 an hour once the hour's burst of 10 is spent


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(min_value=0, max_value=600), st.integers(1, 5)), min_size=1, max_size=300))
def test_however_the_takes_fall_no_sliding_minute_or_hour_sees_more_than_the_limit(
    takes: list[tuple[float, int]],
) -> None:
    limits = MailLimits(per_minute=12, per_hour=40)
    state, sent = BudgetState.full(limits), []
    for offset, wanted in sorted(takes):
        now = T0 + timedelta(seconds=offset)
        grant, written = state.take_now(now, limits, wanted)
        state = written or state
        sent += [now] * grant.granted

    assert most_in_any_window(sent, timedelta(minutes=1)) <= limits.per_minute
    assert most_in_any_window(sent, timedelta(hours=1)) <= limits.per_hour


def test_while_the_budget_is_held_for_the_queue_only_the_queue_takes() -> None:
    limits = CUSTOM_DOMAIN
    grant, state = BudgetState.full(limits).take_queued(T0, limits, 50, T0 + timedelta(minutes=2), "acme")
    assert state is not None
    assert (grant.granted, state.last_served) == (3, "acme")  # short of the 50 wanted: held

    later = T0 + timedelta(seconds=30)  # tokens again, but the queue comes first
    refused, written = state.take_now(later, limits, 1)
    assert (refused.granted, refused.queued, written) == (0, True, None)
    queued, _ = state.take_queued(later, limits, 1, T0 + timedelta(minutes=3), "globex")
    assert queued.granted == 1

    assert state.take_now(T0 + timedelta(minutes=2), limits, 1)[0].granted == 1  # the hold lapses by itself


def test_a_sweep_that_empties_the_queue_lifts_the_hold_and_gives_back_what_it_did_not_use() -> None:
    limits = CUSTOM_DOMAIN
    _, held = BudgetState.full(limits).take_queued(T0, limits, 10, T0 + timedelta(minutes=2), "acme")
    assert held is not None
    assert held.held(T0)

    lifted = held.finished(T0, limits, unused=2, hold_until=None, last_served="globex")

    assert lifted is not None
    assert not lifted.held(T0)
    assert (lifted.available, lifted.last_served) == (2, "globex")
    assert lifted.finished(T0, limits, unused=0, hold_until=None, last_served=None) is None  # nothing to write
    full = BudgetState.full(limits).finished(T0, limits, unused=5, hold_until=None, last_served=None)
    assert full is not None
    assert (full.minute_tokens, full.hour_tokens) == (3, 10)  # tokens given back never exceed the bursts


def test_a_pause_the_service_asked_for_stops_every_take_until_it_ends() -> None:
    limits = CUSTOM_DOMAIN
    paused = BudgetState.full(limits).paused_for(T0, T0 + timedelta(seconds=90))
    assert paused is not None

    now, queued = paused.take_now(T0, limits, 1), paused.take_queued(T0, limits, 1, T0, None)
    assert (now[0].granted, queued[0].granted) == (0, 0)
    assert now[0].retry_at == queued[0].retry_at == T0 + timedelta(seconds=90)
    assert paused.paused_for(T0, T0 + timedelta(seconds=30)) is None  # a shorter pause changes nothing
    assert paused.take_now(T0 + timedelta(seconds=90), limits, 1)[0].granted == 1


def test_a_clock_that_went_back_refills_nothing_and_a_hold_far_ahead_is_ignored() -> None:
    limits = CUSTOM_DOMAIN
    _, spent = BudgetState.full(limits).take_now(T0, limits, 3)
    assert spent is not None

    assert spent.refilled(T0 - timedelta(minutes=5), limits).available == 0  # skew: nothing refilled
    assert spent.refilled(T0 - timedelta(days=7), limits).available == 3  # gone back a week: full again
    travelled = BudgetState.full(limits).take_queued(T0, limits, 9, T0 + timedelta(days=2), None)[1]
    assert travelled is not None
    assert not travelled.held(T0)
    far = BudgetState.full(limits).paused_for(T0, T0 + timedelta(days=2))
    assert far is not None
    assert not far.paused(T0)
    assert far.paused_for(T0, T0 + timedelta(seconds=90)) is not None  # a real pause replaces a travelled one


def test_a_token_comes_back_when_the_slower_bucket_refills() -> None:
    limits = CUSTOM_DOMAIN
    state = BudgetState(minute_tokens=3.0, hour_tokens=0.0, refilled_at=T0)

    grant, _ = state.take_now(T0, limits, 1)

    assert (grant.granted, grant.retry_at) == (0, T0 + timedelta(seconds=40))


@pytest.mark.parametrize(("per_minute", "per_hour"), [(1, 10), (5, 1), (0, 0)])
def test_limits_under_two_a_window_are_refused(per_minute: int, per_hour: int) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        MailLimits(per_minute, per_hour)
