"""The values that cross the ports (:mod:`shared.usecases.ports`): what a store hands back with
the ETag that guards its next change (a ticket, a notification, a checkpoint, a Message-ID's
claim), the claims a change carries into its transaction (a mail's, a creation token), and what
the intake, the outbox and the administration read (an intent, a count, a raw mail, a file, an
audit record, a failed notification). Plain frozen dataclasses of domain values: no row, no client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain.canned import CannedReply
from shared.domain.creation_limit import Bucket
from shared.domain.notifications import Notification, NotificationKind
from shared.domain.presence import PresenceMark
from shared.domain.sla.escalation import Checkpoint
from shared.domain.ticket import Ticket

__all__ = [
    "AuditRecord",
    "CreationToken",
    "FailedNotification",
    "IndexIntent",
    "Intent",
    "MailClaim",
    "MailCount",
    "MessageClaim",
    "RawMail",
    "ScreenRead",
    "StoredCheckpoint",
    "StoredFile",
    "StoredMark",
    "StoredNotification",
    "StoredReply",
    "StoredTicket",
]


@dataclass(frozen=True)
class StoredTicket:
    """A ticket as read, with the storage ETag that guards the next change."""

    ticket: Ticket
    etag: str


@dataclass(frozen=True)
class StoredReply:
    """A canned reply as read, with the storage ETag that guards its next change."""

    reply: CannedReply
    etag: str


@dataclass(frozen=True)
class MailClaim:
    """The claim a change makes on the mail it came from, committed with the change: mail
    ``mail_id`` changed the ticket so (``created`` or ``appended``), and a second change by the same
    mail fails on it."""

    mail_id: str
    outcome: str


@dataclass(frozen=True)
class CreationToken:
    """A token taken from ``customer_id``'s ticket-creation bucket, to commit with the ticket it
    opens: the bucket as it becomes, and the ETag of the bucket as read (None: never written), so
    that of two creators who read the same level only one commits."""

    customer_id: str
    bucket: Bucket
    etag: str | None


@dataclass(frozen=True)
class StoredNotification:
    """A notification as read, with the ETag that guards its next change (a claim, an outcome)."""

    notification: Notification
    etag: str


@dataclass(frozen=True)
class Intent:
    """A notification that may still need sending, as the outbox's index knows it: whose, which,
    when, and whether it goes to staff (the sweep's order puts customers' mail first)."""

    customer_id: str
    notification_id: str
    created_at: datetime
    staff: bool = False


@dataclass(frozen=True)
class IndexIntent:
    """A ticket whose search rows a change is about to write, as the search index's intents know
    it (written before the change commits, dropped once its rows are written): whose, which, and
    the intent's own row (``partition``, ``row``)."""

    customer_id: str
    ticket_id: str
    partition: str
    row: str


@dataclass(frozen=True)
class AuditRecord:
    """``actor`` (in ``role``) did ``action`` (``read``, ``list``, or the name of a change) on
    ``subject`` (a ticket id, or the ids a list showed) at ``at``."""

    subject: str
    at: datetime
    actor: str
    role: str
    action: str


@dataclass(frozen=True)
class FailedNotification:
    """A notification that failed for good, as administrators are shown it: its id, ticket and
    customer, kind, recipient, the attempts made and the last error."""

    id: str
    ticket_id: str
    customer_id: str
    kind: NotificationKind
    recipient: str
    attempts: int
    last_error: str


@dataclass(frozen=True)
class StoredCheckpoint:
    """A checkpoint as read, with the ETag of its row (which guards a later move of it)."""

    checkpoint: Checkpoint
    etag: str


@dataclass(frozen=True)
class MessageClaim:
    """Who holds a Message-ID: the mail ``holder``, being delivered to ``customer_id`` (None until
    its delivery starts); ``etag`` guards the next change of the claim."""

    message_id: str
    holder: str
    customer_id: str | None
    etag: str


@dataclass(frozen=True)
class MailCount:
    """How many mails a sender sent to a customer in the window, and the customer received in all."""

    sender: int
    customer: int


@dataclass(frozen=True)
class RawMail:
    """A raw message as stored: its bytes (None when over the size asked for), its size, and when
    the connector wrote it (the desk's "received at": the same on every delivery of the blob)."""

    content: bytes | None
    size: int
    created: datetime


@dataclass(frozen=True)
class StoredFile:
    """A downloaded attachment."""

    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ScreenRead:
    """What the ticket screen reads of a ticket's partition in one query: the ticket as read (with
    its ETag), its outgoing mails in order, and its customer's open tickets, newest first (the
    ticket itself among them when it is open)."""

    ticket: StoredTicket
    notifications: tuple[Notification, ...]
    open_tickets: tuple[Ticket, ...]


@dataclass(frozen=True)
class StoredMark:
    """A presence mark as read, with the ETag its deletion is guarded by (a heartbeat that came
    meanwhile keeps its mark)."""

    mark: PresenceMark
    etag: str
