"""The loop behind every poller of the local host, and the settings that pace it."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping

from azure.core.exceptions import AzureError

LOG = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 2.0


def poll_interval(setting: str, environ: Mapping[str, str] = os.environ) -> float:
    """Seconds between polls: the value of app setting ``setting``, 2 when it is not set;
    ValueError naming it unless positive."""
    seconds = float(environ.get(setting, DEFAULT_POLL_SECONDS))
    if seconds <= 0:
        raise ValueError(f"{setting} must be positive")
    return seconds


def poll_until_stopped(poll: Callable[[], object], name: str, interval: float, stopping: threading.Event) -> None:
    """Call ``poll`` until ``stopping`` is set: again at once when it returned something true
    (it found work, so more may be waiting), else after ``interval`` seconds. A failing poll
    (storage unreachable, say) is logged and retried after the interval."""
    while not stopping.is_set():
        try:
            found = poll()
        except AzureError as error:
            LOG.warning("%s: poll failed: %s", name, error)
            found = False
        except Exception:
            LOG.exception("%s: poll failed", name)
            found = False
        if not found:
            stopping.wait(interval)
