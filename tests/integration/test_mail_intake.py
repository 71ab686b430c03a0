"""The mail intake on Azurite: every message ends in one recorded outcome, threads only within its
customer, and is never taken in twice."""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.customers import Contact, Customer
from shared.desk import Desk
from shared.dispatch import Dispatcher, MailIdentity
from shared.errors import Conflict, NotFound
from shared.files import TicketFiles
from shared.history import EventType
from shared.language import Language
from shared.lifecycle import Action, Role, Status
from shared.mail.inbound.intake import MailIntake
from shared.mail.inbound.outcome import Outcome
from shared.mail.inbound.settings import InboundSettings
from shared.mail.reply_token import reply_address
from shared.notifier import Notifier
from shared.stores.attachments import AttachmentStore
from shared.stores.inbound_log import InboundLog
from shared.stores.mail_budget import MailBudgetStore
from shared.stores.mailbox import RawMailStore
from shared.stores.outbox import OutboxStore
from tests.integration.conftest import Clock, staff_caller
from tests.integration.test_escalation import Recorder

OPERATOR = staff_caller("olga@desk.example", Role.OPERATOR)
IDENTITY = MailIdentity(
    "donotreply@desk.example", "Support", "support@desk.example", secrets.token_bytes(32), "desk.example"
)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def mailing_desk(
    desk: Desk, table_service: TableServiceClient, clock: Clock, recorder: Recorder, mail_budget: MailBudgetStore
) -> Desk:
    outbox = OutboxStore(table_service)
    dispatcher = Dispatcher(outbox, recorder, IDENTITY, clock, mail_budget)
    return replace(desk, notifier=Notifier(outbox, dispatcher, "team@desk.example", None))


@pytest.fixture
def intake(
    mailing_desk: Desk, table_service: TableServiceClient, blob_service: BlobServiceClient, clock: Clock
) -> MailIntake:
    return MailIntake(
        desk=mailing_desk,
        log=InboundLog(table_service),
        mailbox=RawMailStore(blob_service),
        files=AttachmentStore(blob_service),
        identity=IDENTITY,
        settings=InboundSettings(loop_max_messages=1000, max_attachments=2, max_attachment_bytes=1000),
        now=clock,
    )


def new_customer(desk: Desk, *, entitled: bool = True, language: Language = Language.ITALIAN) -> Customer:
    suffix = uuid.uuid4().hex[:10]
    return desk.customers.put(
        Customer(
            id=f"mail-{suffix}",
            name=f"Mail {suffix}",
            entitled=entitled,
            email_domains=(f"mail-{suffix}.example",),
            contacts=(Contact(f"anna@mail-{suffix}.example", "Anna Bianchi"),),
            language=language,
        )
    )


def mail(sender: str, subject: str, body: str, *, to: str = "support@desk.example", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.example>"
    message["Date"] = format_datetime(datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


Deliver = Callable[..., str]


@pytest.fixture
def deliver(intake: MailIntake) -> Deliver:
    """Put raw bytes into ``inbound-email`` as the connector would; the blob's name."""

    def put(raw: bytes, name: str | None = None) -> str:
        blob = name or f"2026/11/26/{uuid.uuid4().hex}.eml"
        intake.mailbox.put(blob, raw)
        return blob

    return put


ITALIAN_REQUEST = (
    "Buongiorno,\n\ndal login del portale ricevo un errore 500 da questa mattina e nessun collega riesce "
    "ad accedere alla piattaforma. Potete verificare con urgenza?\n\nGrazie,\nAnna"
)


def listed(intake: MailIntake, outcome: Outcome) -> list[str]:
    """The ids of every mail the admin list of ``outcome`` shows, page after page."""
    ids, cursor = [], None
    while True:
        page = intake.log.list(outcome, limit=100, cursor=cursor)
        ids += [record.id for record in page.items]
        if page.cursor is None:
            return ids
        cursor = page.cursor


def customer_tickets(desk: Desk, customer: Customer) -> list[str]:
    return [
        ticket.id for ticket in desk.tickets.list_for_customer(customer.id, status=None, limit=100, cursor=None).items
    ]


def test_a_contacts_mail_opens_a_ticket_in_its_language_with_a_receipt(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    customer = new_customer(intake.desk, language=Language.ENGLISH)
    blob = deliver(mail(f"Anna Bianchi <{customer.contacts[0].email}>", "Errore 500 al login", ITALIAN_REQUEST))

    record = intake.ingest(blob)

    assert (record.outcome, record.customer_id) == (Outcome.CREATED, customer.id)
    ticket = intake.desk.tickets.get(customer.id, record.ticket_id or "")
    assert ticket is not None
    assert (ticket.ticket.channel.value, ticket.ticket.language, ticket.ticket.subject) == (
        "email",
        Language.ITALIAN,
        "Errore 500 al login",
    )
    assert ticket.ticket.contact_email == customer.contacts[0].email
    receipts = [m for m in recorder.sent if ".received@" in m.message_id and record.ticket_id.lower() in m.message_id]
    assert [m.to[0][0] for m in receipts] == [customer.contacts[0].email]
    assert intake.log.get(record.id) == record


def test_the_same_blob_twice_and_the_same_message_id_in_another_blob(intake: MailIntake, deliver: Deliver) -> None:
    customer = new_customer(intake.desk)
    raw = mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)
    first = intake.ingest(deliver(raw))
    again = intake.ingest(first.blob)
    copy = intake.ingest(deliver(raw))

    assert again == first
    assert (copy.outcome, copy.duplicate_of) == (Outcome.DUPLICATE, first.id)
    assert customer_tickets(intake.desk, customer) == [first.ticket_id]


def test_concurrent_deliveries_of_one_blob_make_one_ticket(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    customer = new_customer(intake.desk)
    blob = deliver(mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST))
    outcomes: list[object] = []

    def run() -> None:
        try:
            outcomes.append(intake.ingest(blob))
        except Conflict as error:  # a loser may be told to try again: the host would retry it
            outcomes.append(error)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [ticket_id] = customer_tickets(intake.desk, customer)
    assert intake.ingest(blob).outcome is Outcome.CREATED
    receipts = [m for m in recorder.sent if ".received@" in m.message_id and ticket_id.lower() in m.message_id]
    assert len(receipts) == 1


def test_a_crash_after_the_ticket_before_the_record_is_repaired_by_the_next_delivery(
    intake: MailIntake, deliver: Deliver, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = new_customer(intake.desk)
    blob = deliver(mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST))
    real_save = intake.log.save

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the worker died")

    monkeypatch.setattr(intake.log, "save", crash)
    with pytest.raises(RuntimeError):
        intake.ingest(blob)
    monkeypatch.setattr(intake.log, "save", real_save)

    record = intake.ingest(blob)

    assert record.outcome is Outcome.CREATED
    assert customer_tickets(intake.desk, customer) == [record.ticket_id]


def test_a_reply_by_token_answers_the_clarification_and_resumes_the_clocks(
    intake: MailIntake, deliver: Deliver, clock: Clock
) -> None:
    customer = new_customer(intake.desk)
    opened = intake.ingest(deliver(mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)))
    ticket_id = opened.ticket_id or ""
    intake.desk.act(OPERATOR, ticket_id, Action.ACCEPT, {}, None)
    intake.desk.act(OPERATOR, ticket_id, Action.REQUEST_CLARIFICATION, {"message": "Quale browser?"}, None)
    clock.at += timedelta(hours=1)
    token_address = reply_address(IDENTITY.support_address, ticket_id, IDENTITY.reply_token_key)
    reply = mail(
        customer.contacts[0].email,
        "Re: la vostra domanda",
        "Uso Firefox 140.\n\nIl giorno 26 nov 2026 alle 10:00 Support ha scritto:\n> Quale browser?\n",
        to=token_address,
    )

    record = intake.ingest(deliver(reply))

    assert (record.outcome, record.ticket_id) == (Outcome.APPENDED, ticket_id)
    view = intake.desk.get(OPERATOR, ticket_id)
    assert view.ticket.status is Status.ACCEPTED
    assert not view.sla.paused
    events = intake.desk.events(OPERATOR, ticket_id, limit=50, cursor=None).items
    assert events[-1].type is EventType.MESSAGE
    assert events[-1].body == "Uso Firefox 140."
    assert events[-1].data["mail"] == record.id


def test_a_reply_quoting_our_message_id_threads(intake: MailIntake, deliver: Deliver) -> None:
    customer = new_customer(intake.desk)
    opened = intake.ingest(deliver(mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)))
    ours = f"<{(opened.ticket_id or '').lower()}.1.0.received@desk.example>"
    reply = mail(customer.contacts[0].email, "Re: ricevuta", "Aggiungo un dettaglio.", In_Reply_To=ours)

    record = intake.ingest(deliver(reply))

    assert (record.outcome, record.ticket_id) == (Outcome.APPENDED, opened.ticket_id)


def test_another_customers_mail_with_the_same_subject_tag_opens_its_own_ticket(
    intake: MailIntake, deliver: Deliver
) -> None:
    victim, other = new_customer(intake.desk), new_customer(intake.desk)
    opened = intake.ingest(deliver(mail(victim.contacts[0].email, "Richiesta", ITALIAN_REQUEST)))
    ticket_id = opened.ticket_id or ""
    stranger = mail(other.contacts[0].email, f"Re: [{ticket_id}] Richiesta", "Anche noi abbiamo lo stesso errore.")

    record = intake.ingest(deliver(stranger))

    assert record.outcome is Outcome.CREATED
    assert record.ticket_id != ticket_id
    assert record.customer_id == other.id
    assert ticket_id in record.reason
    assert intake.desk.get(OPERATOR, ticket_id).ticket.event_count == 1


def test_a_reply_to_a_closed_ticket_reopens_it_within_the_window_else_opens_a_linked_one(
    intake: MailIntake, deliver: Deliver, clock: Clock
) -> None:
    customer = new_customer(intake.desk)
    first = intake.ingest(deliver(mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)))
    ticket_id = first.ticket_id or ""
    for action, payload in ((Action.ACCEPT, {}), (Action.RESOLVE, {"resolution": "Riavviato"}), (Action.CLOSE, {})):
        intake.desk.act(OPERATOR, ticket_id, action, payload, None)
    clock.at += timedelta(days=2)

    reopened = intake.ingest(deliver(mail(customer.contacts[0].email, f"Re: [{ticket_id}]", "Di nuovo rotto.")))
    assert (reopened.outcome, reopened.ticket_id) == (Outcome.APPENDED, ticket_id)
    assert intake.desk.get(OPERATOR, ticket_id).ticket.status is Status.ACCEPTED

    intake.desk.act(OPERATOR, ticket_id, Action.RESOLVE, {"resolution": "Sistemato"}, None)
    clock.at += timedelta(days=30)
    late = intake.ingest(deliver(mail(customer.contacts[0].email, f"Re: [{ticket_id}]", "Ancora un problema.")))
    assert late.outcome is Outcome.CREATED
    assert late.ticket_id != ticket_id
    created = intake.desk.events(OPERATOR, late.ticket_id or "", limit=5, cursor=None).items[0]
    assert created.data["related_ticket"] == ticket_id


def test_an_out_of_office_answer_to_our_receipt_is_ignored_and_sends_nothing(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    customer = new_customer(intake.desk)
    opened = intake.ingest(deliver(mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)))
    sent_before = len(recorder.sent)
    ooo = mail(
        customer.contacts[0].email,
        f"Automatic reply: [{opened.ticket_id}] Richiesta ricevuta",
        "I am out of the office until Monday.",
    )

    record = intake.ingest(deliver(ooo))

    assert record.outcome is Outcome.IGNORED
    assert record.reason
    assert len(recorder.sent) == sent_before
    assert intake.desk.get(OPERATOR, opened.ticket_id or "").ticket.event_count == 1


def test_unknown_and_lapsed_senders_are_held_and_an_admin_releases_one(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    lapsed = new_customer(intake.desk, entitled=False)
    unknown = intake.ingest(deliver(mail("someone@nowhere.example", "Aiuto", ITALIAN_REQUEST)))
    not_entitled = intake.ingest(deliver(mail(lapsed.contacts[0].email, "Aiuto", ITALIAN_REQUEST)))
    assert (unknown.outcome, unknown.reason) == (Outcome.HELD, "unknown sender")
    assert (not_entitled.outcome, not_entitled.reason) == (Outcome.HELD, "customer not entitled")
    assert not any("someone@nowhere.example" in m.to[0][0] for m in recorder.sent)

    customer = new_customer(intake.desk)
    released = intake.release(unknown.id, customer.id, "admin@desk.example")

    assert (released.outcome, released.customer_id, released.released_by) == (
        Outcome.CREATED,
        customer.id,
        "admin@desk.example",
    )
    assert customer_tickets(intake.desk, customer) == [released.ticket_id]
    with pytest.raises(Conflict):
        intake.release(unknown.id, customer.id, "admin@desk.example")
    held = listed(intake, Outcome.HELD)
    assert unknown.id not in held
    assert not_entitled.id in held


def test_unreadable_oversize_and_looping_mail_is_quarantined_with_its_reason(
    intake: MailIntake, deliver: Deliver
) -> None:
    garbage = intake.ingest(deliver(b"\x00\x01 not a mail at all \xff\xfe"))
    assert garbage.outcome is Outcome.QUARANTINED
    assert garbage.reason
    assert intake.mailbox.quarantined_reason(garbage.blob) == garbage.reason

    small = replace(intake, settings=replace(intake.settings, max_message_bytes=100))
    big = small.ingest(deliver(mail("a@b.example", "Big", "x" * 500)))
    assert big.outcome is Outcome.QUARANTINED
    assert big.reason.startswith("over size limit")
    assert big.blob in big.reason  # not copied (it was not read): the original is where it says
    assert intake.mailbox.quarantined_reason(big.blob) is None

    looping = replace(intake, settings=replace(intake.settings, loop_max_messages=3))
    robot = f"robot-{uuid.uuid4().hex[:6]}@elsewhere.example"
    outcomes = [looping.ingest(deliver(mail(robot, "Ping", "pong"))).outcome for _ in range(5)]
    assert outcomes == [Outcome.HELD] * 3 + [Outcome.QUARANTINED] * 2


def test_a_blob_the_host_gave_up_on_is_recorded_as_quarantined(intake: MailIntake, deliver: Deliver) -> None:
    blob = deliver(mail("a@b.example", "x", "y"))
    record = intake.quarantine_poisoned(blob)
    assert (record.outcome, record.reason) == (Outcome.QUARANTINED, "failed every try")
    assert intake.mailbox.quarantined_reason(blob) == "failed every try"
    assert intake.ingest(blob) == record


def test_attachments_are_kept_within_limits_and_given_only_to_their_ticket(
    intake: MailIntake, deliver: Deliver
) -> None:
    customer = new_customer(intake.desk)
    message = EmailMessage()
    message["From"] = customer.contacts[0].email
    message["To"] = "support@desk.example"
    message["Subject"] = "Screenshot dell'errore"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.example>"
    message.set_content(ITALIAN_REQUEST)
    message.add_attachment(b"\x89PNG small", maintype="image", subtype="png", filename="../../errore.png")
    message.add_attachment(b"x" * 5000, maintype="application", subtype="pdf", filename="manuale.pdf")
    message.add_attachment(b"log line\n", maintype="text", subtype="plain", filename="server.log")
    message.add_attachment(b"one too many", maintype="text", subtype="plain", filename="extra.txt")

    record = intake.ingest(deliver(bytes(message)))

    ticket_id = record.ticket_id or ""
    created = intake.desk.events(OPERATOR, ticket_id, limit=5, cursor=None).items[0]
    kept = created.data["attachments"]
    assert [item["name"] for item in kept] == ["errore.png", "server.log"]
    assert {item["name"]: item["reason"] for item in created.data["attachments_left_out"]} == {
        "manuale.pdf": "too large",
        "extra.txt": "too many attachments",
    }
    files = TicketFiles(intake.desk, intake.files)
    downloaded = files.download(OPERATOR, ticket_id, kept[0]["id"])
    assert (downloaded.name, downloaded.content_type, downloaded.content) == (
        "errore.png",
        "image/png",
        b"\x89PNG small",
    )

    other = intake.ingest(deliver(mail(customer.contacts[0].email, "Altro", "Un'altra richiesta di assistenza.")))
    with pytest.raises(NotFound):
        files.download(OPERATOR, other.ticket_id or "", kept[0]["id"])
    with pytest.raises(NotFound):
        files.download(OPERATOR, ticket_id, "0" * 24 + ".0")


def test_admin_lists_page_newest_first_by_outcome(intake: MailIntake, deliver: Deliver) -> None:
    robot = f"noreply-{uuid.uuid4().hex[:6]}@elsewhere.example"
    ids = {intake.ingest(deliver(mail(robot, "Newsletter", "news", Precedence="bulk"))).id for _ in range(3)}

    pages = [intake.log.list(Outcome.IGNORED, limit=2, cursor=None)]
    while pages[-1].cursor is not None:
        pages.append(intake.log.list(Outcome.IGNORED, limit=50, cursor=pages[-1].cursor))
    listed = [record for page in pages for record in page.items]

    assert len(pages) > 1
    assert ids <= {record.id for record in listed}
    assert len({record.id for record in listed}) == len(listed)
    assert all(record.outcome is Outcome.IGNORED for record in listed)
    times = [record.received_at for record in listed]
    assert times == sorted(times, reverse=True)


def test_a_retry_after_the_ticket_committed_finishes_that_delivery_whatever_changed_since(
    intake: MailIntake, deliver: Deliver, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = new_customer(intake.desk)
    strict = replace(intake, settings=replace(intake.settings, loop_max_messages=1))
    blob = deliver(mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST))
    real_save = strict.log.save
    monkeypatch.setattr(strict.log, "save", lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("died")))
    with pytest.raises(RuntimeError):
        strict.ingest(blob)
    monkeypatch.setattr(strict.log, "save", real_save)
    intake.desk.customers.put(replace(customer, entitled=False))  # and the loop count is over its limit now

    record = strict.ingest(blob)

    assert record.outcome is Outcome.CREATED
    assert customer_tickets(intake.desk, customer) == [record.ticket_id]


def test_a_crash_between_the_list_rows_and_the_record_leaves_the_mail_listed(
    intake: MailIntake, deliver: Deliver, monkeypatch: pytest.MonkeyPatch
) -> None:
    blob = deliver(mail(f"nobody-{uuid.uuid4().hex[:6]}@unknown.example", "Aiuto", ITALIAN_REQUEST))
    table = intake.log._table
    real_upsert, writes = table.upsert_entity, []

    def flaky(entity: dict[str, object], **kwargs: object) -> object:
        writes.append(entity["PartitionKey"])
        if len(writes) == 3:
            raise RuntimeError("died before the record")
        return real_upsert(entity, **kwargs)

    monkeypatch.setattr(table, "upsert_entity", flaky)
    with pytest.raises(RuntimeError):
        intake.ingest(blob)
    monkeypatch.setattr(table, "upsert_entity", real_upsert)

    record = intake.ingest(blob)

    assert writes == ["list|all", "list|held", "record"]
    assert listed(intake, Outcome.HELD).count(record.id) == 1


def test_one_held_mail_released_to_two_customers_at_once_makes_one_ticket(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    stranger = f"someone-{uuid.uuid4().hex[:6]}@unknown.example"
    held = intake.ingest(deliver(mail(stranger, "Aiuto", ITALIAN_REQUEST)))
    first, second = new_customer(intake.desk), new_customer(intake.desk)
    results: list[object] = []

    def release(customer: Customer) -> None:
        try:
            results.append(intake.release(held.id, customer.id, "admin@desk.example"))
        except Conflict as refused:
            results.append(refused)

    threads = [threading.Thread(target=release, args=(c,)) for c in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    tickets = customer_tickets(intake.desk, first) + customer_tickets(intake.desk, second)
    assert len(tickets) == 1
    assert [m.to[0][0] for m in recorder.sent if ".received@" in m.message_id] == [stranger]
    assert any(isinstance(result, Conflict) for result in results)


def test_a_copy_of_an_unanswered_mail_is_read_anew(intake: MailIntake, deliver: Deliver) -> None:
    customer = new_customer(intake.desk)
    message_id = f"<{uuid.uuid4().hex}@client.example>"
    listed = mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST, List_Id="<team.lists.example>")
    direct = mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)
    listed = listed.replace(listed.split(b"Message-ID: ")[1].split(b"\n")[0], message_id.encode())
    direct = direct.replace(direct.split(b"Message-ID: ")[1].split(b"\n")[0], message_id.encode())

    ignored = intake.ingest(deliver(listed))
    answered = intake.ingest(deliver(direct))
    again = intake.ingest(deliver(direct))

    assert (ignored.outcome, ignored.reason) == (Outcome.IGNORED, "mailing list")
    assert answered.outcome is Outcome.CREATED
    assert (again.outcome, again.duplicate_of) == (Outcome.DUPLICATE, answered.id)


def test_bounces_over_the_loop_limit_are_still_ignored_not_quarantined(intake: MailIntake, deliver: Deliver) -> None:
    strict = replace(intake, settings=replace(intake.settings, loop_max_messages=2))
    daemon = f"MAILER-DAEMON@mx-{uuid.uuid4().hex[:6]}.example"
    outcomes = {strict.ingest(deliver(mail(daemon, "Undelivered Mail", "gone"))).outcome for _ in range(5)}
    assert outcomes == {Outcome.IGNORED}


def test_text_over_what_a_table_property_holds_is_clipped_not_refused(intake: MailIntake, deliver: Deliver) -> None:
    customer = new_customer(intake.desk)
    message = EmailMessage()
    message["From"] = f"{'Anna ' * 400}<{customer.contacts[0].email}>"  # a name the parser clips to 200
    message["To"] = "support@desk.example"
    message["Subject"] = "😀" * 500
    message["Message-ID"] = f"<{uuid.uuid4().hex}@client.example>"
    message.set_content("😀" * 25_000)
    for index in range(60):
        message.add_attachment(b"x" * 2000, maintype="text", subtype="plain", filename=f"{'файл' * 50}{index}.txt")

    record = intake.ingest(deliver(bytes(message)))

    assert record.outcome is Outcome.CREATED
    ticket = intake.desk.get(OPERATOR, record.ticket_id or "").ticket
    assert ticket.description.startswith("😀")
    assert len(ticket.description.encode("utf-16-le")) <= 40_000
    created = intake.desk.events(OPERATOR, ticket.id, limit=5, cursor=None).items[0]
    assert len(created.data["attachments_left_out"]) == 20
    assert created.data["attachments_left_out"][-1]["reason"] == "not listed"
