"""Every table, blob container and queue name is written once, in ``shared/adapters/storage_layout.py``:
the stores, the edges and the local host take theirs from it, so that a name cannot drift from
what provisioning and the templates create."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from shared.adapters import storage_layout
from shared.adapters.storage_layout import BLOB_CONTAINERS, QUEUES, TABLES

ROOT = Path(__file__).resolve().parents[3]
LAYOUT = Path(storage_layout.__file__).resolve()
NAMES = frozenset((*TABLES, *BLOB_CONTAINERS, *QUEUES))


def _app_sources() -> Iterator[Path]:
    """The app's code and the local host's, but the layout module itself."""
    yield ROOT / "function_app.py"
    for folder in ("shared", "functions", "devhost"):
        yield from (path for path in (ROOT / folder).rglob("*.py") if path.resolve() != LAYOUT)


def _names_written_out(source: Path) -> Iterator[str]:
    """Where ``source`` writes a storage name as a string: the name alone, or a blob path
    starting with it (``"inbound-email/{name}"``, an f-string's literal part included). The
    strings of ``__all__`` name Python objects (the ``Tickets`` port), not storage."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    exported = {
        id(constant)
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
        for constant in ast.walk(node.value)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in exported:
            value = node.value
            if value in NAMES or ("/" in value and value.split("/", 1)[0] in NAMES):
                yield f"{source.relative_to(ROOT)}:{node.lineno}: {value!r}"


def test_no_store_edge_or_host_module_writes_a_storage_name_of_its_own() -> None:
    written = [place for source in _app_sources() for place in _names_written_out(source)]
    assert written == [], "take these names from shared.adapters.storage_layout:\n" + "\n".join(written)


def test_the_layout_names_each_resource_once() -> None:
    listed = [*TABLES, *BLOB_CONTAINERS, *QUEUES]
    assert len(listed) == len(set(listed))
    assert storage_layout.EVENT_GRID_DEAD_LETTER_CONTAINER in BLOB_CONTAINERS
