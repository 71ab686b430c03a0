"""One customer floods the desk, another opens one request: the outbox on simulated time.

:class:`SimulatedTime` is a clock a run moves and a sleep that moves it instead of waiting, so an
hour of the mail budget's pacing runs in seconds. :func:`flood` is the scenario the fairness
benchmark (``benchmarks/bench_fairness.py``) measures and the integration test runs smaller: on
tables of its own, with the desk, the outbox, the shared mail budget and the timer's sweeps all on
the simulated clock, one customer's ``flooding`` tickets open 60 ms apart, then another customer
opens one; the sweeps run until every mail is out. The flooding tickets are opened by staff on the
customer's behalf (a phone request), so no limit on what a customer may open stands between the
flood and the mail path being measured.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from azure.data.tables import TableServiceClient

from benchmarks.harness import Clock, bench_customer
from shared.adapters.mail.render import render
from shared.adapters.storage_layout import TICKETS_TABLE
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.outbox import OutboxStore
from shared.domain.access import Principal
from shared.domain.customers import Customer
from shared.domain.lifecycle import Role
from shared.domain.mail_budget import BudgetState, MailLimits
from shared.domain.notifications import NotificationKind
from shared.domain.outgoing_mail import OutgoingMail
from shared.domain.ticket import Channel
from shared.usecases.desk import NewTicket
from shared.usecases.dispatch import SWEEP_PERIOD, Dispatcher, MailIdentity, Timing
from shared.usecases.notifier import Notifier
from tests.run_storage import desk_on

#: How far apart the flooding tickets open: a hundred in six seconds.
FLOOD_PACE = timedelta(milliseconds=60)
OPERATOR = Principal("olga@desk.example", "olga@desk.example", "Olga", frozenset({Role.OPERATOR}), None)


class SimulatedTime(Clock):
    """What the desk and the dispatcher read as now is ``at``; :meth:`sleep` moves it on."""

    def sleep(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)

    def sweep_until(
        self, dispatcher: Dispatcher, done: Callable[[], bool], *, first: datetime, longest: timedelta
    ) -> int:
        """Run the outbox timer from ``first``: a sweep at each occurrence, :data:`SWEEP_PERIOD`
        apart and told when the next one is, its waits for the budget moving the clock, until
        ``done()`` or ``longest`` of simulated time; the number of sweeps."""
        occurrence, sweeps = first, 0
        while not done() and occurrence - first <= longest:
            self.at = max(self.at, occurrence)
            dispatcher.sweep(next_run=occurrence + SWEEP_PERIOD)
            sweeps += 1
            while occurrence <= self.at:  # an occurrence the sweep overran is skipped, as the host does
                occurrence += SWEEP_PERIOD
        return sweeps


class Drop:
    """A sender that keeps nothing but a count (the mail's path to the sender is what is measured)."""

    def __init__(self) -> None:
        self.count = 0

    def send(self, mail: OutgoingMail) -> None:
        self.count += 1


@dataclass(frozen=True)
class Sent:
    """One notification of the run as its row ended: whose, what kind, to staff or not, when
    created, when sent (None: not sent)."""

    customer_id: str
    ticket_id: str
    kind: str
    staff: bool
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True)
class Flood:
    """What the run saw: every notification, the other customer's receipt, the sweeps run, and
    the budget as the last sweep left it at ``ended``."""

    notifications: list[Sent]
    receipt: Sent
    sweeps: int
    budget: BudgetState
    ended: datetime

    @property
    def receipt_delay(self) -> timedelta:
        """How long after its creation the other customer's receipt was sent."""
        if self.receipt.sent_at is None:
            raise RuntimeError("the other customer's receipt was never sent")
        return self.receipt.sent_at - self.receipt.created_at


def flood(tables: TableServiceClient, limits: MailLimits, start: datetime, flooding: int, longest: timedelta) -> Flood:
    """Run the scenario (see the module's doc) on ``tables`` (a run's own: the sweeps take every
    intent they find) from ``start``, the timer's occurrences on ``start``'s whole minutes."""
    time = SimulatedTime(start)
    outbox = OutboxStore(tables)
    identity = MailIdentity(
        "donotreply@desk.example", "Support", "support@desk.example", secrets.token_bytes(32), "desk.example"
    )
    budget = MailBudgetStore(tables, limits)
    dispatcher = Dispatcher(outbox, Drop(), render, identity, time, budget, Timing(), sleep=time.sleep)
    desk = desk_on(tables, time, Notifier(outbox, dispatcher, "team@desk.example", None), "FL")
    big, small = (bench_customer(tables, f"{name}-{uuid.uuid4().hex[:8]}") for name in ("flood", "other"))
    for _ in range(flooding):
        desk.open(OPERATOR, _request(big, Channel.PHONE))
        time.at += FLOOD_PACE
    contact = small.contacts[0].email
    caller = Principal(contact, contact, "Anna", frozenset({Role.CUSTOMER}), small.id)
    receipt_ticket = desk.open(caller, _request(small, Channel.WEB)).ticket.id
    first = start.replace(second=0, microsecond=0) + SWEEP_PERIOD

    def everything_sent() -> bool:
        return next(iter(outbox.intents_before(time.at + timedelta(days=1))), None) is None

    sweeps = time.sweep_until(dispatcher, everything_sent, first=first, longest=longest)
    notifications = _notifications(tables, (big.id, small.id))
    receipt = next(n for n in notifications if n.ticket_id == receipt_ticket and not n.staff)
    return Flood(notifications, receipt, sweeps, budget.look(), time.at)


def _request(customer: Customer, channel: Channel) -> NewTicket:
    return NewTicket(
        subject="The portal is down",
        description="Since this morning nobody in the office can reach the portal.",
        customer_id=customer.id,
        contact_email=customer.contacts[0].email,
        channel=channel,
    )


def _notifications(tables: TableServiceClient, customers: tuple[str, ...]) -> list[Sent]:
    found = []
    for customer_id in customers:
        rows = tables.get_table_client(TICKETS_TABLE).query_entities(
            "PartitionKey eq @pk and Kind eq @kind", parameters={"pk": customer_id, "kind": "outbox"}
        )
        found += [
            Sent(
                customer_id,
                row["TicketId"],
                row["NotificationKind"],
                NotificationKind(row["NotificationKind"]).internal,
                row["CreatedAt"],
                row.get("SentAt"),
            )
            for row in rows
        ]
    return found
