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
failure. Display names are made one line (:func:`shared.domain.text_limits.one_line`) whatever reached
the outbox, so a name never becomes a header nor stops its mail.

**One budget, fairly spent.** Every mail takes a token of the app's one mail budget
(:mod:`shared.domain.mail_budget`, shared by all instances through the store behind the
:class:`~shared.usecases.ports.MailBudget` port)
right before its claim. Right after a commit a mail goes at once when the budget has a token and
nobody is queued; otherwise it waits, pending, without spending an attempt, and the sweep sends it
in its turn: the sweep orders what waits fairly (:func:`shared.domain.delivery_order.fair_order`:
customers' mail before staff mail, customers in turn), keeps the budget for that queue while it
lasts, and goes on sending as tokens come until shortly before its next run. A throttled send
with a ``Retry-After`` pauses the whole budget for that long, so instances do not pile up 429s.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from shared.domain.delivery_order import fair_order
from shared.domain.errors import Conflict
from shared.domain.mail_budget import BudgetState, Grant, MailLimits
from shared.domain.notifications import LEASE, MAX_ATTEMPTS, DeliveryState, Notification, NotificationKind
from shared.domain.outgoing_mail import OutgoingMail, PermanentSendError, TransientSendError
from shared.domain.reply_token import reply_address
from shared.domain.text_limits import one_line
from shared.usecases.ports import MailBudget, Outbox, Renderer, Sender
from shared.usecases.stored import Intent, StoredNotification

logger = logging.getLogger(__name__)

#: How old an intent must be before the sweep looks at it, by default (the dispatcher right after
#: the commit normally settles it within a second).
SWEEP_GRACE = timedelta(minutes=1)
#: An intent whose notification row never appeared is dropped after this long (its transaction failed).
ORPHAN_AFTER = timedelta(minutes=10)
#: How often the sweep runs when its timer does not say when it runs next (``OUTBOX_SCHEDULE``'s default).
SWEEP_PERIOD = timedelta(minutes=1)
#: A sweep stops sending this long before its next run, so two never overlap.
SWEEP_MARGIN = timedelta(seconds=10)
#: The shortest wait of a sweep for the budget (when the budget is contended, it tries again after it).
SHORTEST_WAIT = timedelta(seconds=1)

Sleep = Callable[[float], None]


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
    """What a sweep did: intents looked at, mails sent, intents dropped as orphans, and intents
    left for the next sweep because the budget ran out before their turn."""

    looked_at: int
    sent: int
    orphans: int
    queued: int = 0


@dataclass(frozen=True)
class SweepWindow:
    """How long one sweep goes on sending (``until``) and how long it keeps the budget for the
    queue it leaves (``hold_until``: to the end of the next run)."""

    started: datetime
    until: datetime
    hold_until: datetime

    @property
    def length(self) -> timedelta:
        return self.until - self.started

    @staticmethod
    def before(started: datetime, next_run: datetime | None) -> SweepWindow:
        """The window of a sweep that started at ``started`` and runs again at ``next_run``
        (None, past, or more than an hour away: one :data:`SWEEP_PERIOD` later): it sends until
        :data:`SWEEP_MARGIN` before the next run (half the period when that is shorter), and holds
        to the end of the next one."""
        period = SWEEP_PERIOD
        if next_run is not None and timedelta(0) < next_run - started <= timedelta(hours=1):
            period = next_run - started
        margin = min(SWEEP_MARGIN, period / 2)
        sending = max(period - margin, timedelta(0))
        return SweepWindow(started, started + sending, started + period + sending + margin)


def receipt_delay_bound(limits: MailLimits, grace: timedelta, period: timedelta = SWEEP_PERIOD) -> timedelta:
    """The longest one customer's backlog delays another customer's mail, by design: ``grace``
    until the sweep takes the mail in, a ``period`` until the next sweep starts, then at most one
    mail of the flooding customer before it (a round each), so two of the budget's intervals for
    two tokens, and the gap between two sweeps' windows (:data:`SWEEP_MARGIN`) if the second
    token comes in it. The sender's own time for those two mails comes on top."""
    return grace + period + 2 * limits.interval + min(SWEEP_MARGIN, period / 2)


class _QueueTokens:
    """The tokens one sweep holds for the queue: taken as its turns need them, waited for (until
    the budget says the next one is there, not asking before) while its window lasts, the unused
    given back at the end."""

    def __init__(
        self,
        budget: MailBudget,
        window: SweepWindow,
        now: Callable[[], datetime],
        sleep: Sleep,
        found: BudgetState,
    ) -> None:
        self._budget, self._window, self._now, self._sleep = budget, window, now, sleep
        self.last_served = found.last_served
        self._found_held = found.held(window.started)
        self.taken = False
        self._held = 0
        self._next_at: datetime | None = None
        self._waited = 0.0

    def take(self, customer_id: str, wanted: int) -> bool:
        """One token for a mail of ``customer_id`` (``wanted``: the most the rest of the queue
        may need); False once the window ends without one."""
        while self._held == 0:
            now = self._now()
            if self._next_at is not None and self._next_at > now:
                if not self._wait(max(self._next_at - now, SHORTEST_WAIT), now):
                    return False
                continue
            try:
                grant = self._budget.take_queued(now, wanted, self._window.hold_until, self.last_served)
            except Conflict:
                grant = Grant(0, now + SHORTEST_WAIT)
            self.taken = True
            self._held = grant.granted
            self._next_at = max(grant.retry_at, now + SHORTEST_WAIT) if not grant.granted else grant.retry_at
        self._held -= 1
        self.last_served = customer_id
        return True

    def finish(self, queue_left: bool) -> None:
        """Give back the unused tokens; keep the budget for the queue left, or release it (also
        when an earlier sweep held it and this one found nothing to take a token for)."""
        if not self.taken and not (self._found_held and not queue_left):
            return
        hold_until = self._window.hold_until if queue_left else None
        try:
            self._budget.finish(self._now(), self._held, hold_until, self.last_served)
        except Conflict:
            logger.warning("the mail budget stayed contended; this sweep's unused tokens are lost")

    def _wait(self, wait: timedelta, now: datetime) -> bool:
        """Sleep ``wait`` if the window (its end, and its length in waits) allows; whether it did."""
        seconds = wait.total_seconds()
        if now + wait > self._window.until or self._waited + seconds > self._window.length.total_seconds():
            return False
        self._sleep(seconds)
        self._waited += seconds
        return True


class Dispatcher:
    """Delivers notifications through ``sender``, their mails made by ``render``; time comes from
    ``now``."""

    def __init__(
        self,
        outbox: Outbox,
        sender: Sender,
        render: Renderer,
        identity: MailIdentity,
        now: Callable[[], datetime],
        budget: MailBudget,
        timing: Timing = Timing(),
        sleep: Sleep = time.sleep,
    ) -> None:
        self._outbox, self._sender, self._identity, self._now, self._budget = outbox, sender, identity, now, budget
        self._render, self._timing, self._sleep = render, timing, sleep

    def deliver(self, notifications: Iterable[Notification]) -> list[DeliveryState]:
        """Attempt each (right after their commit); a failure is logged and left to the sweep, a
        mail the budget cannot take now waits for it (pending)."""
        states = []
        for notification in notifications:
            try:
                states.append(self.attempt(notification.customer_id, notification.id))
            except Exception:
                logger.exception("delivery of %s failed; the sweep will try again", notification.id)
                states.append(DeliveryState.PENDING)
        return states

    def attempt(self, customer_id: str, notification_id: str) -> DeliveryState:
        """One attempt at the notification, if it is due, nobody else holds it and the budget has
        a token for a mail out of turn (else it stays pending for the sweep)."""
        stored = self._outbox.get(customer_id, notification_id)
        if stored is None:
            raise LookupError(f"no notification {notification_id}")
        now = self._now()
        return self._attempt(stored, now, lambda: self._token_now(now)) or DeliveryState.PENDING

    def sweep(self, next_run: datetime | None = None) -> SweepReport:
        """Look at every intent older than the grace period, in the budget's fair order: send
        what is due as the budget allows until shortly before ``next_run`` (the timer's next
        occurrence; None: a minute from now), settle what is final, drop what never committed.
        What the budget could not take before then is left, held for, to the next sweep."""
        started = self._now()
        intents = list(self._outbox.intents_before(started - self._timing.grace))
        if not intents:
            return SweepReport(0, 0, 0)
        window = SweepWindow.before(started, next_run)
        tokens = _QueueTokens(self._budget, window, self._now, self._sleep, self._budget.look())
        ordered = fair_order(intents, tokens.last_served)
        looked_at = sent = orphans = 0
        for position, intent in enumerate(ordered):
            try:
                outcome = self._sweep_one(intent, partial(tokens.take, intent.customer_id, len(ordered) - position))
            except Exception:
                logger.exception("sweep of %s failed; the next sweep will try again", intent.notification_id)
                outcome = "failed"
            if outcome == "queued":
                break
            looked_at += 1
            sent += outcome == "sent"
            orphans += outcome == "orphan"
        queued = len(ordered) - looked_at
        tokens.finish(queue_left=queued > 0)
        return SweepReport(looked_at, sent, orphans, queued)

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
        rendered = self._render(notification.kind, notification.language, notification.context)
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

    def _attempt(self, stored: StoredNotification, now: datetime, token: Callable[[], bool]) -> DeliveryState | None:
        """One attempt, ``token`` asked for the budget's token right before the claim; None when
        it gave none (the mail waits for the budget, pending, no attempt spent). A claim lost to
        another dispatcher gives its token back."""
        notification = stored.notification
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
        if not token():
            return None
        try:
            claimed = self._outbox.replace(stored, notification.claimed(now, self._timing.lease))
        except Conflict:
            self._give_back(now)
            return DeliveryState.PENDING
        return self._send(claimed, mail)

    def _token_now(self, now: datetime) -> bool:
        """A token for a mail out of turn (right after its commit, or retried by an administrator)."""
        try:
            return self._budget.take_now(now, 1).granted == 1
        except Conflict:
            return False

    def _send(self, claimed: StoredNotification, mail: OutgoingMail) -> DeliveryState:
        notification = claimed.notification
        try:
            self._sender.send(mail)
        except TransientSendError as error:
            if error.retry_after:
                self._pause(error.retry_after)
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

    def _give_back(self, now: datetime) -> None:
        try:
            self._budget.give_back(now, 1)
        except Conflict:
            logger.warning("the mail budget stayed contended; a token taken for a mail claimed by another is lost")

    def _pause(self, seconds: float) -> None:
        """The service asked to wait ``seconds``: nobody sends before then."""
        try:
            now = self._now()
            self._budget.pause(now, now + timedelta(seconds=seconds))
        except Conflict:
            logger.warning("the mail budget stayed contended; the service's Retry-After was not shared")

    def _sweep_one(self, intent: Intent, token: Callable[[], bool]) -> str:
        now = self._now()
        stored = self._outbox.get(intent.customer_id, intent.notification_id)
        if stored is None:
            if now - intent.created_at >= ORPHAN_AFTER:
                self._outbox.drop_intent(intent)
                return "orphan"
            return "waiting"
        if stored.notification.state is not DeliveryState.PENDING:
            self._outbox.settle(stored.notification)
            return "settled"
        state = self._attempt(stored, now, token)
        if state is None:
            return "queued"
        return "sent" if state is DeliveryState.SENT else "pending"
