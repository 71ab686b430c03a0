"""Write the Azure type definitions the templates use, trimmed, from a clone of Azure/bicep-types-az.

    python -m infra.azure_types.refresh --source PATH [--commit REV] [--out DIR] [--verify]

``PATH`` is a clone of the repository (a work tree or a bare one: everything is read with git
at one commit). Without ``--commit`` the commit of ``infra/azure_types/manifest.json`` is used, so
the same files come out byte for byte; ``--commit origin/main`` (any revision) moves to another and
records it. ``--verify`` writes nothing: it makes the files in a temporary folder and fails unless
they are identical to those in ``DIR`` and to the manifest's hashes.

What is written (to ``infra/azure_types/data`` by default):

- for each ``generated/<group>/<provider>/<version>/types.json`` that declares a wanted type, the
  same path without ``generated/``, holding only the wanted resource types and every type they
  reach, renumbered in the order they are reached, without descriptions, one type a line;
- ``index.json``: the repository, the commit, each wanted ``type@version`` -> ``file#/N``, and the
  wanted types the commit has no definition of (the check reports them);
- ``LICENSE``: the repository's licence (MIT), as it is at that commit.

The wanted types are every ``type@version`` the templates under ``infra/`` declare, plus the
manifest's ``extra_types``. The manifest is rewritten with the commit and each file's SHA-256.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from infra.azure_types import manifest as record
from infra.azure_types.typedata import INDEX, LICENSE, digest, folder_problems

INFRA = Path(__file__).resolve().parents[1]


class Source:
    """The repository at one commit, read with git."""

    def __init__(self, path: Path, revision: str) -> None:
        self.path = path
        self.commit = self._git("rev-parse", "--verify", f"{revision}^{{commit}}").strip()

    def _git(self, *arguments: str) -> str:
        """git's output, as UTF-8 and byte for byte (no newline translation)."""
        completed = subprocess.run(  # noqa: S603 - git with fixed verbs, paths from the command line
            ["git", "-C", str(self.path), *arguments],  # noqa: S607 - git from PATH, as a developer runs it
            capture_output=True,
            check=False,
        )
        if completed.returncode != 0:
            raise SystemExit(f"git {' '.join(arguments)} failed: {completed.stderr.decode(errors='replace').strip()}")
        return completed.stdout.decode("utf-8")

    def text(self, path: str) -> str:
        return self._git("show", f"{self.commit}:{path}")

    @cache  # noqa: B019 - one Source per run
    def types_files(self) -> tuple[str, ...]:
        listing = self._git("ls-tree", "-r", "--name-only", self.commit, "generated/")
        return tuple(line for line in listing.splitlines() if line.endswith("/types.json"))

    @cache  # noqa: B019 - one Source per run
    def types(self, path: str) -> list[dict[str, Any]]:
        loaded: list[dict[str, Any]] = json.loads(self.text(path))
        return loaded


def locate(source: Source, type_name: str) -> tuple[str, int] | None:
    """The types file and index of the ``ResourceType`` named ``type_name``; None if no file has it."""
    kind, _, version = type_name.partition("@")
    provider = kind.split("/", 1)[0].lower()
    found = []
    for path in source.types_files():
        parts = path.split("/")
        if len(parts) == 5 and parts[2].lower() == provider and parts[3] == version:
            for index, declared in enumerate(source.types(path)):
                if declared.get("$type") == "ResourceType" and declared["name"].lower() == type_name.lower():
                    found.append((path, index))
    if len(found) > 1:
        raise SystemExit(f"{type_name} is declared in more than one file: {found}")
    return found[0] if found else None


def trim(types: list[dict[str, Any]], roots: list[int]) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The types reachable from ``roots`` (indices), renumbered in the order reached (depth
    first, keys in their order), descriptions dropped; and the old -> new index map."""
    order: list[int] = []
    seen: set[int] = set()

    def visit(index: int) -> None:
        if index in seen:
            return
        seen.add(index)
        order.append(index)
        for target in _references(types[index]):
            visit(target)

    for root in roots:
        visit(root)
    renumber = {old: new for new, old in enumerate(order)}
    return [_rewrite(types[old], renumber) for old in order], renumber


def _references(node: Any) -> list[int]:
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return [int(str(node["$ref"]).removeprefix("#/"))]
        return [target for value in node.values() for target in _references(value)]
    if isinstance(node, list):
        return [target for value in node for target in _references(value)]
    return []


def _rewrite(node: Any, renumber: dict[int, int]) -> Any:
    """``node`` renumbered, without the descriptions of types and of properties (a property
    named description, a key of ``properties``, stays)."""
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return {"$ref": f"#/{renumber[int(str(node['$ref']).removeprefix('#/'))]}"}
        described = "$type" in node or isinstance(node.get("type"), dict)
        return {
            key: _rewrite(value, renumber)
            for key, value in node.items()
            if not (described and key == "description" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_rewrite(value, renumber) for value in node]
    return node


def _dump_types(types: list[dict[str, Any]]) -> str:
    lines = [json.dumps(declared, ensure_ascii=False, separators=(",", ":")) for declared in types]
    return "[\n" + ",\n".join(lines) + "\n]\n"


def build(source: Source, wanted: list[str]) -> dict[str, str]:
    """Every file to write (relative name -> text) for ``wanted`` from ``source``."""
    located: dict[str, list[tuple[str, int]]] = {}
    missing = []
    for type_name in wanted:
        place = locate(source, type_name)
        if place is None:
            missing.append(type_name)
        else:
            located.setdefault(place[0], []).append((type_name, place[1]))
    files: dict[str, str] = {}
    resources: dict[str, str] = {}
    for path, declared in sorted(located.items()):
        declared.sort(key=lambda pair: pair[0].lower())
        trimmed, renumber = trim(source.types(path), [position for _, position in declared])
        name = path.removeprefix("generated/")
        files[name] = _dump_types(trimmed)
        for type_name, position in declared:
            resources[type_name] = f"{name}#/{renumber[position]}"
    index: dict[str, Any] = {
        "repository": record.REPOSITORY,
        "commit": source.commit,
        "resources": dict(sorted(resources.items(), key=lambda pair: pair[0].lower())),
        "missing": missing,
    }
    files[INDEX] = json.dumps(index, indent=1) + "\n"
    files[LICENSE] = source.text(LICENSE)
    return files


def write(folder: Path, files: dict[str, str]) -> dict[str, str]:
    """Replace the contents of ``folder`` with ``files``; their SHA-256 by name."""
    if folder.exists():
        if any(folder.iterdir()) and not (folder / INDEX).is_file():
            raise SystemExit(f"{folder} holds files refresh did not write: not touching it")
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
    for name, text in files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    return {name: digest(folder / name) for name in sorted(files)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="a clone of Azure/bicep-types-az")
    parser.add_argument("--commit", help="the revision to read (default: the manifest's commit)")
    parser.add_argument("--out", type=Path, default=record.DATA, help="where the types go")
    parser.add_argument("--manifest", type=Path, default=record.MANIFEST)
    parser.add_argument("--infra", type=Path, default=INFRA, help="the templates' folder")
    parser.add_argument("--verify", action="store_true", help="compare, write nothing")
    arguments = parser.parse_args(argv)
    manifest = record.load(arguments.manifest)
    source = Source(arguments.source, arguments.commit or manifest.commit)
    files = build(source, record.wanted(arguments.infra, manifest))
    if arguments.verify:
        with tempfile.TemporaryDirectory() as scratch:
            made = write(Path(scratch) / "data", files)
        differs = folder_problems(arguments.out, made)
        if manifest.files != made:
            differs.append(f"the manifest's hashes are not those of the files made from {source.commit}")
        for problem in differs:
            sys.stdout.write(f"{problem}\n")
        sys.stdout.write(f"{len(made)} files from {source.commit}: {'identical' if not differs else 'DIFFERENT'}\n")
        return 1 if differs else 0
    manifest.commit = source.commit
    manifest.files = write(arguments.out, files)
    record.save(manifest, arguments.manifest)
    sys.stdout.write(f"wrote {len(files)} files from {record.REPOSITORY}@{source.commit} to {arguments.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
