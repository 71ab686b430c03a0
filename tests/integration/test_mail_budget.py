"""The app's one mail budget on Azurite: shared by racing dispatchers without double spending, and
spent fairly when one customer floods the desk."""

from __future__ import annotations

import secrets
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import replace
from datetime import timedelta
from itertools import pairwise

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.adapters.mail.render import render
from shared.adapters.storage_layout import TICKETS_TABLE
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.outbox import OutboxStore, notification_row
from shared.domain.errors import Conflict
from shared.domain.language import Language
from shared.domain.mail_budget import MailLimits
from shared.domain.notifications import DeliveryState, Notification, NotificationContext, NotificationKind
from shared.domain.outgoing_mail import OutgoingMail
from shared.domain.sla.policy import Category, Priority
from shared.usecases.dispatch import SWEEP_MARGIN, Dispatcher, MailIdentity, receipt_delay_bound
from tests.integration.conftest import Clock
from tests.mail_flood import flood
from tests.run_storage import run_storage

IDENTITY = MailIdentity(
    "donotreply@desk.example", "Support", "support@desk.example", secrets.token_bytes(32), "desk.example"
)
CUSTOM_DOMAIN = MailLimits(per_minute=30, per_hour=100)


class Recorder:
    """A sender several threads share, keeping every Message-ID it was handed."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def send(self, mail: OutgoingMail) -> None:
        with self._lock:
            self.sent.append(mail.message_id)


def queued(table_service: TableServiceClient, clock: Clock, count: int) -> list[Notification]:
    """``count`` receipts of one new customer written into the outbox as ticket changes write them."""
    customer_id = f"budget-{uuid.uuid4().hex[:10]}"
    outbox = OutboxStore(table_service)
    notifications = []
    for number in range(count):
        ticket_id = f"IT-2026-{secrets.randbelow(900_000) + 100_000}"
        context = NotificationContext(
            ticket_id=ticket_id, subject="s", customer_name="c", priority=Priority.LOW, category=Category.BUG
        )
        notifications.append(
            Notification(
                ticket_id,
                customer_id,
                1,
                0,
                NotificationKind.RECEIVED,
                Language.ENGLISH,
                f"contact{number}@{customer_id}.example",
                "",
                context,
                clock.at,
                next_attempt_at=clock.at,
            )
        )
    outbox.intend(notifications)
    for notification in notifications:
        table_service.get_table_client(TICKETS_TABLE).create_entity(notification_row(notification))
    return notifications


def test_two_dispatchers_racing_for_the_same_mails_spend_the_budget_once_and_send_each_mail_once(
    table_service: TableServiceClient, clock: Clock
) -> None:
    limits = MailLimits(per_minute=20, per_hour=40)  # two at once (a minute's burst), then one every 3.3 s
    name = f"race-{uuid.uuid4().hex[:10]}"
    recorder = Recorder()
    dispatchers = [
        Dispatcher(
            OutboxStore(table_service), recorder, render, IDENTITY, clock, MailBudgetStore(table_service, limits, name)
        )
        for _ in range(2)
    ]
    notifications = queued(table_service, clock, 12)

    def attempt_all(dispatcher: Dispatcher) -> list[DeliveryState]:
        return [dispatcher.attempt(n.customer_id, n.id) for n in notifications]

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(attempt_all, dispatchers))
    assert len(recorder.sent) == limits.burst == 2
    assert len(set(recorder.sent)) == len(recorder.sent)

    clock.at += timedelta(seconds=60)  # the minute's bucket is full again; the hour's holds 2.6
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(attempt_all, dispatchers))
    assert len(recorder.sent) == 4
    assert len(set(recorder.sent)) == 4
    outbox = OutboxStore(table_service)
    waiting = [outbox.get(n.customer_id, n.id) for n in notifications]
    assert sorted((s.notification.state.value, s.notification.attempts) for s in waiting if s) == sorted(
        [("sent", 1)] * 4 + [("pending", 0)] * 8  # waiting for the budget spends no attempt
    )


def test_takes_racing_on_one_row_never_grant_more_than_it_holds_and_lose_no_update(
    table_service: TableServiceClient, clock: Clock
) -> None:
    limits = MailLimits(per_minute=100, per_hour=1000)  # ten at once
    name = f"takes-{uuid.uuid4().hex[:10]}"
    stores = [MailBudgetStore(table_service, limits, name) for _ in range(4)]

    def take_five(store: MailBudgetStore) -> int:
        granted = 0
        for _ in range(5):
            with suppress(Conflict):  # a take that lost every race is refused
                granted += store.take_now(clock.at, 1).granted
        return granted

    with ThreadPoolExecutor(4) as pool:
        granted = sum(pool.map(take_five, stores))

    left = stores[0].look().refilled(clock.at, limits).available
    assert granted + left == limits.burst  # every token taken is gone from the row, none twice
    assert granted >= 1


def test_one_customer_s_flood_delays_another_s_receipt_no_more_than_the_bound_and_keeps_the_limits(
    table_service: TableServiceClient, blob_service: BlobServiceClient, clock: Clock
) -> None:
    bound = receipt_delay_bound(CUSTOM_DOMAIN, timedelta(minutes=1))
    with run_storage(table_service, blob_service, f"fair{uuid.uuid4().hex[:8]}") as (tables, _):
        run = flood(tables, CUSTOM_DOMAIN, clock.at, flooding=30, longest=timedelta(hours=2))

    assert run.receipt_delay <= bound == timedelta(seconds=210)
    assert not run.budget.held(run.ended)  # the sweep that emptied the queue let mail go at once again
    sent = sorted((n for n in run.notifications if n.sent_at), key=lambda n: n.sent_at or n.created_at)
    assert len(sent) == len(run.notifications) == 62  # every mail left in the end
    instants = [n.sent_at for n in sent if n.sent_at]
    for length, limit in ((timedelta(minutes=1), 30), (timedelta(hours=1), 100)):
        assert max(sum(1 for at in instants if first <= at < first + length) for first in instants) <= limit
    by_sweep = [n for n in sent if n.sent_at and n.sent_at - n.created_at > timedelta(seconds=1)]  # not at once
    assert [n.staff for n in by_sweep] == sorted(n.staff for n in by_sweep)  # customers' mail first, then staff
    gaps = [
        later.sent_at - earlier.sent_at for earlier, later in pairwise(by_sweep) if later.sent_at and earlier.sent_at
    ]
    assert max(gaps) <= CUSTOM_DOMAIN.interval + SWEEP_MARGIN  # evenly: never thirty at once, then a minute idle


def test_a_sweep_that_finds_nothing_waiting_for_the_budget_lifts_the_hold_an_earlier_sweep_left(
    table_service: TableServiceClient, blob_service: BlobServiceClient, clock: Clock
) -> None:
    with run_storage(table_service, blob_service, f"lift{uuid.uuid4().hex[:8]}") as (tables, _):
        budget = MailBudgetStore(tables, CUSTOM_DOMAIN)
        (backing_off,) = queued(tables, clock, 1)
        outbox = OutboxStore(tables)
        stored = outbox.get(backing_off.customer_id, backing_off.id)
        assert stored is not None
        later = stored.notification.failed_attempt(clock.at, "busy", None, permanent=False)  # due in 30 s
        outbox.replace(stored, replace(later, next_attempt_at=clock.at + timedelta(hours=1)))
        budget.take_queued(clock.at, 50, clock.at + timedelta(minutes=3), None)  # a sweep left a queue
        clock.at += timedelta(minutes=1, seconds=1)
        assert budget.look().held(clock.at)

        report = Dispatcher(outbox, Recorder(), render, IDENTITY, clock, budget).sweep()

        assert (report.looked_at, report.sent, report.queued) == (1, 0, 0)
        assert not budget.look().held(clock.at)
