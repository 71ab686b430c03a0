"""The record of the vendored Azure types: where they come from (repository and commit), which
types beyond the templates' are wanted, and the SHA-256 of every file refresh wrote, so that the
check uses exactly what refresh makes from that commit."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from infra.azure_types.bicep import types_used

HERE = Path(__file__).parent
MANIFEST = HERE / "manifest.json"
#: Where refresh writes the trimmed types (the check's default).
DATA = HERE / "data"
REPOSITORY = "Azure/bicep-types-az"


@dataclass
class Manifest:
    repository: str
    commit: str
    #: Types wanted though no template declares them yet (a resource on its way in), with why.
    extra_types: dict[str, str] = field(default_factory=dict)
    #: What refresh wrote: file (relative to the data folder) -> SHA-256.
    files: dict[str, str] = field(default_factory=dict)


def load(path: Path = MANIFEST) -> Manifest:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Manifest(raw["repository"], raw["commit"], dict(raw.get("extra_types", {})), dict(raw.get("files", {})))


def save(manifest: Manifest, path: Path = MANIFEST) -> None:
    path.write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def wanted(folder: Path, manifest: Manifest) -> list[str]:
    """The types to vendor: the templates' and the manifest's extra ones, sorted."""
    return sorted(types_used(folder) | set(manifest.extra_types), key=str.lower)
