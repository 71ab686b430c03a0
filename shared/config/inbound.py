"""Settings of the mail intake, read apart from the rest (like the mail settings) so that health
answers without them.

* ``MailStorage``: the blob account of raw mail and attachments, as a connection string
  (``UseDevelopmentStorage=true`` locally), or ``MailStorage__blobServiceUri`` (with
  ``__credential``, ``__clientId``) reached by managed identity on Azure.
* ``INBOUND_MAX_MESSAGE_BYTES``: a larger raw message is quarantined unread (default 25 MiB).
* ``INBOUND_MAX_ATTACHMENTS``, ``INBOUND_MAX_ATTACHMENT_BYTES``: files kept per message and the
  largest kept (10, 10 MiB); the others are listed on the ticket as left out.
* ``INBOUND_REOPEN_DAYS``: a reply within this many days of a ticket's resolution or closing
  reopens it; a later one opens a new ticket that links it (14).
* ``INBOUND_RETENTION_DAYS``: raw and quarantined messages are deleted after this many days (90).
* ``INBOUND_LOOP_MAX_MESSAGES``, ``INBOUND_CUSTOMER_MAX_MESSAGES``, ``INBOUND_LOOP_WINDOW_MINUTES``:
  more mails than the first from one address to one customer within the window are a suspected
  loop, more than the second to one customer a flood; either is held for an admin (10 and 20 in
  10 minutes: docs/email-in.md says why).
* ``INBOUND_DEFAULT_CATEGORY``, ``INBOUND_DEFAULT_PRIORITY``: what a ticket opened by mail starts
  as, until an operator classifies it (``helpdesk``, 3).
* ``INBOUND_PURGE_SCHEDULE``: when the retention purge runs (NCRONTAB, ``0 30 2 * * *``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from shared.config.app import SettingsError
from shared.domain.sla.policy import Category, Priority

__all__ = ["MAIL_CONNECTION", "InboundSettings", "load_inbound_settings"]

#: The name of the app's connection to the account that holds raw mail (the blob trigger's too).
MAIL_CONNECTION = "MailStorage"

_MIB = 1024 * 1024
#: The categories a request can be opened with (the others are outcomes that close a ticket).
_OPENING_CATEGORIES = ("bug", "evolution", "helpdesk", "billable", "vulnerability")


@dataclass(frozen=True)
class InboundSettings:
    """How the intake reads, keeps and answers mail (see the module's table)."""

    max_message_bytes: int = 25 * _MIB
    max_attachments: int = 10
    max_attachment_bytes: int = 10 * _MIB
    reopen_window: timedelta = timedelta(days=14)
    retention: timedelta = timedelta(days=90)
    loop_max_messages: int = 10
    customer_max_messages: int = 20
    loop_window: timedelta = timedelta(minutes=10)
    default_category: Category = Category.HELPDESK
    default_priority: Priority = Priority.MEDIUM


def load_inbound_settings(environ: Mapping[str, str]) -> InboundSettings:
    """Read and check the intake's settings; :class:`SettingsError` names a malformed one."""
    category = environ.get("INBOUND_DEFAULT_CATEGORY", "").strip() or Category.HELPDESK.value
    if category not in _OPENING_CATEGORIES:
        raise SettingsError(f"INBOUND_DEFAULT_CATEGORY must be one of {', '.join(_OPENING_CATEGORIES)}")
    return InboundSettings(
        max_message_bytes=_count(environ, "INBOUND_MAX_MESSAGE_BYTES", 25 * _MIB),
        max_attachments=_count(environ, "INBOUND_MAX_ATTACHMENTS", 10, minimum=0),
        max_attachment_bytes=_count(environ, "INBOUND_MAX_ATTACHMENT_BYTES", 10 * _MIB),
        reopen_window=timedelta(days=_count(environ, "INBOUND_REOPEN_DAYS", 14, minimum=0)),
        retention=timedelta(days=_count(environ, "INBOUND_RETENTION_DAYS", 90)),
        loop_max_messages=_count(environ, "INBOUND_LOOP_MAX_MESSAGES", 10),
        customer_max_messages=_count(environ, "INBOUND_CUSTOMER_MAX_MESSAGES", 20),
        loop_window=timedelta(minutes=_count(environ, "INBOUND_LOOP_WINDOW_MINUTES", 10)),
        default_category=Category(category),
        default_priority=Priority(_count(environ, "INBOUND_DEFAULT_PRIORITY", 3, maximum=4)),
    )


def _count(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 1, maximum: int | None = None) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdecimal():
        raise SettingsError(f"{name} must be a whole number, not {raw!r}")
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise SettingsError(f"{name} must be {bound}, not {raw!r}")
    return value
