"""The SMTP sender against a real SMTP server (aiosmtpd) started by the test: STARTTLS with a
certificate from a test CA, AUTH, the message as the server received it, and the server's reply
codes mapped to transient or permanent failures."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

from shared.adapters.mail.senders.smtp import SmtpSender
from shared.domain.outgoing_mail import PermanentSendError, TransientSendError
from tests.sample_mail import RECEIPT

USERNAME, PASSWORD = "desk@desk.example", "correct horse battery staple"

MAIL = RECEIPT


@dataclass
class Relay:
    """An aiosmtpd handler that keeps what it receives and answers RCPT or DATA as told."""

    rcpt_reply: str | None = None
    data_reply: str | None = None
    received: list[Envelope] = field(default_factory=list)

    async def handle_RCPT(  # noqa: N802 - the name aiosmtpd calls
        self, server: object, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.data_reply:
            return self.data_reply
        self.received.append(envelope)
        return "250 Message accepted for delivery"


def authenticate(server: object, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USERNAME.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=good, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def relay(ca: trustme.CA) -> Iterator[tuple[Relay, int]]:
    """A relay on a free port that requires STARTTLS before AUTH and AUTH before mail."""
    handler = Relay()
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(tls)
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=tls,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


def as_lf(text: str) -> str:
    """SMTP bodies travel with CRLF line ends; the mail was written with LF."""
    return text.replace("\r\n", "\n")


def sender_for(port: int, ca: trustme.CA, password: str = PASSWORD) -> SmtpSender:
    return SmtpSender("127.0.0.1", port, USERNAME, password, timeout=5, ssl_context=trusting(ca))


def test_the_relay_receives_both_parts_the_headers_and_the_italian_text_intact(
    relay: tuple[Relay, int], ca: trustme.CA
) -> None:
    handler, port = relay
    sender_for(port, ca).send(MAIL)

    [envelope] = handler.received
    assert envelope.mail_from == "assistenza@desk.example"
    assert envelope.rcpt_tos == ["anna@acme.example"]
    assert isinstance(envelope.content, bytes)
    envelope.content.decode("ascii")  # 7-bit clean on the wire
    received = cast(EmailMessage, message_from_bytes(envelope.content, policy=policy.default))
    assert received.get_content_type() == "multipart/alternative"
    assert received["Subject"] == MAIL.subject
    assert received["Message-ID"] == MAIL.message_id
    assert received["From"] == "Assistenza Clienti <assistenza@desk.example>"
    assert received["To"] == "Anna Bianchi <anna@acme.example>"
    assert received["Reply-To"] == "iz-2026-000123@desk.example"
    assert received["Date"]
    for name, value in MAIL.headers.items():
        assert received[name] == value
    text, html = received.iter_parts()
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert as_lf(cast(EmailMessage, text).get_content()) == MAIL.text
    assert as_lf(cast(EmailMessage, html).get_content()).rstrip("\n") == MAIL.html


@pytest.mark.parametrize(
    ("rcpt_reply", "data_reply", "failure"),
    [
        ("451 4.3.0 Try again later", None, TransientSendError),
        ("550 5.1.1 No such user here", None, PermanentSendError),
        (None, "451 4.7.1 Greylisted, come back later", TransientSendError),
        (None, "554 5.6.0 Message refused", PermanentSendError),
    ],
)
def test_the_relays_reply_code_decides_whether_a_failure_is_transient(
    relay: tuple[Relay, int],
    ca: trustme.CA,
    rcpt_reply: str | None,
    data_reply: str | None,
    failure: type[Exception],
) -> None:
    handler, port = relay
    handler.rcpt_reply, handler.data_reply = rcpt_reply, data_reply
    with pytest.raises(failure, match=(rcpt_reply or data_reply or "")[:3]):
        sender_for(port, ca).send(MAIL)
    assert handler.received == []


def test_a_wrong_password_is_permanent(relay: tuple[Relay, int], ca: trustme.CA) -> None:
    _, port = relay
    with pytest.raises(PermanentSendError, match="535"):
        sender_for(port, ca, password=PASSWORD.upper()).send(MAIL)


def test_a_relay_whose_certificate_is_not_trusted_is_permanent(relay: tuple[Relay, int]) -> None:
    _, port = relay
    with pytest.raises(PermanentSendError, match="certificate"):
        SmtpSender("127.0.0.1", port, USERNAME, PASSWORD, timeout=5).send(MAIL)


def test_a_relay_that_does_not_answer_is_transient() -> None:
    with pytest.raises(TransientSendError, match="failed"):
        SmtpSender("127.0.0.1", free_port(), timeout=2).send(MAIL)


def test_a_username_without_a_password_is_refused() -> None:
    with pytest.raises(ValueError, match="password"):
        SmtpSender("127.0.0.1", 25, USERNAME)
