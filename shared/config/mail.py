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
| ``PORTAL_URL`` | the portal's base URL, linked from mails (``https://``, ``http://`` on loopback; unset: none) |
| ``MAIL_MAX_PER_MINUTE``, ``MAIL_MAX_PER_HOUR`` | the mail service's limits, one budget for all instances (30, 100) |
| ``STAFF_LANGUAGE`` | the language of mails to staff (``it`` by default) |
| ``OUTBOX_SWEEP_GRACE_SECONDS`` | how old a notification must be before the sweep takes it (60) |
| ``OUTBOX_LEASE_SECONDS`` | how long a dispatcher holds a notification it is sending (120) |
| ``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_USERNAME``, ``SMTP_PASSWORD`` | the SMTP relay (port 587 by default) |
| ``SMTP_STARTTLS`` | ``true`` (default) or ``false``: whether the relay is asked for STARTTLS |
| ``ACS_ENDPOINT`` (managed identity, ``https://``) or ``ACS_CONNECTION_STRING`` | Azure Communication Services |

Addresses are lower-cased; a malformed value of any kind fails fast, naming the setting
(:mod:`shared.config.env` says how each kind is read).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.config.env import (
    SettingsError,
    address,
    flag,
    one_of,
    optional,
    optional_address,
    text,
    url,
    whole_number,
)
from shared.domain.language import Language
from shared.domain.mail_budget import MailLimits

SENDER_KINDS = ("file", "smtp", "acs")


@dataclass(frozen=True)
class MailSettings:
    """How the desk's mail leaves, who it is from and where it points (see the module's table)."""

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
    kind = one_of(environ, "MAIL_SENDER_KIND", SENDER_KINDS, default="file")
    key = optional(environ, "MAIL_REPLY_TOKEN_KEY")
    if key is None or len(key) < 16:
        raise SettingsError("MAIL_REPLY_TOKEN_KEY must be set to a secret of at least 16 characters")
    smtp_host = optional(environ, "SMTP_HOST")
    if kind == "smtp" and not smtp_host:
        raise SettingsError("SMTP_HOST is required when MAIL_SENDER_KIND is smtp")
    acs_endpoint = url(environ, "ACS_ENDPOINT")
    acs_connection_string = optional(environ, "ACS_CONNECTION_STRING")
    if kind == "acs" and not (acs_endpoint or acs_connection_string):
        raise SettingsError("ACS_ENDPOINT or ACS_CONNECTION_STRING is required when MAIL_SENDER_KIND is acs")
    return MailSettings(
        sender_kind=kind,
        drop_dir=Path(text(environ, "MAIL_DROP_DIR", default=".local/mail")),
        sender=address(environ, "MAIL_FROM", default="DoNotReply@desk.localhost"),
        sender_name=text(environ, "MAIL_FROM_NAME", default="Support"),
        support_address=address(environ, "MAIL_REPLY_ADDRESS", default="support@desk.localhost"),
        reply_token_key=key.encode(),
        team_address=optional_address(environ, "SUPPORT_TEAM_ADDRESS"),
        security_address=optional_address(environ, "SECURITY_TEAM_ADDRESS"),
        portal_url=url(environ, "PORTAL_URL", loopback_http=True),
        max_per_minute=whole_number(environ, "MAIL_MAX_PER_MINUTE", default=30, minimum=2),
        max_per_hour=whole_number(environ, "MAIL_MAX_PER_HOUR", default=100, minimum=2),
        staff_language=one_of(environ, "STAFF_LANGUAGE", tuple(Language), default=Language.ITALIAN),
        smtp_host=smtp_host,
        smtp_port=whole_number(environ, "SMTP_PORT", default=587, maximum=65535),
        smtp_username=optional(environ, "SMTP_USERNAME"),
        smtp_password=optional(environ, "SMTP_PASSWORD"),
        smtp_starttls=flag(environ, "SMTP_STARTTLS", default=True),
        acs_endpoint=acs_endpoint,
        acs_connection_string=acs_connection_string,
        sweep_grace_seconds=whole_number(environ, "OUTBOX_SWEEP_GRACE_SECONDS", default=60),
        lease_seconds=whole_number(environ, "OUTBOX_LEASE_SECONDS", default=120),
    )
