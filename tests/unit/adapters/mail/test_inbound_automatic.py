"""Telling robots from people: the crafted mails' expectations, the samples' tags and each rule."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import pytest

from shared.adapters.language_detection import detect_language
from shared.adapters.mail.parse import parse_message
from shared.domain.inbound.automatic import automatic_reason
from shared.domain.inbound.message import InboundMessage, Mailbox, UnparseableMail
from shared.domain.language import Language

CORPUS = Path(__file__).parents[3] / "data" / "mail"
CRAFTED = CORPUS / "crafted"
OWN_ADDRESSES = frozenset({"support@desk.localhost"})
OWN_DOMAIN = "desk.localhost"


def reason(message: InboundMessage) -> str | None:
    return automatic_reason(message, OWN_ADDRESSES, OWN_DOMAIN)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as table:
        return list(csv.DictReader(table, delimiter="\t"))


EXPECTED = rows(CRAFTED / "expected.tsv")


def test_every_crafted_mail_has_an_expectation_and_the_mix_is_broad() -> None:
    assert sorted(row["file"] for row in EXPECTED) == sorted(path.name for path in CRAFTED.glob("*.eml"))
    requests = [row for row in EXPECTED if row["kind"] == "request"]
    assert sum(row["language"] == "it" for row in requests) >= 12
    assert sum(row["language"] == "en" for row in requests) >= 12
    assert {row["kind"] for row in EXPECTED} == {"request", "reply", "automatic", "unparseable"}


@pytest.mark.parametrize("row", EXPECTED, ids=lambda row: row["file"])
def test_crafted_mails_are_classified_as_expected(row: dict[str, str]) -> None:
    raw = (CRAFTED / row["file"]).read_bytes()
    if row["kind"] == "unparseable":  # refused by the parser, or a person's mail with no sender to answer
        try:
            unanswerable = parse_message(raw)
        except UnparseableMail:
            return
        assert unanswerable.sender is None
        assert reason(unanswerable) is None
        return
    message = parse_message(raw)
    if row["kind"] == "automatic":
        assert reason(message) is not None
    else:
        assert reason(message) is None
    if row["kind"] == "reply":
        assert message.in_reply_to == ("<iz-2026-000123.1.0.received@desk.localhost>",)
        assert "[IZ-2026-000123]" in message.subject


@pytest.mark.parametrize(
    "row", [row for row in EXPECTED if row["kind"] in ("request", "reply")], ids=lambda row: row["file"]
)
def test_the_stored_text_of_crafted_requests_and_replies_is_in_their_language(row: dict[str, str]) -> None:
    message = parse_message((CRAFTED / row["file"]).read_bytes())
    opposite = Language.ENGLISH if row["language"] == "it" else Language.ITALIAN
    assert detect_language(f"{message.subject}\n{message.reply_text}", opposite) == Language(row["language"])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ooo-en-rfc3834.eml", "auto-submitted: auto-replied"),
        ("ooo-it-rfc3834.eml", "auto-submitted: auto-replied"),
        ("ooo-en-outlook-automatic-reply.eml", "out-of-office subject"),
        ("ooo-it-outlook-risposta-automatica.eml", "out-of-office subject"),
        ("ooo-it-fuori-sede.eml", "out-of-office subject"),
        ("bounce-dsn-mailer-daemon.eml", "auto-submitted: auto-replied"),
        ("bounce-it-postmaster-plain.eml", "robot sender"),
        ("own-mail-loop.eml", "own mail"),
        ("noreply-billing-notice.eml", "robot sender"),
        ("list-newsletter-it.eml", "mailing list"),
        ("read-receipt-it.eml", "delivery report"),
    ],
)
def test_each_crafted_robot_gets_its_reason(name: str, expected: str) -> None:
    assert reason(parse_message((CRAFTED / name).read_bytes())) == expected


# --- the samples' manifest tags --------------------------------------------------------------

#: Manifest tags judged wrong, or rules of ours that are stricter than the tags, with why.
TAGS_JUDGED_WRONG = {
    # An ARF abuse report (multipart/report); the tagger missed it because a byte-order mark hid
    # its headers. A robot: we ignore it.
    "mimekit/messages/feedback-report.txt": "delivery report",
    # Sent by postmaster@: our rule treats postmaster as a robot whatever the content.
    "flanker/long-links.eml": "robot sender",
    # A bounce cut short: no From and the report's machine part alone (message/delivery-status).
    "flanker/bounce/delayed-broken.eml": "delivery report",
    # From "purchasing@… <do-not-reply@ncs.gov.ng>": the display name is another address, so the
    # sender is the address in angle brackets (where replies go), a no-reply one.
    "mail-parser/mail_test_15": "robot sender",
}


def sample_rows() -> list[dict[str, str]]:
    return [row for row in rows(CORPUS / "manifest.tsv") if row["parse_ok"] == "yes"]


@pytest.mark.parametrize("row", sample_rows(), ids=lambda row: row["path"])
def test_samples_tagged_autoreply_or_bounce_are_never_answered(row: dict[str, str]) -> None:
    raw = (CORPUS / row["path"]).read_bytes()
    try:
        message = parse_message(raw)
    except UnparseableMail:
        return  # quarantined, which answers nobody either
    robot = row["is_autoreply"] == "yes" or row["is_bounce"] == "yes" or row["is_list"] == "yes"
    if row["path"] in TAGS_JUDGED_WRONG:
        assert reason(message) == TAGS_JUDGED_WRONG[row["path"]]
    elif robot:
        assert reason(message) is not None
    else:
        assert reason(message) is None


def test_bounce_samples_without_any_sender_are_still_told_for_robots() -> None:
    for name in ("mimekit/messages/delivery-status2.txt", "flanker/bounce/delayed-broken.eml"):
        message = parse_message((CORPUS / name).read_bytes())
        assert message.sender is None
        assert reason(message) is not None


# --- each rule on its own --------------------------------------------------------------------

PERSON = parse_message(
    b"From: Anna Bianchi <anna@acme.example>\r\nTo: support@desk.localhost\r\n"
    b"Subject: Il report non si apre\r\nMessage-ID: <abc@acme.example>\r\n\r\nCiao\r\n"
)


def with_headers(**headers: str) -> InboundMessage:
    return replace(PERSON, headers={name.replace("_", "-"): value for name, value in headers.items()})


def test_a_plain_mail_from_a_person_is_not_automatic() -> None:
    assert reason(PERSON) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"auto_submitted": "auto-replied"}, "auto-submitted: auto-replied"),
        ({"auto_submitted": "auto-generated; owner-email=x@example.com"}, "auto-submitted: auto-generated"),
        ({"auto_submitted": "AUTO-NOTIFIED"}, "auto-submitted: auto-notified"),
        ({"x_autoreply": "yes"}, "x-autoreply"),
        ({"x_autorespond": "Vacation"}, "x-autorespond"),
        ({"precedence": "bulk"}, "precedence: bulk"),
        ({"precedence": "Junk"}, "precedence: junk"),
        ({"precedence": "list"}, "precedence: list"),
        ({"precedence": "auto_reply"}, "precedence: auto_reply"),
        ({"x_precedence": "bulk"}, "x-precedence: bulk"),
        ({"x_precedence": "Junk"}, "x-precedence: junk"),
        ({"x_precedence": "list"}, "x-precedence: list"),
        ({"x_precedence": "auto_reply"}, "x-precedence: auto_reply"),
        ({"x_autogenerated": "Reply"}, "x-autogenerated"),
        ({"x_autogenerated": ""}, "x-autogenerated"),
        ({"x_loop": "support@desk.localhost"}, "x-loop"),
        ({"x_loop": ""}, "x-loop"),
        ({"x_failed_recipients": "anna@acme.example"}, "delivery report"),
        ({"list_id": "<news.acme.example>"}, "mailing list"),
        ({"list_unsubscribe": "<mailto:u@acme.example>"}, "mailing list"),
        ({"return_path": "<>"}, "null return path"),
        ({"return_path": "< >"}, "null return path"),
    ],
)
def test_robot_headers_give_their_reason(headers: dict[str, str], expected: str) -> None:
    assert reason(with_headers(**headers)) == expected


@pytest.mark.parametrize(
    "headers",
    [
        {"auto_submitted": "no"},
        {"auto_submitted": "No (a person wrote this)"},
        {"precedence": "first-class"},
        {"x_precedence": "first-class"},
        {"return_path": "<anna@acme.example>"},
        {"x_auto_response_suppress": "All"},
    ],
)
def test_headers_that_do_not_mark_a_robot_are_ignored(headers: dict[str, str]) -> None:
    assert reason(with_headers(**headers)) is None


def test_a_multipart_report_is_a_delivery_report() -> None:
    assert reason(replace(PERSON, content_type="multipart/report")) == "delivery report"


@pytest.mark.parametrize(
    "address",
    [
        "mailer-daemon@mx.example.com",
        "MAILER-DAEMON@mx.example.com",
        "postmaster@acme.example",
        "noreply@acme.example",
        "no-reply@acme.example",
        "no_reply@acme.example",
        "donotreply@acme.example",
        "do-not-reply@acme.example",
        "noreply+bounces@acme.example",
    ],
)
def test_robot_senders_are_recognised(address: str) -> None:
    assert reason(replace(PERSON, sender=Mailbox(address.lower()))) == "robot sender"


@pytest.mark.parametrize("address", ["norma@acme.example", "replies@acme.example", "post@acme.example"])
def test_people_whose_names_look_like_robots_are_not(address: str) -> None:
    assert reason(replace(PERSON, sender=Mailbox(address))) is None


def test_the_desks_own_mail_coming_back_is_recognised() -> None:
    assert reason(replace(PERSON, sender=Mailbox("support@desk.localhost"))) == "own mail"
    assert automatic_reason(replace(PERSON, sender=Mailbox("support@desk.localhost")), {"Support@Desk.Localhost"}, "x")
    assert reason(replace(PERSON, message_id="<iz-2026-000123.2.1.accepted@desk.localhost>")) == "own mail"
    assert reason(replace(PERSON, message_id="<abc@notdesk.localhost>")) is None


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: [IZ-2026-000123] Login",
        "automatic reply: Login",
        "Risposta automatica: [IZ-2026-000123] Accesso",
        "Out of Office: Login",
        "Out of office",
        "Fuori sede - fino al 20 marzo",
        "Fuori ufficio: rientro lunedì",
        "Autoreply: your message",
        "Auto-Reply: your message",
        "Abwesenheitsnotiz: Anmeldung",
        "Réponse automatique : connexion",
        "Respuesta automática: acceso",
    ],
)
def test_out_of_office_subjects_are_recognised(subject: str) -> None:
    assert reason(replace(PERSON, subject=subject)) == "out-of-office subject"


@pytest.mark.parametrize(
    "subject",
    [
        "Re: Automatic reply settings do not save",
        "Out of office calendar does not sync",
        "Risposta automatica non funziona nel portale",
        "Fuori sede non riesco ad accedere",
        "[IZ-2026-000123] Login",
    ],
)
def test_subjects_that_only_mention_absence_are_answered(subject: str) -> None:
    assert reason(replace(PERSON, subject=subject)) is None


def test_rfc_3834_is_named_before_the_subject() -> None:
    message = replace(with_headers(auto_submitted="auto-replied"), subject="Automatic reply: Login")
    assert reason(message) == "auto-submitted: auto-replied"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (b"Precedence: auto_reply", "precedence: auto_reply"),
        (b"X-Precedence: bulk", "x-precedence: bulk"),
        (b"X-Autogenerated: Reply", "x-autogenerated"),
        (b"X-Loop: help@acme.example", "x-loop"),
    ],
)
def test_the_robot_headers_are_read_from_the_mail(header: bytes, expected: str) -> None:
    raw = b"From: Anna <anna@acme.example>\r\nTo: support@desk.localhost\r\nSubject: Login\r\n"
    assert reason(parse_message(raw + header + b"\r\n\r\nCiao\r\n")) == expected


@pytest.mark.parametrize(
    "row", [row for row in EXPECTED if row["kind"] in ("request", "reply")], ids=lambda row: row["file"]
)
def test_no_crafted_request_or_reply_carries_a_robot_header(row: dict[str, str]) -> None:
    headers = parse_message((CRAFTED / row["file"]).read_bytes()).headers
    robot = {"auto-submitted", "x-autoreply", "x-autorespond", "x-autogenerated", "x-precedence", "x-loop"}
    assert not robot & set(headers)
    assert headers.get("precedence", "").lower() not in {"bulk", "junk", "list", "auto_reply"}
