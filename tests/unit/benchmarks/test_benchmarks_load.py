"""Every benchmark still loads: ``make bench`` is not part of ``make test``, so a renamed import
would otherwise go unnoticed until someone measures."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted(Path(__file__).resolve().parents[3].joinpath("benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda path: path.stem)
def test_the_benchmark_module_loads_and_has_a_main(path: Path) -> None:
    module = importlib.import_module(f"benchmarks.{path.stem}")
    assert callable(getattr(module, "main", None))
