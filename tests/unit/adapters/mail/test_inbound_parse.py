"""Parsing raw mail: every message of the corpus becomes an InboundMessage or a stated refusal."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.adapters.mail import headers
from shared.adapters.mail.charsets import decode_bytes
from shared.adapters.mail.headers import MAX_ADDRESS_CHARS, MAX_NAME_CHARS
from shared.adapters.mail.parse import (
    DEFAULT_LIMITS,
    FORWARDED_MARKER,
    MAX_MIME_PARAMETERS,
    MAX_STRUCTURED_HEADER_CHARS,
    MAX_SUBJECT_CHARS,
    parse_message,
    safe_filename,
)
from shared.domain.inbound.message import InboundMessage, ParseLimits, UnparseableMail

CORPUS = Path(__file__).parents[3] / "data" / "mail"
NOT_MAIL = {"LICENSE", "NOTICE", "README.md", "manifest.tsv", "expected.tsv", ".gitattributes"}
ALL_MAIL = sorted(path for path in CORPUS.rglob("*") if path.is_file() and path.name not in NOT_MAIL)
#: The refusals a well-formed corpus message may meet; "unreadable structure" would be a parser bug.
STATED_REASONS = {"not a mail", "nesting too deep", "too many parts", "over size limit"}


def corpus_id(path: Path) -> str:
    return str(path.relative_to(CORPUS))


def parse(name: str, limits: ParseLimits = DEFAULT_LIMITS) -> InboundMessage:
    return parse_message((CORPUS / name).read_bytes(), limits)


def test_the_corpus_holds_the_samples_and_the_crafted_mails() -> None:
    with (CORPUS / "manifest.tsv").open(encoding="utf-8") as manifest:
        samples = [row["path"] for row in csv.DictReader(manifest, delimiter="\t")]
    assert all((CORPUS / sample).is_file() for sample in samples)
    assert len(samples) == 138
    assert len(list((CORPUS / "crafted").glob("*.eml"))) >= 50


def outcome(raw: bytes) -> InboundMessage | str:
    """The parsed message, or the reason it was refused."""
    try:
        return parse_message(raw)
    except UnparseableMail as refusal:
        return refusal.reason


@pytest.mark.parametrize("path", ALL_MAIL, ids=corpus_id)
def test_every_corpus_mail_parses_or_is_refused_with_a_stated_reason(path: Path) -> None:
    raw = path.read_bytes()
    message = outcome(raw)
    if isinstance(message, str):
        assert message in STATED_REASONS
        return
    assert message.size == len(raw)
    if message.sender is not None:
        assert "@" in message.sender.address
        assert message.sender.address == message.sender.address.lower()
    assert message.message_id.startswith("<")
    assert message.message_id.endswith(">")
    assert all(attachment.filename for attachment in message.attachments)
    assert len(message.text) <= ParseLimits().max_text_chars
    assert message.date is None or message.date.tzinfo is UTC


@pytest.mark.parametrize("path", ALL_MAIL, ids=corpus_id)
def test_parsing_the_same_bytes_twice_gives_equal_results(path: Path) -> None:
    raw = path.read_bytes()
    assert outcome(raw) == outcome(raw)


def test_the_corpus_has_refusals_and_they_are_few() -> None:
    refused = [path for path in ALL_MAIL if isinstance(outcome(path.read_bytes()), str)]
    assert 2 <= len(refused) <= 10


SEEDS = [
    (CORPUS / name).read_bytes()
    for name in (
        "crafted/it-alternative-outlook-logo.eml",
        "crafted/en-forwarded-rfc822.eml",
        "mimekit/messages/rfc2060.txt",
    )
]


@settings(max_examples=150, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.integers(min_value=0),
    flips=st.lists(st.tuples(st.integers(0), st.binary(min_size=1, max_size=8)), max_size=6),
)
def test_damaged_mail_never_raises_anything_but_unparseable(
    seed: bytes, cut: int, flips: list[tuple[int, bytes]]
) -> None:
    damaged = bytearray(seed[: len(seed) - cut % len(seed)])
    for position, junk in flips:
        at = position % (len(damaged) + 1)
        damaged[at : at + len(junk)] = junk
    outcome(bytes(damaged))  # an InboundMessage or a reason: anything else fails the test


# --- headers and charsets --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("mimekit/messages/japanese.txt", "日本語メールテスト (testing Japanese emails)"),
        ("mail-parser/mail_test_1", "письмо уведом-е"),
        ("crafted/it-latin1-etichette.eml", "La stampa delle etichette è sfasata"),
        ("crafted/it-fattura-qp.eml", "Domanda sulla fattura n° 2026/0457"),
        ("crafted/en-base64-emoji.eml", "Weekly chart shows zero on Sundays 📉"),
        ("crafted/en-unknown-charset.eml", "Booking confirmations show odd characters — why?"),
        ("asimap/problems/2", "☀️ Napa Weekend Forecast: 80 degrees ☀️ – Join us for Carnival of Flavor!"),
        ("mikel-mail/rfc6532/utf8_headers.eml", "Säying Hello"),
    ],
)
def test_encoded_subjects_are_decoded_in_their_charset(name: str, subject: str) -> None:
    assert parse(name).subject == subject


def test_a_koi8_r_body_is_read_in_its_charset() -> None:
    assert "шостий" in parse("mimekit/tnef/ukr.eml").text


def test_a_latin1_body_and_sender_name_are_decoded() -> None:
    message = parse("crafted/it-latin1-etichette.eml")
    assert message.sender is not None
    assert message.sender.name == "Nicolò Santà"
    assert "Perché succede?" in message.text


def test_a_windows_1252_body_keeps_its_curly_quotes() -> None:
    assert "dell’utente “admin”" in parse("crafted/it-cp1252-password.eml").text


def test_a_body_in_an_unknown_charset_falls_back_to_utf8() -> None:
    assert "“we’re” and “it’s”" in parse("crafted/en-unknown-charset.eml").text


def test_a_utf8_body_with_a_few_bad_bytes_is_not_read_as_windows_1252() -> None:
    assert "Профиль" in parse("mail-parser/mail_test_6").text


@pytest.mark.parametrize(
    ("data", "declared", "text"),
    [
        ("caffè".encode(), "utf-8", "caffè"),
        ("caffè".encode("latin-1"), "utf-8", "caffè"),
        ("caffè".encode(), "x-nonexistent", "caffè"),
        ("caffè".encode("latin-1"), None, "caffè"),
        ("€ 10".encode("cp1252"), "iso-8859-1", "€ 10"),
        (b"plain", "base64", "plain"),
        ("文件".encode("gb18030"), "gb2312", "文件"),
    ],
)
def test_bytes_are_decoded_with_sensible_fallbacks(data: bytes, declared: str | None, text: str) -> None:
    assert decode_bytes(data, declared) == text


def test_the_sender_recipients_and_thread_ids_are_read() -> None:
    message = parse("crafted/reply-en-wrapped-attribution.eml")
    assert message.sender is not None
    assert message.sender.address == "sam.reed@reed-analytics.example.com"
    assert message.recipients == ("support+iz-2026-000123.q4mz7kd2xa@desk.localhost",)
    assert message.in_reply_to == ("<iz-2026-000123.1.0.received@desk.localhost>",)
    assert message.references == (
        "<sam.reed.20260311.1@reed-analytics.example.com>",
        "<iz-2026-000123.1.0.received@desk.localhost>",
    )
    assert message.date == datetime(2026, 3, 12, 16, 0, tzinfo=UTC)


def test_recipients_are_lower_case_deduplicated_and_in_order_and_reply_to_is_kept() -> None:
    message = parse("crafted/it-evoluzione-export-xml.eml")
    assert message.recipients == (
        "support@desk.localhost",
        "davide.rinaldi@rinaldi-alimentari.example.it",
        "ufficio.it@rinaldi-alimentari.example.it",
    )
    assert [mailbox.address for mailbox in message.reply_to] == ["ufficio.it@rinaldi-alimentari.example.it"]


def test_delivered_to_counts_as_a_recipient() -> None:
    raw = b"Delivered-To: Desk@Example.com\r\nFrom: a@example.com\r\nTo: b@example.com\r\n\r\nhi\r\n"
    assert parse_message(raw).recipients == ("b@example.com", "desk@example.com")


def test_a_sender_written_without_angle_brackets_is_still_found_and_doubted() -> None:
    message = parse("mikel-mail/plain_emails/mix_caps_content_type.eml")
    assert message.sender is not None
    assert message.sender.address == "bb@bug.com"
    assert message.sender_doubt == "From does not parse strictly"


# --- whether From names its sender unambiguously ----------------------------------------------------


@pytest.mark.parametrize(
    ("from_value", "address", "doubt"),
    [
        (b"anna@acme.example <attacker@evil.example>", "attacker@evil.example", "From does not parse strictly"),
        (b"Anna <anna@acme.example> <attacker@evil.example>", None, "From does not parse strictly"),
        (b"anna@acme.example, attacker@evil.example", "anna@acme.example", "From does not parse strictly"),
        (b"Anna anna@acme.example", "anna@acme.example", "From does not parse strictly"),
        (b"Anna <anna@acme.example", None, "From does not parse strictly"),
        (b'"Anna <anna@acme.example>', None, "From does not parse strictly"),
        (b"Anna (anna@acme.example <attacker@evil.example>", None, "From does not parse strictly"),
        (b"Team: anna@acme.example;", None, "From does not parse strictly"),
        (
            b'"anna@acme.example" <attacker@evil.example>',
            "attacker@evil.example",
            "From's display name is another address (anna@acme.example)",
        ),
        (
            b"=?utf-8?q?anna=40acme.example?= <attacker@evil.example>",
            "attacker@evil.example",
            "From's display name is another address (anna@acme.example)",
        ),
        (
            b"attacker@evil.example (anna@acme.example)",
            "attacker@evil.example",
            "From's display name is another address (anna@acme.example)",
        ),
    ],
)
def test_a_from_that_is_ambiguous_is_doubted_and_never_read_as_the_name_it_shows(
    from_value: bytes, address: str | None, doubt: str
) -> None:
    message = with_from(from_value)
    assert message.sender_doubt == doubt
    if address is not None:
        assert message.sender is not None
        assert message.sender.address == address


def test_two_from_headers_are_doubted() -> None:
    raw = b"From: anna@acme.example\r\nFrom: attacker@evil.example\r\nSubject: x\r\n\r\nhi\r\n"
    assert parse_message(raw).sender_doubt == "more than one From header"


@pytest.mark.parametrize(
    "from_value",
    [
        b"anna@acme.example",
        b"<anna@acme.example>",
        b"Anna Bianchi <anna@acme.example>",
        b'"Bianchi, Anna" <anna@acme.example>',
        b"Anna B. Bianchi <anna@acme.example>",
        b"anna@acme.example (Anna Bianchi)",
        b'"anna@acme.example" <Anna@Acme.example>',
        b'"=?utf-8?q?Nicol=C3=B2?=" <anna@acme.example>',
        b"=?utf-8?q?Anna=0D=0ABcc=3A_x?= <anna@acme.example>",
        '"Nicolò Santà" <nicolo@acme.example>'.encode(),
    ],
)
def test_a_from_that_parses_strictly_to_one_mailbox_is_not_doubted(from_value: bytes) -> None:
    message = with_from(from_value)
    assert message.sender is not None
    assert message.sender_doubt == ""


def test_on_a_python_whose_address_parser_refuses_the_value_the_fallback_does_not_read_the_display_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python's patched ``getaddresses`` (CVE-2023-27043) answers ``[("", "")]`` for an ambiguous
    value, and the fallback for values the parser finds nothing in then found ``anna@acme.example``
    first: the desk read Anna."""
    monkeypatch.setattr(headers, "getaddresses", lambda values: [("", "")])
    message = with_from(b"anna@acme.example <attacker@evil.example>")
    assert message.sender is not None
    assert message.sender.address == "attacker@evil.example"
    assert message.sender_doubt == "From does not parse strictly"


def test_a_byte_order_mark_before_the_headers_does_not_hide_them() -> None:
    message = parse("mimekit/messages/feedback-report.txt")
    assert message.sender is not None
    assert message.sender.address == "abusedesk@example.com"


def test_a_missing_message_id_is_derived_from_the_bytes_and_stable() -> None:
    raw = (CORPUS / "crafted/en-no-message-id.eml").read_bytes()
    message = parse_message(raw)
    assert message.derived_message_id
    assert message.message_id.endswith("@derived.invalid>")
    assert parse_message(raw).message_id == message.message_id
    assert parse_message(raw + b"\n").message_id != message.message_id


def test_a_present_message_id_is_kept_as_it_is() -> None:
    message = parse("crafted/en-bug-500-error.eml")
    assert not message.derived_message_id
    assert message.message_id == "<CAOG4f7a9+2b@mail.grant-engineering.example.com>"


def test_a_missing_date_is_none_and_an_unreadable_one_too() -> None:
    assert parse("crafted/en-no-date.eml").date is None
    raw = b"From: a@example.com\r\nDate: the day after tomorrow\r\n\r\nhi\r\n"
    assert parse_message(raw).date is None


def test_robot_headers_are_kept_decoded_with_lower_case_names() -> None:
    headers = parse("crafted/bounce-dsn-mailer-daemon.eml").headers
    assert headers["auto-submitted"] == "auto-replied"
    assert headers["return-path"] == "<>"
    assert headers["content-type"].startswith("multipart/report")
    assert "list-id" not in headers


# --- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("crafted/it-html-only-export.eml", "quando esporto il report mensile in Excel"),
        ("crafted/en-html-only-import.eml", 'rejects every file with the message "Invalid header row"'),
        ("mimekit/messages/body.2.txt", "This is an html body."),
    ],
)
def test_an_html_only_body_becomes_text_without_tags(name: str, expected: str) -> None:
    text = parse(name).text
    assert expected in text
    assert "<" not in text
    assert "tracking" not in text


def test_multipart_alternative_prefers_the_plain_part() -> None:
    text = parse("crafted/en-alternative-outlook.eml").text
    assert "were not sent on Sunday evening" in text
    assert "html version" not in text


def test_an_html_alternative_is_read_when_there_is_no_plain_one() -> None:
    text = parse("crafted/reply-it-outlook-html.eml").text
    assert "Il problema persiste." in text
    assert "<p>" not in text


def test_quoted_printable_and_base64_bodies_are_decoded() -> None:
    assert "(€ 96,00 + IVA)" in parse("crafted/it-fattura-qp.eml").text
    assert "È successo tre volte" in parse("crafted/it-base64-doppia-prenotazione.eml").text


def test_attachments_keep_their_names_types_and_sizes() -> None:
    attachments = parse("crafted/en-attachments-logs.eml").attachments
    assert [(a.filename, a.content_type, a.size, a.inline) for a in attachments] == [
        ("stock-2026-03-08.csv", "text/csv", 55, False),
        ("sync-log.zip", "application/zip", 22, False),
    ]
    assert attachments[1].content.startswith(b"PK\x05\x06")


def test_inline_images_are_attachments_marked_inline() -> None:
    message = parse("crafted/it-alternative-outlook-logo.eml")
    assert [(a.filename, a.inline) for a in message.attachments] == [("image001.png", True)]
    assert message.attachments[0].content.startswith(b"\x89PNG")


def test_dangerous_attachment_names_are_sanitised() -> None:
    names = [attachment.filename for attachment in parse("crafted/it-allegato-nome-pericoloso.eml").attachments]
    assert names == ["modulo firmato.pdf", "visura camerale aggiornata - proprietà.pdf", "nascosto.txt"]


@pytest.mark.parametrize(
    ("name", "content_type", "safe"),
    [
        ("../../etc/passwd", "text/plain", "passwd"),
        ("C:\\Users\\anna\\fattura.pdf", "application/pdf", "fattura.pdf"),
        ("...hidden.txt", "text/plain", "hidden.txt"),
        ("report\u202egpj.exe", "application/octet-stream", "reportgpj.exe"),
        ("tab\tand\x00nul.doc", "application/msword", "tabandnul.doc"),
        ("", "image/png", "attachment.png"),
        ("...", "application/pdf", "attachment.pdf"),
        (".pdf", "application/pdf", "attachment.pdf"),
        ("", "message/rfc822", "attachment.eml"),
        ("a:b?c*.txt", "text/plain", "a_b_c_.txt"),
    ],
)
def test_safe_filename_keeps_a_usable_name(name: str, content_type: str, safe: str) -> None:
    assert safe_filename(name, content_type) == safe


def test_a_long_file_name_is_capped_and_keeps_its_extension() -> None:
    name = safe_filename("x" * 500 + ".docx", "application/octet-stream")
    assert len(name) == 120
    assert name.endswith("xx.docx")


@pytest.mark.parametrize("name", ["crafted/it-winmail-dat.eml", "mimekit/tnef/ukr.eml"])
def test_winmail_dat_is_kept_as_it_came(name: str) -> None:
    tnef = [a for a in parse(name).attachments if a.content_type == "application/ms-tnef"]
    assert [a.filename for a in tnef] == ["winmail.dat"]
    assert tnef[0].content[:4] == bytes.fromhex("789f3e22")


def test_a_forwarded_mail_is_kept_as_eml_and_its_text_follows_a_marker() -> None:
    message = parse("crafted/en-forwarded-rfc822.eml")
    assert [(a.filename, a.content_type) for a in message.attachments] == [
        ("Your invoice INV-88412.eml", "message/rfc822")
    ]
    forwarded = parse_message(message.attachments[0].content)
    assert forwarded.message_id == "<inv-88412@supplier.example.net>"
    own, _, rest = message.text.partition(FORWARDED_MARKER)
    assert "does not match our plan" in own
    assert "Subject: Your invoice INV-88412" in rest
    assert "1,250.00 EUR" in rest
    assert "1,250.00 EUR" in message.reply_text


def test_a_very_long_line_is_read_whole() -> None:
    message = parse("crafted/en-long-line-log.eml")
    assert max(len(line) for line in message.text.split("\n")) > 50_000
    assert message.text.rstrip().endswith("Please advise.\nJack")


def test_text_is_capped_at_the_limit() -> None:
    message = parse("crafted/en-long-line-log.eml", ParseLimits(max_text_chars=1000))
    assert len(message.text) == 1000
    assert len(message.reply_text) <= 1000


def test_reply_text_is_the_text_without_the_quote() -> None:
    message = parse("crafted/reply-it-gmail.eml")
    assert "ha scritto:" in message.text
    assert message.reply_text == (
        "Aggiungo che il problema si presenta anche dal computer di casa, quindi non\ndipende dalla nostra rete."
    )


def test_defects_are_named() -> None:
    assert "StartBoundaryNotFoundDefect" in parse("flanker/false-multipart.eml").defects
    assert parse("crafted/en-bug-500-error.eml").defects == ()


# --- refusals and limits ---------------------------------------------------------------------


def refusal(raw: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> str:
    with pytest.raises(UnparseableMail) as refused:
        parse_message(raw, limits)
    return refused.value.reason


def test_garbage_bytes_are_not_a_mail() -> None:
    assert refusal((CORPUS / "crafted/broken-garbage.eml").read_bytes()) == "not a mail"
    assert refusal(b"") == "not a mail"


@pytest.mark.parametrize(
    "from_header",
    [b"", b"From: Ufficio Acquisti\r\n", b"From: <>\r\n", b"From: undisclosed-recipients:;\r\n"],
)
def test_a_mail_without_a_usable_sender_has_none(from_header: bytes) -> None:
    message = parse_message(from_header + b"To: support@desk.localhost\r\nSubject: x\r\n\r\nbody\r\n")
    assert message.sender is None
    assert message.text == "body"


def test_an_oversize_message_is_refused_before_parsing() -> None:
    raw = (CORPUS / "crafted/en-bug-500-error.eml").read_bytes()
    assert refusal(raw, ParseLimits(max_message_bytes=len(raw) - 1)) == "over size limit"
    assert parse_message(raw, ParseLimits(max_message_bytes=len(raw))).size == len(raw)


def nested(depth: int) -> bytes:
    body = "Content-Type: text/plain\r\n\r\nthe innermost words\r\n"
    for level in range(depth, 0, -1):
        body = f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n{body}\r\n--b{level}--\r\n'
    return f"From: deep@example.com\r\nSubject: deep\r\n{body}".encode()


def test_nesting_up_to_the_limit_is_read() -> None:
    assert parse_message(nested(12), ParseLimits(max_depth=12)).text == "the innermost words"


@pytest.mark.parametrize("depth", [13, 60])
def test_nesting_deeper_than_the_limit_is_refused(depth: int) -> None:
    assert refusal(nested(depth), ParseLimits(max_depth=12)) == "nesting too deep"


def test_nesting_thousands_deep_is_refused_at_the_part_limit_before_the_parser_recurses_through_it() -> None:
    assert refusal(nested(5000), ParseLimits(max_depth=12)) == "too many parts"


def test_the_crafted_deep_mail_is_refused_and_the_moderate_one_read() -> None:
    assert refusal((CORPUS / "crafted/nested-too-deep.eml").read_bytes()) == "nesting too deep"
    assert "monthly totals report is empty" in parse("crafted/en-nested-within-limit.eml").text


def many_parts(count: int) -> bytes:
    parts = "".join(f"--p\r\nContent-Type: text/plain\r\n\r\npart {n}\r\n" for n in range(count))
    return f'From: many@example.com\r\nContent-Type: multipart/mixed; boundary="p"\r\n\r\n{parts}--p--\r\n'.encode()


def test_too_many_parts_are_refused() -> None:
    limits = ParseLimits(max_parts=10)
    assert refusal(many_parts(10), limits) == "too many parts"  # ten parts and the container
    assert "part 8" in parse_message(many_parts(9), limits).text


def test_limits_are_a_value_the_intake_can_tune() -> None:
    assert replace(ParseLimits(), max_depth=3).max_depth == 3


# --- sizes -----------------------------------------------------------------------------------


def with_from(value: bytes, **more: bytes) -> InboundMessage:
    headers = {"From": value, "To": b"support@desk.localhost", "Subject": b"x", **more}
    return parse_message(b"".join(name.encode() + b": " + data + b"\r\n" for name, data in headers.items()) + b"\r\nhi")


def test_an_address_longer_than_254_characters_is_unusable() -> None:
    longest = f"{'a' * 64}@{'b' * (MAX_ADDRESS_CHARS - 64 - 1 - 8)}.example"
    assert len(longest) == MAX_ADDRESS_CHARS
    message = with_from(f"<{longest}>".encode())
    assert message.sender is not None
    assert message.sender.address == longest
    assert with_from(f"<a{longest}>".encode()).sender is None
    assert with_from(f"a{longest}".encode()).sender is None  # the fallback for unparsed values too


def test_a_long_display_name_is_clipped() -> None:
    message = with_from(b'"' + b"Anna " * 100 + b'" <anna@acme.example>')
    assert message.sender is not None
    assert message.sender.address == "anna@acme.example"
    assert len(message.sender.name) <= MAX_NAME_CHARS
    assert message.sender.name.startswith("Anna Anna")


def test_a_long_subject_is_clipped() -> None:
    message = with_from(b"anna@acme.example", Subject=b"Login " * 1_000)
    assert len(message.subject) <= MAX_SUBJECT_CHARS
    assert message.subject.startswith("Login Login")


@pytest.mark.parametrize(
    ("encoded", "one_line"),
    [
        (b"=?utf-8?q?Anna=0D=0ABcc=3A_x?=", "Anna Bcc: x"),
        (b"=?utf-8?b?QW5uYQ0KQmNjOiB4?=", "Anna Bcc: x"),
        (b"=?utf-8?q?Anna=09=0B=0C=1FBianchi=E2=80=A8x=C2=85y?=", "Anna Bianchi x y"),
    ],
)
def test_a_display_name_with_encoded_control_characters_becomes_one_line(encoded: bytes, one_line: str) -> None:
    message = with_from(encoded + b" <anna@acme.example>")
    assert message.sender is not None
    assert (message.sender.address, message.sender.name) == ("anna@acme.example", one_line)


def test_a_subject_with_encoded_line_breaks_becomes_one_line() -> None:
    message = with_from(b"anna@acme.example", Subject=b"=?utf-8?q?Login=0D=0ABcc=3A_x=0Abloccato?=")
    assert message.subject == "Login Bcc: x bloccato"


def test_the_sender_at_the_start_of_a_huge_from_header_is_found() -> None:
    message = with_from(b"Anna <anna@acme.example>" + b", x" * 50_000)
    assert message.sender is not None
    assert message.sender.address == "anna@acme.example"


def test_a_long_references_header_is_read_whole() -> None:
    ids = [f"<{index}@acme.example>" for index in range(5_000)]
    message = with_from(b"anna@acme.example", References=" ".join(ids).encode())
    assert message.references == tuple(ids)


def test_mime_parameters_are_read_as_sent() -> None:
    """MIME headers are read as strings, as the older policy read them: an unquoted name with
    spaces and a boundary with ``=`` in it, which the header registry mangled, come out whole."""
    attachment = parse("mikel-mail/attachment_emails/attachment_with_unquoted_name.eml").attachments[0]
    assert attachment.filename == "This is a test.txt"
    message = parse("mikel-mail/plain_emails/raw_email_bad_time.eml")
    assert "scanned for viruses" in message.text


def test_mime_headers_are_read_within_their_bounds() -> None:
    many = b"".join(f"; x{index}=y".encode() for index in range(MAX_MIME_PARAMETERS + 10))
    message = with_from(b"anna@acme.example", **{"Content-Type": b'text/plain; charset="koi8-r"' + many})
    assert message.content_type == "text/plain"
    long_name = b"a" * (MAX_STRUCTURED_HEADER_CHARS * 2)
    raw = (
        b"From: anna@acme.example\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
        b"Content-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: attachment; filename=" + long_name + b".pdf\r\n\r\n%PDF\r\n--b--\r\n"
    )
    attachment = parse_message(raw).attachments[0]
    assert attachment.filename.startswith("aaaa")
    assert len(attachment.filename) <= 120


# --- adversarial headers and bodies: any sender writes them, so reading must stay linear ---------

#: Seconds any adversarial mail may take; the super-linear code these tests guard against took
#: from 10 s to hours on the same inputs, the linear one takes a few hundredths.
TIME_BOUND = 2.0


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def mail(header: bytes = b"", body: bytes = b"hi\r\n") -> bytes:
    """A mail with ``header`` (a whole header line, without its line end) in place of the usual one."""
    usual = {
        b"from": b"From: anna@acme.example",
        b"to": b"To: support@desk.localhost",
        b"subject": b"Subject: x",
        b"message-id": b"Message-ID: <x@acme.example>",
    }
    name = header.partition(b":")[0].lower()
    lines = [line for key, line in usual.items() if key != name] + ([header] if header else [])
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


HUNDRED_KB = 100_000
ODD_VALUES = {
    "letters": b"a" * HUNDRED_KB,
    "a@a@": b"a@" * (HUNDRED_KB // 2),
    "<a@a@": b"<a@" + b"a@" * (HUNDRED_KB // 2),
    "angles": b"<" * HUNDRED_KB,
    "quotes": b'"' * HUNDRED_KB,
    "escaped quotes": b'\\"' * (HUNDRED_KB // 2),
    "comments": b"(" * HUNDRED_KB,
    "colons": b"a:" * (HUNDRED_KB // 2),
    "semicolons": b";" * HUNDRED_KB,
    "addresses": b"a@b.co, " * (HUNDRED_KB // 8),
    "encoded words": b"=?utf-8?q?a?= " * (HUNDRED_KB // 14),
    "open encoded words": b"=?" * (HUNDRED_KB // 2),
    "message ids": b"<a@b> " * (HUNDRED_KB // 6),
    "an open message id": b"<" + b"a" * HUNDRED_KB,
}
ADVERSARIAL_MAILS = {
    f"{header} of {shape}": mail(header.encode() + b": " + value)
    for header in ("From", "To", "Reply-To", "Subject", "References", "In-Reply-To", "Date", "Auto-Submitted")
    for shape, value in ODD_VALUES.items()
}
ADVERSARIAL_MAILS |= {
    f"Content-Type of {shape}": mail(b"Content-Type: text/plain; " + value) for shape, value in ODD_VALUES.items()
}
ADVERSARIAL_MAILS |= {
    "a 200 KB body line of <a@a@": mail(body=b"<a@" + b"a@" * 100_000 + b"\r\n"),
    "a 200 KB body line of >": mail(body=b">" * 200_000 + b"\r\n"),
    "a body of 100,000 attribution-like lines": mail(body=b"On 3 Mar 2026, Anna <a@b.co> wrote: x\r\n" * 100_000),
    "a 1 MB body of blank lines between words": mail(body=b"x\r\n\r\n" * 250_000),
    "an HTML body of 200,000 angles": mail(b"Content-Type: text/html", b"<" * 200_000),
    "190 parts with long odd MIME headers": mail(
        b"Content-Type: multipart/mixed; boundary=b",
        b"".join(
            b"--b\r\nContent-Type: text/plain"
            + b";" * 3_000
            + b'\r\nContent-Disposition: attachment; filename="'
            + b';\\"' * 1_000
            + b"\r\nContent-Transfer-Encoding: "
            + b"<" * 3_000
            + b"\r\n\r\nx\r\n"
            for _ in range(190)
        )
        + b"--b--\r\n",
    ),
}


@pytest.mark.parametrize("raw", ADVERSARIAL_MAILS.values(), ids=ADVERSARIAL_MAILS.keys())
def test_parsing_adversarial_mail_takes_linear_time(raw: bytes) -> None:
    assert seconds(lambda: outcome(raw)) < TIME_BOUND


# --- header lines: counted on the raw bytes, before the standard library's parser reads them -------


def with_header_lines(where: str, count: int, line_end: bytes = b"\r\n") -> bytes:
    """A mail with ``count`` tiny header lines ``where`` the standard library's parser reads
    header lines: the message's own header, a part's, a forwarded mail's, a block of a delivery
    report that follows a block of junk, or the mail a digest's part without headers holds."""
    lines = b"X: y" + line_end
    top = b"From: anna@acme.example\r\nTo: support@desk.localhost\r\nSubject: x\r\n"
    if where == "the message's":
        return top.replace(b"\r\n", line_end) + lines * count + line_end + b"hi\r\n"
    kind = b"digest" if where == "a digest part's" else b"mixed"
    multipart = (
        top + b"Content-Type: multipart/" + kind + b"; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
    )
    inner = {
        "a part's": b"--b\r\n" + lines * count + b"\r\nx\r\n",
        "a forwarded mail's": b"--b\r\nContent-Type: message/rfc822\r\n\r\n" + lines * count + b"\r\nx\r\n",
        "a delivery report's": b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n"
        b"\r\njunk\r\n\r\n" + lines * count + b"\r\n",
        "a digest part's": b"--b\r\n\r\n" + lines * count + b"\r\nx\r\n",
    }[where]
    return multipart + inner + b"--b--\r\n"


PLACES = ["the message's", "a part's", "a forwarded mail's", "a delivery report's", "a digest part's"]


@pytest.mark.parametrize("where", PLACES)
def test_a_mail_over_the_header_line_limit_is_refused_wherever_the_lines_are(where: str) -> None:
    limits = ParseLimits(max_header_lines=50)
    assert refusal(with_header_lines(where, 51), limits) == "too many header lines"
    assert parse_message(with_header_lines(where, 30), limits).sender is not None


@pytest.mark.parametrize(
    "declared",
    [b"boundary=b", b'boundary="b"', b"BOUNDARY=b", b"boundary*=utf-8''b", b'boundary*0="b"; x=y'],
)
def test_a_parts_header_lines_count_however_its_boundary_is_declared(declared: bytes) -> None:
    raw = with_header_lines("a part's", 51).replace(b"boundary=b", declared, 1)
    assert refusal(raw, ParseLimits(max_header_lines=50)) == "too many header lines"


def test_a_boundary_declared_in_a_charset_no_line_can_match_is_read_like_any_odd_mail() -> None:
    raw = with_header_lines("a part's", 5).replace(b"boundary=b", b"boundary*=utf-8''%C3%A9", 1)
    assert parse_message(raw).sender is not None


@pytest.mark.parametrize("line_end", [b"\r\n", b"\n", b"\r"])
def test_the_header_line_limit_counts_every_line_end_the_parser_knows(line_end: bytes) -> None:
    limits = ParseLimits(max_header_lines=50)
    assert parse_message(with_header_lines("the message's", 50 - 3, line_end), limits).subject == "x"
    assert refusal(with_header_lines("the message's", 50 - 2, line_end), limits) == "too many header lines"


def test_text_that_looks_like_headers_in_a_body_is_not_counted() -> None:
    body = b"-- a comment line of an SQL script\r\nselect 1;\r\nNote: x\r\n" * 1_000
    message = parse_message(mail(body=body), ParseLimits(max_header_lines=50))
    assert message.text.startswith("-- a comment line")


HUGE_MAILS = {
    "a 24 MB mail of 4 million tiny headers": lambda: with_header_lines("the message's", 4_000_000),
    "a 24 MB mail of 4 million tiny headers in a part": lambda: with_header_lines("a part's", 4_000_000),
    "a 24 MB mail of 4 million tiny headers ending in CR": lambda: with_header_lines("the message's", 4_800_000, b"\r"),
    "a 10 MB mail of a million empty parts": lambda: many_parts(0).replace(
        b"--p--", b"--p\r\n\r\nx\r\n" * 1_000_000 + b"--p--"
    ),
}


@pytest.mark.parametrize("make", HUGE_MAILS.values(), ids=HUGE_MAILS.keys())
def test_a_huge_mail_of_tiny_headers_or_parts_is_refused_quickly(make: Callable[[], bytes]) -> None:
    raw = make()
    assert seconds(lambda: outcome(raw)) < TIME_BOUND
    assert outcome(raw) in ("too many header lines", "too many parts")
