"""What became of a received mail: exactly one outcome per raw message, recorded for admins.

| outcome | meaning |
|---|---|
| ``created`` | a new ticket was opened from it |
| ``appended`` | it was threaded onto a ticket (a reply, an answer to a clarification, a reopening) |
| ``ignored`` | a robot sent it (auto-reply, bounce, list, our own mail): never answered |
| ``held`` | unknown sender, customer not entitled, ambiguous ``From``, loop, flood: an admin decides, never answered |
| ``quarantined`` | unreadable or over a limit of its own: the raw message is copied aside |
| ``duplicate`` | the same ``Message-ID`` was already taken in from another blob |
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["MAIL_ID", "SUSPECTED_LOOP", "InboundRecord", "Outcome", "is_mail_id", "mail_id_of"]

#: A received mail's id: 24 lower-case hexadecimal digits (a pattern, to build others from).
MAIL_ID = r"[0-9a-f]{24}"
_MAIL_ID = re.compile(MAIL_ID)

#: How the reason of a mail held (once: quarantined) as a suspected loop begins.
SUSPECTED_LOOP = "suspected loop"


class Outcome(StrEnum):
    CREATED = "created"
    APPENDED = "appended"
    IGNORED = "ignored"
    HELD = "held"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class InboundRecord:
    """The outcome of one raw message (``blob``, the name in ``inbound-email``).

    ``id`` is derived from the blob name, so the same blob always lands on the same record.
    ``reason`` says why for every outcome but ``created``/``appended`` (and may note a refused
    thread for those); ``ticket_id`` is the ticket it created or joined; ``duplicate_of`` the
    record that took the ``Message-ID`` first; ``released_by`` the admin who released a held mail.
    ``sender`` and ``subject`` are what the mail said (empty when it could not be read).
    """

    id: str
    blob: str
    outcome: Outcome
    received_at: datetime
    reason: str = ""
    message_id: str = ""
    sender: str = ""
    subject: str = ""
    customer_id: str | None = None
    ticket_id: str | None = None
    duplicate_of: str | None = None
    released_by: str | None = None

    @property
    def releasable(self) -> bool:
        """Whether an admin may release it to a customer: held, or quarantined as a suspected
        loop (as loops were before they were held)."""
        return self.outcome is Outcome.HELD or (
            self.outcome is Outcome.QUARANTINED and self.reason.startswith(SUSPECTED_LOOP)
        )


def mail_id_of(blob_name: str) -> str:
    """A received mail's id: derived from its blob's name, so a blob always maps to one record."""
    return hashlib.sha256(blob_name.encode()).hexdigest()[:24]


def is_mail_id(text: str) -> bool:
    """Whether ``text`` has the shape of a mail id (what :func:`mail_id_of` makes)."""
    return _MAIL_ID.fullmatch(text) is not None
