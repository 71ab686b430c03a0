"""Suite-wide wiring: each test is marked with its layer (the folder it lives in), and one
Azurite serves the whole session.

Layers: ``unit`` (pure code, in-memory fakes, no storage), ``integration`` (the real Azure SDK
against Azurite), ``e2e`` (over HTTP through the local host). Select one with ``-m``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from devhost.azurite import ensure_azurite

TESTS_DIR = Path(__file__).parent

LAYERS = {
    "unit": "pure code, in-memory fakes, no storage",
    "integration": "the real Azure SDK against Azurite",
    "e2e": "over HTTP through the local host",
}


def pytest_configure(config: pytest.Config) -> None:
    for layer, description in LAYERS.items():
        config.addinivalue_line("markers", f"{layer}: {description}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        layer = item.path.relative_to(TESTS_DIR).parts[0]
        if layer in LAYERS:
            item.add_marker(getattr(pytest.mark, layer))


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bool]:
    """Azurite on its usual ports for the session: the one already listening, or one started
    here (data in a temporary folder) and stopped at the end. True when started here."""
    with ensure_azurite(tmp_path_factory.mktemp("azurite")) as started:
        yield started
