"""Run checkov on infra/ and fail unless it really checked something and nothing failed.

checkov exits 0 on a file it cannot parse (it counts a "parsing error" and moves on), so its exit
code alone proves nothing: this reads its JSON report and fails when

- it parsed no Bicep resource, or reported a parsing error (tests/unit/infra/test_infra.py, the pycep
  parse, stays the syntax gate; this is the second line);
- a check failed;
- a check was skipped without a reason (``checkov:skip=CKV_X: why`` in the template).

It prints the figures and every suppression with its reason. Usage (make lint does it):

    python infra/checkov_gate.py [--checkov .tools/checkov/bin/checkov] [--directory infra]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

NO_REASON = "No comment provided"  # what checkov records for a skip without a reason


def run_checkov(checkov: str, directory: Path) -> dict[str, Any]:
    """checkov's report for the Bicep files under ``directory`` (offline: no policy download)."""
    completed = subprocess.run(  # noqa: S603 - a fixed command line, the tool path from make
        [checkov, "--directory", str(directory), "--framework", "bicep", "--skip-download", "--output", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode not in (0, 1):  # 1: failed checks, reported below
        sys.stderr.write(completed.stderr)
        raise SystemExit(f"checkov did not run (exit {completed.returncode})")
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        sys.stderr.write(completed.stdout[-2000:] + completed.stderr[-2000:])
        raise SystemExit(f"checkov wrote no JSON report: {error}") from error
    if isinstance(report, list):  # one report per framework; only bicep was asked for
        reports = [item for item in report if item.get("check_type") == "bicep"]
        if len(reports) != 1:
            raise SystemExit("checkov reported no Bicep results")
        report = reports[0]
    if not isinstance(report, dict):
        raise SystemExit("checkov's report is not a JSON object")
    return report


def problems(report: dict[str, Any]) -> list[str]:
    """What makes the report a failure, in words; empty when it passes."""
    summary = report.get("summary", report)
    results = report.get("results", {})
    found: list[str] = []
    if summary.get("resource_count", 0) == 0:
        found.append("checkov parsed no Bicep resource: it checked nothing")
    if summary.get("parsing_errors", 0):
        found.append(f"checkov could not parse {summary['parsing_errors']} file(s): {results.get('parsing_errors')}")
    for check in results.get("failed_checks", []):
        found.append(f"FAILED {check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}")
    for check in results.get("skipped_checks", []):
        reason = (check.get("check_result") or {}).get("suppress_comment", NO_REASON)
        if not reason.strip() or reason == NO_REASON:
            found.append(f"{check['check_id']} skipped on {check['resource']} without a reason")
    return found


def describe(report: dict[str, Any]) -> str:
    summary = report.get("summary", report)
    results = report.get("results", {})
    lines = [
        f"checkov {summary.get('checkov_version', '?')}: {summary.get('resource_count', 0)} resources, "
        f"{summary.get('passed', 0)} passed, {summary.get('failed', 0)} failed, "
        f"{summary.get('skipped', 0)} skipped, {summary.get('parsing_errors', 0)} parsing errors"
    ]
    for check in sorted(results.get("skipped_checks", []), key=lambda c: (c["file_path"], c["check_id"])):
        reason = (check.get("check_result") or {}).get("suppress_comment", NO_REASON)
        lines.append(f"  skipped {check['check_id']} on {check['resource']} ({check['file_path']}): {reason.strip()}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkov", default=".tools/checkov/bin/checkov")
    parser.add_argument("--directory", type=Path, default=Path(__file__).resolve().parent)
    arguments = parser.parse_args(argv)
    report = run_checkov(arguments.checkov, arguments.directory)
    sys.stdout.write(describe(report) + "\n")
    found = problems(report)
    for problem in found:
        sys.stderr.write(problem + "\n")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
