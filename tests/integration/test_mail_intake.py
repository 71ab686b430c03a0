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

from shared.adapters.mail.parse import parse_message
from shared.adapters.mail.render import render
from shared.adapters.stores.attachments import AttachmentStore
from shared.adapters.stores.inbound_log import InboundLog
from shared.adapters.stores.mail_budget import MailBudgetStore
from shared.adapters.stores.mailbox import RawMailStore
from shared.adapters.stores.outbox import OutboxStore
from shared.config.inbound import InboundSettings
from shared.domain.customers import Contact, Customer
from shared.domain.errors import Conflict, NotFound
from shared.domain.history import EventType
from shared.domain.inbound.record import InboundRecord, Outcome, mail_id_of
from shared.domain.language import Language
from shared.domain.lifecycle import Action, Role, Status
from shared.domain.reply_token import reply_address
from shared.usecases.desk import Desk
from shared.usecases.dispatch import Dispatcher, MailIdentity
from shared.usecases.files import TicketFiles
from shared.usecases.intake import MailIntake
from shared.usecases.notifier import Notifier
from shared.usecases.stored import MailCount, MessageClaim
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
    dispatcher = Dispatcher(outbox, recorder, render, IDENTITY, clock, mail_budget)
    return replace(desk, notifier=Notifier(outbox, dispatcher, "team@desk.example", None))


@pytest.fixture
def intake(
    mailing_desk: Desk, table_service: TableServiceClient, blob_service: BlobServiceClient, clock: Clock
) -> MailIntake:
    return MailIntake(
        desk=mailing_desk,
        tickets=mailing_desk.tickets,
        customers=mailing_desk.customers,
        log=InboundLog(table_service),
        mailbox=RawMailStore(blob_service),
        files=AttachmentStore(blob_service),
        parse=parse_message,
        identity=IDENTITY,
        settings=InboundSettings(
            loop_max_messages=1000, customer_max_messages=1000, max_attachments=2, max_attachment_bytes=1000
        ),
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


def test_unreadable_and_oversize_mail_is_quarantined_with_its_reason(intake: MailIntake, deliver: Deliver) -> None:
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
    files = TicketFiles(intake.desk, intake.tickets, intake.files)
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


def test_a_display_name_and_subject_with_encoded_line_breaks_reach_the_ticket_as_one_line(
    intake: MailIntake, deliver: Deliver
) -> None:
    customer = new_customer(intake.desk)
    raw = (
        f"From: =?utf-8?q?Anna=0D=0ABcc=3A_x?= <{customer.contacts[0].email}>\r\n"
        "To: support@desk.example\r\n"
        "Subject: =?utf-8?q?Errore=0D=0ABcc=3A_x=40evil.example?=\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@client.example>\r\n\r\n{ITALIAN_REQUEST}\r\n"
    ).encode()

    record = intake.ingest(deliver(raw))

    assert record.outcome is Outcome.CREATED
    ticket = intake.desk.get(OPERATOR, record.ticket_id or "").ticket
    assert (ticket.contact_name, ticket.subject) == ("Anna Bcc: x", "Errore Bcc: x@evil.example")


def test_a_mail_over_the_header_line_limit_is_quarantined_with_that_reason(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    customer = new_customer(intake.desk)
    raw = mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)
    crowded = raw.replace(b"\nSubject:", b"\n" + b"X: y\r\n" * 10_000 + b"Subject:", 1)
    sent_before = len(recorder.sent)

    record = intake.ingest(deliver(crowded))

    assert (record.outcome, record.reason) == (Outcome.QUARANTINED, "too many header lines")
    assert intake.mailbox.quarantined_reason(record.blob) == "too many header lines"
    assert customer_tickets(intake.desk, customer) == []
    assert len(recorder.sent) == sent_before


@pytest.mark.parametrize(
    ("shown", "reason"),
    [
        ("{contact} <attacker@evil.example>", "From does not parse strictly"),
        ('"{contact}" <attacker@evil.example>', "From's display name is another address ({contact})"),
    ],
)
def test_a_from_showing_a_contact_over_another_address_is_held_never_threaded_or_answered(
    intake: MailIntake, deliver: Deliver, recorder: Recorder, shown: str, reason: str
) -> None:
    customer = new_customer(intake.desk)
    contact = customer.contacts[0].email
    opened = intake.ingest(deliver(mail(contact, "Richiesta", ITALIAN_REQUEST)))
    ticket_id = opened.ticket_id or ""
    sent_before = len(recorder.sent)
    spoofed = mail(shown.format(contact=contact), f"Re: [{ticket_id}] Richiesta", "Chiudete pure il ticket.")

    record = intake.ingest(deliver(spoofed))

    assert (record.outcome, record.reason) == (Outcome.HELD, reason.format(contact=contact))
    assert (record.sender, record.customer_id, record.ticket_id) == ("attacker@evil.example", None, None)
    assert intake.desk.get(OPERATOR, ticket_id).ticket.event_count == 1
    assert len(recorder.sent) == sent_before


# --- loops and floods: counted per sender and per customer, held for an admin ------------------------


def with_colleague(desk: Desk, customer: Customer) -> Customer:
    """The customer with a second contact, Marco."""
    marco = Contact(f"marco@{customer.email_domains[0]}", "Marco Rossi")
    return desk.customers.put(replace(customer, contacts=(*customer.contacts, marco)))


def test_spoofed_mails_from_a_contact_hold_its_genuine_mail_for_an_admin_and_spare_its_colleagues(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    guarded = replace(intake, settings=InboundSettings())  # the default limits
    customer = with_colleague(intake.desk, new_customer(intake.desk))
    anna, marco = (contact.email for contact in customer.contacts)
    for index in range(21):
        guarded.ingest(deliver(mail(anna, f"Spam {index}", "Comprate adesso.")))
    sent_before = len(recorder.sent)

    genuine = guarded.ingest(deliver(mail(anna, "Errore 500 al login", ITALIAN_REQUEST)))
    colleague = guarded.ingest(deliver(mail(marco, "Stampa bloccata", ITALIAN_REQUEST)))

    assert (genuine.outcome, genuine.customer_id) == (Outcome.HELD, customer.id)
    assert genuine.reason == "suspected loop: 22 messages from the sender in 10 minutes"
    assert colleague.outcome is Outcome.CREATED
    assert [m.to[0][0] for m in recorder.sent[sent_before:] if ".received@" in m.message_id] == [marco]
    released = guarded.release(genuine.id, customer.id, "admin@desk.example")
    assert (released.outcome, released.released_by) == (Outcome.CREATED, "admin@desk.example")
    assert guarded.desk.get(OPERATOR, released.ticket_id or "").ticket.subject == "Errore 500 al login"


def test_rotating_addresses_of_an_entitled_domain_open_no_more_tickets_than_the_customer_limit(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    guarded = replace(intake, settings=InboundSettings())  # the default limits
    customer = new_customer(intake.desk)
    domain = customer.email_domains[0]
    sent_before = len(recorder.sent)

    records = [
        guarded.ingest(deliver(mail(f"x{index}@{domain}", f"Richiesta {index}", "Testo."))) for index in range(30)
    ]

    limit = InboundSettings().customer_max_messages
    assert [record.outcome for record in records] == [Outcome.CREATED] * limit + [Outcome.HELD] * (30 - limit)
    assert records[-1].reason == "flood: 30 messages for the customer in 10 minutes"
    assert len(customer_tickets(intake.desk, customer)) == limit
    receipts = [m for m in recorder.sent[sent_before:] if ".received@" in m.message_id]
    assert len(receipts) == limit


def test_the_counts_start_again_in_the_next_window(intake: MailIntake, deliver: Deliver, clock: Clock) -> None:
    guarded = replace(intake, settings=replace(intake.settings, loop_max_messages=2, customer_max_messages=3))
    customer = new_customer(intake.desk)
    anna = customer.contacts[0].email
    clock.at = clock.at.replace(minute=0, second=0, microsecond=0)
    held = [guarded.ingest(deliver(mail(anna, f"R{index}", "Testo."))).outcome for index in range(3)]
    clock.at += timedelta(minutes=10)
    later = guarded.ingest(deliver(mail(anna, "Dopo", "Testo.")))

    assert held == [Outcome.CREATED, Outcome.CREATED, Outcome.HELD]
    assert later.outcome is Outcome.CREATED


def test_a_mail_quarantined_as_a_suspected_loop_is_released_by_an_admin(intake: MailIntake, deliver: Deliver) -> None:
    """Before loops were held they were quarantined: such a mail is released like a held one."""
    customer = new_customer(intake.desk)
    raw = mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)
    blob = deliver(raw)
    record = InboundRecord(
        mail_id_of(blob),
        blob,
        Outcome.QUARANTINED,
        datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        reason="suspected loop: 21 messages from the sender in 10 minutes",
        sender=customer.contacts[0].email,
    )
    message_id = raw.split(b"Message-ID: ")[1].split(b"\n")[0].decode().strip()
    intake.log.claim_message_id(message_id, record.id)
    intake.log.save(record)

    released = intake.release(record.id, customer.id, "admin@desk.example")

    assert (released.outcome, released.customer_id) == (Outcome.CREATED, customer.id)
    assert record.id not in listed(intake, Outcome.QUARANTINED)
    unreadable = intake.ingest(deliver(b"\x00 not a mail"))
    with pytest.raises(Conflict):
        intake.release(unreadable.id, customer.id, "admin@desk.example")


def test_counts_made_at_once_by_many_workers_lose_none(intake: MailIntake, clock: Clock) -> None:
    customer_id = f"count-{uuid.uuid4().hex[:8]}"
    counted: list[MailCount] = []

    def count(sender: str) -> None:
        for _ in range(5):
            counted.append(intake.log.count_mail(customer_id, sender, clock(), timedelta(minutes=10), 1000))

    threads = [threading.Thread(target=count, args=(f"s{index % 2}@x.example",)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(c.customer for c in counted) == list(range(1, 31))
    assert sorted(c.sender for c in counted) == sorted([*range(1, 16), *range(1, 16)])


def with_message_id(raw: bytes, message_id: str) -> bytes:
    return raw.replace(raw.split(b"Message-ID: ")[1].split(b"\n")[0], message_id.encode())


def test_a_contacts_mail_takes_its_message_id_over_from_a_held_mail(
    intake: MailIntake, deliver: Deliver, recorder: Recorder
) -> None:
    customer = new_customer(intake.desk)
    message_id = f"<{uuid.uuid4().hex}@client.example>"
    spoofed = mail(f"{customer.contacts[0].email} <attacker@evil.example>", "Richiesta", "Testo.")
    genuine = mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST)

    held = intake.ingest(deliver(with_message_id(spoofed, message_id)))
    answered = intake.ingest(deliver(with_message_id(genuine, message_id)))

    assert held.outcome is Outcome.HELD
    assert (answered.outcome, answered.customer_id) == (Outcome.CREATED, customer.id)
    receipts = [m for m in recorder.sent if ".received@" in m.message_id and m.to[0][0] == customer.contacts[0].email]
    assert len(receipts) == 1
    with pytest.raises(Conflict):  # its Message-ID is the genuine mail's now
        intake.release(held.id, customer.id, "admin@desk.example")


def test_a_copy_of_a_held_mail_that_would_be_held_too_is_a_duplicate_and_the_first_stays_releasable(
    intake: MailIntake, deliver: Deliver
) -> None:
    stranger = mail(f"someone-{uuid.uuid4().hex[:6]}@unknown.example", "Aiuto", ITALIAN_REQUEST)
    first = intake.ingest(deliver(stranger))
    copy = intake.ingest(deliver(stranger))

    assert first.outcome is Outcome.HELD
    assert (copy.outcome, copy.duplicate_of) == (Outcome.DUPLICATE, first.id)
    customer = new_customer(intake.desk)
    assert intake.release(first.id, customer.id, "admin@desk.example").outcome is Outcome.CREATED


def test_a_copy_taking_the_message_id_over_while_a_release_starts_leaves_one_ticket(
    intake: MailIntake, deliver: Deliver, monkeypatch: pytest.MonkeyPatch
) -> None:
    customer = new_customer(intake.desk)
    message_id = f"<{uuid.uuid4().hex}@client.example>"
    stranger = mail(f"someone-{uuid.uuid4().hex[:6]}@unknown.example", "Richiesta", ITALIAN_REQUEST)
    held = intake.ingest(deliver(with_message_id(stranger, message_id)))
    copy = deliver(with_message_id(mail(customer.contacts[0].email, "Richiesta", ITALIAN_REQUEST), message_id))
    real_claim = intake.log.claim_message_id

    def claim_then_copy(claimed: str, mail_id: str) -> MessageClaim:
        claim = real_claim(claimed, mail_id)
        if mail_id == held.id:  # the release has read the claim; the copy takes it over before it writes
            monkeypatch.setattr(intake.log, "claim_message_id", real_claim)
            assert intake.ingest(copy).outcome is Outcome.CREATED
        return claim

    monkeypatch.setattr(intake.log, "claim_message_id", claim_then_copy)
    with pytest.raises(Conflict):
        intake.release(held.id, customer.id, "admin@desk.example")

    assert len(customer_tickets(intake.desk, customer)) == 1
