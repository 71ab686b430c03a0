"""The whole mail corpus (tests/data/mail) through the intake on Azurite: every raw message ends
in exactly one recorded outcome with no exception escaping, taking it in again changes nothing,
the crafted mails end as ``crafted/expected.tsv`` says, and no robot's mail is ever answered.

The run has a storage namespace of its own: every table and container of the app under a name
with the run's suffix, deleted at the end. The corpus' Message-IDs, senders and domains are the
same on every run, and Azurite is shared: in the app's own tables a second run would find each
Message-ID claimed (every mail a duplicate) and the crafted senders' domains owned by the first
run's customer; in the app's own ``inbound-email`` any local host polling it would take the
run's mail in before the test does.

One entitled customer owns the domains of the crafted requests' and replies' senders, and the
first ticket of the run's numbering is IZ-2026-000123, the ticket the crafted replies answer.
"""

from __future__ import annotations

import csv
import secrets
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from shared.adapters.mail.parse import parse_message
from shared.config.inbound import InboundSettings
from shared.domain.customers import Customer
from shared.domain.history import EventType
from shared.domain.inbound.message import UnparseableMail
from shared.domain.inbound.record import InboundRecord, Outcome
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from shared.usecases.desk import NewTicket
from shared.usecases.dispatch import MailIdentity
from shared.usecases.intake import MailIntake
from tests.integration.conftest import Clock, staff_caller
from tests.integration.test_escalation import Recorder
from tests.run_storage import mail_intake, run_storage

CORPUS = Path(__file__).resolve().parents[1] / "data" / "mail"
#: Files of the corpus that are not mail: licences, notices, documentation, the indexes.
NOT_MAIL_STEMS = ("LICENSE", "NOTICE", "README", "COPYING")
NOT_MAIL_NAMES = frozenset({"manifest.tsv", "expected.tsv"})
#: The desk the crafted mails were written to (crafted/README: its address and Message-ID domain).
IDENTITY = MailIdentity(
    "donotreply@desk.localhost", "Assistenza", "support@desk.localhost", secrets.token_bytes(32), "desk.localhost"
)
#: The ticket the crafted replies answer.
REPLIED_TICKET = "IZ-2026-000123"
ROME = ZoneInfo("Europe/Rome")
OPERATOR = staff_caller("olga@desk.example", Role.OPERATOR)
ANSWERED = frozenset({Outcome.CREATED, Outcome.APPENDED})


def corpus_files() -> list[Path]:
    """Every raw message of the corpus, by path (anything that is not a licence, notice,
    documentation, index or hidden file)."""
    return sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file()
        and not path.name.startswith(".")
        and path.name not in NOT_MAIL_NAMES
        and not path.name.upper().startswith(NOT_MAIL_STEMS)
    )


def crafted_expectations() -> dict[str, dict[str, str]]:
    """``crafted/expected.tsv`` by file name: kind, language and note."""
    with (CORPUS / "crafted" / "expected.tsv").open(encoding="utf-8", newline="") as table:
        return {row["file"]: row for row in csv.DictReader(table, delimiter="\t")}


@dataclass
class Ingested:
    """What became of one file, each time the run took it in: the record, or the exception that
    escaped, and the mails sent meanwhile."""

    path: Path
    blob: str
    records: list[InboundRecord] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.relative_to(CORPUS).as_posix()


@dataclass
class CorpusRun:
    """The run's intake, customer and what each file became."""

    intake: MailIntake
    customer: Customer
    files: list[Ingested]
    tickets_after_first: list[str]
    tickets_after_again: list[str]
    tickets_after_redelivery: list[str]
    log_after_first: list[InboundRecord]
    log_after_again: list[InboundRecord]
    redelivered: dict[str, Ingested]

    def crafted(self, name: str) -> Ingested:
        return next(item for item in self.files if item.name == f"crafted/{name}")


def tickets_of(intake: MailIntake, customer: Customer) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = intake.desk.tickets.list_for_customer(customer.id, status=None, limit=100, cursor=cursor)
        ids += [ticket.id for ticket in page.items]
        cursor = page.cursor
        if cursor is None:
            return sorted(ids)


def whole_log(intake: MailIntake) -> list[InboundRecord]:
    records: list[InboundRecord] = []
    cursor: str | None = None
    while True:
        page = intake.log.list(None, limit=100, cursor=cursor)
        records += page.items
        cursor = page.cursor
        if cursor is None:
            return sorted(records, key=lambda record: record.id)


def take_in(intake: MailIntake, recorder: Recorder, item: Ingested) -> None:
    """Ingest the item's blob once, keeping its record or the exception and the mails it sent."""
    before = len(recorder.sent)
    try:
        item.records.append(intake.ingest(item.blob))
    except Exception as error:  # the point of the test: nothing may escape, so catch it all and report
        item.errors.append(f"{type(error).__name__}: {error}")
    item.sent.append(len(recorder.sent) - before)


def customer_domains(expected: dict[str, dict[str, str]]) -> tuple[str, ...]:
    """The sender domains of the crafted requests and replies."""
    domains: set[str] = set()
    for name, row in expected.items():
        if row["kind"] in ("request", "reply"):
            message = parse_message((CORPUS / "crafted" / name).read_bytes())
            assert message.sender is not None
            domains.add(message.sender.domain)
    return tuple(sorted(domains))


@pytest.fixture(scope="module")
def corpus_run(table_service: TableServiceClient, blob_service: BlobServiceClient) -> Iterator[CorpusRun]:
    with run_storage(table_service, blob_service, f"c{uuid.uuid4().hex[:10]}") as (tables, blobs):
        yield ingest_corpus(tables, blobs)


def ingest_corpus(tables: TableServiceClient, blobs: BlobServiceClient) -> CorpusRun:
    clock = Clock(datetime(2026, 11, 26, 10, 0, tzinfo=ROME))
    recorder = Recorder()
    intake = mail_intake(
        tables,
        blobs,
        clock=clock,
        sender=recorder,
        identity=IDENTITY,
        # one sender writes many corpus mails, and one customer receives them all
        settings=InboundSettings(loop_max_messages=10_000, customer_max_messages=10_000),
    )
    desk = intake.desk
    customer = desk.customers.put(
        Customer(
            id="corpus-customer",
            name="Clienti del corpus S.p.A.",
            entitled=True,
            email_domains=customer_domains(crafted_expectations()),
            contacts=(),
            language=Language.ENGLISH,
        )
    )
    while (number := desk.tickets.allocate_id("IZ", 2026, "corpus-elsewhere")) < "IZ-2026-000122":
        assert number.startswith("IZ-2026-")
    replied = desk.open(
        OPERATOR,
        NewTicket(
            subject="The ticket the crafted replies answer",
            description="Opened before the corpus comes in, so that the replies have a ticket to thread onto.",
            customer_id=customer.id,
            contact_email=f"contact@{customer.email_domains[0]}",
        ),
    )
    assert replied.ticket.id == REPLIED_TICKET
    sent_before = len(recorder.sent)

    files = [Ingested(path, f"corpus/{path.relative_to(CORPUS).as_posix()}") for path in corpus_files()]
    for item in files:
        intake.mailbox.put(item.blob, item.path.read_bytes())
    for item in files:
        take_in(intake, recorder, item)
    tickets_after_first, log_after_first = tickets_of(intake, customer), whole_log(intake)

    for item in files:  # the same blobs again, as a host delivers a blob twice
        take_in(intake, recorder, item)
    tickets_after_again, log_after_again = tickets_of(intake, customer), whole_log(intake)

    redelivered = {}
    for item in files:  # the same bytes again under new names, as a connector that fetched them twice
        again = Ingested(item.path, f"again/{item.blob}")
        intake.mailbox.put(again.blob, item.path.read_bytes())
        take_in(intake, recorder, again)
        redelivered[item.name] = again
    assert sent_before > 0  # the ticket opened for the replies sent its receipt: the recorder records
    return CorpusRun(
        intake,
        customer,
        files,
        tickets_after_first,
        tickets_after_again,
        tickets_of(intake, customer),
        log_after_first,
        log_after_again,
        redelivered,
    )


def test_the_corpus_holds_every_sample_of_the_manifest_and_every_crafted_mail(corpus_run: CorpusRun) -> None:
    with (CORPUS / "manifest.tsv").open(encoding="utf-8", newline="") as table:
        samples = {row["path"] for row in csv.DictReader(table, delimiter="\t")}
    taken = {item.name for item in corpus_run.files}
    assert samples <= taken
    assert {f"crafted/{name}" for name in crafted_expectations()} <= taken
    assert len(taken) == len(samples) + len(crafted_expectations())


def test_every_message_reaches_exactly_one_recorded_outcome_with_no_exception(corpus_run: CorpusRun) -> None:
    escaped = {item.name: item.errors for item in corpus_run.files if item.errors}
    assert escaped == {}
    for item in corpus_run.files:
        [record, _] = item.records
        assert corpus_run.intake.log.get(record.id) == record, item.name
        assert record.blob == item.blob
    listed = Counter(record.blob for record in corpus_run.log_after_first)
    assert listed == Counter(item.blob for item in corpus_run.files)  # one record per file, no other


def test_the_outcomes_agree_with_the_mail_and_the_quarantine(corpus_run: CorpusRun) -> None:
    for item in corpus_run.files:
        record = item.records[0]
        if record.outcome is Outcome.QUARANTINED:
            assert record.reason, item.name
            assert corpus_run.intake.mailbox.quarantined_reason(item.blob) == record.reason, item.name
            if record.reason == "no sender":  # a person's mail (no robot sign) with nobody to answer
                assert parse_message(item.path.read_bytes()).sender is None, item.name
            else:
                with pytest.raises(UnparseableMail):
                    parse_message(item.path.read_bytes())
        else:
            message = parse_message(item.path.read_bytes())
            assert record.message_id == message.message_id, item.name
        if record.outcome in ANSWERED:
            assert (record.customer_id, record.ticket_id is not None) == (corpus_run.customer.id, True), item.name
        if record.outcome is Outcome.DUPLICATE:
            first = corpus_run.intake.log.get(record.duplicate_of or "")
            assert first is not None, item.name
            assert first.message_id == record.message_id, item.name


def test_taking_in_the_same_blobs_again_changes_nothing(corpus_run: CorpusRun) -> None:
    for item in corpus_run.files:
        first, again = item.records
        assert again == first, item.name
    assert corpus_run.log_after_again == corpus_run.log_after_first
    assert corpus_run.tickets_after_again == corpus_run.tickets_after_first


def test_the_same_mails_delivered_again_under_new_names_are_duplicates_and_open_nothing(corpus_run: CorpusRun) -> None:
    for item in corpus_run.files:
        first = item.records[0]
        [again] = corpus_run.redelivered[item.name].records
        if first.outcome is Outcome.QUARANTINED and not first.message_id:  # unread: no Message-ID claimed
            assert (again.outcome, again.reason) == (first.outcome, first.reason), item.name
        else:  # answered, or never answered and not to be answered now either
            assert (again.outcome, again.duplicate_of) == (Outcome.DUPLICATE, first.duplicate_of or first.id), item.name
        assert corpus_run.redelivered[item.name].sent == [0], item.name
    assert corpus_run.tickets_after_redelivery == corpus_run.tickets_after_first


@pytest.mark.parametrize("kind", ["request", "reply", "automatic", "unparseable"])
def test_the_crafted_mails_end_as_expected(corpus_run: CorpusRun, kind: str) -> None:
    wanted = {
        "request": Outcome.CREATED,
        "reply": Outcome.APPENDED,
        "automatic": Outcome.IGNORED,
        "unparseable": Outcome.QUARANTINED,
    }[kind]
    names = [name for name, row in crafted_expectations().items() if row["kind"] == kind]
    assert names
    outcomes = {name: corpus_run.crafted(name).records[0] for name in names}
    assert {name: record.outcome for name, record in outcomes.items() if record.outcome is not wanted} == {}
    if kind == "reply":
        assert {record.ticket_id for record in outcomes.values()} == {REPLIED_TICKET}
        history = corpus_run.intake.desk.events(OPERATOR, REPLIED_TICKET, limit=100, cursor=None).items
        threaded = sorted(str(event.data.get("mail")) for event in history if event.type is EventType.MESSAGE)
        assert threaded == sorted(record.id for record in outcomes.values())
    if kind == "request":
        assert len({record.ticket_id for record in outcomes.values()}) == len(names)


def test_no_robot_held_or_quarantined_mail_ever_sends_a_mail(corpus_run: CorpusRun) -> None:
    silent = {Outcome.IGNORED, Outcome.HELD, Outcome.QUARANTINED, Outcome.DUPLICATE}
    noisy = {
        item.name: (item.records[0].outcome.value, item.sent)
        for item in corpus_run.files
        if item.records and item.records[0].outcome in silent and any(item.sent)
    }
    assert noisy == {}
    automatic = [name for name, row in crafted_expectations().items() if row["kind"] == "automatic"]
    assert all(corpus_run.crafted(name).sent == [0, 0] for name in automatic)
    created = [item for item in corpus_run.files if item.records and item.records[0].outcome is Outcome.CREATED]
    assert all(item.sent[0] == 1 for item in created)  # the receipt, and only it (no team address set)
