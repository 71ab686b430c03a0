"""The command line of the local host: ``python -m devhost COMMAND ...``.

Each command is a module with ``add_parser(subparsers)``, which registers its subparser and
sets ``handler`` (a function from the parsed arguments to an exit code) as a default. To add
a command, write such a module and list it in COMMANDS.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

from devhost import backfill, ingest, serve, sweep, token

COMMANDS = (serve, token, sweep, ingest, backfill)

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def build_parser() -> argparse.ArgumentParser:
    """The parser with every command's subparser."""
    parser = argparse.ArgumentParser(prog="python -m devhost", description="Local host for the function app.")
    subparsers = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def configure_logging(level: int = logging.INFO) -> None:
    """Compact log lines on stderr; the Azure SDKs' per-request chatter is kept to warnings."""
    logging.basicConfig(level=level, format=LOG_FORMAT, datefmt="%H:%M:%S")
    logging.getLogger("azure").setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command named in ``argv`` (default: the process's arguments); its exit code."""
    args = build_parser().parse_args(argv)
    configure_logging()
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
