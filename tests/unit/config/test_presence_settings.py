"""The presence heartbeat setting: 15 seconds unless set, whole seconds from 1 to 300."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.config.env import SettingsError
from shared.config.presence import load_presence_settings


@pytest.mark.parametrize(
    ("environ", "seconds"),
    [({}, 15), ({"CONSOLE_HEARTBEAT_SECONDS": "1"}, 1), ({"CONSOLE_HEARTBEAT_SECONDS": "300"}, 300)],
)
def test_the_heartbeat_is_fifteen_seconds_unless_set(environ: dict[str, str], seconds: int) -> None:
    loaded = load_presence_settings(environ)
    assert (loaded.heartbeat_seconds, loaded.interval) == (seconds, timedelta(seconds=seconds))


@pytest.mark.parametrize("raw", ["0", "301", "1.5", "-3", "soon"])
def test_a_heartbeat_that_is_not_a_whole_number_of_seconds_up_to_300_is_refused_by_name(raw: str) -> None:
    with pytest.raises(SettingsError, match="CONSOLE_HEARTBEAT_SECONDS"):
        load_presence_settings({"CONSOLE_HEARTBEAT_SECONDS": raw})
