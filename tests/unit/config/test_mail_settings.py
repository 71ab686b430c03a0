"""The mail settings: defaults, and a clear error naming a missing or malformed one."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.config.env import SettingsError
from shared.config.mail import load_mail_settings
from shared.domain.language import Language

KEY = {"MAIL_REPLY_TOKEN_KEY": "a-secret-of-sixteen-characters"}


def test_only_the_reply_token_key_is_needed_and_the_rest_has_defaults() -> None:
    mail = load_mail_settings(KEY)
    assert (mail.sender_kind, mail.drop_dir, mail.sender, mail.sender_name) == (
        "file",
        Path(".local/mail"),
        "donotreply@desk.localhost",
        "Support",
    )
    assert (mail.support_address, mail.team_address, mail.security_address, mail.portal_url) == (
        "support@desk.localhost",
        None,
        None,
        None,
    )
    assert (mail.max_per_minute, mail.max_per_hour, mail.staff_language) == (30, 100, Language.ITALIAN)
    assert (mail.smtp_host, mail.smtp_port, mail.smtp_starttls) == (None, 587, True)
    assert (mail.sweep_grace_seconds, mail.lease_seconds) == (60, 120)
    assert mail.reply_token_key == KEY["MAIL_REPLY_TOKEN_KEY"].encode()


def test_the_settings_are_read_trimmed() -> None:
    mail = load_mail_settings(
        {
            **KEY,
            "MAIL_SENDER_KIND": " smtp ",
            "SMTP_HOST": "relay.example",
            "SMTP_PORT": "2525",
            "SMTP_STARTTLS": "FALSE",
            "SUPPORT_TEAM_ADDRESS": " Team@Desk.Example ",
            "PORTAL_URL": "https://desk.example/api/portal/",
            "STAFF_LANGUAGE": "en",
            "MAIL_MAX_PER_MINUTE": "2",
        }
    )
    assert (mail.sender_kind, mail.smtp_host, mail.smtp_port, mail.smtp_starttls) == (
        "smtp",
        "relay.example",
        2525,
        False,
    )
    assert (mail.team_address, mail.portal_url) == ("team@desk.example", "https://desk.example/api/portal/")
    assert (mail.staff_language, mail.max_per_minute) == (Language.ENGLISH, 2)


def test_the_portal_link_may_be_plain_http_on_the_loopback_interface_only() -> None:
    local = load_mail_settings({**KEY, "PORTAL_URL": "http://127.0.0.1:7071/api/portal/"})
    assert local.portal_url == "http://127.0.0.1:7071/api/portal/"
    with pytest.raises(SettingsError, match="PORTAL_URL"):
        load_mail_settings({**KEY, "PORTAL_URL": "http://desk.example/api/portal/"})


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        pytest.param({}, "MAIL_REPLY_TOKEN_KEY", id="no-key"),
        pytest.param({"MAIL_REPLY_TOKEN_KEY": "short"}, "MAIL_REPLY_TOKEN_KEY", id="short-key"),
        pytest.param({**KEY, "MAIL_SENDER_KIND": "carrier-pigeon"}, "MAIL_SENDER_KIND", id="kind"),
        pytest.param({**KEY, "MAIL_SENDER_KIND": "smtp"}, "SMTP_HOST", id="smtp-without-host"),
        pytest.param({**KEY, "MAIL_SENDER_KIND": "acs"}, "ACS_ENDPOINT", id="acs-without-endpoint"),
        pytest.param({**KEY, "MAIL_FROM": "nobody"}, "MAIL_FROM", id="sender"),
        pytest.param({**KEY, "MAIL_REPLY_ADDRESS": "support@"}, "MAIL_REPLY_ADDRESS", id="support"),
        pytest.param({**KEY, "SUPPORT_TEAM_ADDRESS": "team"}, "SUPPORT_TEAM_ADDRESS", id="team"),
        pytest.param({**KEY, "SECURITY_TEAM_ADDRESS": "a b@c.d"}, "SECURITY_TEAM_ADDRESS", id="security"),
        pytest.param({**KEY, "STAFF_LANGUAGE": "fr"}, "STAFF_LANGUAGE", id="language"),
        pytest.param({**KEY, "MAIL_MAX_PER_MINUTE": "1"}, "MAIL_MAX_PER_MINUTE", id="one-a-minute"),
        pytest.param({**KEY, "MAIL_MAX_PER_HOUR": "many"}, "MAIL_MAX_PER_HOUR", id="hour-in-words"),
        pytest.param({**KEY, "SMTP_PORT": "0"}, "SMTP_PORT", id="port-zero"),
        pytest.param({**KEY, "SMTP_PORT": "70000"}, "SMTP_PORT", id="port-out-of-range"),
        pytest.param({**KEY, "SMTP_PORT": "٥٨٧"}, "SMTP_PORT", id="port-in-other-digits"),
        pytest.param({**KEY, "OUTBOX_SWEEP_GRACE_SECONDS": "-5"}, "OUTBOX_SWEEP_GRACE_SECONDS", id="grace"),
        pytest.param({**KEY, "OUTBOX_LEASE_SECONDS": "2m"}, "OUTBOX_LEASE_SECONDS", id="lease"),
        pytest.param({**KEY, "SMTP_STARTTLS": "no"}, "SMTP_STARTTLS", id="starttls-no"),
        pytest.param({**KEY, "SMTP_STARTTLS": "flase"}, "SMTP_STARTTLS", id="starttls-typo"),
        pytest.param({**KEY, "PORTAL_URL": "desk.example/portal"}, "PORTAL_URL", id="portal-without-scheme"),
        pytest.param({**KEY, "PORTAL_URL": "javascript:alert(1)"}, "PORTAL_URL", id="portal-script"),
        pytest.param({**KEY, "PORTAL_URL": "https:///portal"}, "PORTAL_URL", id="portal-without-host"),
        pytest.param(
            {**KEY, "MAIL_SENDER_KIND": "acs", "ACS_ENDPOINT": "http://desk.communication.azure.com"},
            "ACS_ENDPOINT",
            id="acs-over-http",
        ),
    ],
)
def test_a_missing_or_malformed_mail_setting_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_mail_settings(environ)
