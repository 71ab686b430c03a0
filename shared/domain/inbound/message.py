"""A received mail as the desk understands it, whatever its MIME shape was.

:func:`shared.adapters.mail.parse.parse_message` turns raw bytes into an :class:`InboundMessage`
or raises :class:`UnparseableMail` with a reason; nothing else about MIME leaks past it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Attachment", "InboundMessage", "Mailbox", "ParseLimits", "UnparseableMail"]


class UnparseableMail(Exception):  # noqa: N818 (an outcome, named as the domain says it)
    """The bytes are not a mail the desk can read, or exceed a limit; ``reason`` says which, in a
    short stable phrase (``"over size limit"``, ``"no sender"``, ``"nesting too deep"``...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParseLimits:
    """Bounds on what one message may cost to read (see :mod:`shared.adapters.mail.parse`)."""

    max_message_bytes: int = 25 * 1024 * 1024
    max_depth: int = 12
    max_parts: int = 200
    max_text_chars: int = 200_000
    #: Header lines in all (counted on the raw bytes before parsing): real mail has tens to a
    #: few hundred; the longest of the corpus, a subject folded over 3,309 lines, a third of this.
    max_header_lines: int = 10_000


@dataclass(frozen=True)
class Mailbox:
    """An address (lower-case) and the display name given with it (may be empty)."""

    address: str
    name: str = ""

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


@dataclass(frozen=True)
class Attachment:
    """A file that came with the message: a sanitised, never empty ``filename``; ``inline`` for
    parts shown within the body (images of a signature...)."""

    filename: str
    content_type: str
    content: bytes
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class InboundMessage:
    """What the intake needs of a mail.

    ``message_id`` is the ``Message-ID`` in angle brackets, or, when the mail has none, one derived
    from its content (``derived_message_id`` is then true) so that the same bytes always get the
    same id. ``recipients`` are the lower-case addresses of To, Cc, Delivered-To and X-Original-To.
    ``text`` is the whole readable body (HTML converted to text); ``reply_text`` is ``text`` without
    quoted earlier messages and signatures (what a ticket stores). ``sender_doubt`` says why
    ``From`` may name someone other than ``sender`` seems to be (``"From does not parse
    strictly"``, ``"more than one From header"``, ``"From's display name is another address
    (…)"``), and is "" when ``From`` is one strictly parsed mailbox. ``headers`` holds the headers
    that tell robots apart, lower-case names, decoded values. ``date`` is aware UTC, or None when
    missing or unreadable.
    """

    message_id: str
    derived_message_id: bool
    sender: Mailbox | None
    reply_to: tuple[Mailbox, ...]
    recipients: tuple[str, ...]
    subject: str
    date: datetime | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    text: str
    reply_text: str
    attachments: tuple[Attachment, ...]
    content_type: str
    size: int
    headers: Mapping[str, str] = field(default_factory=dict)
    defects: tuple[str, ...] = ()
    sender_doubt: str = ""
