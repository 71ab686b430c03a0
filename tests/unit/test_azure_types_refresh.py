"""refresh.py writes exactly the Azure types the templates use, trimmed, from a clone of
Azure/bicep-types-az at one commit, the same bytes every time; the check refuses type data that
is not what refresh wrote. The clone here is a git repository made by the test, holding a
hand-written types file (fake_azure_types)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from infra.azure_types import manifest, refresh
from infra.azure_types.__main__ import type_data_problems
from infra.azure_types.typedata import TypeData, folder_problems
from tests.unit.fake_azure_types import GADGETS, TYPES, WIDGETS

SPROCKETS = "Test.Rp/sprockets@2024-01-01"
TEMPLATE = """
resource widget 'Test.Rp/widgets@2024-01-01' = {
  name: 'w'
  location: 'westeurope'
  properties: {
    colour: 'Red'
  }
}
"""


def _git(folder: Path, *arguments: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-C", str(folder), *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.strip()


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A repository laid out as Azure/bicep-types-az: generated/<group>/<provider>/<version>/."""
    folder = tmp_path / "bicep-types-az"
    wanted = folder / "generated" / "test" / "test.rp" / "2024-01-01" / "types.json"
    other = folder / "generated" / "test" / "test.rp" / "2023-01-01" / "types.json"
    wanted.parent.mkdir(parents=True)
    other.parent.mkdir(parents=True)
    wanted.write_text(json.dumps(TYPES, indent=2), encoding="utf-8")
    other.write_text(json.dumps([{"$type": "StringType"}]), encoding="utf-8")
    (folder / "LICENSE").write_text("MIT License\r\n\r\nCopyright (c) the authors.\r\n", encoding="utf-8")
    _git(folder, "init", "-q")
    _git(folder, "add", ".")
    _git(folder, "commit", "-q", "-m", "types")
    return folder


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Path]:
    """Templates using the widget, a manifest wanting the gadget and a type the clone lacks."""
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.bicep").write_text(TEMPLATE, encoding="utf-8")
    record = tmp_path / "manifest.json"
    manifest.save(
        manifest.Manifest(
            "Azure/bicep-types-az", "HEAD", {GADGETS: "on its way in", SPROCKETS: "a type the clone lacks"}
        ),
        record,
    )
    return {"infra": infra, "manifest": record, "data": tmp_path / "data"}


def _refresh(clone: Path, project: dict[str, Path], *extra: str) -> int:
    return refresh.main(
        [
            "--source",
            str(clone),
            "--infra",
            str(project["infra"]),
            "--manifest",
            str(project["manifest"]),
            "--out",
            str(project["data"]),
            *extra,
        ]
    )


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_refresh_writes_the_wanted_types_their_index_and_the_licence(clone: Path, project: dict[str, Path]) -> None:
    assert _refresh(clone, project) == 0
    assert set(_files(project["data"])) == {"LICENSE", "index.json", "test/test.rp/2024-01-01/types.json"}
    assert _files(project["data"])["LICENSE"] == (clone / "LICENSE").read_bytes()
    index = json.loads((project["data"] / "index.json").read_text(encoding="utf-8"))
    assert index["commit"] == _git(clone, "rev-parse", "HEAD")
    assert set(index["resources"]) == {WIDGETS, GADGETS}
    assert index["missing"] == [SPROCKETS]
    types = TypeData.load(project["data"])
    assert types.resource_names() == {WIDGETS, GADGETS}
    widget = types.get(types.resource_body(WIDGETS))  # type: ignore[arg-type]
    assert widget["name"] == "Test.Rp/widgets"


def test_refresh_keeps_only_what_the_wanted_types_reach_without_descriptions(
    clone: Path, project: dict[str, Path]
) -> None:
    _refresh(clone, project)
    trimmed = json.loads((project["data"] / "test/test.rp/2024-01-01/types.json").read_text(encoding="utf-8"))
    assert {"$type": "AnyType"} not in trimmed  # in the source, reached by no wanted type
    assert len(trimmed) == len(TYPES) - 1
    text = json.dumps(trimmed)
    for target in (int(ref.split("/")[-1]) for ref in _refs(trimmed)):
        assert 0 <= target < len(trimmed)
    assert "The resource id" not in text
    assert "Required, from a closed set." not in text
    properties = next(t for t in trimmed if t.get("name") == "WidgetProperties")
    assert "description" in properties["properties"]  # a property of that name stays
    assert "description" not in properties
    assert "description" not in properties["properties"]["description"]


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return [str(node["$ref"])]
        return [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_refresh_records_the_commit_and_every_file_s_hash_in_the_manifest(
    clone: Path, project: dict[str, Path]
) -> None:
    _refresh(clone, project)
    record = manifest.load(project["manifest"])
    assert record.commit == _git(clone, "rev-parse", "HEAD")
    assert folder_problems(project["data"], record.files) == []
    assert type_data_problems(project["infra"], project["data"], record) == []


def test_refresh_from_the_recorded_commit_reproduces_the_files_byte_for_byte(
    clone: Path, project: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _refresh(clone, project)
    first = _files(project["data"])
    recorded = manifest.load(project["manifest"]).commit
    # The clone moves on; the manifest's commit still gives the same bytes.
    (clone / "generated" / "test" / "test.rp" / "2024-01-01" / "types.json").write_text("[]", encoding="utf-8")
    _git(clone, "commit", "-q", "-am", "newer types")
    assert _refresh(clone, project, "--verify") == 0
    assert "identical" in capsys.readouterr().out
    _refresh(clone, project)
    assert _files(project["data"]) == first
    assert manifest.load(project["manifest"]).commit == recorded


def test_verify_fails_when_a_vendored_file_was_edited(
    clone: Path, project: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _refresh(clone, project)
    edited = project["data"] / "test/test.rp/2024-01-01/types.json"
    edited.write_text(edited.read_text(encoding="utf-8").replace('"Red"', '"Green"'), encoding="utf-8")
    assert _refresh(clone, project, "--verify") == 1
    assert "differs from what refresh wrote" in capsys.readouterr().out
    record = manifest.load(project["manifest"])
    assert folder_problems(project["data"], record.files) == [
        "test/test.rp/2024-01-01/types.json differs from what refresh wrote"
    ]


def test_the_check_refuses_types_that_are_not_the_templates(clone: Path, project: dict[str, Path]) -> None:
    _refresh(clone, project)
    (project["infra"] / "other.bicep").write_text(
        "resource other 'Test.Rp/others@2024-01-01' = {\n  name: 'o'\n}\n", encoding="utf-8"
    )
    problems = type_data_problems(project["infra"], project["data"], manifest.load(project["manifest"]))
    assert problems == ["Test.Rp/others@2024-01-01 is used by a template but not vendored"]


def test_refresh_does_not_empty_a_folder_it_did_not_write(clone: Path, project: dict[str, Path]) -> None:
    project["data"].mkdir()
    (project["data"] / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit, match="did not write"):
        _refresh(clone, project)
    assert (project["data"] / "notes.txt").is_file()
