"""The app's health: its version and whether each dependency answers.

A probe is a callable that returns when its dependency answers and raises when it does not.
The report names each dependency ``ok`` or ``down`` with the kind of failure, never its details
(those may carry hosts or keys): details go to the log at warning level.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from shared import __version__

logger = logging.getLogger(__name__)

Probe = Callable[[], None]


@dataclass(frozen=True)
class HealthReport:
    """``checks`` maps each dependency to ``"ok"`` or ``"down: <kind of failure>"``."""

    version: str
    checks: Mapping[str, str]

    @property
    def healthy(self) -> bool:
        return all(state == "ok" for state in self.checks.values())

    @property
    def down(self) -> list[str]:
        """The dependencies that did not answer."""
        return [name for name, state in self.checks.items() if state != "ok"]


def check_health(probes: Mapping[str, Probe]) -> HealthReport:
    """Run every probe (all of them, even after a failure) and report."""
    checks: dict[str, str] = {}
    for name, probe in probes.items():
        try:
            probe()
        except Exception as error:  # a probe's failure is the finding, whatever its kind
            logger.warning("health probe %s failed: %s", name, error)
            checks[name] = f"down: {type(error).__name__}"
        else:
            checks[name] = "ok"
    return HealthReport(version=__version__, checks=checks)
