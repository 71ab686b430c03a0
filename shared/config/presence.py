"""The console's presence setting, read apart from the rest (only the presence routes need it).

| setting | meaning |
|---|---|
| ``CONSOLE_HEARTBEAT_SECONDS`` | the ticket screen's presence heartbeat, in whole seconds (default 15) |

A presence mark expires after 2.5 heartbeats (:mod:`shared.domain.presence`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from shared.config.env import whole_number

__all__ = ["PresenceSettings", "load_presence_settings"]

#: The longest heartbeat interval accepted: beyond it a mark would outlive the screen by minutes.
MAX_HEARTBEAT_SECONDS = 300


@dataclass(frozen=True)
class PresenceSettings:
    """``heartbeat_seconds``: how often the ticket screen's heartbeat comes."""

    heartbeat_seconds: int = 15

    @property
    def interval(self) -> timedelta:
        return timedelta(seconds=self.heartbeat_seconds)


def load_presence_settings(environ: Mapping[str, str]) -> PresenceSettings:
    """Read ``CONSOLE_HEARTBEAT_SECONDS`` (1 to 300); :class:`SettingsError` names it when malformed."""
    return PresenceSettings(
        whole_number(environ, "CONSOLE_HEARTBEAT_SECONDS", default=15, maximum=MAX_HEARTBEAT_SECONDS)
    )
