"""What the use cases need from the world, as protocols (the values that cross them are
:mod:`shared.usecases.stored`'s).

A use case names each collaborator by its port and imports no adapter: the adapters implement the
ports (the stores in :mod:`shared.adapters.stores`, the mail parser, renderer and senders in
:mod:`shared.adapters.mail`, the language detector), and only the composition roots
(``functions/dependencies.py``, and the tests', benchmarks' and local host's own builders) plug an
adapter into a use case. Each adapter's docstrings state its storage round trips.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from shared.domain.access import StaffFilter
from shared.domain.canned import CannedReply
from shared.domain.contacts import ContactRegistry
from shared.domain.customers import Customer
from shared.domain.history import HistoryEvent
from shared.domain.inbound.message import InboundMessage, ParseLimits
from shared.domain.inbound.record import InboundRecord, Outcome
from shared.domain.language import Language
from shared.domain.lifecycle import Status
from shared.domain.mail_budget import BudgetState, Grant
from shared.domain.notifications import Notification, NotificationContext, NotificationKind, RenderedMail
from shared.domain.outgoing_mail import OutgoingMail
from shared.domain.paging import Page
from shared.domain.presence import PresenceMark
from shared.domain.search import IndexedTicket
from shared.domain.sla.closures import Closure
from shared.domain.sla.escalation import Checkpoint
from shared.domain.sla.stats import ReportedTicket
from shared.domain.staff import StaffMember
from shared.domain.ticket import Ticket, TicketId
from shared.domain.views import IndexKey, Source, ViewRow
from shared.usecases.stored import (
    AuditRecord,
    CreationToken,
    FailedNotification,
    IndexIntent,
    Intent,
    MailClaim,
    MailCount,
    MessageClaim,
    RawMail,
    ScreenRead,
    StoredCheckpoint,
    StoredFile,
    StoredMark,
    StoredNotification,
    StoredReply,
    StoredTicket,
)
from shared.usecases.view_records import IndexedRow, Placement, ViewIntent

__all__ = [
    "Attachments",
    "Audit",
    "CannedReplies",
    "CreationLimiter",
    "Customers",
    "InboundMailLog",
    "InstantWords",
    "LanguageDetector",
    "MailBudget",
    "MailParser",
    "Mailbox",
    "OpenedTickets",
    "Outbox",
    "PresenceBoard",
    "Renderer",
    "Schedule",
    "SearchIndex",
    "Sender",
    "StaffDirectory",
    "Tickets",
    "ViewIndex",
    "ViewUpdates",
]


# --- the desk's ----------------------------------------------------------------------------------------


class Tickets(Protocol):
    """Tickets and their history, numbered per prefix and year, in their customer's partition
    (:class:`shared.adapters.stores.tickets.TicketStore`)."""

    def allocate_id(self, prefix: str, year: int, customer_id: str) -> TicketId:
        """A new ticket id, claimed for ``customer_id``."""
        ...

    def customer_of(self, ticket_id: TicketId) -> str | None:
        """The customer a ticket id belongs to, or None for an unknown id."""
        ...

    def get(self, customer_id: str, ticket_id: TicketId) -> StoredTicket | None:
        """The ticket in ``customer_id``'s partition, or None."""
        ...

    def add(
        self,
        ticket: Ticket,
        events: Sequence[HistoryEvent],
        notifications: Sequence[Notification] = (),
        claim: MailClaim | None = None,
        token: CreationToken | None = None,
    ) -> StoredTicket:
        """Create the ticket with its first events, its notifications, the claim of the mail it
        came from and the creation token it spent: one transaction (:class:`Conflict` when any of
        them clashes: the mail already claimed, the bucket changed since it was read)."""
        ...

    def save(
        self,
        stored: StoredTicket,
        changed: Ticket,
        events: Sequence[HistoryEvent],
        notifications: Sequence[Notification] = (),
        claim: MailClaim | None = None,
    ) -> StoredTicket:
        """Replace the ticket unless it changed since ``stored`` was read, with its new events,
        notifications and mail claim: one transaction (:class:`Conflict`)."""
        ...

    def change_by_mail(self, customer_id: str, mail_id: str) -> tuple[TicketId, str] | None:
        """The ticket a mail changed in ``customer_id``'s partition and how (``created``, ``appended``)."""
        ...

    def revision_of(self, customer_id: str, ticket_id: TicketId) -> int | None:
        """The ticket's revision alone, or None (the search index checks that no later change committed)."""
        ...

    def list_for_customer(
        self, customer_id: str, *, status: Status | None, limit: int, cursor: str | None
    ) -> Page[Ticket]:
        """A customer's tickets, newest first, a page at a time."""
        ...

    def list_all(self, *, status: Status | None, visible: StaffFilter, limit: int, cursor: str | None) -> Page[Ticket]:
        """Tickets across customers, as a staff list may hold them, a page at a time."""
        ...

    def events(self, ticket: Ticket, *, public_only: bool, limit: int, cursor: str | None) -> Page[HistoryEvent]:
        """A ticket's history in order, a page at a time."""
        ...

    def screen(self, customer_id: str, ticket_id: TicketId) -> ScreenRead | None:
        """The ticket with its outgoing mails and its customer's open tickets (one query), or None."""
        ...


class SearchIndex(Protocol):
    """The search index: one row per term of a ticket, and the intents of rows about to be written
    (:class:`shared.adapters.stores.search_index.SearchIndexStore`)."""

    def intend(self, customer_id: str, ticket_id: str, at: datetime) -> IndexIntent:
        """Record that the ticket's rows are about to be written (before its change commits): one write."""
        ...

    def put(self, ticket: IndexedTicket) -> None:
        """Write the ticket's row under each of its terms: one write per term."""
        ...

    def drop_intent(self, intent: IndexIntent) -> None:
        """Forget the intent (its rows are written, or its change never committed): one delete."""
        ...

    def backfill_position(self) -> str | None:
        """Where indexing the tickets opened before the index stopped: a list cursor, None before
        it started, :data:`~shared.domain.search.BACKFILL_DONE` once done. One point read."""
        ...

    def record_backfill(self, position: str) -> None:
        """Record the backfill's position: one write."""
        ...

    def intents_before(self, moment: datetime) -> list[IndexIntent]:
        """The intents recorded before ``moment``: one query per 1,000."""
        ...

    def pages(self, key: str, after: str, visible: StaffFilter) -> Iterator[tuple[list[IndexedTicket], str | None]]:
        """The rows of term ``key`` after row key ``after``, newest first, as ``visible`` lets a staff
        list hold them: one query per page, each with the row key the next page starts at (None
        after the last)."""
        ...


class Customers(ContactRegistry, Protocol):
    """The customer registry (:class:`shared.adapters.stores.customers.CustomerRegistry`)."""

    def get(self, customer_id: str) -> Customer | None:
        """The customer, or None."""
        ...

    def find_by_address(self, email: str) -> str | None:
        """The customer whose contact ``email`` is, else whose domain it is on, or None."""
        ...

    def list(self) -> list[Customer]:
        """Every customer."""
        ...

    def put(self, customer: Customer) -> Customer:
        """Create or replace the customer, its addresses claimed (:class:`Conflict` when another holds one)."""
        ...


class StaffDirectory(Protocol):
    """The staff directory (:class:`shared.adapters.stores.staff.StaffStore`)."""

    def get(self, key: str) -> StaffMember | None:
        """The member under ``key`` (:func:`shared.domain.staff.staff_key`), or None: one point read."""
        ...

    def put(self, member: StaffMember) -> None:
        """Create or replace the member: one write."""
        ...

    def page(self, *, limit: int, cursor: str | None) -> Page[StaffMember]:
        """Members in key order, ``limit`` a page: one query a page."""
        ...

    def with_email(self, email: str) -> list[StaffMember]:
        """Every member whose address is ``email`` (lower case): one query."""
        ...


class CannedReplies(Protocol):
    """The canned replies (:class:`shared.adapters.stores.canned.CannedReplyStore`): one small
    partition. A write under an ETag that no longer holds raises :class:`shared.domain.errors.Conflict`."""

    def all(self) -> list[StoredReply]:
        """Every reply, by id: one query of one partition."""
        ...

    def get(self, reply_id: str) -> StoredReply | None:
        """The reply ``reply_id``, or None: one point read (none for a value that is not an id)."""
        ...

    def create(self, reply: CannedReply) -> None:
        """Add a new reply (:class:`~shared.domain.errors.Conflict` if one has its id): one write."""
        ...

    def replace(self, reply: CannedReply, etag: str) -> None:
        """Write ``reply`` over the one read with ``etag``: one write."""
        ...

    def delete(self, reply_id: str, etag: str) -> None:
        """Remove the reply read with ``etag``: one write."""
        ...


class Closures(Protocol):
    """The announced closure periods (:class:`shared.adapters.stores.closures.ClosureRegistry`)."""

    def list(self) -> list[Closure]:
        """Every closure period, by first day."""
        ...

    def get(self, closure_id: str) -> Closure | None:
        """The closure period, or None."""
        ...

    def put(self, closure: Closure) -> None:
        """Create or replace the closure period of its id."""
        ...

    def delete(self, closure_id: str) -> Closure | None:
        """Remove the closure period: the one removed, or None when there was none."""
        ...


class Audit(Protocol):
    """Who read or changed which ticket (:class:`shared.adapters.stores.audit.AuditTrail`)."""

    def record(self, ticket_id: str, at: datetime, actor: str, role: str, action: str) -> None:
        """``actor`` (in ``role``) did ``action`` on the ticket at ``at``."""
        ...

    def record_list(self, ticket_ids: list[str], at: datetime, actor: str, role: str) -> None:
        """``actor`` (in ``role``) was shown a list of these tickets at ``at``."""
        ...

    def for_ticket(self, ticket_id: str, limit: int) -> list[AuditRecord]:
        """Who read or changed the ticket, oldest first, up to ``limit`` records."""
        ...


class Schedule(Protocol):
    """The escalation checkpoints, by due hour (:class:`shared.adapters.stores.schedule.EscalationSchedule`)."""

    def plan(self, checkpoints: Iterable[Checkpoint]) -> None:
        """Write the checkpoints (each over the row of its clock and hour)."""
        ...

    def due(self, now: datetime) -> list[Checkpoint]:
        """The checkpoints due at ``now``."""
        ...

    def planned_from(self, start: datetime) -> list[StoredCheckpoint]:
        """Every checkpoint due from ``start``'s hour on."""
        ...

    def move(self, moves: Sequence[tuple[StoredCheckpoint, Checkpoint]]) -> None:
        """Re-plan checkpoints read by :meth:`planned_from`: each ``(as read, as it becomes)``."""
        ...

    def drop(self, checkpoint: Checkpoint) -> None:
        """Delete the checkpoint's row (one already gone is fine)."""
        ...

    def same_row(self, first: Checkpoint, second: Checkpoint) -> bool:
        """Whether writing ``second`` replaced the row of ``first``."""
        ...

    def advance_watermark(self, until: datetime) -> None:
        """Record that every checkpoint due up to ``until`` was handled."""
        ...


class CreationLimiter(Protocol):
    """Each customer's ticket-creation bucket (:class:`shared.adapters.stores.creation_limits.CreationLimits`)."""

    def spend(self, customer_id: str, at: datetime) -> CreationToken:
        """Take a token at ``at``, to commit with the ticket (:class:`TooManyRequests` when the
        bucket is empty)."""
        ...


# --- mail out ------------------------------------------------------------------------------------------


class Outbox(Protocol):
    """Notifications and their intents (:class:`shared.adapters.stores.outbox.OutboxStore`)."""

    def intend(self, notifications: list[Notification]) -> None:
        """Record the intents of one change's notifications (before the change commits)."""
        ...

    def get(self, customer_id: str, notification_id: str) -> StoredNotification | None:
        """The notification, or None."""
        ...

    def replace(self, stored: StoredNotification, changed: Notification) -> StoredNotification:
        """Write ``changed`` unless the row changed since ``stored`` was read (:class:`Conflict`)."""
        ...

    def settle(self, notification: Notification) -> None:
        """After a final state: list a failure for administrators, drop the intent."""
        ...

    def drop_intent(self, intent: Intent) -> None:
        """Forget an intent (its notification never committed)."""
        ...

    def intents_before(self, moment: datetime) -> Iterable[Intent]:
        """The intents created before ``moment``."""
        ...

    def forget_failure(self, notification: Notification) -> None:
        """Take a failure off the administrators' list (it is retried)."""
        ...

    def failures(self, limit: int) -> list[FailedNotification]:
        """The first ``limit`` notifications that failed for good, as the administrators' list holds them."""
        ...


class MailBudget(Protocol):
    """The app's one mail budget, shared by every instance
    (:class:`shared.adapters.stores.mail_budget.MailBudgetStore`)."""

    def look(self) -> BudgetState:
        """The budget as last written."""
        ...

    def take_now(self, now: datetime, wanted: int) -> Grant:
        """Tokens for mails right after their commit."""
        ...

    def take_queued(self, now: datetime, wanted: int, hold_until: datetime, last_served: str | None) -> Grant:
        """Tokens for the sweep's queue, held for it until ``hold_until`` when they fall short."""
        ...

    def finish(self, now: datetime, unused: int, hold_until: datetime | None, last_served: str | None) -> None:
        """After a sweep: give back ``unused``, keep the hold until ``hold_until`` or lift it."""
        ...

    def give_back(self, now: datetime, count: int) -> None:
        """Return tokens taken and not used."""
        ...

    def pause(self, now: datetime, until: datetime) -> None:
        """Nobody sends before ``until``."""
        ...


class Sender(Protocol):
    """A way out for mail (:mod:`shared.adapters.mail.senders`). ``send`` returns once the mail is
    handed over, or raises :class:`~shared.domain.outgoing_mail.TransientSendError` /
    :class:`~shared.domain.outgoing_mail.PermanentSendError`."""

    def send(self, mail: OutgoingMail) -> None:
        """Hand ``mail`` over; raise a :class:`~shared.domain.outgoing_mail.SendError` subclass when that fails."""
        ...


class Renderer(Protocol):
    """Makes a notification's mail (:func:`shared.adapters.mail.render.render`)."""

    def __call__(self, kind: NotificationKind, language: Language, context: NotificationContext) -> RenderedMail:
        """The ``kind`` mail about ``context``'s ticket in ``language``."""
        ...


# --- mail in -------------------------------------------------------------------------------------------


class InboundMailLog(Protocol):
    """The record of every received mail, its Message-ID claims and its loop counters
    (:class:`shared.adapters.stores.inbound_log.InboundLog`)."""

    def get(self, mail_id: str) -> InboundRecord | None:
        """The mail's record, or None while it has none."""
        ...

    def save(self, record: InboundRecord, previous: InboundRecord | None = None) -> None:
        """Write the record (its presence means the mail is done)."""
        ...

    def list(self, outcome: Outcome | None, *, limit: int, cursor: str | None) -> Page[InboundRecord]:
        """Records newest first, of one outcome or all, a page at a time."""
        ...

    def claim_message_id(self, message_id: str, mail_id: str) -> MessageClaim:
        """The claim on ``message_id``: ``mail_id``'s when it is the first to ask, else the one that stands."""
        ...

    def take_over(self, claim: MessageClaim, mail_id: str, customer_id: str) -> MessageClaim | None:
        """Make ``mail_id`` the holder, delivered to ``customer_id``; None when the claim changed meanwhile."""
        ...

    def start_delivery(self, claim: MessageClaim, customer_id: str) -> MessageClaim:
        """Record that the holder is being delivered to ``customer_id`` (:class:`Conflict` for another)."""
        ...

    def count_mail(
        self, customer_id: str, sender: str, at: datetime, window: timedelta, sender_limit: int
    ) -> MailCount:
        """Count one more mail from ``sender`` to ``customer_id`` in the window holding ``at``."""
        ...

    def purge_counts(self, before: datetime) -> int:
        """Delete the loop counters of windows that ended before ``before``; how many."""
        ...


class Mailbox(Protocol):
    """Raw mail as the connector delivers it, and its quarantine
    (:class:`shared.adapters.stores.mailbox.RawMailStore`)."""

    def read(self, name: str, max_bytes: int) -> RawMail | None:
        """The raw message ``name``, or None when it is gone; its bytes only up to ``max_bytes``."""
        ...

    def quarantine(self, name: str, reason: str, content: bytes) -> bool:
        """Set a copy aside with its reason; whether the copy was written."""
        ...

    def purge(self, older_than: datetime) -> int:
        """Delete raw and quarantined messages created before ``older_than``; how many."""
        ...


class Attachments(Protocol):
    """The files that came with customers' mail (:class:`shared.adapters.stores.attachments.AttachmentStore`)."""

    def put(self, customer_id: str, mail_id: str, index: int, name: str, content_type: str, content: bytes) -> None:
        """Store one file."""
        ...

    def get(self, customer_id: str, mail_id: str, index: int) -> StoredFile | None:
        """The file, or None."""
        ...


class MailParser(Protocol):
    """Reads a raw message (:func:`shared.adapters.mail.parse.parse_message`)."""

    def __call__(self, raw: bytes, limits: ParseLimits, /) -> InboundMessage:
        """The mail as the desk understands it; raises
        :class:`~shared.domain.inbound.message.UnparseableMail` when it cannot read it."""
        ...


# --- the reports' and the language's -------------------------------------------------------------------


class OpenedTickets(Protocol):
    """Where the SLA report finds the tickets opened in a period
    (:class:`shared.adapters.stores.report_queries.ReportQueries`)."""

    def opened_between(self, start: datetime, end: datetime, customer_id: str | None) -> Iterable[ReportedTicket]:
        """The tickets opened in ``[start, end)``, of one customer or of all (None)."""
        ...


class InstantWords(Protocol):
    """Says an instant in a language as the notifications do
    (:meth:`shared.adapters.mail.catalogues.Catalogue.instant`)."""

    def __call__(self, language: Language, at: datetime) -> str:
        """``at`` on Rome's wall clock, in ``language``'s words."""
        ...


class LanguageDetector(Protocol):
    """Tells the language of a text (:func:`shared.adapters.language_detection.detect_language`)."""

    def __call__(self, text: str, fallback: Language) -> Language:
        """Italian or English as written in ``text``; ``fallback`` when the text cannot tell."""
        ...


# --- the console's ------------------------------------------------------------------------------------


class PresenceBoard(Protocol):
    """Who has which ticket's screen open (:class:`shared.adapters.stores.presence.PresenceStore`)."""

    def marks(self, ticket_id: TicketId) -> list[StoredMark]:
        """Every mark left on the ticket, current or expired."""
        ...

    def leave(self, mark: PresenceMark) -> None:
        """Create or replace the person's mark on its ticket."""
        ...

    def remove(self, marks: Sequence[StoredMark]) -> None:
        """Delete these marks of one ticket, each unless it changed since it was read."""
        ...


# --- the console's views --------------------------------------------------------------------------------


class ViewIndex(Protocol):
    """The view index: each view's rows, each ticket's placement, the intents of changes whose
    rows may lag (:class:`shared.adapters.stores.views.ViewIndexStore`)."""

    def page(self, source: Source, after: str | None, limit: int) -> tuple[list[IndexedRow], bool]:
        """Up to ``limit`` rows of ``source`` after the row key ``after``, and whether more may follow."""
        ...

    def tickets_between(self, source: Source, first: str, end: str) -> Iterable[tuple[str, str]]:
        """(customer, ticket id) of the rows of ``source`` whose sort key is in [first, end)."""
        ...

    def placement(self, customer_id: str, ticket_id: str) -> Placement | None:
        """Where the ticket's rows are, or None when it was never placed."""
        ...

    def put_placement(self, placement: Placement) -> str:
        """Write ``placement`` under its ETag (None: create); :class:`Conflict` when another came first."""
        ...

    def write(self, rows: Mapping[IndexKey, ViewRow], deletes: Iterable[IndexKey]) -> None:
        """Upsert ``rows``, delete ``deletes`` (a row already gone is fine)."""
        ...

    def mark_unread(self, keys: Iterable[IndexKey], unread: bool) -> None:
        """Set the unread mark of the rows ``keys``."""
        ...

    def intend(self, intent: ViewIntent) -> None:
        """Record that a ticket's rows may lag behind it."""
        ...

    def drop_intent(self, intent: ViewIntent) -> None:
        """Forget the intent (gone already is fine)."""
        ...

    def intents_before(self, moment: datetime) -> Iterable[ViewIntent]:
        """The intents written before ``moment``."""
        ...

    def intend_rekey(self, first_day: date) -> None:
        """Record that the rows due from ``first_day`` on must be re-keyed."""
        ...

    def rekeys_due(self) -> list[date]:
        """The first days of the re-keys recorded and not done."""
        ...

    def drop_rekey(self, first_day: date) -> None:
        """Forget a re-key done (gone already is fine)."""
        ...


class ViewUpdates(Protocol):
    """What the desk's change path tells the view index (:class:`shared.usecases.views.ViewKeeper`)."""

    def intend(self, ticket: Ticket, *, customer_wrote: bool) -> ViewIntent:
        """Before the change of ``ticket`` commits (``customer_wrote``: a customer's message)."""
        ...

    def place(self, ticket: Ticket, intent: ViewIntent) -> None:
        """After it committed: place the ticket's rows, and drop ``intent``."""
        ...

    def opened(self, handle: str, ticket: Ticket) -> None:
        """``handle`` opened ``ticket`` (the assignee's read clears its unread mark)."""
        ...
