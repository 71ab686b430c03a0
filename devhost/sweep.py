"""``python -m devhost sweep [--now ISO]``: run one escalation sweep as of an instant.

For operators and tests: ``--now 2026-12-01T10:00:00+01:00`` sweeps as if it were that instant
(time travel forward through a simulated month, one sweep at a time). The desk's clock, its mail
dispatcher and the schedule all read that instant. The settings are the local run's
(``local.settings.json``); Azurite must be listening (``make run`` or ``python -m devhost serve``
starts it). Without ``--now`` the sweep runs as of the system time. The report is printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime

from devhost import PROJECT_ROOT
from devhost.settings_file import load_local_settings


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``sweep`` subcommand."""
    parser = subparsers.add_parser(
        "sweep",
        help="run one escalation sweep as of an instant",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--now", type=_instant, default=None, help="the instant, ISO 8601 with its offset")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Sweep once; print the report; exit 0 unless a checkpoint failed."""
    load_local_settings(PROJECT_ROOT, os.environ)
    from functions.dependencies import desk_at, schedule  # the app reads its settings on import
    from shared.usecases.escalator import sweep

    at: datetime = args.now or datetime.now(UTC)
    report = sweep(desk_at(lambda: at), schedule(), at)
    sys.stdout.write(json.dumps({"now": at.isoformat(), **report.__dict__}) + "\n")
    return 1 if report.failed else 0


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs its offset (e.g. +01:00 or Z)")
    return moment
