"""``python -m devhost backfill-views``: place the open tickets the console's view index lacks.

For a local desk that held tickets before the view index existed (``docs/console.md``, "Tickets
from before the index"): it scans the tickets once and places each open one that was never
placed; tickets changed since are left as they are. The settings are the local run's
(``local.settings.json``); Azurite must be listening. It prints how many it placed, as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from devhost import PROJECT_ROOT
from devhost.settings_file import load_local_settings


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``backfill-views`` subcommand."""
    parser = subparsers.add_parser(
        "backfill-views",
        help="place the open tickets the console's view index lacks",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Place them; print how many."""
    load_local_settings(PROJECT_ROOT, os.environ)
    from functions.dependencies import backfill_views  # the app reads its settings on import

    sys.stdout.write(json.dumps({"placed": backfill_views()}) + "\n")
    return 0
