"""The Azurite storage emulator: use one that already listens, or run one for a while.

Azurite comes from the project's npm dev dependencies (``npm ci`` puts it in
``node_modules/.bin``). Only an Azurite this module started is ever stopped by it.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devhost import PROJECT_ROOT
from shared.adapters.storage import AZURITE_HOST, AZURITE_PORTS

LOG = logging.getLogger(__name__)

AZURITE_EXECUTABLE = PROJECT_ROOT / "node_modules" / ".bin" / "azurite"
STARTUP_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
LOG_FILE = "azurite.log"


class AzuriteError(RuntimeError):
    """Azurite could not be reached nor started."""


def is_listening(port: int, host: str = AZURITE_HOST, timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def azurite_ports_answering() -> list[int]:
    """The emulator's service ports (blob, queue, table) that accept connections now."""
    return [port for port in AZURITE_PORTS.values() if is_listening(port)]


@contextmanager
def ensure_azurite(
    data_dir: Path,
    *,
    executable: Path = AZURITE_EXECUTABLE,
    startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
    in_memory: bool = False,
) -> Iterator[bool]:
    """Make sure Azurite listens on its blob, queue and table ports for the ``with`` block.

    Yields False when one already listens (it is left alone), True when this call started one
    with its workspace and log (``azurite.log``) in ``data_dir``; that one is stopped on leaving
    the block. Raises AzuriteError when only some of the ports answer (another program holds
    them), when the executable is missing, or when the started emulator does not answer within
    ``startup_timeout`` seconds. ``in_memory``: the one started keeps its data in memory only
    (``--inMemoryPersistence``, its log still in ``data_dir``): for a workspace of hundreds of
    thousands of rows, which the emulator would otherwise serialise to disk whole, again and again.
    """
    answering = azurite_ports_answering()
    if len(answering) == len(AZURITE_PORTS):
        LOG.info("using the Azurite already listening on %s", AZURITE_HOST)
        yield False
        return
    if answering:
        raise AzuriteError(
            f"ports {answering} answer on {AZURITE_HOST} but not all of {sorted(AZURITE_PORTS.values())}: "
            "is another program holding them?"
        )
    process = _start(data_dir, executable, in_memory)
    try:
        ours = _wait_until_listening(process, data_dir / LOG_FILE, startup_timeout)
        yield ours
    finally:
        _stop(process)


def _start(data_dir: Path, executable: Path, in_memory: bool = False) -> subprocess.Popen[bytes]:
    if not executable.exists():
        raise AzuriteError(f"{executable} is missing: run `npm ci` in {PROJECT_ROOT}")
    data_dir.mkdir(parents=True, exist_ok=True)
    ports = [
        f"--{service}{option}={value}"
        for service, port in AZURITE_PORTS.items()
        for option, value in (("Host", AZURITE_HOST), ("Port", port))
    ]
    command = [
        str(executable),
        "--silent",
        "--loose",
        "--skipApiVersionCheck",
        "--disableTelemetry",
        "--inMemoryPersistence" if in_memory else f"--location={data_dir}",
        *ports,
    ]
    LOG.info("starting Azurite with its data in %s", data_dir)
    with (data_dir / LOG_FILE).open("ab") as log:
        # A session of its own: a Ctrl-C in the terminal reaches the caller, which stops
        # Azurite itself once it no longer needs storage.
        return subprocess.Popen(  # noqa: S603 - a fixed command line from this module
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )


def _wait_until_listening(process: subprocess.Popen[bytes], log: Path, timeout: float) -> bool:
    """True once every port answers while ``process`` runs; False when ``process`` exited
    because another Azurite, started meanwhile, took the ports."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        all_answer = len(azurite_ports_answering()) == len(AZURITE_PORTS)
        if process.poll() is None and all_answer:
            LOG.info("Azurite is listening (pid %d)", process.pid)
            return True
        if process.poll() is not None:
            if all_answer:
                LOG.info("another Azurite started meanwhile: using that one")
                return False
            raise AzuriteError(f"Azurite exited with {process.returncode}; see {log}")
        time.sleep(0.1)
    raise AzuriteError(f"Azurite did not answer within {timeout:.0f} s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        LOG.warning("Azurite did not stop within %.0f s: killing it", STOP_TIMEOUT_SECONDS)
        process.kill()
        process.wait()
    LOG.info("stopped Azurite")
