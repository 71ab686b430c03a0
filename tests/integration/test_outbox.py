"""The outbox on Azurite: mails commit with their change, leave once, survive crashes and failures."""

from __future__ import annotations

import email
import email.policy
import json
import secrets
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from azure.data.tables import TableServiceClient

from functions import admin as admin_routes
from functions import outbox as outbox_routes
from functions import tickets
from shared.adapters.mail.render import render
from shared.adapters.mail.senders.file_drop import FileDropSender
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.outbox import OutboxStore
from shared.domain.customers import Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Action, Role, Status
from shared.domain.notifications import DeliveryState, Notification, NotificationContext, NotificationKind
from shared.domain.outgoing_mail import OutgoingMail, PermanentSendError, TransientSendError
from shared.domain.sla.policy import Category, Priority
from shared.usecases.desk import Desk, NewTicket
from shared.usecases.dispatch import Dispatcher, MailIdentity
from shared.usecases.notifier import Notifier
from shared.usecases.stored import FailedNotification
from tests.integration.conftest import Api, Clock, customer_caller, staff_caller

OPERATOR = staff_caller("olga@desk.example", Role.OPERATOR)
KEY = secrets.token_bytes(32)
IDENTITY = MailIdentity("donotreply@desk.example", "Support", "support@desk.example", KEY, "desk.example")


class Switchboard:
    """A sender that fails as told, then hands mail to the file drop."""

    def __init__(self, folder: Path) -> None:
        self.drop = FileDropSender(folder)
        self.failures: list[Exception] = []
        self.sent: list[OutgoingMail] = []

    def send(self, mail: OutgoingMail) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.drop.send(mail)
        self.sent.append(mail)


@pytest.fixture
def sender(tmp_path: Path) -> Switchboard:
    return Switchboard(tmp_path / "mail")


@pytest.fixture
def mailing_desk(
    desk: Desk, table_service: TableServiceClient, sender: Switchboard, clock: Clock, mail_budget: MailBudgetStore
) -> Desk:
    outbox = OutboxStore(table_service)
    dispatcher = Dispatcher(outbox, sender, render, IDENTITY, clock, mail_budget)
    return replace(desk, notifier=Notifier(outbox, dispatcher, "team@desk.example", "https://portal.example"))


def mails_in(folder: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for path in sorted(folder.glob("*.eml"))
    ]


def open_ticket(desk: Desk, customer: Customer, subject: str = "Il portale non risponde") -> str:
    request = NewTicket(
        subject=subject,
        description="Da stamattina il portale documentale non risponde e non riusciamo a lavorare.",
        customer_id=customer.id,
        contact_email=customer.contacts[0].email,
    )
    return desk.open(customer_caller(customer), request).ticket.id


def test_opening_a_ticket_sends_the_customer_s_receipt_and_the_team_s_news(
    mailing_desk: Desk, customer: Customer, sender: Switchboard, tmp_path: Path
) -> None:
    ticket_id = open_ticket(mailing_desk, customer)
    mails = mails_in(tmp_path / "mail")
    assert sorted(str(mail["To"]) for mail in mails) == sorted(
        ["Anna Bianchi <" + customer.contacts[0].email + ">", "team@desk.example"]
    )
    receipt = next(mail for mail in mails if "team@" not in str(mail["To"]))
    assert f"[{ticket_id}]" in str(receipt["Subject"])
    assert receipt["Message-ID"] == f"<{ticket_id.lower()}.1.0.received@desk.example>"
    assert receipt["Auto-Submitted"] == "auto-generated"
    assert receipt["X-Auto-Response-Suppress"] == "All"
    assert str(receipt["Reply-To"]).startswith(f"support+{ticket_id.lower()}.")
    body = receipt.get_body(preferencelist=("plain",))
    assert body is not None
    assert "Gentile" in body.get_content()  # Italian, as the request was written


def test_a_clarification_request_is_threaded_on_the_ticket_and_quotes_the_question(
    mailing_desk: Desk, customer: Customer, sender: Switchboard
) -> None:
    ticket_id = open_ticket(mailing_desk, customer)
    mailing_desk.act(OPERATOR, ticket_id, Action.ACCEPT, {}, None)
    mailing_desk.act(OPERATOR, ticket_id, Action.REQUEST_CLARIFICATION, {"message": "Quale browser usa?"}, None)
    question = sender.sent[-1]
    assert question.message_id == f"<{ticket_id.lower()}.3.0.clarification_requested@desk.example>"
    root = f"<{ticket_id.lower()}.1.0.received@desk.example>"
    assert question.headers["In-Reply-To"] == root
    assert question.headers["References"] == root
    assert "Quale browser usa?" in question.text


def test_a_crash_between_the_commit_and_the_send_delivers_the_mail_once_on_the_next_sweep(
    mailing_desk: Desk, customer: Customer, sender: Switchboard, clock: Clock, tmp_path: Path
) -> None:
    sender.failures = [RuntimeError("the worker died"), RuntimeError("the worker died")]
    ticket_id = open_ticket(mailing_desk, customer)
    assert sender.sent == []
    assert mailing_desk.notifier is not None
    dispatcher = mailing_desk.notifier.dispatcher
    clock.at += timedelta(minutes=5)  # the lease of the crashed attempt has expired too
    dispatcher.sweep()  # (the sweep also finds what other tests left behind in the shared Azurite)
    ours = [mail.message_id for mail in sender.sent if ticket_id.lower() in mail.message_id]
    assert sorted(ours) == [
        f"<{ticket_id.lower()}.1.0.received@desk.example>",
        f"<{ticket_id.lower()}.1.1.new_in_queue@desk.example>",
    ]
    dispatcher.sweep()
    assert len([mail for mail in sender.sent if ticket_id.lower() in mail.message_id]) == 2


def test_a_throttled_send_holds_every_mail_for_its_retry_after_and_a_permanent_failure_waits_for_an_administrator(
    mailing_desk: Desk,
    customer: Customer,
    sender: Switchboard,
    clock: Clock,
    table_service: TableServiceClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    outbox = OutboxStore(table_service)
    sender.failures = [TransientSendError("throttled", retry_after=90), PermanentSendError("mailbox unknown")]
    caplog.set_level("WARNING", logger="shared.usecases.dispatch")
    ticket_id = open_ticket(mailing_desk, customer)
    receipt = outbox.get(customer.id, f"{ticket_id}.1.0")
    news = outbox.get(customer.id, f"{ticket_id}.1.1")
    assert receipt is not None
    assert news is not None
    assert receipt.notification.state is DeliveryState.PENDING
    assert receipt.notification.next_attempt_at == clock.at + timedelta(seconds=90)
    assert (news.notification.state, news.notification.attempts) == (DeliveryState.PENDING, 0)  # paused, not tried

    assert mailing_desk.notifier is not None
    dispatcher = mailing_desk.notifier.dispatcher
    clock.at += timedelta(seconds=60)
    assert dispatcher.attempt(customer.id, f"{ticket_id}.1.0") is DeliveryState.PENDING  # not due yet
    assert dispatcher.attempt(customer.id, f"{ticket_id}.1.1") is DeliveryState.PENDING  # still paused
    assert sender.sent == []
    clock.at += timedelta(seconds=31)
    assert dispatcher.attempt(customer.id, f"{ticket_id}.1.0") is DeliveryState.FAILED  # the second failure
    assert dispatcher.attempt(customer.id, f"{ticket_id}.1.1") is DeliveryState.SENT
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("mail_send_failed")] == [
        f"mail_send_failed notification={ticket_id}.1.0 attempts=2"
    ]
    failed = outbox.get(customer.id, f"{ticket_id}.1.0")
    assert failed is not None
    assert failed.notification.last_error == "mailbox unknown"
    assert FailedNotification(
        id=f"{ticket_id}.1.0",
        ticket_id=ticket_id,
        customer_id=customer.id,
        kind=NotificationKind.RECEIVED,
        recipient=receipt.notification.recipient,
        attempts=2,
        last_error="mailbox unknown",
    ) in outbox.failures(100)

    assert dispatcher.retry(customer.id, f"{ticket_id}.1.0") is DeliveryState.SENT
    assert f"{ticket_id}.1.0" not in {failure.id for failure in outbox.failures(100)}


def test_two_dispatchers_racing_for_one_mail_send_it_once(
    mailing_desk: Desk, customer: Customer, sender: Switchboard, clock: Clock, table_service: TableServiceClient
) -> None:
    sender.failures = [RuntimeError("crash"), RuntimeError("crash")]
    ticket_id = open_ticket(mailing_desk, customer)
    clock.at += timedelta(minutes=5)
    outbox = OutboxStore(table_service)
    stored = outbox.get(customer.id, f"{ticket_id}.1.0")
    assert stored is not None
    outbox.replace(stored, stored.notification.claimed(clock.at))  # another worker claims it first
    assert mailing_desk.notifier is not None
    dispatcher = mailing_desk.notifier.dispatcher
    assert dispatcher.attempt(customer.id, f"{ticket_id}.1.0") is DeliveryState.PENDING
    assert not [mail for mail in sender.sent if mail.message_id.startswith(f"<{ticket_id.lower()}.1.0")]


def test_an_intent_whose_change_never_committed_is_dropped(
    mailing_desk: Desk, table_service: TableServiceClient, clock: Clock
) -> None:
    outbox = OutboxStore(table_service)
    context = NotificationContext(
        ticket_id="IT-2026-999999", subject="s", customer_name="c", priority=Priority.LOW, category=Category.BUG
    )
    ghost = Notification(
        "IT-2026-999999",
        "nobody",
        1,
        0,
        NotificationKind.RECEIVED,
        Language.ENGLISH,
        "a@b.example",
        "",
        context,
        clock.at,
    )
    outbox.intend([ghost])  # ... and the ticket's transaction failed
    assert mailing_desk.notifier is not None
    dispatcher = mailing_desk.notifier.dispatcher
    clock.at += timedelta(minutes=5)
    dispatcher.sweep()
    assert ghost.id in {intent.notification_id for intent in outbox.intents_before(clock.at)}  # too young to drop
    clock.at += timedelta(minutes=6)
    assert dispatcher.sweep().orphans >= 1
    assert ghost.id not in {intent.notification_id for intent in outbox.intents_before(clock.at)}


def test_the_walk_of_a_ticket_leaves_one_mail_per_step_in_the_ticket_s_language(
    mailing_desk: Desk, customer: Customer, sender: Switchboard
) -> None:
    ticket_id = open_ticket(mailing_desk, customer)
    mailing_desk.act(OPERATOR, ticket_id, Action.ACCEPT, {}, None)
    mailing_desk.act(OPERATOR, ticket_id, Action.REQUEST_CLARIFICATION, {"message": "Da quale sede?"}, None)
    mailing_desk.write(customer_caller(customer), ticket_id, "Da Pescara.", internal=False)
    mailing_desk.act(OPERATOR, ticket_id, Action.RESOLVE, {"resolution": "Indice ricostruito."}, None)
    view = mailing_desk.act(OPERATOR, ticket_id, Action.CLOSE, {}, None)
    assert view.ticket.status is Status.CLOSED
    ours = [mail for mail in sender.sent if ticket_id.lower() in mail.message_id]
    kinds = [mail.message_id.split("@")[0].rsplit(".", 1)[1] for mail in ours]
    assert kinds == ["received", "new_in_queue", "accepted", "clarification_requested", "resolved", "closed"]
    customer_mails = [m for m in sender.sent if ticket_id.lower() in m.message_id and "team@" not in m.to[0][0]]
    assert all("Gentile" in mail.text for mail in customer_mails)


def test_an_administrator_lists_failed_mails_and_sends_one_again_over_http(
    api: Api, table_service: TableServiceClient, tmp_path: Path
) -> None:
    admin = api.token(Role.ADMIN)
    company = f"mail-{uuid.uuid4().hex[:8]}"
    document = {
        "name": "Mail Co",
        "entitled": True,
        "email_domains": [f"{company}.example"],
        "contacts": [],
        "language": "en",
    }
    api.call(
        admin_routes.put_customer,
        "PUT",
        f"admin/customers/{company}",
        token=admin,
        route_params={"id": company},
        body=document,
    )
    customer = api.token(Role.CUSTOMER, customer=company, subject=f"anna@{company}.example")
    opened = api.call(tickets.open_ticket, "POST", "tickets", token=customer, body={"subject": "s", "description": "d"})
    ticket_id = json.loads(opened.get_body())["id"]
    outbox = OutboxStore(table_service)
    stored = outbox.get(company, f"{ticket_id}.1.0")
    assert stored is not None
    failed = replace(stored.notification, state=DeliveryState.FAILED, last_error="550 mailbox unknown")
    outbox.replace(stored, failed)
    outbox.settle(failed)

    listed = api.call(
        outbox_routes.failed_notifications, "GET", "admin/outbox", token=admin, params={"state": "failed"}
    )
    assert listed.status_code == 200
    items = json.loads(listed.get_body())["items"]
    assert {"id": f"{ticket_id}.1.0", "last_error": "550 mailbox unknown"}.items() <= next(
        item for item in items if item["id"] == f"{ticket_id}.1.0"
    ).items()
    forbidden = api.call(outbox_routes.failed_notifications, "GET", "admin/outbox", token=customer)
    assert forbidden.status_code == 403

    retried = api.call(
        outbox_routes.retry_notification,
        "POST",
        f"admin/outbox/{ticket_id}.1.0/retry",
        token=admin,
        route_params={"id": f"{ticket_id}.1.0"},
    )
    assert (retried.status_code, json.loads(retried.get_body())["state"]) == (200, "sent")
    assert len(list((tmp_path / "mail").glob(f"*{ticket_id.lower()}.1.0.received*.eml"))) == 1
    unknown = api.call(
        outbox_routes.retry_notification, "POST", "admin/outbox/IZ-2026-999999.1.0/retry", token=admin,
        route_params={"id": "IZ-2026-999999.1.0"},
    )  # fmt: skip
    assert unknown.status_code == 404
