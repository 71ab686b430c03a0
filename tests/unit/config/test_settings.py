"""Settings are read once and fail fast, naming the setting at fault."""

from __future__ import annotations

import pytest

from shared.adapters.storage import azurite_connection_string, connection_string
from shared.config.app import load_settings
from shared.config.env import SettingsError


def test_a_connection_string_is_enough_for_table_storage() -> None:
    tables = load_settings({"TABLES_CONNECTION_STRING": "UseDevelopmentStorage=true"}).tables
    assert tables.connection_string == "UseDevelopmentStorage=true"
    assert tables.endpoint is None
    assert tables.timeout_seconds == 5.0


def test_an_endpoint_with_a_client_id_selects_the_managed_identity() -> None:
    loaded = load_settings(
        {
            "TABLES_ENDPOINT": "https://desk.table.core.windows.net",
            "AZURE_CLIENT_ID": "1f0c",
            "STORAGE_TIMEOUT_SECONDS": "2",
        }
    )
    tables = loaded.tables
    assert (tables.connection_string, tables.endpoint, loaded.identity_client_id, tables.timeout_seconds) == (
        None,
        "https://desk.table.core.windows.net",
        "1f0c",
        2.0,
    )


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({}, "TABLES_CONNECTION_STRING"),
        ({"TABLES_CONNECTION_STRING": "  "}, "TABLES_ENDPOINT"),
        ({"TABLES_ENDPOINT": "http://desk.table.core.windows.net"}, "TABLES_ENDPOINT"),
        ({"TABLES_CONNECTION_STRING": "x", "STORAGE_TIMEOUT_SECONDS": "soon"}, "STORAGE_TIMEOUT_SECONDS"),
        ({"TABLES_CONNECTION_STRING": "x", "STORAGE_TIMEOUT_SECONDS": "0"}, "STORAGE_TIMEOUT_SECONDS"),
        ({"TABLES_CONNECTION_STRING": "x", "TICKET_CREATION_BURST": "0"}, "TICKET_CREATION_BURST"),
        ({"TABLES_CONNECTION_STRING": "x", "TICKET_CREATION_PER_HOUR": "1.5"}, "TICKET_CREATION_PER_HOUR"),
        ({"TABLES_CONNECTION_STRING": "x", "TICKET_CREATION_PER_HOUR": "-3"}, "TICKET_CREATION_PER_HOUR"),
    ],
)
def test_a_missing_or_malformed_setting_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(environ)


def test_the_development_storage_shorthand_means_the_local_emulator() -> None:
    expanded = connection_string("UseDevelopmentStorage=true")
    assert expanded == azurite_connection_string()
    assert "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1" in expanded
    assert connection_string("AccountName=x;AccountKey=y") == "AccountName=x;AccountKey=y"


def test_the_creation_limit_defaults_to_ten_at_once_and_sixty_an_hour() -> None:
    desk = load_settings({"TABLES_CONNECTION_STRING": "x"}).desk
    assert (desk.creation_burst, desk.creation_per_hour) == (10, 60)
    tuned = load_settings(
        {"TABLES_CONNECTION_STRING": "x", "TICKET_CREATION_BURST": "3", "TICKET_CREATION_PER_HOUR": "12"}
    )
    assert (tuned.desk.creation_burst, tuned.desk.creation_per_hour) == (3, 12)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STORAGE_TIMEOUT_SECONDS", "nan"),
        ("STORAGE_TIMEOUT_SECONDS", "inf"),
        ("CALENDAR_REFRESH_SECONDS", "1e999"),
        ("TICKET_CREATION_BURST", "١٠"),
        ("ESCALATION_MATRIX", "75,100,١٥٠"),
        ("ESCALATION_SUPERVISORS_ADDRESS", "supervisors"),
        ("ESCALATION_MANAGEMENT_ADDRESS", "management@"),
    ],
)
def test_a_value_that_only_looks_right_is_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({"TABLES_CONNECTION_STRING": "x", name: value})


def test_the_escalation_addresses_are_read_as_addresses() -> None:
    desk = load_settings(
        {
            "TABLES_CONNECTION_STRING": "x",
            "ESCALATION_SUPERVISORS_ADDRESS": " Supervisors@Desk.Example",
            "ESCALATION_MANAGEMENT_ADDRESS": "",
        }
    ).desk
    assert (desk.escalation_supervisors, desk.escalation_management) == ("supervisors@desk.example", None)
