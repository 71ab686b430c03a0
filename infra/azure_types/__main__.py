"""Check the templates against Azure's type definitions, made from the pinned Azure SDK for
Python's models; fail on any finding or skip that the allow-list does not name with its reason,
and when the SDK's packages are not installed. Usage (make lint runs it):

    python -m infra.azure_types [--infra infra] [--sdk .tools/azure-sdk]
                                [--allowed infra/azure_types/allowed.toml]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infra.azure_types import allowlist, bicep, sdk
from infra.azure_types.evaluate import Issue, check_folder

FIX = "fix the template, or allow-list the issue with its reason in infra/azure_types/allowed.toml"
INSTALL = f"make azure-sdk-deps installs them from {sdk.REQUIREMENTS}"


def _named(entry: allowlist.Entry) -> str:
    return f"{entry.kind} {entry.file} {entry.where} {entry.path}"


def _line(label: str, issue: Issue, text: str) -> str:
    return f"  {label:<8} {issue.kind:<15} {issue.file}:{issue.line} {issue.where} {issue.path or '(body)'}: {text}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--infra", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--sdk", type=Path, default=sdk.VENV, help="the virtualenv of the pinned SDK packages")
    parser.add_argument("--allowed", type=Path, default=allowlist.ALLOWED)
    arguments = parser.parse_args(argv)
    out = sys.stdout.write
    if not sdk.releases(arguments.sdk):
        out(f"azure types: FAILED, no Azure SDK packages in {arguments.sdk}: {INSTALL}\n")
        return 1
    source = sdk.load(arguments.sdk, bicep.types_used(arguments.infra))
    run = check_folder(arguments.infra, source.types)
    issues = sorted(
        run.issues.values(), key=lambda issue: (issue.file, issue.line, issue.where, issue.path, issue.kind)
    )
    verdict = allowlist.judge(issues, allowlist.load(arguments.allowed))
    findings = [issue for issue in issues if issue.kind != "skipped"]
    tally = run.tally
    out(
        f"azure types: {tally.resources} resource bodies ({tally.properties} properties) and {tally.reads} reads "
        f"in {len(run.trees)} templates checked against the models of {len(source.found)} type@versions "
        f"({len(source.missing)} without one): "
        f"{len(findings)} findings, {len(issues) - len(findings)} skipped, {len(verdict.allowed)} of them allowed; "
        f"{tally.unverified_constraints} length/pattern constraints on values known only at deployment\n"
    )
    out(f"  from {', '.join(str(release) for release in source.releases)}\n")
    for name in source.missing:
        out(f"  no model {name}\n")
    for issue, entry in verdict.allowed:
        out(_line("allowed", issue, f"{issue.message} [{entry.reason}]") + "\n")
    for issue in verdict.refused:
        out(_line("FAILED", issue, issue.message) + "\n")
    for entry in verdict.stale:
        out(f"  FAILED   stale allow-list entry, it names no issue: {_named(entry)}\n")
    for entry in verdict.unreasoned:
        out(f"  FAILED   allow-list entry without a reason: {_named(entry)}\n")
    out("azure types: passed\n" if verdict.passed else f"azure types: FAILED ({FIX})\n")
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
