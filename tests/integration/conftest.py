"""Fixtures of the integration layer: app settings pointed at Azurite, with the app's cached
settings and clients rebuilt for each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from functions import dependencies
from shared.settings import settings
from shared.storage import AZURITE_ACCOUNT, AZURITE_KEY, DEVELOPMENT_STORAGE

AppSettings = Callable[..., None]


@pytest.fixture
def app_settings(monkeypatch: pytest.MonkeyPatch, azurite: object) -> Iterator[AppSettings]:
    """Set app settings (``TABLES_CONNECTION_STRING`` defaults to Azurite) as the host would."""

    def apply(**values: str) -> None:
        for name, value in {"TABLES_CONNECTION_STRING": DEVELOPMENT_STORAGE, **values}.items():
            monkeypatch.setenv(name, value)
        settings.cache_clear()
        dependencies.tables.cache_clear()

    apply()
    yield apply
    settings.cache_clear()
    dependencies.tables.cache_clear()


def unreachable_tables() -> str:
    """A connection string for a Table endpoint where nothing listens."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"TableEndpoint=http://127.0.0.1:9/{AZURITE_ACCOUNT}"
    )
