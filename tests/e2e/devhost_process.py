"""The local host as a user runs it: ``python -m devhost serve`` in a process of its own,
reached over real HTTP, stopped with SIGINT."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared.adapters.storage import DEVELOPMENT_STORAGE
from tests.run_storage import ROOMY_SETTINGS

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 30.0
STOP_SECONDS = 20.0


@dataclass(frozen=True)
class Reply:
    """An HTTP response as the client saw it."""

    status: int
    headers: http.client.HTTPMessage
    body: bytes


@dataclass
class DevHost:
    """A running ``devhost serve`` process and the port it listens on."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> Reply:
        """One request on a fresh connection; error statuses are replies, not exceptions."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def output(self) -> str:
        """Everything the host has logged so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int:
        """SIGINT, as Ctrl-C sends; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(STOP_SECONDS)
        return self.process.returncode


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.1) -> bool:
    """Whether ``condition`` came true within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextmanager
def running_devhost(
    app: str,
    log_dir: Path,
    settings: Mapping[str, str] | None = None,
    *,
    port: int | None = None,
    arguments: Sequence[str] = (),
) -> Iterator[DevHost]:
    """``devhost serve --app APP [ARGUMENTS]`` on ``port`` (default: a free one), with storage
    settings pointing at Azurite plus ``settings``, its output in ``log_dir``; killed on leaving
    if still running."""
    port = port or free_port()
    log = log_dir / f"devhost-{port}.log"
    environ = {
        **os.environ,
        "AzureWebJobsStorage": DEVELOPMENT_STORAGE,
        "TABLES_CONNECTION_STRING": DEVELOPMENT_STORAGE,
        "PYTHONUNBUFFERED": "1",
        "MAIL_DROP_DIR": str(log_dir / "mail"),
        **ROOMY_SETTINGS,  # the session's hosts share one mail budget: none of them may spend it for the others
        **(settings or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "devhost", "serve", "--app", app, "--port", str(port), *arguments],
            cwd=PROJECT_ROOT,
            env=environ,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    host = DevHost(process, port, log)
    try:
        if not wait_until(lambda: _accepts_connections(port) or process.poll() is not None, STARTUP_SECONDS):
            pytest.fail(f"devhost did not listen within {STARTUP_SECONDS:.0f} s:\n{host.output()}")
        if process.poll() is not None:
            pytest.fail(f"devhost exited with {process.returncode}:\n{host.output()}")
        yield host
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
