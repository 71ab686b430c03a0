"""How many tickets a customer may open over the web: a token bucket per customer.

A customer's bucket holds at most ``burst`` tokens and fills at ``per_hour`` tokens an hour, as
time passes; opening a ticket takes one whole token. A customer who has opened nothing for a
while may open ``burst`` tickets at once, then one every ``3600 / per_hour`` seconds: a steady
pace, never a window that admits a flood and then stalls. An empty bucket refuses and says how
long until its next token. Pure: the bucket's level is kept by ``shared.adapters.stores.creation_limits``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Bucket", "CreationLimit"]

_HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Bucket:
    """A bucket's ``tokens`` as of ``at`` (an aware instant)."""

    tokens: float
    at: datetime


@dataclass(frozen=True)
class CreationLimit:
    """At most ``burst`` tickets at once, and ``per_hour`` tickets an hour in the long run."""

    burst: int
    per_hour: int

    def __post_init__(self) -> None:
        if self.burst < 1 or self.per_hour < 1:
            raise ValueError(f"a creation limit needs a burst and a rate of at least 1, not {self}")

    def level(self, bucket: Bucket | None, now: datetime) -> float:
        """The tokens in ``bucket`` at ``now``: what it held plus what the time since added, at
        most ``burst``. A bucket never seen is full; time does not run backwards (an instance
        whose clock is behind the last writer's adds nothing)."""
        if bucket is None:
            return float(self.burst)
        elapsed = max(now - bucket.at, timedelta(0))
        return min(float(self.burst), bucket.tokens + self.per_hour * (elapsed / _HOUR))

    def take(self, bucket: Bucket | None, now: datetime) -> Bucket | None:
        """The bucket after opening one ticket at ``now``, or None when it holds no whole token."""
        tokens = self.level(bucket, now)
        return Bucket(tokens - 1, now) if tokens >= 1 else None

    def wait(self, bucket: Bucket | None, now: datetime) -> timedelta:
        """How long after ``now`` the bucket holds a whole token again (zero when it does)."""
        missing = 1 - self.level(bucket, now)
        return _HOUR * max(missing, 0) / self.per_hour

    def retry_after_seconds(self, bucket: Bucket | None, now: datetime) -> int:
        """:meth:`wait` in whole seconds, rounded up and at least 1: an HTTP ``Retry-After``."""
        return max(1, math.ceil(self.wait(bucket, now).total_seconds()))
