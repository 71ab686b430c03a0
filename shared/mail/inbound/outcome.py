"""What became of a received mail: exactly one outcome per raw message, recorded for admins.

| outcome | meaning |
|---|---|
| ``created`` | a new ticket was opened from it |
| ``appended`` | it was threaded onto a ticket (a reply, an answer to a clarification, a reopening) |
| ``ignored`` | a robot sent it (auto-reply, bounce, list, our own mail): never answered |
| ``held`` | unknown sender or a customer not entitled: waits for an admin's triage, never answered |
| ``quarantined`` | unreadable, over a limit, or a suspected loop: the raw message is copied aside |
| ``duplicate`` | the same ``Message-ID`` was already taken in from another blob |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

__all__ = ["InboundRecord", "Outcome"]


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
