"""Settings of the mail intake, read apart from the rest (like the mail settings) so that health
answers without them.

* ``MailStorage``: the blob account of raw mail and attachments, as a connection string
  (``UseDevelopmentStorage=true`` locally), or ``MailStorage__blobServiceUri`` (with
  ``__credential``, ``__clientId``) reached by managed identity on Azure (read by
  :func:`load_mail_storage`, as the Functions host reads the blob trigger's connection).
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

from shared.config.env import SettingsError, one_of, optional, url, whole_number
from shared.domain.sla.policy import DEFAULT_CATEGORY_RULES, Category, Priority

__all__ = ["MAIL_CONNECTION", "BlobConnection", "InboundSettings", "load_inbound_settings", "load_mail_storage"]

#: The name of the app's connection to the account that holds raw mail (the blob trigger's too).
MAIL_CONNECTION = "MailStorage"

_MIB = 1024 * 1024
#: The categories a request can be opened with: all but the outcomes that close a ticket.
_OPENING_CATEGORIES = tuple(category for category in Category if not DEFAULT_CATEGORY_RULES[category].closes_ticket)


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
    """Read and check the intake's settings; :class:`~shared.config.env.SettingsError` names a
    malformed one."""
    return InboundSettings(
        max_message_bytes=whole_number(environ, "INBOUND_MAX_MESSAGE_BYTES", default=25 * _MIB),
        max_attachments=whole_number(environ, "INBOUND_MAX_ATTACHMENTS", default=10, minimum=0),
        max_attachment_bytes=whole_number(environ, "INBOUND_MAX_ATTACHMENT_BYTES", default=10 * _MIB),
        reopen_window=timedelta(days=whole_number(environ, "INBOUND_REOPEN_DAYS", default=14, minimum=0)),
        retention=timedelta(days=whole_number(environ, "INBOUND_RETENTION_DAYS", default=90)),
        loop_max_messages=whole_number(environ, "INBOUND_LOOP_MAX_MESSAGES", default=10),
        customer_max_messages=whole_number(environ, "INBOUND_CUSTOMER_MAX_MESSAGES", default=20),
        loop_window=timedelta(minutes=whole_number(environ, "INBOUND_LOOP_WINDOW_MINUTES", default=10)),
        default_category=one_of(environ, "INBOUND_DEFAULT_CATEGORY", _OPENING_CATEGORIES, default=Category.HELPDESK),
        default_priority=Priority(whole_number(environ, "INBOUND_DEFAULT_PRIORITY", default=3, maximum=4)),
    )


@dataclass(frozen=True)
class BlobConnection:
    """A storage account's blobs as a Functions connection names them: a ``connection_string``,
    or the account's blob ``endpoint`` reached with the managed identity (``client_id`` for a
    user-assigned one)."""

    connection_string: str | None = None
    endpoint: str | None = None
    client_id: str | None = None


def load_mail_storage(environ: Mapping[str, str]) -> BlobConnection:
    """The connection ``MailStorage`` resolved as the host resolves a binding's: the setting holding
    a connection string, else ``MailStorage__blobServiceUri`` (or ``__serviceUri``, an ``https://``
    URL) with ``MailStorage__clientId``; :class:`SettingsError` naming them when neither is set."""
    name = MAIL_CONNECTION
    value = optional(environ, name)
    if value:
        return BlobConnection(connection_string=value)
    endpoint = url(environ, f"{name}__blobServiceUri") or url(environ, f"{name}__serviceUri")
    if not endpoint:
        raise SettingsError(f"the connection {name} needs {name} or {name}__blobServiceUri")
    return BlobConnection(endpoint=endpoint, client_id=optional(environ, f"{name}__clientId"))
