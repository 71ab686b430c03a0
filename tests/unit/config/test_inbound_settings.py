"""The intake's settings: defaults, and a clear error naming a malformed one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.config.env import SettingsError
from shared.config.inbound import BlobConnection, InboundSettings, load_inbound_settings, load_mail_storage
from shared.domain.sla.policy import DEFAULT_CATEGORY_RULES, Category, Priority


def test_no_settings_give_the_documented_defaults() -> None:
    assert load_inbound_settings({}) == InboundSettings()
    assert InboundSettings().reopen_window == timedelta(days=14)


def test_settings_are_read() -> None:
    settings = load_inbound_settings(
        {
            "INBOUND_MAX_MESSAGE_BYTES": "1000",
            "INBOUND_MAX_ATTACHMENTS": "0",
            "INBOUND_REOPEN_DAYS": "0",
            "INBOUND_LOOP_MAX_MESSAGES": "5",
            "INBOUND_CUSTOMER_MAX_MESSAGES": "7",
            "INBOUND_LOOP_WINDOW_MINUTES": "2",
            "INBOUND_DEFAULT_CATEGORY": "bug",
            "INBOUND_DEFAULT_PRIORITY": "2",
        }
    )
    assert (settings.max_message_bytes, settings.max_attachments, settings.reopen_window) == (1000, 0, timedelta(0))
    assert (settings.loop_max_messages, settings.customer_max_messages) == (5, 7)
    assert settings.loop_window == timedelta(minutes=2)
    assert (settings.default_category, settings.default_priority) == (Category.BUG, Priority.HIGH)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("INBOUND_MAX_MESSAGE_BYTES", "0"),
        ("INBOUND_MAX_MESSAGE_BYTES", "25MB"),
        ("INBOUND_RETENTION_DAYS", "-1"),
        ("INBOUND_LOOP_WINDOW_MINUTES", "١٠"),
        ("INBOUND_CUSTOMER_MAX_MESSAGES", "0"),
        ("INBOUND_DEFAULT_PRIORITY", "5"),
        ("INBOUND_DEFAULT_CATEGORY", "out_of_scope"),
        ("INBOUND_DEFAULT_CATEGORY", "urgent"),
    ],
)
def test_a_malformed_setting_is_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_inbound_settings({name: value})


@pytest.mark.parametrize("category", list(Category))
def test_a_mail_may_open_a_ticket_in_any_category_but_an_outcome_that_closes_it(category: Category) -> None:
    environ = {"INBOUND_DEFAULT_CATEGORY": category.value}
    if DEFAULT_CATEGORY_RULES[category].closes_ticket:
        with pytest.raises(SettingsError, match="INBOUND_DEFAULT_CATEGORY"):
            load_inbound_settings(environ)
    else:
        assert load_inbound_settings(environ).default_category is category


def test_the_mail_account_is_a_connection_string_locally() -> None:
    assert load_mail_storage({"MailStorage": " UseDevelopmentStorage=true "}) == BlobConnection(
        connection_string="UseDevelopmentStorage=true"
    )


def test_the_mail_account_is_reached_by_identity_as_the_host_reaches_the_trigger_s() -> None:
    by_blob_uri = {
        "MailStorage__blobServiceUri": "https://desk.blob.core.windows.net",
        "MailStorage__serviceUri": "https://ignored.blob.core.windows.net",
        "MailStorage__clientId": "1f0c",
    }
    assert load_mail_storage(by_blob_uri) == BlobConnection(
        endpoint="https://desk.blob.core.windows.net", client_id="1f0c"
    )
    by_service_uri = {"MailStorage__serviceUri": "https://desk.blob.core.windows.net"}
    assert load_mail_storage(by_service_uri) == BlobConnection(endpoint="https://desk.blob.core.windows.net")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({}, "MailStorage__blobServiceUri"),
        ({"MailStorage": "  "}, "MailStorage__blobServiceUri"),
        ({"MailStorage__blobServiceUri": "http://desk.blob.core.windows.net"}, "MailStorage__blobServiceUri"),
    ],
)
def test_a_missing_or_malformed_mail_account_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_mail_storage(environ)
