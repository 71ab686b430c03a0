"""What every sender sends and promises: the :class:`OutgoingMail` value and the two failures a
sender (the use cases' port :class:`shared.usecases.ports.Sender`) may raise.

An :class:`OutgoingMail` is checked when it is made: its Message-ID is an RFC 5322 ``msg-id``
(``<left@right>``), its addresses are plain ``local@domain`` specs, and no header value (nor
the name of an extra header) carries a CR or an LF, so no sender can be made to inject a header.
:meth:`OutgoingMail.to_mime` is the one place a MIME message is built.

A sender either returns (the mail is handed over: the service or the relay took it) or
raises :class:`TransientSendError` (try the same mail again later, no sooner than
``retry_after`` seconds when the service said so) or :class:`PermanentSendError` (trying again
will not help: a bad recipient, a refused sender, failed authentication, a malformed request).
Sending the same mail twice must not deliver it twice where the way out allows it: senders key
their idempotency on the Message-ID.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from types import MappingProxyType

_MESSAGE_ID = re.compile(r"<[^<>\s@]+@[^<>\s@]+>")
_ADDRESS = re.compile(r"[^<>()\[\],;:\s@\"]+@[^<>()\[\],;:\s@\"]+")
_FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 ftext: printable ASCII but the colon

# Headers to_mime writes from the mail's own fields; an extra header may not replace them.
_RESERVED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version", "sender"}
)


class SendError(Exception):
    """A mail was not handed over; the subclass says whether trying again can help."""


class TransientSendError(SendError):
    """Worth trying again: throttling, a server error, a timeout, a lost connection.
    ``retry_after`` is the wait in seconds the service asked for, or None when it said nothing."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSendError(SendError):
    """Not worth trying again as it is: a refused recipient or sender, failed authentication,
    a request the service rejects."""


@dataclass(frozen=True)
class OutgoingMail:
    """One mail to send, already rendered.

    ``message_id`` is the RFC 5322 msg-id with its angle brackets
    (``<iz-2026-000123.3.received@desk.example>``); it identifies the mail everywhere (file name,
    ACS operation id, the ``Message-ID`` header), so the same notification always carries the
    same one. ``to`` holds ``(address, display name)`` pairs (an empty name is allowed).
    ``headers`` are extra headers (``In-Reply-To``, ``References``, ``Auto-Submitted``,
    ``X-Auto-Response-Suppress``, ...); they may not replace a header the fields already set
    (From, To, Reply-To, Subject, Date, Message-ID, ...). ``text`` and ``html`` are the two
    alternative bodies.

    Raises ValueError when a field breaks these rules or any header value holds a CR or an LF.
    """

    message_id: str
    sender: str
    sender_name: str
    to: tuple[tuple[str, str], ...]
    reply_to: str
    subject: str
    text: str
    html: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", MappingProxyType(dict(self.headers)))
        _check_one_line("Message-ID", self.message_id)
        if not _MESSAGE_ID.fullmatch(self.message_id):
            raise ValueError(f"Message-ID must look like <left@right>, not {self.message_id!r}")
        if not self.to:
            raise ValueError("a mail needs at least one recipient")
        for name, value in (("sender", self.sender), ("reply_to", self.reply_to)):
            _check_address(name, value)
        _check_one_line("sender_name", self.sender_name)
        for address, display_name in self.to:
            _check_address("to", address)
            _check_one_line("to display name", display_name)
        _check_one_line("Subject", self.subject)
        for name, value in self.headers.items():
            if not _FIELD_NAME.fullmatch(name):
                raise ValueError(f"{name!r} is not a valid header name")
            if name.lower() in _RESERVED_HEADERS:
                raise ValueError(f"{name} is set from the mail's fields, not as an extra header")
            _check_one_line(name, value)

    def to_mime(self, date: datetime | None = None) -> EmailMessage:
        """The mail as a MIME message under ``email.policy.SMTP`` (CRLF line ends): a
        multipart/alternative of the UTF-8 text and HTML parts (quoted-printable, so it is 7-bit
        clean for any relay), with From, To, Reply-To, Subject (RFC 2047-encoded when not
        ASCII), Date (``date``, an aware datetime, or now), Message-ID and the extra headers."""
        when = datetime.now(UTC) if date is None else date
        if when.tzinfo is None:
            raise ValueError("the Date of a mail must be an aware datetime")
        message = EmailMessage(policy=policy.SMTP)
        message["From"] = Address(display_name=self.sender_name, addr_spec=self.sender)
        message["To"] = tuple(Address(display_name=name, addr_spec=address) for address, name in self.to)
        message["Reply-To"] = Address(addr_spec=self.reply_to)
        message["Subject"] = self.subject
        message["Date"] = format_datetime(when)
        message["Message-ID"] = self.message_id
        for name, value in self.headers.items():
            message[name] = value
        message.set_content(self.text, subtype="plain", charset="utf-8", cte="quoted-printable")
        message.add_alternative(self.html, subtype="html", charset="utf-8", cte="quoted-printable")
        return message


def _check_one_line(name: str, value: str) -> None:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{name} may not contain a CR or an LF")


def _check_address(name: str, value: str) -> None:
    _check_one_line(name, value)
    if not _ADDRESS.fullmatch(value):
        raise ValueError(f"{name} must be a plain address (local@domain), not {value!r}")
