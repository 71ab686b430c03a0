"""Mail in, end to end, as ``make run`` serves it: raw mail goes in with ``python -m devhost ingest``
(the connector's stand-in), the local host's blob trigger takes it in, and the outcome is read
back from ``GET /api/admin/inbound`` with an admin token.

One host serves the module (its blob poll every 0.2 s); each test has customers of its own, with
domains of their own, so nothing here meets another test's or another engineer's mail. The
container ``inbound-email`` is the real one, shared with anyone else's host on the same Azurite.
"""

from __future__ import annotations

import email
import json
import os
import re
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Any

import pytest

from devhost.local_identity import local_auth_environment, mint_token
from shared.adapters.storage import DEVELOPMENT_STORAGE
from tests.e2e.devhost_process import PROJECT_ROOT, DevHost, running_devhost, wait_until

SUPPORT = "support@desk.localhost"
#: How long a mail may take from ``devhost ingest`` to its recorded outcome (poll 0.2 s, plus a
#: first poll that may meet the backlog of blobs other runs left in the shared container).
OUTCOME_SECONDS = 45.0
#: How long after a robot's outcome is recorded the test still watches the drop folder. The intake
#: hands a change's mail to the sender right after the commit and before it records the outcome,
#: so by then anything it would send has been sent; this covers a slow file system on top.
DISPATCH_WINDOW_SECONDS = 3.0
#: The received_at of a record older than this before a test began cannot be that test's.
CLOCK_SLACK = timedelta(minutes=5)
#: Pages of the admin list scanned for one record (newest first: it is near the top).
MAX_PAGES = 20


@dataclass(frozen=True)
class Company:
    """A customer the test made, its contact and the contact's bearer token."""

    id: str
    domain: str
    contact: str
    token: str


@dataclass
class Desk:
    """The running host, the tokens of the people that use it, and where its mail lands."""

    host: DevHost
    root: Path
    drop: Path
    admin: str
    started: datetime

    def call(self, method: str, path: str, token: str, body: object = None) -> Any:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        reply = self.host.request(method, path, None if body is None else json.dumps(body).encode(), headers)
        assert reply.status in (200, 201), (method, path, reply.status, reply.body[:500], self.host.output()[-3000:])
        return json.loads(reply.body)

    def company(self, language: str) -> Company:
        """A new entitled customer with one contact, whose fallback language is ``language``."""
        suffix = uuid.uuid4().hex[:10]
        company = Company(
            id=f"mailin-{suffix}",
            domain=f"mailin-{suffix}.example",
            contact=f"anna@mailin-{suffix}.example",
            token="",
        )
        document = {
            "name": f"Mail-in {suffix} S.r.l.",
            "entitled": True,
            "email_domains": [company.domain],
            "contacts": [{"email": company.contact, "name": "Anna Bianchi"}],
            "language": language,
        }
        self.call("PUT", f"/api/admin/customers/{company.id}", self.admin, document)
        token = mint_token(["customer"], company.id, subject=company.contact, root=self.root)
        return Company(company.id, company.domain, company.contact, token)

    def ingest(self, *files: Path) -> list[str]:
        """``python -m devhost ingest FILE...`` as a developer runs it; the blob of each file."""
        done = subprocess.run(
            [sys.executable, "-m", "devhost", "ingest", *map(str, files)],
            cwd=PROJECT_ROOT,
            env={**os.environ, "MailStorage": DEVELOPMENT_STORAGE},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, (done.stdout, done.stderr)
        lines = done.stdout.strip().splitlines()
        assert len(lines) == len(files), done.stdout
        return [line.rpartition(": ")[2] for line in lines]

    def outcome(self, blob: str) -> dict[str, Any]:
        """The admin list's record of ``blob``, waiting for the host to take it in."""
        found: dict[str, Any] = {}

        def recorded() -> bool:
            record = self.find(blob)
            if record is not None:
                found.update(record)
            return record is not None

        assert wait_until(recorded, OUTCOME_SECONDS, interval=0.2), f"no outcome for {blob}:\n{self.host.output()}"
        return found

    def find(self, blob: str, outcome: str | None = None) -> dict[str, Any] | None:
        """The record of ``blob`` among the newest of the admin list (``outcome`` keeps one
        list), or None. Stops at the first record older than the test run."""
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            query = "limit=100" + (f"&outcome={outcome}" if outcome else "") + (f"&cursor={cursor}" if cursor else "")
            page = self.call("GET", f"/api/admin/inbound?{query}", self.admin)
            for item in page["items"]:
                if item["blob"] == blob:
                    return dict(item)
            cursor = page["cursor"]
            older = [item for item in page["items"] if _instant(item["received_at"]) < self.started - CLOCK_SLACK]
            if cursor is None or older:
                return None
        return None

    def records_of(self, blob: str) -> list[dict[str, Any]]:
        """Every record of ``blob`` in the newest pages of the whole list."""
        records, cursor = [], None
        for _ in range(MAX_PAGES):
            page = self.call(
                "GET", "/api/admin/inbound?limit=100" + (f"&cursor={cursor}" if cursor else ""), self.admin
            )
            records += [item for item in page["items"] if item["blob"] == blob]
            cursor = page["cursor"]
            if cursor is None or any(_instant(i["received_at"]) < self.started - CLOCK_SLACK for i in page["items"]):
                break
        return records

    def ticket(self, company: Company, ticket_id: str) -> dict[str, Any]:
        return dict(self.call("GET", f"/api/tickets/{ticket_id}", company.token))

    def state(self, company: Company, ticket_id: str) -> tuple[object, ...]:
        """What a change to the ticket would change: its revision, status, last change and history
        (not its SLA view, which is computed as of each read)."""
        ticket = self.ticket(company, ticket_id)
        return ticket["revision"], ticket["status"], ticket["updated_at"], self.events(company, ticket_id)

    def events(self, company: Company, ticket_id: str) -> list[dict[str, Any]]:
        return list(self.call("GET", f"/api/tickets/{ticket_id}/events?limit=100", company.token)["items"])

    def tickets_of(self, company: Company) -> list[str]:
        return [item["id"] for item in self.call("GET", "/api/tickets?limit=100", company.token)["items"]]

    def receipt(self, ticket_id: str) -> EmailMessage:
        """The ``received`` mail of the ticket in the drop folder, waiting for it."""
        pattern = f"{ticket_id.lower()}.*.received@*.eml"
        assert wait_until(lambda: any(self.drop.glob(pattern)), OUTCOME_SECONDS), sorted(os.listdir(self.drop))
        [path] = self.drop.glob(pattern)
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message

    def write(self, message: EmailMessage) -> Path:
        path = self.root / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(message))
        return path

    def mail_in(self, message: EmailMessage) -> dict[str, Any]:
        """Ingest ``message`` and wait for its outcome."""
        [blob] = self.ingest(self.write(message))
        return self.outcome(blob)


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def mail(sender: str, to: str, subject: str, body: str, **headers: str) -> EmailMessage:
    """A plain-text mail as a mail client writes it (a fresh Message-ID, now as its date)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


ITALIAN_REQUEST = (
    "Buongiorno,\n\n"
    "da questa mattina nessuno dei nostri operatori riesce ad accedere al gestionale: dopo aver inserito "
    "utente e password la pagina resta bianca e poi compare un errore. Ieri sera funzionava tutto e non "
    "abbiamo cambiato nulla. Potete verificare con urgenza?\n\n"
    "Grazie,\nAnna Bianchi"
)


def quoted(message: EmailMessage) -> str:
    """The receipt's text as a mail client quotes it below a reply."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return "\n".join(f"> {line}" if line else ">" for line in str(part.get_content()).splitlines())


def concerns(path: Path, company: Company, ticket_id: str) -> bool:
    """Whether the dropped mail at ``path`` goes to someone at the company or names its ticket."""
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    to_company = any(address.endswith(f"@{company.domain}") for address in addresses(message, "To"))
    return to_company or ticket_id.lower() in path.name.lower() or ticket_id in str(message["Subject"])


def addresses(message: EmailMessage, header: str) -> list[str]:
    return [address.lower() for _, address in getaddresses([str(value) for value in message.get_all(header, [])])]


@pytest.fixture(scope="module")
def desk(azurite: bool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    root = tmp_path_factory.mktemp("mail-in")
    settings = {
        **local_auth_environment(root),
        "MailStorage": DEVELOPMENT_STORAGE,
        "DEVHOST_BLOB_POLL_SECONDS": "0.2",
        "MAIL_SENDER_KIND": "file",
        "MAIL_FROM": "DoNotReply@desk.localhost",
        "MAIL_REPLY_ADDRESS": SUPPORT,
        "MAIL_REPLY_TOKEN_KEY": secrets.token_urlsafe(32),
        "SUPPORT_TEAM_ADDRESS": "team@desk.localhost",
        "TICKET_PREFIX": "IZ",
    }
    with running_devhost("function_app:app", root, settings) as host:
        desk = Desk(host, root, root / "mail", mint_token(["admin"], root=root), datetime.now(UTC))
        yield desk
        assert host.stop() == 0, host.output()[-3000:]


def opened_by_mail(desk: Desk, company: Company, subject: str = "Errore al login del gestionale") -> dict[str, Any]:
    """A new ticket from the company's contact, by mail; its record."""
    record = desk.mail_in(mail(f"Anna Bianchi <{company.contact}>", SUPPORT, subject, ITALIAN_REQUEST))
    assert (record["outcome"], record["customer_id"]) == ("created", company.id), record
    return record


def test_an_italian_mail_from_a_contact_becomes_a_ticket_of_its_customer_with_a_receipt(desk: Desk) -> None:
    company = desk.company(language="en")

    record = opened_by_mail(desk, company)

    ticket_id = record["ticket_id"]
    assert re.fullmatch(r"IZ-\d{4}-\d{6,9}", ticket_id)
    assert record["sender"] == company.contact
    ticket = desk.ticket(company, ticket_id)
    assert (ticket["customer_id"], ticket["language"], ticket["channel"]) == (company.id, "it", "email")
    assert (ticket["contact_email"], ticket["subject"], ticket["status"]) == (
        company.contact,
        "Errore al login del gestionale",
        "new",
    )
    receipt = desk.receipt(ticket_id)
    assert addresses(receipt, "To") == [company.contact]
    assert f"[{ticket_id}]" in str(receipt["Subject"])
    [reply_to] = addresses(receipt, "Reply-To")
    assert reply_to.startswith(f"support+{ticket_id.lower()}.")
    assert reply_to.endswith("@desk.localhost")
    body = receipt.get_body(preferencelist=("plain",))
    assert body is not None
    assert "Gentile" in str(body.get_content())  # the receipt is written in the ticket's language


def test_replies_by_reply_address_and_by_in_reply_to_thread_without_the_quoted_receipt(desk: Desk) -> None:
    company = desk.company(language="it")
    ticket_id = opened_by_mail(desk, company)["ticket_id"]
    receipt = desk.receipt(ticket_id)
    [reply_to] = addresses(receipt, "Reply-To")
    sender = f"Anna Bianchi <{company.contact}>"
    attribution = f"Il giorno {format_datetime(datetime.now(UTC))} Assistenza <{SUPPORT}> ha scritto:"
    by_address = mail(
        sender,
        reply_to,
        "Re: la vostra ricevuta",  # no ticket tag: only the reply address names the ticket
        f"Ho riprovato con un altro browser e l'errore si ripete.\n\n{attribution}\n{quoted(receipt)}\n",
    )
    by_reference = mail(
        sender,
        SUPPORT,  # the plain support address: only In-Reply-To names the ticket
        "Re: ancora sul problema",
        f"Vi allego anche l'orario esatto: le 9:12.\n\n{attribution}\n{quoted(receipt)}\n",
        In_Reply_To=str(receipt["Message-ID"]),
        References=str(receipt["Message-ID"]),
    )

    first = desk.mail_in(by_address)
    second = desk.mail_in(by_reference)

    assert (first["outcome"], first["ticket_id"], first["customer_id"]) == ("appended", ticket_id, company.id)
    assert (second["outcome"], second["ticket_id"], second["customer_id"]) == ("appended", ticket_id, company.id)
    messages = [event for event in desk.events(company, ticket_id) if event["type"] == "message"]
    assert [(event["body"], event["data"].get("mail")) for event in messages] == [
        ("Ho riprovato con un altro browser e l'errore si ripete.", first["id"]),
        ("Vi allego anche l'orario esatto: le 9:12.", second["id"]),
    ]
    assert desk.tickets_of(company) == [ticket_id]


def test_another_customers_mail_with_the_ticket_tag_opens_its_own_ticket_and_leaves_the_first_alone(
    desk: Desk,
) -> None:
    owner, stranger = desk.company(language="it"), desk.company(language="it")
    ticket_id = opened_by_mail(desk, owner)["ticket_id"]
    receipt = desk.receipt(ticket_id)
    before = desk.state(owner, ticket_id)

    record = desk.mail_in(
        mail(
            f"Anna Bianchi <{stranger.contact}>",
            SUPPORT,
            f"Re: {receipt['Subject']}",  # carries the tag [IZ-…] of the owner's ticket
            "Anche da noi il gestionale non si apre da stamattina, stesso errore bianco.",
        )
    )

    assert record["outcome"] == "created", record
    assert record["customer_id"] == stranger.id
    assert record["ticket_id"] != ticket_id
    assert ticket_id in record["reason"]  # the refused thread is noted
    assert desk.tickets_of(stranger) == [record["ticket_id"]]
    assert desk.ticket(stranger, record["ticket_id"])["customer_id"] == stranger.id
    assert desk.state(owner, ticket_id) == before
    assert desk.tickets_of(owner) == [ticket_id]
    assert addresses(desk.receipt(record["ticket_id"]), "To") == [stranger.contact]


def test_out_of_office_answers_to_the_receipt_are_ignored_and_send_nothing(desk: Desk) -> None:
    company = desk.company(language="en")
    ticket_id = opened_by_mail(desk, company)["ticket_id"]
    receipt = desk.receipt(ticket_id)
    [reply_to] = addresses(receipt, "Reply-To")
    before = desk.state(company, ticket_id)
    sender = f"Anna Bianchi <{company.contact}>"
    outlook = mail(  # what Exchange sends: no RFC 3834 header at all, only the subject tells
        sender,
        reply_to,
        f"Automatic reply: {receipt['Subject']}",
        "I am out of the office until Monday 30 November with limited access to email.\n"
        "For urgent matters please contact my colleague Marco.",
        In_Reply_To=str(receipt["Message-ID"]),
        Thread_Topic=str(receipt["Subject"]),
        X_MS_Has_Attach="no",
    )
    vacation = mail(  # a vacation responder that says what it is (RFC 3834), with a person's subject
        sender,
        reply_to,
        f"Re: {receipt['Subject']}",
        "Sono fuori ufficio fino a lunedì. Risponderò al mio rientro.",
        In_Reply_To=str(receipt["Message-ID"]),
        Auto_Submitted="auto-replied",
    )
    dropped = set(desk.drop.glob("*.eml"))

    def answered() -> list[str]:
        """New mail in the drop folder that the out-of-office mails could have caused: to the
        company or about its ticket. (The host serves the shared container: a blob another run
        left there may drop a mail of its own meanwhile, to its own customer.)"""
        new = set(desk.drop.glob("*.eml")) - dropped
        return sorted(path.name for path in new if concerns(path, company, ticket_id))

    blobs = desk.ingest(desk.write(outlook), desk.write(vacation))
    records = [desk.outcome(blob) for blob in blobs]
    deadline = time.monotonic() + DISPATCH_WINDOW_SECONDS
    while time.monotonic() < deadline:  # watch the folder for the whole window, not once at its end
        assert answered() == []
        time.sleep(0.2)

    assert [(r["outcome"], r["reason"]) for r in records] == [
        ("ignored", "out-of-office subject"),
        ("ignored", "auto-submitted: auto-replied"),
    ]
    assert all(record["ticket_id"] is None for record in records)
    assert answered() == []
    assert desk.state(company, ticket_id) == before
    assert desk.tickets_of(company) == [ticket_id]


def test_the_same_file_ingested_twice_is_one_ticket_and_a_duplicate(desk: Desk) -> None:
    company = desk.company(language="it")
    path = desk.write(mail(f"Anna Bianchi <{company.contact}>", SUPPORT, "Stampa bloccata", ITALIAN_REQUEST))
    [first_blob] = desk.ingest(path)
    first = desk.outcome(first_blob)
    stamp = first_blob.rsplit("/", 1)[1].split("-")[0]  # the upload's second names the blob
    assert wait_until(lambda: f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}" != stamp, 5)

    [second_blob] = desk.ingest(path)
    second = desk.outcome(second_blob)

    assert second_blob != first_blob
    assert first["outcome"] == "created"
    assert (second["outcome"], second["duplicate_of"], second["ticket_id"]) == ("duplicate", first["id"], None)
    assert second["message_id"] == first["message_id"]
    assert desk.tickets_of(company) == [first["ticket_id"]]
    assert [record["id"] for record in desk.records_of(first_blob)] == [first["id"]]
    assert [record["id"] for record in desk.records_of(second_blob)] == [second["id"]]
    desk.receipt(str(first["ticket_id"]))  # the ticket's receipt, waited for: it leaves after the commit
    receipts = list(desk.drop.glob(f"{str(first['ticket_id']).lower()}.*.received@*.eml"))
    assert len(receipts) == 1  # and the duplicate sent none
