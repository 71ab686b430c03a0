"""A group of daemon threads that share one stop signal."""

from __future__ import annotations

import threading
from collections.abc import Callable


class ThreadGroup:
    """Starts loops on daemon threads; ``stop`` signals them all and waits for them.

    A loop receives the group's stop event: it should return soon after the event is set,
    and sleep with ``event.wait(seconds)`` so that a stop wakes it.
    """

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def spawn(self, loop: Callable[[threading.Event], None], name: str) -> None:
        """Run ``loop(stopping)`` on a new daemon thread called ``name``."""
        thread = threading.Thread(target=loop, args=(self.stopping,), name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Signal stop and wait up to ``timeout`` seconds for each thread (a function still
        running is left to finish on its daemon thread)."""
        self.stopping.set()
        for thread in self._threads:
            thread.join(timeout)
