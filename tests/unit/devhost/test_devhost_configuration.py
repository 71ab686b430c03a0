"""What the local host reads before it starts: ``local.settings.json``, ``host.json``,
``%NAME%`` references and connection settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devhost.binding_expressions import expand_settings
from devhost.connections import MissingConnectionError, resolve_connection
from devhost.host_config import HostConfig, load_host_config
from devhost.settings_file import load_local_settings
from shared.adapters.storage import azurite_connection_string


def write_json(path: Path, document: object) -> None:
    path.write_text(json.dumps(document), encoding="utf-8")


def test_missing_local_settings_are_copied_from_the_sample_and_loaded(tmp_path: Path) -> None:
    write_json(tmp_path / "local.settings.sample.json", {"IsEncrypted": False, "Values": {"A": "1"}})
    environ: dict[str, str] = {}
    assert load_local_settings(tmp_path, environ) == ["A"]
    assert environ == {"A": "1"}
    assert json.loads((tmp_path / "local.settings.json").read_text())["Values"] == {"A": "1"}


def test_existing_local_settings_win_over_the_sample(tmp_path: Path) -> None:
    write_json(tmp_path / "local.settings.sample.json", {"Values": {"A": "sample"}})
    write_json(tmp_path / "local.settings.json", {"Values": {"A": "mine"}})
    environ: dict[str, str] = {}
    load_local_settings(tmp_path, environ)
    assert environ == {"A": "mine"}


def test_variables_already_set_are_not_overridden(tmp_path: Path) -> None:
    write_json(tmp_path / "local.settings.json", {"Values": {"A": "file", "B": "file"}})
    environ = {"A": "shell"}
    assert load_local_settings(tmp_path, environ) == ["B"]
    assert environ == {"A": "shell", "B": "file"}


def test_values_that_are_not_strings_become_strings(tmp_path: Path) -> None:
    write_json(tmp_path / "local.settings.json", {"Values": {"ON": True, "N": 5, "NONE": None}})
    environ: dict[str, str] = {}
    load_local_settings(tmp_path, environ)
    assert environ == {"ON": "true", "N": "5", "NONE": ""}


def test_without_any_settings_file_nothing_is_set(tmp_path: Path) -> None:
    environ: dict[str, str] = {}
    assert load_local_settings(tmp_path, environ) == []
    assert not (tmp_path / "local.settings.json").exists()


def test_host_json_gives_the_route_prefix_and_poison_threshold(tmp_path: Path) -> None:
    write_json(
        tmp_path / "host.json",
        {"version": "2.0", "extensions": {"http": {"routePrefix": "/v1/"}, "blobs": {"poisonBlobThreshold": 2}}},
    )
    assert load_host_config(tmp_path) == HostConfig(route_prefix="v1", poison_blob_threshold=2)


@pytest.mark.parametrize(
    "document",
    [None, {"version": "2.0"}, {"extensions": {"http": {}, "blobs": {"maxDegreeOfParallelism": 4}}}],
)
def test_host_json_defaults_are_api_and_five_tries(tmp_path: Path, document: object) -> None:
    if document is not None:
        write_json(tmp_path / "host.json", document)
    assert load_host_config(tmp_path) == HostConfig(route_prefix="api", poison_blob_threshold=5)


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("%SCHEDULE%", "0 */5 * * * *"),
        ("%CONTAINER%/{name}", "inbound/{name}"),
        ("%CONTAINER%/%CONTAINER%", "inbound/inbound"),
        ("no references", "no references"),
    ],
)
def test_setting_references_are_replaced_by_their_values(text: str, expanded: str) -> None:
    assert expand_settings(text, {"SCHEDULE": "0 */5 * * * *", "CONTAINER": "inbound"}) == expanded


def test_a_reference_to_a_missing_setting_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="MISSING"):
        expand_settings("%MISSING%/{name}", {})


@pytest.mark.parametrize(
    ("name", "environ", "expected"),
    [
        ("MailStorage", {"MailStorage": "AccountName=x"}, "AccountName=x"),
        ("MailStorage", {"AzureWebJobsMailStorage": "AccountName=y"}, "AccountName=y"),
        (None, {"AzureWebJobsStorage": "AccountName=z"}, "AccountName=z"),
        ("", {"AzureWebJobsStorage": "UseDevelopmentStorage=true"}, azurite_connection_string()),
    ],
)
def test_a_connection_name_resolves_like_the_functions_host(
    name: str | None, environ: dict[str, str], expected: str
) -> None:
    assert resolve_connection(name, environ) == expected


def test_a_connection_with_no_setting_is_refused_naming_where_it_looked() -> None:
    with pytest.raises(MissingConnectionError, match="MailStorage or AzureWebJobsMailStorage"):
        resolve_connection("MailStorage", {"MailStorage__serviceUri": "https://x.blob.core.windows.net"})


def test_settings_the_sample_gained_later_apply_with_the_sample_s_values(tmp_path: Path) -> None:
    write_json(tmp_path / "local.settings.sample.json", {"Values": {"A": "sample", "NEW": "added later"}})
    write_json(tmp_path / "local.settings.json", {"Values": {"A": "mine"}})
    environ: dict[str, str] = {}
    load_local_settings(tmp_path, environ)
    assert environ == {"A": "mine", "NEW": "added later"}


def test_an_empty_local_secret_is_made_once_for_the_machine_and_kept_out_of_the_settings(tmp_path: Path) -> None:
    write_json(tmp_path / "local.settings.sample.json", {"Values": {"MAIL_REPLY_TOKEN_KEY": ""}})
    first: dict[str, str] = {}
    second: dict[str, str] = {}
    load_local_settings(tmp_path, first)
    load_local_settings(tmp_path, second)
    secret = first["MAIL_REPLY_TOKEN_KEY"]
    assert len(secret) >= 32
    assert second["MAIL_REPLY_TOKEN_KEY"] == secret
    assert json.loads((tmp_path / "local.settings.json").read_text())["Values"]["MAIL_REPLY_TOKEN_KEY"] == ""
    assert (tmp_path / ".local" / "secrets" / "MAIL_REPLY_TOKEN_KEY").stat().st_mode & 0o777 == 0o600
