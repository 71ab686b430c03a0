"""Run every benchmark to the end: ``make bench``.

Run from the repository root: ``python benchmarks/run_all.py [NAME ...]``. The benchmarks are the
files ``benchmarks/bench_*.py`` (a new one joins by its name), run one after the other in name
order, each in a process of its own with this interpreter, its output shown as it comes. A
benchmark that misses a target (or fails) exits non-zero; the others still run. At the end one line
per benchmark says its name, PASS or FAIL (with the exit status) and how long it took, and the exit
status is 1 when any failed. ``NAME`` (``bench_api`` or ``api``) runs only those named.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS_DIR = Path(__file__).resolve().parent
REPOSITORY_ROOT = BENCHMARKS_DIR.parent

#: How one benchmark is run: its path in, its exit status out.
Runner = Callable[[Path], int]


@dataclass(frozen=True)
class Outcome:
    """How one benchmark ended: its exit status and its wall time in seconds."""

    name: str
    status: int
    seconds: float

    @property
    def passed(self) -> bool:
        return self.status == 0

    def summary(self) -> str:
        """``bench_api          FAIL (exit 1)   81.2 s``."""
        verdict = "PASS" if self.passed else f"FAIL (exit {self.status})"
        return f"{self.name:<24} {verdict:<14} {self.seconds:>8.1f} s"


def discover(directory: Path = BENCHMARKS_DIR) -> list[Path]:
    """The benchmarks in ``directory``: its ``bench_*.py`` files, by name."""
    return sorted(directory.glob("bench_*.py"))


def chosen(paths: Sequence[Path], names: Sequence[str]) -> list[Path]:
    """The benchmarks of ``paths`` that ``names`` name (``bench_api`` or ``api``), all when none;
    ValueError for a name that is no benchmark."""
    if not names:
        return list(paths)
    by_name = {path.stem: path for path in paths}
    wanted = [name if name.startswith("bench_") else f"bench_{name}" for name in names]
    unknown = [name for name in wanted if name not in by_name]
    if unknown:
        raise ValueError(f"no such benchmark: {', '.join(unknown)} (there are: {', '.join(by_name)})")
    return [by_name[name] for name in wanted]


def in_a_process(path: Path) -> int:
    """Run the benchmark ``path`` with this interpreter from the repository root; its exit status."""
    command = [sys.executable, str(path)]  # a file of this folder, found by discover()
    return subprocess.run(command, cwd=REPOSITORY_ROOT, check=False).returncode  # noqa: S603 - see above


def run_all(paths: Sequence[Path], run: Runner = in_a_process) -> list[Outcome]:
    """Run each benchmark of ``paths`` to its end, whatever the others did; how each ended."""
    outcomes = []
    for path in paths:
        print(f"=== {path.stem} ===", flush=True)
        began = time.perf_counter()
        status = run(path)
        outcomes.append(Outcome(path.stem, status, time.perf_counter() - began))
        print(flush=True)
    return outcomes


def report(outcomes: Sequence[Outcome]) -> int:
    """Print one line per benchmark and the verdict; the exit status (1 when any failed)."""
    print("=== summary ===")
    for outcome in outcomes:
        print(outcome.summary())
    failed = [outcome.name for outcome in outcomes if not outcome.passed]
    print(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} benchmarks passed"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", metavar="NAME", help="only these benchmarks (bench_api or api)")
    args = parser.parse_args(argv)
    try:
        paths = chosen(discover(), args.names)
    except ValueError as error:
        parser.error(str(error))
    return report(run_all(paths))


if __name__ == "__main__":
    sys.exit(main())
