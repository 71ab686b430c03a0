"""An outgoing mail refuses anything that could inject a header, and its MIME form is the one
every relay accepts: multipart/alternative, UTF-8, 7-bit clean, RFC 2047 headers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest

from shared.domain.outgoing_mail import OutgoingMail

MAIL = OutgoingMail(
    message_id="<iz-2026-000123.3.received@desk.example>",
    sender="assistenza@desk.example",
    sender_name="Assistenza Clienti",
    to=(("anna@acme.example", "Anna Bianchi"),),
    reply_to="iz-2026-000123@desk.example",
    subject="[IZ-2026-000123] Request received",
    text="Dear Anna,\nwe received your request.\n",
    html="<p>Dear Anna,</p><p>we received your request.</p>",
    headers={"In-Reply-To": "<CAB123@mail.acme.example>", "Auto-Submitted": "auto-replied"},
)
DATE = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def parsed(mail: OutgoingMail) -> EmailMessage:
    return cast(EmailMessage, message_from_bytes(mail.to_mime(DATE).as_bytes(), policy=policy.default))


BROKEN_LINES = ["\r", "\n", "\r\n"]
FIELDS_WITH_A_LINE_BREAK: list[tuple[str, dict[str, Any]]] = [
    ("message_id", {"message_id": "<a@b>{}Bcc: x@evil.example"}),
    ("sender", {"sender": "assistenza@desk.example{}Bcc: x@evil.example"}),
    ("sender_name", {"sender_name": "Assistenza{}Bcc: x@evil.example"}),
    ("to address", {"to": (("anna@acme.example{}Bcc: x@evil.example", "Anna"),)}),
    ("to name", {"to": (("anna@acme.example", "Anna{}Bcc: x@evil.example"),)}),
    ("reply_to", {"reply_to": "r@desk.example{}Bcc: x@evil.example"}),
    ("subject", {"subject": "Hello{}Bcc: x@evil.example"}),
    ("extra header value", {"headers": {"References": "<a@b>{}Bcc: x@evil.example"}}),
    ("extra header name", {"headers": {"X-Desk{}Bcc": "1"}}),
]


def with_break(value: Any, line_break: str) -> Any:
    if isinstance(value, str):
        return value.format(line_break)
    if isinstance(value, dict):
        return {with_break(name, line_break): with_break(item, line_break) for name, item in value.items()}
    return tuple(with_break(item, line_break) for item in value)


@pytest.mark.parametrize("line_break", BROKEN_LINES, ids=["CR", "LF", "CRLF"])
@pytest.mark.parametrize(("field", "changes"), FIELDS_WITH_A_LINE_BREAK, ids=[f for f, _ in FIELDS_WITH_A_LINE_BREAK])
def test_a_cr_or_lf_in_any_header_value_is_refused(field: str, changes: dict[str, Any], line_break: str) -> None:
    with pytest.raises(ValueError, match=r"CR or an LF|not a valid header name"):
        replace(MAIL, **{name: with_break(value, line_break) for name, value in changes.items()})


def test_line_breaks_in_the_bodies_are_fine() -> None:
    assert replace(MAIL, text="one\r\ntwo\n", html="<p>one</p>\n<p>two</p>").text == "one\r\ntwo\n"


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"message_id": "iz-2026-000123@desk.example"}, "Message-ID must look like"),
        ({"message_id": "<no-at-sign>"}, "Message-ID must look like"),
        ({"message_id": "<two words@desk.example>"}, "Message-ID must look like"),
        ({"sender": "Assistenza <assistenza@desk.example>"}, "sender must be a plain address"),
        ({"reply_to": "nobody"}, "reply_to must be a plain address"),
        ({"to": ()}, "at least one recipient"),
        ({"headers": {"Subject": "a second subject"}}, "set from the mail's fields"),
        ({"headers": {"message-id": "<other@desk.example>"}}, "set from the mail's fields"),
        ({"headers": {"Bad Name": "x"}}, "not a valid header name"),
    ],
)
def test_a_malformed_mail_is_refused(changes: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        replace(MAIL, **changes)


def test_the_extra_headers_cannot_be_changed_after_the_mail_is_made() -> None:
    headers = {"Auto-Submitted": "auto-replied"}
    mail = replace(MAIL, headers=headers)
    headers["Bcc"] = "x@evil.example"
    assert dict(mail.headers) == {"Auto-Submitted": "auto-replied"}
    with pytest.raises(TypeError):
        mail.headers["Bcc"] = "x@evil.example"  # type: ignore[index]


def test_a_non_ascii_subject_is_rfc_2047_encoded_and_decodes_back() -> None:
    mail = replace(MAIL, subject="[IZ-2026-000123] Perché il login non funziona? — Città di Pescara")
    raw = mail.to_mime(DATE).as_bytes()
    [subject_line] = [line for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n") if line.startswith(b"Subject:")]
    assert b"=?utf-8?" in subject_line
    raw.decode("ascii")
    assert parsed(mail)["Subject"] == mail.subject


def test_non_ascii_display_names_are_encoded_too() -> None:
    mail = replace(MAIL, sender_name="Assistenza Città", to=(("nicco@acme.example", "Niccolò Bellè"),))
    parsed_mail = parsed(mail)
    assert parsed_mail["From"] == "Assistenza Città <assistenza@desk.example>"
    assert parsed_mail["To"] == "Niccolò Bellè <nicco@acme.example>"
    mail.to_mime(DATE).as_bytes().decode("ascii")


def test_the_mime_is_multipart_alternative_with_utf8_text_and_html() -> None:
    mail = replace(MAIL, text="Città: così è.\n", html="<p>Città: così è.</p>\n")
    message = parsed(mail)
    assert message.get_content_type() == "multipart/alternative"
    text, html = (cast(EmailMessage, part) for part in message.iter_parts())
    assert (text.get_content_type(), text.get_content_charset()) == ("text/plain", "utf-8")
    assert (html.get_content_type(), html.get_content_charset()) == ("text/html", "utf-8")
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert text.get_content().replace("\r\n", "\n") == "Città: così è.\n"
    assert html.get_content().replace("\r\n", "\n") == "<p>Città: così è.</p>\n"


def test_the_mime_carries_the_mails_headers() -> None:
    message = parsed(MAIL)
    assert message["Message-ID"] == "<iz-2026-000123.3.received@desk.example>"
    assert message["Date"] == "Thu, 26 Nov 2026 09:30:00 +0000"
    assert message["From"] == "Assistenza Clienti <assistenza@desk.example>"
    assert message["To"] == "Anna Bianchi <anna@acme.example>"
    assert message["Reply-To"] == "iz-2026-000123@desk.example"
    assert message["In-Reply-To"] == "<CAB123@mail.acme.example>"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["MIME-Version"] == "1.0"


def test_the_mime_is_written_with_crlf_line_ends() -> None:
    raw = MAIL.to_mime(DATE).as_bytes()
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_a_naive_date_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        MAIL.to_mime(datetime(2026, 11, 26, 9, 30))  # noqa: DTZ001 - the point of the test


def test_without_a_date_the_mime_is_dated_now() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    dated = cast(EmailMessage, message_from_bytes(MAIL.to_mime().as_bytes(), policy=policy.default))["Date"].datetime
    assert before <= dated <= datetime.now(UTC)
