"""``make bench`` runs every benchmark to the end, says how each ended, and fails when any did."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import run_all
from tests.unit.benchmarks.test_benchmarks_load import BENCHMARKS


def test_make_bench_runs_every_benchmark_the_load_test_checks() -> None:
    assert run_all.discover() == BENCHMARKS
    assert [path.stem for path in BENCHMARKS][:2] == ["bench_api", "bench_calendar"]  # by name


def test_a_benchmark_that_misses_its_target_does_not_stop_the_ones_after_it(capsys: pytest.CaptureFixture[str]) -> None:
    statuses = {"bench_a": 0, "bench_b": 1, "bench_c": 0}
    ran: list[str] = []

    def fake_run(path: Path) -> int:
        ran.append(path.stem)
        return statuses[path.stem]

    outcomes = run_all.run_all([Path(f"{name}.py") for name in statuses], run=fake_run)
    status = run_all.report(outcomes)

    assert ran == ["bench_a", "bench_b", "bench_c"]
    assert status == 1
    lines = capsys.readouterr().out.splitlines()
    summary = lines[lines.index("=== summary ===") + 1 :]
    assert [line.split()[:2] for line in summary[:3]] == [["bench_a", "PASS"], ["bench_b", "FAIL"], ["bench_c", "PASS"]]
    assert summary[1].split()[2:4] == ["(exit", "1)"]
    assert all(line.endswith(" s") for line in summary[:3])  # each with its duration
    assert summary[3] == "2 of 3 benchmarks passed; failed: bench_b"


def test_make_bench_passes_when_every_benchmark_does(capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = run_all.run_all([Path("bench_a.py"), Path("bench_b.py")], run=lambda path: 0)
    assert run_all.report(outcomes) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 of 2 benchmarks passed"


def test_a_benchmark_runs_in_a_process_of_its_own_and_its_exit_status_is_its_verdict(tmp_path: Path) -> None:
    passing, missing = tmp_path / "bench_fine.py", tmp_path / "bench_slow.py"
    passing.write_text("import sys\nsys.exit(0)\n")
    missing.write_text("import sys\nprint('FAIL: 6 requests, target 4')\nsys.exit(1)\n")
    assert run_all.discover(tmp_path) == [passing, missing]
    assert [run_all.in_a_process(path) for path in (passing, missing)] == [0, 1]


def test_named_benchmarks_run_alone_and_an_unknown_name_is_refused() -> None:
    paths = [Path("bench_api.py"), Path("bench_calendar.py"), Path("bench_ingest.py")]
    assert run_all.chosen(paths, ["ingest", "bench_api"]) == [Path("bench_ingest.py"), Path("bench_api.py")]
    assert run_all.chosen(paths, []) == paths
    with pytest.raises(ValueError, match="no such benchmark: bench_fairnes"):
        run_all.chosen(paths, ["fairnes"])
