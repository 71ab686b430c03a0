"""One mail budget for the whole app, pure: how many mails may leave now, whoever sends them.

The mail service allows a fixed number of mails per minute and per hour per resource (ACS: 30 a
minute and 100 an hour on a custom domain to start, 5 and 10 on the Azure-managed one), however
many instances send. The app keeps one :class:`BudgetState` for all of them (one storage row,
updated under its ETag: :mod:`shared.adapters.stores.mail_budget`), and every mail takes a token of it
before it is sent.

**Two token buckets.** For a limit of N mails per window W (a minute, an hour) a bucket holds at
most b = max(1, N // 10) tokens (the *burst*) and gains N − b tokens per W, continuously. A mail
takes one token from each bucket. However the mails are spread, any stretch of time of length W
sees at most b + (N − b) = N taken: the limit holds over every sliding window, not only over clock
minutes, and after a burst the mails leave evenly, one every W / (N − b) (40 s at 100 an hour),
never thirty at once followed by a minute of silence.

**Who may take.** A mail right after its commit takes a token only when nobody is queued
(:meth:`BudgetState.held`) and the service did not ask everyone to wait (:meth:`BudgetState.paused`,
after a ``Retry-After``); otherwise it waits, pending, for the sweep, which takes tokens for the
queue in its fair order (:mod:`shared.domain.delivery_order`) and holds the budget for the queue while one
is left. ``last_served`` is the customer the queue served last, where the next turn starts.

Times are the callers' clocks: an instance whose clock runs behind another's refills nothing for
the difference (elapsed time never counts negative), and a state, a hold or a pause further ahead
than :data:`FURTHEST_AHEAD` is taken for a clock that went back (a test's, a travelling tool's):
the buckets start over full, the hold and the pause are ignored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

__all__ = ["FURTHEST_AHEAD", "BudgetState", "Grant", "MailLimits", "Window"]

#: A hold or a pause may reach this far ahead of now; further is a clock that went back.
FURTHEST_AHEAD = timedelta(hours=1)
#: Tokens within this of a whole one count as whole (float sums of refills drift).
_EPSILON = 1e-9


@dataclass(frozen=True)
class Window:
    """``limit`` mails in any stretch of ``length``."""

    limit: int
    length: timedelta

    @property
    def burst(self) -> int:
        """How many may leave at once after a quiet spell: a tenth of the limit, at least one."""
        return max(1, self.limit // 10)

    @property
    def per_second(self) -> float:
        """Tokens gained per second: the rest of the limit, spread evenly over the window."""
        return (self.limit - self.burst) / self.length.total_seconds()


@dataclass(frozen=True)
class MailLimits:
    """The service's limits: ``per_minute`` and ``per_hour``, each at least 2 (a token bucket cannot
    keep a limit of one per window and still refill). Raises ValueError otherwise."""

    per_minute: int
    per_hour: int

    def __post_init__(self) -> None:
        if self.per_minute < 2 or self.per_hour < 2:
            raise ValueError("mail limits must be at least 2 a minute and 2 an hour")

    @property
    def minute(self) -> Window:
        return Window(self.per_minute, timedelta(minutes=1))

    @property
    def hour(self) -> Window:
        return Window(self.per_hour, timedelta(hours=1))

    @property
    def burst(self) -> int:
        """How many mails may leave at once after a quiet spell."""
        return min(self.minute.burst, self.hour.burst)

    @property
    def interval(self) -> timedelta:
        """The time between two mails once the bursts are spent (the slower bucket's)."""
        return timedelta(seconds=max(1 / self.minute.per_second, 1 / self.hour.per_second))


@dataclass(frozen=True)
class Grant:
    """What a take got: ``granted`` tokens (0 to the number wanted); ``retry_at``, the earliest
    instant a further token may be there (the next refill, or the end of a pause); when none was
    granted, ``queued`` says whether the budget is held for the queue (the sweep sends the mail)."""

    granted: int
    retry_at: datetime
    queued: bool = False


@dataclass(frozen=True)
class BudgetState:
    """The shared budget as last written: the two buckets' tokens as of ``refilled_at``, a pause
    the service asked for, a hold for the queue, and the customer the queue served last."""

    minute_tokens: float
    hour_tokens: float
    refilled_at: datetime | None = None
    paused_until: datetime | None = None
    hold_until: datetime | None = None
    last_served: str | None = None

    @staticmethod
    def full(limits: MailLimits) -> BudgetState:
        """A budget nobody has spent: both bursts available."""
        return BudgetState(float(limits.minute.burst), float(limits.hour.burst))

    def refilled(self, now: datetime, limits: MailLimits) -> BudgetState:
        """As of ``now``: each bucket gained its rate times the time elapsed, up to its burst (a
        state written more than :data:`FURTHEST_AHEAD` after ``now`` is a clock that went back:
        the budget starts over, full)."""
        if self.refilled_at is not None and self.refilled_at > now + FURTHEST_AHEAD:
            return replace(BudgetState.full(limits), refilled_at=now, last_served=self.last_served)
        elapsed = 0.0 if self.refilled_at is None else max(0.0, (now - self.refilled_at).total_seconds())
        return replace(
            self,
            minute_tokens=min(float(limits.minute.burst), self.minute_tokens + elapsed * limits.minute.per_second),
            hour_tokens=min(float(limits.hour.burst), self.hour_tokens + elapsed * limits.hour.per_second),
            refilled_at=now,
        )

    @property
    def available(self) -> int:
        """Whole tokens both buckets hold."""
        return max(0, math.floor(min(self.minute_tokens, self.hour_tokens) + _EPSILON))

    def paused(self, now: datetime) -> bool:
        """Whether the service asked everyone to wait until after ``now``."""
        return _ahead(self.paused_until, now)

    def held(self, now: datetime) -> bool:
        """Whether the budget is kept for the queue at ``now``."""
        return _ahead(self.hold_until, now)

    def next_token_at(self, now: datetime, limits: MailLimits) -> datetime:
        """When one whole token will be in both buckets (this state refilled as of ``now``), or
        the end of the pause if that is later."""
        wait = max(
            (1 - self.minute_tokens) / limits.minute.per_second,
            (1 - self.hour_tokens) / limits.hour.per_second,
            0.0,
        )
        at = now + timedelta(seconds=wait)
        if self.paused(now) and self.paused_until is not None:
            at = max(at, self.paused_until)
        return at

    def take_now(self, now: datetime, limits: MailLimits, wanted: int) -> tuple[Grant, BudgetState | None]:
        """Tokens for mails right after their commit: none while paused or held for the queue.
        The grant, and the state to write (None: nothing to write)."""
        state = self.refilled(now, limits)
        if state.paused(now) or state.held(now):
            return Grant(0, state.next_token_at(now, limits), queued=state.held(now)), None
        return state._take(now, limits, wanted)

    def take_queued(
        self, now: datetime, limits: MailLimits, wanted: int, hold_until: datetime, last_served: str | None
    ) -> tuple[Grant, BudgetState | None]:
        """Tokens for the queue (the sweep), which the hold does not stop. When the grant falls
        short of ``wanted`` the budget is held for the queue until ``hold_until`` at least;
        ``last_served`` is recorded. The grant, and the state to write (None: nothing to write)."""
        state = self.refilled(now, limits)
        if state.paused(now):
            return Grant(0, state.next_token_at(now, limits)), None
        grant, taken = state._take(now, limits, wanted)
        changed = (taken or state)._serving(last_served)
        if grant.granted < wanted:
            changed = changed._holding(now, hold_until)
        return grant, (changed if changed != state else None)

    def finished(
        self, now: datetime, limits: MailLimits, unused: int, hold_until: datetime | None, last_served: str | None
    ) -> BudgetState | None:
        """After a sweep: its ``unused`` tokens given back (never above a burst), the hold kept
        until ``hold_until`` at least (a queue is left) or lifted (None: nothing is queued), the
        customer served last recorded. The state to write, or None when nothing changes."""
        state = (self.given_back(now, limits, unused) or self) if unused > 0 else self
        state = replace(state, hold_until=None) if hold_until is None else state._holding(now, hold_until)
        state = state._serving(last_served)
        return None if state == self else state

    def given_back(self, now: datetime, limits: MailLimits, count: int) -> BudgetState | None:
        """``count`` tokens taken and not used returned to both buckets (never above a burst);
        None when there is nothing to give back."""
        if count <= 0:
            return None
        state = self.refilled(now, limits)
        return replace(
            state,
            minute_tokens=min(float(limits.minute.burst), state.minute_tokens + count),
            hour_tokens=min(float(limits.hour.burst), state.hour_tokens + count),
        )

    def paused_for(self, now: datetime, until: datetime) -> BudgetState | None:
        """Nobody sends until ``until`` (the service's ``Retry-After``); None when a pause already
        lasts as long."""
        if self.paused(now) and self.paused_until is not None and self.paused_until >= until:
            return None
        return replace(self, paused_until=until)

    def _holding(self, now: datetime, until: datetime) -> BudgetState:
        """Held for the queue until ``until`` at least."""
        if self.held(now) and self.hold_until is not None and self.hold_until >= until:
            return self
        return replace(self, hold_until=until)

    def _serving(self, customer: str | None) -> BudgetState:
        return self if customer is None else replace(self, last_served=customer)

    def _take(self, now: datetime, limits: MailLimits, wanted: int) -> tuple[Grant, BudgetState | None]:
        granted = min(max(wanted, 0), self.available)
        if granted == 0:
            return Grant(0, self.next_token_at(now, limits)), None
        taken = replace(self, minute_tokens=self.minute_tokens - granted, hour_tokens=self.hour_tokens - granted)
        return Grant(granted, taken.next_token_at(now, limits)), taken


def _ahead(until: datetime | None, now: datetime) -> bool:
    return until is not None and now < until <= now + FURTHEST_AHEAD
