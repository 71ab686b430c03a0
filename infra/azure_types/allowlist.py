"""The findings and skips of the type check that are accepted, each with its reason
(``infra/azure_types/allowed.toml``).

An entry names one issue exactly: its ``kind`` (a finding's kind, or ``skipped``), the template
``file`` (relative to ``infra/``), ``where`` (the declaration: ``resource site``, ``output
endpoint``...) and ``path`` (the property, or the chain read), and says why in ``reason``. An
issue no entry names fails the check; so does an entry that names no issue (it is stale: the
template changed, remove it) and one without a reason.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from infra.azure_types.evaluate import Issue

ALLOWED = Path(__file__).with_name("allowed.toml")
#: A reason says why in words, not "ok".
SHORTEST_REASON = 12


@dataclass(frozen=True)
class Entry:
    kind: str
    file: str
    where: str
    path: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.file, self.where, self.path)


def load(path: Path = ALLOWED) -> list[Entry]:
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    fields = ("kind", "file", "where", "path", "reason")
    entries = []
    for number, item in enumerate(raw.get("allow", []), start=1):
        missing = [name for name in fields if not isinstance(item.get(name), str)]
        unknown = sorted(set(item) - set(fields))
        if missing or unknown:
            raise SystemExit(f"{path.name}: entry {number} lacks {missing} or has unknown {unknown}")
        entries.append(Entry(**{name: item[name] for name in fields}))
    return entries


@dataclass(frozen=True)
class Verdict:
    allowed: list[tuple[Issue, Entry]]
    refused: list[Issue]
    stale: list[Entry]
    unreasoned: list[Entry]

    @property
    def passed(self) -> bool:
        return not (self.refused or self.stale or self.unreasoned)


def judge(issues: list[Issue], entries: list[Entry]) -> Verdict:
    by_key = {entry.key: entry for entry in entries}
    allowed = [(issue, by_key[issue.key]) for issue in issues if issue.key in by_key]
    refused = [issue for issue in issues if issue.key not in by_key]
    used = {issue.key for issue in issues}
    stale = [entry for entry in entries if entry.key not in used]
    unreasoned = [entry for entry in entries if len(entry.reason.strip()) < SHORTEST_REASON]
    return Verdict(allowed, refused, stale, unreasoned)
