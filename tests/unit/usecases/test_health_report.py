"""The health report runs every probe and names what is down without its details."""

from __future__ import annotations

from shared import __version__
from shared.usecases.health import check_health


def answers() -> None:
    return None


def refuses() -> None:
    raise ConnectionRefusedError("tcp://10.0.0.4:10002 secret=abc")


def test_every_probe_answering_is_healthy() -> None:
    report = check_health({"table_storage": answers})
    assert report.healthy
    assert report.version == __version__
    assert report.checks == {"table_storage": "ok"}


def test_a_failing_probe_is_named_with_its_kind_only_and_the_others_still_run() -> None:
    report = check_health({"table_storage": refuses, "mail": answers})
    assert not report.healthy
    assert report.down == ["table_storage"]
    assert report.checks == {"table_storage": "down: ConnectionRefusedError", "mail": "ok"}
