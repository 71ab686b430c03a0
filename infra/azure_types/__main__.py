"""Check the templates against Azure's type definitions; fail on any finding or skip that the
allow-list does not name with its reason, and on type definitions that are not exactly those
refresh makes for the templates. Usage (make lint runs it):

    python -m infra.azure_types [--infra infra] [--types infra/azure_types/data]
                                [--allowed infra/azure_types/allowed.toml]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from infra.azure_types import allowlist, manifest
from infra.azure_types.evaluate import Issue, check_folder
from infra.azure_types.typedata import INDEX, TypeData, folder_problems

FIX = "fix the template, or allow-list the issue with its reason in infra/azure_types/allowed.toml"
REFRESH = "python -m infra.azure_types.refresh --source <a clone of Azure/bicep-types-az>"


def type_data_problems(infra: Path, types: Path, record: manifest.Manifest) -> list[str]:
    """Why the type definitions in ``types`` cannot be used for the templates in ``infra``."""
    problems = folder_problems(types, record.files)
    if problems:
        return problems
    index = json.loads((types / INDEX).read_text(encoding="utf-8"))
    if index["commit"] != record.commit:
        return [f"the types are from {index['commit']}, the manifest names {record.commit}"]
    vendored = {name.lower(): name for name in [*index["resources"], *index["missing"]]}
    wanted = {name.lower(): name for name in manifest.wanted(infra, record)}
    return [
        f"{wanted[name]} is used by a template but not vendored" for name in sorted(set(wanted) - set(vendored))
    ] + [
        f"{vendored[name]} is vendored but no template uses it (nor extra_types)"
        for name in sorted(set(vendored) - set(wanted))
    ]


def _named(entry: allowlist.Entry) -> str:
    return f"{entry.kind} {entry.file} {entry.where} {entry.path}"


def _line(label: str, issue: Issue, text: str) -> str:
    return f"  {label:<8} {issue.kind:<15} {issue.file}:{issue.line} {issue.where} {issue.path or '(body)'}: {text}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--infra", type=Path, default=manifest.HERE.parent)
    parser.add_argument("--types", type=Path, default=manifest.DATA)
    parser.add_argument("--allowed", type=Path, default=allowlist.ALLOWED)
    parser.add_argument("--manifest", type=Path, default=manifest.MANIFEST)
    arguments = parser.parse_args(argv)
    record = manifest.load(arguments.manifest)
    out = sys.stdout.write
    if problems := type_data_problems(arguments.infra, arguments.types, record):
        for problem in problems:
            out(f"azure types: {problem}\n")
        out(f"azure types: FAILED, the type definitions are not those of the templates: {REFRESH}\n")
        return 1
    run = check_folder(arguments.infra, TypeData.load(arguments.types))
    issues = sorted(
        run.issues.values(), key=lambda issue: (issue.file, issue.line, issue.where, issue.path, issue.kind)
    )
    verdict = allowlist.judge(issues, allowlist.load(arguments.allowed))
    findings = [issue for issue in issues if issue.kind != "skipped"]
    tally = run.tally
    out(
        f"azure types: {tally.resources} resource bodies ({tally.properties} properties) and {tally.reads} reads "
        f"in {len(run.trees)} templates checked against {record.repository}@{record.commit[:12]}: "
        f"{len(findings)} findings, {len(issues) - len(findings)} skipped, {len(verdict.allowed)} of them allowed; "
        f"{tally.unverified_constraints} length/pattern constraints on values known only at deployment\n"
    )
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
