"""Mail settings, read apart from the rest (like authentication) so that health answers without them.

| setting | meaning |
|---|---|
| ``MAIL_SENDER_KIND`` | ``file`` (default: ``.eml`` files in ``MAIL_DROP_DIR``), ``smtp`` or ``acs`` |
| ``MAIL_DROP_DIR`` | the file drop's folder (default ``.local/mail``) |
| ``MAIL_FROM``, ``MAIL_FROM_NAME`` | the sender (on ACS, an address of a linked domain) |
| ``MAIL_REPLY_ADDRESS`` | the support mailbox; replies go to it plus-addressed per ticket |
| ``MAIL_REPLY_TOKEN_KEY`` | the secret that signs reply addresses (required) |
| ``SUPPORT_TEAM_ADDRESS`` | where news of the queue goes (unset: no team mails) |
| ``SECURITY_TEAM_ADDRESS`` | where every staff mail about a ``vulnerability`` ticket goes (unset: none is sent) |
| ``PORTAL_URL`` | the customer portal's base URL, linked from mails (unset: no link) |
| ``MAIL_MAX_PER_MINUTE``, ``MAIL_MAX_PER_HOUR`` | the mail service's limits, one budget for all instances (30, 100) |
| ``STAFF_LANGUAGE`` | the language of mails to staff (``it`` by default) |
| ``OUTBOX_SWEEP_GRACE_SECONDS`` | how old a notification must be before the sweep takes it (60) |
| ``OUTBOX_LEASE_SECONDS`` | how long a dispatcher holds a notification it is sending (120) |
| ``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_USERNAME``, ``SMTP_PASSWORD``, ``SMTP_STARTTLS`` | the SMTP relay |
| ``ACS_ENDPOINT`` (managed identity) or ``ACS_CONNECTION_STRING`` | Azure Communication Services |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.config.app import SettingsError
from shared.domain.customers import normalise_email
from shared.domain.errors import InvalidInput
from shared.domain.language import Language
from shared.domain.mail_budget import MailLimits

SENDER_KINDS = ("file", "smtp", "acs")


@dataclass(frozen=True)
class MailSettings:
    sender_kind: str
    drop_dir: Path
    sender: str
    sender_name: str
    support_address: str
    reply_token_key: bytes
    team_address: str | None
    security_address: str | None
    portal_url: str | None
    max_per_minute: int
    max_per_hour: int
    staff_language: Language
    smtp_host: str | None
    smtp_port: int
    smtp_username: str | None
    smtp_password: str | None
    smtp_starttls: bool
    acs_endpoint: str | None
    acs_connection_string: str | None
    sweep_grace_seconds: int
    lease_seconds: int

    @property
    def limits(self) -> MailLimits:
        """The mail service's limits, which the app's one budget keeps."""
        return MailLimits(self.max_per_minute, self.max_per_hour)

    @property
    def message_domain(self) -> str:
        """The right-hand side of the desk's Message-IDs: the sender's domain."""
        return self.sender.rsplit("@", 1)[1]


def load_mail_settings(environ: Mapping[str, str]) -> MailSettings:
    """Read and check the mail settings; :class:`SettingsError` names what is wrong."""

    def get(name: str, default: str | None = None) -> str | None:
        value = environ.get(name, "").strip()
        return value or default

    kind = get("MAIL_SENDER_KIND", "file") or "file"
    if kind not in SENDER_KINDS:
        raise SettingsError(f"MAIL_SENDER_KIND must be one of {', '.join(SENDER_KINDS)}, not {kind!r}")
    key = get("MAIL_REPLY_TOKEN_KEY")
    if key is None or len(key) < 16:
        raise SettingsError("MAIL_REPLY_TOKEN_KEY must be set to a secret of at least 16 characters")
    if kind == "smtp" and not get("SMTP_HOST"):
        raise SettingsError("SMTP_HOST is required when MAIL_SENDER_KIND is smtp")
    if kind == "acs" and not (get("ACS_ENDPOINT") or get("ACS_CONNECTION_STRING")):
        raise SettingsError("ACS_ENDPOINT or ACS_CONNECTION_STRING is required when MAIL_SENDER_KIND is acs")
    language = get("STAFF_LANGUAGE", "it") or "it"
    if language not in {item.value for item in Language}:
        raise SettingsError(f"STAFF_LANGUAGE must be it or en, not {language!r}")
    return MailSettings(
        sender_kind=kind,
        drop_dir=Path(get("MAIL_DROP_DIR", ".local/mail") or ".local/mail"),
        sender=_address(get("MAIL_FROM", "DoNotReply@desk.localhost"), "MAIL_FROM"),
        sender_name=get("MAIL_FROM_NAME", "Support") or "Support",
        support_address=_address(get("MAIL_REPLY_ADDRESS", "support@desk.localhost"), "MAIL_REPLY_ADDRESS"),
        reply_token_key=key.encode(),
        team_address=_optional_address(get("SUPPORT_TEAM_ADDRESS"), "SUPPORT_TEAM_ADDRESS"),
        security_address=_optional_address(get("SECURITY_TEAM_ADDRESS"), "SECURITY_TEAM_ADDRESS"),
        portal_url=get("PORTAL_URL"),
        max_per_minute=_positive_int(get("MAIL_MAX_PER_MINUTE", "30"), "MAIL_MAX_PER_MINUTE", least=2),
        max_per_hour=_positive_int(get("MAIL_MAX_PER_HOUR", "100"), "MAIL_MAX_PER_HOUR", least=2),
        staff_language=Language(language),
        smtp_host=get("SMTP_HOST"),
        smtp_port=_positive_int(get("SMTP_PORT", "587"), "SMTP_PORT"),
        smtp_username=get("SMTP_USERNAME"),
        smtp_password=get("SMTP_PASSWORD"),
        smtp_starttls=(get("SMTP_STARTTLS", "true") or "true").lower() != "false",
        acs_endpoint=get("ACS_ENDPOINT"),
        acs_connection_string=get("ACS_CONNECTION_STRING"),
        sweep_grace_seconds=_positive_int(get("OUTBOX_SWEEP_GRACE_SECONDS", "60"), "OUTBOX_SWEEP_GRACE_SECONDS"),
        lease_seconds=_positive_int(get("OUTBOX_LEASE_SECONDS", "120"), "OUTBOX_LEASE_SECONDS"),
    )


def _address(value: str | None, name: str) -> str:
    try:
        return normalise_email(value or "", name)
    except InvalidInput:
        raise SettingsError(f"{name} must be an email address, not {value!r}") from None


def _optional_address(value: str | None, name: str) -> str | None:
    return _address(value, name) if value else None


def _positive_int(value: str | None, name: str, least: int = 1) -> int:
    if value is None or not value.isdecimal() or int(value) < least:
        wanted = "a positive whole number" if least == 1 else f"a whole number of at least {least}"
        raise SettingsError(f"{name} must be {wanted}, not {value!r}")
    return int(value)
