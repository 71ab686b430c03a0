"""The mail intake: every raw message in ``inbound-email`` ends in exactly one recorded outcome.

The steps, in order (each outcome is explained in :mod:`shared.domain.inbound.record`):

1. A blob already recorded is done: the same blob delivered again changes nothing.
2. Read it (over ``INBOUND_MAX_MESSAGE_BYTES``: quarantined unread) and parse it (unreadable:
   quarantined, with the parser's reason). Nothing here raises: raising only burns the host's
   retries, and a mail that still fails them is quarantined by :meth:`MailIntake.quarantine_poisoned`.
3. Claim its ``Message-ID``: another blob with the same id makes this one a ``duplicate``,
   unless that blob was never answered (ignored, held, quarantined): then this one is read anew,
   and takes the Message-ID over if it is to be delivered (else it is the duplicate).
4. A mail with no sender is ``ignored`` when a robot sent it (a bounce without ``From``), else
   quarantined.
5. A robot's mail (:func:`shared.domain.inbound.automatic.automatic_reason`) is ``ignored``; a mail
   whose ``From`` is ambiguous (it does not parse strictly, or its display name is another
   address: ``InboundMessage.sender_doubt``) is ``held`` with that reason.
6. The sender's customer: a contact's address, else the domain; unknown or not entitled: ``held``.
   Then the mail is counted in the window (``INBOUND_LOOP_WINDOW_MINUTES``) against its sender and
   its customer: more than ``INBOUND_LOOP_MAX_MESSAGES`` from the sender is a suspected loop, more
   than ``INBOUND_CUSTOMER_MAX_MESSAGES`` to the customer a flood; either is ``held`` (an admin
   may release it), never answered. A sender over its limit no longer counts against its
   customer, so one address cannot hold its colleagues' mail.
7. Thread it: onto the first ticket a clue names (:mod:`shared.domain.inbound.threads`) that
   belongs to the sender's customer — a ticket of another customer is never joined. An open
   ticket gets the message (a clarification answered resumes its clocks); a resolved or closed
   one is reopened within ``INBOUND_REOPEN_DAYS``, else a new ticket links it. No clue: a new
   ticket, in the language of the mail, with the receipt mail.

The change on the ticket and the claim of the mail commit together
(:class:`shared.domain.change.MailSource`), so a crash anywhere is repaired by the next delivery
without a second ticket or message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from shared.config.inbound import InboundSettings
from shared.domain.change import MailSource
from shared.domain.customers import Customer
from shared.domain.errors import Conflict, InvalidInput
from shared.domain.inbound.automatic import automatic_reason
from shared.domain.inbound.message import InboundMessage, ParseLimits, UnparseableMail
from shared.domain.inbound.record import SUSPECTED_LOOP, InboundRecord, Outcome, mail_id_of
from shared.domain.inbound.threads import thread_clues
from shared.domain.lifecycle import Action, Role, Status
from shared.domain.text_limits import clipped, one_line
from shared.domain.ticket import Channel, TicketId
from shared.usecases.desk import Desk, NewTicket
from shared.usecases.dispatch import MailIdentity
from shared.usecases.ports import Attachments, Customers, InboundMailLog, Mailbox, MailParser, Tickets
from shared.usecases.stored import MessageClaim

__all__ = ["MailIntake", "request_text"]

LOG = logging.getLogger(__name__)

_SUBJECT_UNITS = 200
_NAME_UNITS = 200
_REASON_UNITS = 1_000
_TEXT_UNITS = 20_000  # of a description or message; the raw message keeps the rest
_LISTED_LEFT_OUT = 20
_CHANGE_ATTEMPTS = 3
_REPLY_PREFIX = re.compile(r"^\s*((re|r|aw|sv|fw|fwd|i|inoltro|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


@dataclass(frozen=True)
class _Sender:
    """The person a mail is from, acting as the customer whose contact or domain they are."""

    subject: str
    email: str | None
    customer_id: str | None
    roles: frozenset[Role] = frozenset({Role.CUSTOMER})


@dataclass
class MailIntake:
    """The intake, bound to the desk (which changes the tickets), the tickets and customers it
    reads to sort a mail, the stores of records, raw mail and files, the mail parser, and the
    clock."""

    desk: Desk
    tickets: Tickets
    customers: Customers
    log: InboundMailLog
    mailbox: Mailbox
    files: Attachments
    parse: MailParser
    identity: MailIdentity
    settings: InboundSettings
    now: Callable[[], datetime]

    def ingest(self, blob: str) -> InboundRecord:
        """Take in the raw message ``blob`` of ``inbound-email``; its record (an earlier one when
        the blob was already taken in)."""
        mail_id = mail_id_of(blob)
        known = self.log.get(mail_id)
        if known is not None:
            return known
        raw = self.mailbox.read(blob, self.settings.max_message_bytes)
        if raw is None:
            return self._save(InboundRecord(mail_id, blob, Outcome.QUARANTINED, self.now(), reason="the blob is gone"))
        record = InboundRecord(mail_id, blob, Outcome.QUARANTINED, raw.created)
        if raw.content is None:
            return self._quarantine(record, f"over size limit ({raw.size} bytes; the raw message stays in {blob!r})")
        try:
            message = self.parse(raw.content, self._limits())
        except UnparseableMail as unreadable:
            return self._quarantine(record, unreadable.reason, raw.content)
        record = replace(
            record,
            message_id=message.message_id,
            sender=message.sender.address if message.sender else "",
            subject=clipped(message.subject, _SUBJECT_UNITS),
        )
        return self._sort(record, message, raw.content)

    def release(self, mail_id: str, customer_id: str, admin: str) -> InboundRecord:
        """Take in a held mail as ``customer_id``'s (an admin's triage): a new ticket or a reply,
        as if the sender were that customer's contact, whatever the loop and flood counts say. Only
        a held mail (or one quarantined as a suspected loop, as loops once were) can be released,
        and to one customer only: a release to another customer while one is under way is a :class:`Conflict`;
        the same release again finishes it."""
        record = self.log.get(mail_id)
        if record is None:
            raise InvalidInput("id", f"no received mail {mail_id!r}")
        if not record.releasable:
            raise Conflict(f"mail {mail_id} is {record.outcome.value}, not held")
        customer = self.customers.get(customer_id)
        if customer is None:
            raise InvalidInput("customer_id", f"no customer {customer_id!r}")
        if not customer.entitled:
            raise InvalidInput("customer_id", f"customer {customer_id!r} is not entitled to support")
        raw = self.mailbox.read(record.blob, self.settings.max_message_bytes)
        if raw is None:
            raise Conflict(f"the raw message of mail {mail_id} is no longer kept")
        if raw.content is None:
            raise Conflict(f"the raw message of mail {mail_id} is over the size limit now")
        try:
            message = self.parse(raw.content, self._limits())
        except UnparseableMail as unreadable:
            raise Conflict(f"the raw message of mail {mail_id} cannot be read now: {unreadable.reason}") from None
        claim = self.log.claim_message_id(message.message_id, mail_id)
        if claim.holder != mail_id:
            raise Conflict(f"mail {mail_id} no longer holds its Message-ID")
        resumed = claim.customer_id is not None  # a release that was under way
        self.log.start_delivery(claim, customer.id)
        delivered = self._deliver(record, message, customer, resumed=resumed)
        return self._save(replace(delivered, released_by=admin), previous=record)

    def quarantine_poisoned(self, blob: str) -> InboundRecord:
        """Record a blob the host gave up on (it failed every try) as quarantined, unless it got
        an outcome after all."""
        mail_id = mail_id_of(blob)
        known = self.log.get(mail_id)
        if known is not None:
            return known
        raw = self.mailbox.read(blob, self.settings.max_message_bytes)
        record = InboundRecord(mail_id, blob, Outcome.QUARANTINED, raw.created if raw else self.now())
        return self._quarantine(record, "failed every try", raw.content if raw else None)

    def purge(self) -> int:
        """Delete raw and quarantined messages past the retention period, and stale loop
        counters; how many raw messages went."""
        at = self.now()
        self.log.purge_counts(at - self.settings.loop_window)
        return self.mailbox.purge(at - self.settings.retention)

    # --- the steps -----------------------------------------------------------------------------------

    def _sort(self, record: InboundRecord, message: InboundMessage, raw: bytes) -> InboundRecord:
        claim = self.log.claim_message_id(message.message_id, record.id)
        taken = claim.holder != record.id
        if taken and not self._never_answered(claim):
            return self._duplicate(record, claim)
        if not taken and claim.customer_id is not None:  # its delivery started before a crash: finish it
            started = self.customers.get(claim.customer_id)
            if started is not None:
                return self._save(self._deliver(record, message, started, resumed=True))
        screened = self._screen(record, message)
        if isinstance(screened, InboundRecord):
            if taken:  # a copy of a mail never answered, and not to be answered either
                return self._duplicate(record, claim)
            if screened.outcome is Outcome.QUARANTINED:
                return self._quarantine(record, screened.reason, raw)
            return self._save(screened)
        if taken:
            took = self.log.take_over(claim, record.id, screened.id)
            if took is None:  # another mail took it, or a release started, meanwhile
                return self._duplicate(record, claim)
        else:
            self.log.start_delivery(claim, screened.id)
        return self._save(self._deliver(record, message, screened))

    def _screen(self, record: InboundRecord, message: InboundMessage) -> InboundRecord | Customer:
        """The customer the mail is to be delivered to, or the record of a mail that is not to
        be answered: a robot's (ignored), one without a sender (quarantined), one whose sender is
        doubted, unknown, not entitled, or over a loop or flood limit (held)."""
        robot = automatic_reason(
            message, (self.identity.sender, self.identity.support_address), self.identity.message_domain
        )
        if robot is not None:
            return replace(record, outcome=Outcome.IGNORED, reason=robot)
        if message.sender is None:
            return replace(record, outcome=Outcome.QUARANTINED, reason="no sender")
        if message.sender_doubt:  # From may show one person and be another: never threaded, never answered
            return replace(record, outcome=Outcome.HELD, reason=message.sender_doubt)
        sender = message.sender.address
        customer_id = self.customers.find_by_address(sender)
        customer = self.customers.get(customer_id) if customer_id else None
        if customer is None:
            return replace(record, outcome=Outcome.HELD, reason="unknown sender")
        if not customer.entitled:
            return replace(record, outcome=Outcome.HELD, customer_id=customer.id, reason="customer not entitled")
        over = self._over_limit(customer.id, sender)
        if over:
            return replace(record, outcome=Outcome.HELD, customer_id=customer.id, reason=over)
        return customer

    def _over_limit(self, customer_id: str, sender: str) -> str:
        """Count the mail; why it is held as a loop or a flood ("" when it is within both limits)."""
        settings = self.settings
        counted = self.log.count_mail(customer_id, sender, self.now(), settings.loop_window, settings.loop_max_messages)
        minutes = int(settings.loop_window.total_seconds() // 60)
        if counted.sender > settings.loop_max_messages:
            return f"{SUSPECTED_LOOP}: {counted.sender} messages from the sender in {minutes} minutes"
        if counted.customer > settings.customer_max_messages:
            return f"flood: {counted.customer} messages for the customer in {minutes} minutes"
        return ""

    def _never_answered(self, claim: MessageClaim) -> bool:
        """Whether the mail holding the claim was never answered and is not being delivered
        (ignored, say as a mailing list's copy; held; or quarantined): a copy of it is read anew,
        and takes the Message-ID over if it is to be answered."""
        holder = self.log.get(claim.holder)
        unanswered = (Outcome.IGNORED, Outcome.HELD, Outcome.QUARANTINED)
        return holder is not None and holder.outcome in unanswered and claim.customer_id is None

    def _duplicate(self, record: InboundRecord, claim: MessageClaim) -> InboundRecord:
        reason = "Message-ID already received"
        return self._save(replace(record, outcome=Outcome.DUPLICATE, duplicate_of=claim.holder, reason=reason))

    def _deliver(
        self, record: InboundRecord, message: InboundMessage, customer: Customer, *, resumed: bool = False
    ) -> InboundRecord:
        """Thread the mail onto one of the customer's tickets or open one; the record of it. A
        delivery ``resumed`` after a crash, or retried after a conflict, first looks for the change
        the mail already made (its claim row): a first attempt need not, since a change made
        meanwhile by another worker makes its own transaction fail on that row."""
        record = replace(record, customer_id=customer.id)
        for attempt in range(_CHANGE_ATTEMPTS):
            done = self.tickets.change_by_mail(customer.id, record.id) if resumed or attempt else None
            if done is not None:
                return replace(record, outcome=Outcome(done[1]), ticket_id=done[0])
            try:
                return self._change(record, message, customer)
            except Conflict:
                if attempt == _CHANGE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _change(self, record: InboundRecord, message: InboundMessage, customer: Customer) -> InboundRecord:
        sender = message.sender.address if message.sender else ""
        caller = _Sender(sender, sender, customer.id)
        source = self._source(record.id, customer.id, message)
        refused: list[str] = []
        for clue in thread_clues(
            message,
            support_address=self.identity.support_address,
            reply_key=self.identity.reply_token_key,
            message_domain=self.identity.message_domain,
            ticket_prefix=self.desk.ticket_prefix,
        ):
            owner = self.tickets.customer_of(clue.ticket_id)
            if owner is None:
                continue
            if owner != customer.id:
                refused.append(f"{clue.ticket_id} ({clue.sign}) belongs to another customer")
                continue
            stored = self.tickets.get(owner, clue.ticket_id)
            if stored is None:
                continue
            ticket = stored.ticket
            body = clipped(message.reply_text.strip() or message.text.strip() or message.subject or "—", _TEXT_UNITS)
            if ticket.status.is_open:
                self.desk.write(caller, ticket.id, body, internal=False, source=source)
                return replace(record, outcome=Outcome.APPENDED, ticket_id=ticket.id, reason=_note(refused))
            if ticket.status in (Status.RESOLVED, Status.CLOSED):
                if self.now() - ticket.updated_at <= self.settings.reopen_window:
                    self.desk.act(caller, ticket.id, Action.REOPEN, {"reason": body}, None, source)
                    return replace(record, outcome=Outcome.APPENDED, ticket_id=ticket.id, reason=_note(refused))
                return self._open(record, message, customer, caller, source, refused, related=ticket.id)
        return self._open(record, message, customer, caller, source, refused)

    def _open(
        self,
        record: InboundRecord,
        message: InboundMessage,
        customer: Customer,
        caller: _Sender,
        source: MailSource,
        refused: list[str],
        related: TicketId | None = None,
    ) -> InboundRecord:
        subject, description = request_text(message)
        request = NewTicket(
            subject=subject,
            description=description,
            customer_id=customer.id,
            contact_email=caller.subject,
            contact_name=clipped(message.sender.name, _NAME_UNITS) if message.sender and message.sender.name else None,
            channel=Channel.EMAIL,
            category=self.settings.default_category,
            priority=self.settings.default_priority,
            related_ticket=related,
        )
        view = self.desk.open(caller, request, source)
        notes = [*refused, *([f"{related} was closed too long ago to reopen"] if related else [])]
        return replace(record, outcome=Outcome.CREATED, ticket_id=view.ticket.id, reason=_note(notes))

    def _source(self, mail_id: str, customer_id: str, message: InboundMessage) -> MailSource:
        """Store the mail's files within the limits; the mail as the ticket's change records it."""
        kept: list[dict[str, Any]] = []
        left_out: list[dict[str, Any]] = []
        for index, attachment in enumerate(message.attachments):
            described = {"name": clipped(attachment.filename, _NAME_UNITS), "size": attachment.size}
            if len(kept) >= self.settings.max_attachments:
                left_out.append(described | {"reason": "too many attachments"})
            elif attachment.size > self.settings.max_attachment_bytes:
                left_out.append(described | {"reason": "too large"})
            else:
                self.files.put(
                    customer_id, mail_id, index, attachment.filename, attachment.content_type, attachment.content
                )
                kept.append({"id": f"{mail_id}.{index}", **described, "content_type": attachment.content_type})
        if len(left_out) > _LISTED_LEFT_OUT:
            more = len(left_out) - _LISTED_LEFT_OUT + 1
            left_out[_LISTED_LEFT_OUT - 1 :] = [{"name": f"{more} more files", "size": 0, "reason": "not listed"}]
        return MailSource(mail_id, tuple(kept), tuple(left_out))

    def _quarantine(self, record: InboundRecord, reason: str, raw: bytes | None = None) -> InboundRecord:
        """Record the mail as quarantined, with a copy of ``raw`` set aside (best effort: the
        record is what matters, and the original stays in ``inbound-email`` until the purge)."""
        if raw is not None and not self.mailbox.quarantine(record.blob, reason, raw):
            reason += " (not copied to inbound-quarantine)"
        LOG.warning("mail_quarantined mail=%s reason=%s", record.id, reason)
        return self._save(replace(record, outcome=Outcome.QUARANTINED, reason=reason))

    def _save(self, record: InboundRecord, previous: InboundRecord | None = None) -> InboundRecord:
        record = replace(record, reason=clipped(record.reason, _REASON_UNITS))
        self.log.save(record, previous)
        LOG.info("mail %s: %s%s", record.id, record.outcome.value, f" {record.ticket_id}" if record.ticket_id else "")
        return record

    def _limits(self) -> ParseLimits:
        return ParseLimits(max_message_bytes=self.settings.max_message_bytes)


def request_text(message: InboundMessage) -> tuple[str, str]:
    """The subject and description of the ticket a mail opens: the subject without ``Re:``/``Fwd:``
    prefixes (else the first line of the text, as one line), the whole text (a forwarded mail is
    the request), both clipped to what a ticket keeps."""
    subject = _REPLY_PREFIX.sub("", message.subject).strip() or _first_line(message.text) or "—"
    return clipped(subject, _SUBJECT_UNITS), clipped(message.text.strip() or subject, _TEXT_UNITS)


def _first_line(text: str) -> str:
    return next((one_line(line) for line in text.splitlines() if one_line(line)), "")


def _note(notes: list[str]) -> str:
    return "; ".join(notes)
