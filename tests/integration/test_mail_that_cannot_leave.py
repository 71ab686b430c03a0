"""Mail that cannot leave fails visibly, on Azurite: the outbox's own defence, whatever reaches it.

The notifications are written straight into the outbox (row and intent, as a ticket change writes
them), so what is tested is the outbox alone, not the entry points that should have cleaned the
values first: a contact name with a line break, an address that is not a plain ``local@domain``,
a worker that dies in every attempt.
"""

from __future__ import annotations

import email
import email.policy
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.adapters.mail.render import render
from shared.adapters.mail.senders.file_drop import FileDropSender
from shared.adapters.storage_layout import TICKETS_TABLE
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.outbox import OutboxStore, notification_row
from shared.domain.language import Language
from shared.domain.notifications import MAX_ATTEMPTS, DeliveryState, Notification, NotificationContext, NotificationKind
from shared.domain.outgoing_mail import OutgoingMail
from shared.domain.sla.policy import Category, Priority
from shared.usecases.dispatch import Dispatcher, MailIdentity
from tests.integration.conftest import Clock
from tests.run_storage import ROOMY, run_storage

IDENTITY = MailIdentity(
    "donotreply@desk.example", "Support", "support@desk.example", secrets.token_bytes(32), "desk.example"
)
FORGED_NAME = "Anna\r\nBcc: x@evil.example"


class DyingWorker:
    """A sender whose worker dies in every attempt (the error no sender raises on purpose)."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def send(self, mail: OutgoingMail) -> None:
        self.attempts.append(mail.message_id)
        raise RuntimeError("the worker died while sending")


@pytest.fixture
def queue(table_service: TableServiceClient, clock: Clock) -> Iterator[Callable[..., Notification]]:
    """Writes receipts into the outbox (:func:`queued`); their failures are forgotten afterwards,
    since the administrators' list of failures is one for the whole session."""
    made: list[Notification] = []

    def make(recipient: str, name: str = "") -> Notification:
        made.append(queued(table_service, clock, recipient, name))
        return made[-1]

    yield make
    for notification in made:
        OutboxStore(table_service).forget_failure(notification)


def queued(table_service: TableServiceClient, clock: Clock, recipient: str, name: str = "") -> Notification:
    """A receipt to ``recipient`` written into the outbox as a ticket change writes it."""
    customer_id = f"cannot-{uuid.uuid4().hex[:10]}"
    ticket_id = f"IT-2026-{secrets.randbelow(900_000) + 100_000}"
    context = NotificationContext(
        ticket_id=ticket_id,
        subject="Il portale non risponde",
        customer_name="ACME S.p.A.",
        priority=Priority.MEDIUM,
        category=Category.BUG,
        contact_name=name or None,
    )
    notification = Notification(
        ticket_id,
        customer_id,
        1,
        0,
        NotificationKind.RECEIVED,
        Language.ITALIAN,
        recipient,
        name,
        context,
        clock.at,
        next_attempt_at=clock.at,
    )
    outbox = OutboxStore(table_service)
    outbox.intend([notification])
    table_service.get_table_client(TICKETS_TABLE).create_entity(notification_row(notification))
    return notification


def failed_ids(outbox: OutboxStore) -> set[str]:
    return {failure.id for failure in outbox.failures(1000)}


def alerts(caplog: pytest.LogCaptureFixture, notification: Notification) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.getMessage().startswith(f"mail_send_failed notification={notification.id} ")
    ]


def test_a_contact_name_with_a_line_break_leaves_on_one_line_and_forges_no_header(
    queue: Callable[..., Notification],
    table_service: TableServiceClient,
    clock: Clock,
    tmp_path: Path,
    mail_budget: MailBudgetStore,
) -> None:
    notification = queue("anna@acme.example", FORGED_NAME)
    dispatcher = Dispatcher(OutboxStore(table_service), FileDropSender(tmp_path), render, IDENTITY, clock, mail_budget)

    assert dispatcher.attempt(notification.customer_id, notification.id) is DeliveryState.SENT

    (path,) = tmp_path.glob("*.eml")
    mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert mail["Bcc"] is None
    assert mail.get_all("To") == ['"Anna Bcc: x@evil.example" <anna@acme.example>']  # one name, quoted
    assert [address.addr_spec for address in mail["To"].addresses] == ["anna@acme.example"]


@pytest.mark.parametrize(
    "recipient",
    [
        "anna@acme.example\r\nBcc: x@evil.example",  # a contact address with a forged header
        "3f1c9a2e-7b4d-4e61-9a0f-2c5d8e7b6a10",  # a token's subject taken for an address
        "Anna <anna@acme.example>",  # a display form, not a plain address
    ],
    ids=["line break", "token subject", "display form"],
)
def test_a_mail_that_cannot_be_built_fails_for_good_at_once_listed_and_alerted(
    recipient: str,
    queue: Callable[..., Notification],
    table_service: TableServiceClient,
    clock: Clock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    mail_budget: MailBudgetStore,
) -> None:
    caplog.set_level("WARNING", logger="shared.usecases.dispatch")
    outbox = OutboxStore(table_service)
    notification = queue(recipient)
    dispatcher = Dispatcher(outbox, FileDropSender(tmp_path), render, IDENTITY, clock, mail_budget)

    assert dispatcher.attempt(notification.customer_id, notification.id) is DeliveryState.FAILED

    stored = outbox.get(notification.customer_id, notification.id)
    assert stored is not None
    assert stored.notification.state is DeliveryState.FAILED
    assert "cannot be built" in (stored.notification.last_error or "")
    assert notification.id in failed_ids(outbox)
    assert alerts(caplog, notification) == [f"mail_send_failed notification={notification.id} attempts=0"]
    assert notification.id not in {intent.notification_id for intent in outbox.intents_before(clock.at)}
    assert list(tmp_path.glob("*.eml")) == []


def test_a_sweep_every_minute_never_lets_a_dying_worker_spend_more_than_the_maximum_of_attempts(
    table_service: TableServiceClient, blob_service: BlobServiceClient, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING", logger="shared.usecases.dispatch")
    worker = DyingWorker()
    with run_storage(table_service, blob_service, f"dying{uuid.uuid4().hex[:8]}") as (tables, _):  # its sweeps only
        outbox = OutboxStore(tables)
        notification = queued(tables, clock, "anna@acme.example")
        dispatcher = Dispatcher(outbox, worker, render, IDENTITY, clock, MailBudgetStore(tables, ROOMY))
        start = clock.at
        for minute in range(1, 61):  # an hour of sweeps, one a minute, each lease expiring
            clock.at = start + timedelta(minutes=minute)
            dispatcher.sweep()
            stored = outbox.get(notification.customer_id, notification.id)
            assert stored is not None
            assert stored.notification.attempts <= MAX_ATTEMPTS
            if stored.notification.state is not DeliveryState.PENDING:
                break
        failures = failed_ids(outbox)

    assert stored.notification.state is DeliveryState.FAILED
    assert worker.attempts.count(notification.message_id(IDENTITY.message_domain)) == MAX_ATTEMPTS
    assert "no outcome" in (stored.notification.last_error or "")
    assert notification.id in failures
    assert alerts(caplog, notification) == [f"mail_send_failed notification={notification.id} attempts={MAX_ATTEMPTS}"]
