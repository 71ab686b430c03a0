"""The dispatcher: turns pending notifications into sent mail, at least once and normally once.

One attempt at a notification: read its row; skip it unless it is due; build the mail (rendered
in the ticket's language); **claim** it by writing the attempt count and a lease under the row's
ETag (two dispatchers, the one right after a commit and the timer's sweep, cannot both win); hand
it to the sender; record the outcome (sent; pending again after a back-off; or failed for good)
under the new ETag; on a final outcome settle it in the index. A crash before the send leaves the
row pending (its lease expires) and the intent in the index, so the next sweep sends it once. A
crash after the send but before the record can repeat the mail: its Message-ID is the same, and
senders drop repeats where their way out allows (file drop, ACS operation id).

Nothing stays pending for ever: a mail that cannot be built (an address that is not a plain
``local@domain``) fails for good at once, and a notification whose :data:`MAX_ATTEMPTS` attempts
were all claimed without an outcome (the worker died, or the sender raised something that is not a
send error) fails for good instead of being claimed again. Both are listed and logged like any
failure. Display names are made one line (:func:`shared.text_limits.one_line`) whatever reached
the outbox, so a name never becomes a header nor stops its mail.

Pacing: at most ``max_per_minute`` mails leave a worker per minute (the Azure-managed ACS domain
allows only a few); a notification over the pace waits, pending, without spending an attempt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.errors import Conflict
from shared.mail.render import NotificationKind, render
from shared.mail.reply_token import reply_address
from shared.mail.senders.base import OutgoingMail, PermanentSendError, Sender, TransientSendError
from shared.outbox import LEASE, MAX_ATTEMPTS, DeliveryState, Notification
from shared.stores.outbox import Intent, OutboxStore, StoredNotification
from shared.text_limits import one_line

logger = logging.getLogger(__name__)

#: How old an intent must be before the sweep looks at it, by default (the dispatcher right after
#: the commit normally settles it within a second).
SWEEP_GRACE = timedelta(minutes=1)
#: An intent whose notification row never appeared is dropped after this long (its transaction failed).
ORPHAN_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class MailIdentity:
    """Who the desk's mail is from, where replies go, and how its Message-IDs end."""

    sender: str
    sender_name: str
    support_address: str
    reply_token_key: bytes
    message_domain: str


@dataclass(frozen=True)
class Timing:
    """``grace``: how old an intent must be before the sweep looks at it; ``lease``: how long a
    claim holds a notification."""

    grace: timedelta = SWEEP_GRACE
    lease: timedelta = LEASE


@dataclass(frozen=True)
class SweepReport:
    """What a sweep did: intents looked at, mails sent, intents dropped as orphans."""

    looked_at: int
    sent: int
    orphans: int


class Pacer:
    """At most ``per_minute`` mails in any sliding minute, for one worker."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute, self._clock = per_minute, clock
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def wait_before_next(self) -> float:
        """Zero and the mail may go (it is counted), or the seconds to wait."""
        with self._lock:
            now = self._clock()
            while self._sent and now - self._sent[0] >= 60:
                self._sent.popleft()
            if len(self._sent) < self._per_minute:
                self._sent.append(now)
                return 0.0
            return 60 - (now - self._sent[0])


class Dispatcher:
    """Delivers notifications through ``sender``; time comes from ``now``."""

    def __init__(
        self,
        outbox: OutboxStore,
        sender: Sender,
        identity: MailIdentity,
        now: Callable[[], datetime],
        pacer: Pacer,
        timing: Timing = Timing(),
    ) -> None:
        self._outbox, self._sender, self._identity, self._now, self._pacer = outbox, sender, identity, now, pacer
        self._timing = timing

    def deliver(self, notifications: Iterable[Notification]) -> list[DeliveryState]:
        """Attempt each (right after their commit); a failure is logged and left to the sweep."""
        states = []
        for notification in notifications:
            try:
                states.append(self.attempt(notification.customer_id, notification.id))
            except Exception:
                logger.exception("delivery of %s failed; the sweep will try again", notification.id)
                states.append(DeliveryState.PENDING)
        return states

    def attempt(self, customer_id: str, notification_id: str) -> DeliveryState:
        """One attempt at the notification, if it is due and nobody else holds it."""
        stored = self._outbox.get(customer_id, notification_id)
        if stored is None:
            raise LookupError(f"no notification {notification_id}")
        return self._attempt(stored)

    def _attempt(self, stored: StoredNotification) -> DeliveryState:
        notification, now = stored.notification, self._now()
        if not notification.due(now):
            return notification.state
        if notification.attempts_spent:
            error = (
                f"no outcome after {MAX_ATTEMPTS} attempts (the worker stopped or the sender raised an unknown error)"
            )
            return self._record(stored, notification.given_up(error))
        try:
            mail = self.mail_for(notification)
        except ValueError as error:
            return self._record(stored, notification.given_up(f"the mail cannot be built: {error}"))
        wait = self._pacer.wait_before_next()
        if wait > 0:
            self._outbox.replace(stored, replace(notification, next_attempt_at=now + timedelta(seconds=wait)))
            return DeliveryState.PENDING
        try:
            claimed = self._outbox.replace(stored, notification.claimed(now, self._timing.lease))
        except Conflict:
            return DeliveryState.PENDING
        return self._send(claimed, mail)

    def sweep(self) -> SweepReport:
        """Look at every intent older than the grace period: send what is due, settle what is
        final, drop what never committed."""
        now = self._now()
        looked_at = sent = orphans = 0
        for intent in self._outbox.intents_before(now - self._timing.grace):
            looked_at += 1
            try:
                outcome = self._sweep_one(intent, now)
            except Exception:
                logger.exception("sweep of %s failed; the next sweep will try again", intent.notification_id)
                continue
            sent += outcome == "sent"
            orphans += outcome == "orphan"
        return SweepReport(looked_at, sent, orphans)

    def retry(self, customer_id: str, notification_id: str) -> DeliveryState:
        """An administrator's retry of a notification that failed for good."""
        stored = self._outbox.get(customer_id, notification_id)
        if stored is None or stored.notification.state is not DeliveryState.FAILED:
            raise LookupError(f"no failed notification {notification_id}")
        again = stored.notification.retried(self._now())
        self._outbox.intend([again])
        self._outbox.replace(stored, again)
        self._outbox.forget_failure(again)
        return self.attempt(customer_id, notification_id)

    def mail_for(self, notification: Notification) -> OutgoingMail:
        """The mail a notification becomes: rendered in its language, threaded on its ticket,
        marked as automatic, replies routed back to its ticket, the display name on one line.
        Raises ValueError when it cannot be a mail (see :class:`OutgoingMail`)."""
        rendered = render(notification.kind, notification.language, notification.context)
        identity = self._identity
        root = f"<{notification.ticket_id.lower()}.1.0.{NotificationKind.RECEIVED.value}@{identity.message_domain}>"
        headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
        if notification.message_id(identity.message_domain) != root and not notification.kind.internal:
            headers |= {"In-Reply-To": root, "References": root}
        return OutgoingMail(
            message_id=notification.message_id(identity.message_domain),
            sender=identity.sender,
            sender_name=identity.sender_name,
            to=((notification.recipient, one_line(notification.recipient_name)),),
            reply_to=reply_address(identity.support_address, notification.ticket_id, identity.reply_token_key),
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            headers=headers,
        )

    # --- internals -------------------------------------------------------------------------------

    def _send(self, claimed: StoredNotification, mail: OutgoingMail) -> DeliveryState:
        notification = claimed.notification
        try:
            self._sender.send(mail)
        except TransientSendError as error:
            outcome = notification.failed_attempt(self._now(), str(error), error.retry_after, permanent=False)
        except PermanentSendError as error:
            outcome = notification.failed_attempt(self._now(), str(error), None, permanent=True)
        else:
            outcome = notification.sent(self._now())
        return self._record(claimed, outcome)

    def _record(self, stored: StoredNotification, outcome: Notification) -> DeliveryState:
        """Write ``outcome`` under the row's ETag; settle and log it. A row changed meanwhile
        belongs to another dispatcher: it is left to it (pending)."""
        try:
            self._outbox.replace(stored, outcome)
        except Conflict:
            return DeliveryState.PENDING
        if outcome.state is not DeliveryState.PENDING:
            self._outbox.settle(outcome)
        if outcome.state is DeliveryState.FAILED:  # the alert on failed mail watches this line
            logger.warning("mail_send_failed notification=%s attempts=%d", outcome.id, outcome.attempts)
        else:
            logger.info("notification %s: %s after %d attempt(s)", outcome.id, outcome.state.value, outcome.attempts)
        return outcome.state

    def _sweep_one(self, intent: Intent, now: datetime) -> str:
        stored = self._outbox.get(intent.customer_id, intent.notification_id)
        if stored is None:
            if now - intent.created_at >= ORPHAN_AFTER:
                self._outbox.drop_intent(intent)
                return "orphan"
            return "waiting"
        if stored.notification.state is not DeliveryState.PENDING:
            self._outbox.settle(stored.notification)
            return "settled"
        state = self._attempt(stored)
        return "sent" if state is DeliveryState.SENT else "pending"
