"""The creation limit's token bucket: a table of levels, takes and waits at given instants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.creation_limit import Bucket, CreationLimit

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LIMIT = CreationLimit(burst=10, per_hour=60)  # one a minute


def at(minutes: float) -> datetime:
    return NOON + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("bucket", "now", "level"),
    [
        pytest.param(None, NOON, 10.0, id="never-seen-is-full"),
        pytest.param(Bucket(0, NOON), NOON, 0.0, id="just-emptied"),
        pytest.param(Bucket(0, NOON), at(1), 1.0, id="a-minute-adds-one"),
        pytest.param(Bucket(0, NOON), at(0.5), 0.5, id="half-a-minute-adds-half"),
        pytest.param(Bucket(2.5, NOON), at(3), 5.5, id="adds-to-what-it-held"),
        pytest.param(Bucket(0, NOON), at(60), 10.0, id="never-above-the-burst"),
        pytest.param(Bucket(4, at(5)), NOON, 4.0, id="a-clock-behind-the-writer-adds-nothing"),
    ],
)
def test_the_level_of_a_bucket(bucket: Bucket | None, now: datetime, level: float) -> None:
    assert LIMIT.level(bucket, now) == pytest.approx(level)


def test_a_full_bucket_opens_the_burst_at_once_then_one_a_minute() -> None:
    bucket: Bucket | None = None
    for _ in range(10):
        bucket = LIMIT.take(bucket, NOON)
        assert bucket is not None
    assert LIMIT.take(bucket, NOON) is None
    assert LIMIT.take(bucket, at(0.99)) is None
    after_a_minute = LIMIT.take(bucket, at(1))
    assert after_a_minute == Bucket(0, at(1))
    assert LIMIT.take(after_a_minute, at(1.5)) is None


@pytest.mark.parametrize(
    ("bucket", "now", "wait", "retry_after"),
    [
        pytest.param(Bucket(0, NOON), NOON, timedelta(minutes=1), 60, id="empty-waits-a-minute"),
        pytest.param(Bucket(0, NOON), at(0.75), timedelta(seconds=15), 15, id="three-quarters-filled"),
        pytest.param(Bucket(0.999, NOON), NOON, timedelta(seconds=0.06), 1, id="rounded-up-to-a-second"),
        pytest.param(Bucket(3, NOON), NOON, timedelta(0), 1, id="a-token-waits-for-nothing"),
    ],
)
def test_how_long_an_empty_bucket_makes_a_customer_wait(
    bucket: Bucket, now: datetime, wait: timedelta, retry_after: int
) -> None:
    assert abs(LIMIT.wait(bucket, now) - wait) < timedelta(milliseconds=1)
    assert LIMIT.retry_after_seconds(bucket, now) == retry_after


def test_a_slower_rate_waits_longer() -> None:
    assert CreationLimit(burst=1, per_hour=12).retry_after_seconds(Bucket(0, NOON), NOON) == 300


@pytest.mark.parametrize(("burst", "per_hour"), [(0, 60), (10, 0), (-1, 1)])
def test_a_limit_that_admits_nothing_is_refused(burst: int, per_hour: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CreationLimit(burst, per_hour)
