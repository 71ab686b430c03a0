"""The ACS sender drives the real azure-communication-email SDK, over real HTTPS, against a local
stand-in of the ACS Email REST API (``tests/acs_standin.py``), reached through a connection
string exactly as a deployment without managed identity would be."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path

import pytest
import trustme
from azure.communication.email import EmailClient

from shared.adapters.mail.senders.acs import AcsSender, email_client, operation_id, retry_after_seconds
from shared.domain.outgoing_mail import PermanentSendError, TransientSendError
from tests.acs_standin import API_VERSION, AcsStandIn, running_standin, write_ca_bundle
from tests.sample_mail import RECEIPT

MAIL = replace(
    RECEIPT,
    sender="DoNotReply@desk.example",
    sender_name="Assistenza",
    to=(("anna@acme.example", "Anna Bianchi"), ("carlo@acme.example", "")),
)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def standin(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AcsStandIn]:
    """A running stand-in whose certificate the SDK's HTTP transport trusts."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(write_ca_bundle(ca, tmp_path)))
    with running_standin(ca) as running:
        yield running


def sender_for(standin: AcsStandIn, **options: float) -> AcsSender:
    return AcsSender(email_client(connection_string=standin.connection_string()), **options)


def test_the_service_receives_the_whole_mail_and_the_send_succeeds(standin: AcsStandIn) -> None:
    sender_for(standin, polling_interval=0.2).send(MAIL)

    [send] = standin.sends()
    assert send.query == {"api-version": API_VERSION}
    assert send.headers["operation-id"] == operation_id(MAIL.message_id)
    assert send.body == {
        "senderAddress": "DoNotReply@desk.example",
        "recipients": {
            "to": [{"address": "anna@acme.example", "displayName": "Anna Bianchi"}, {"address": "carlo@acme.example"}]
        },
        "content": {"subject": MAIL.subject, "plainText": MAIL.text, "html": MAIL.html},
        "replyTo": [{"address": "iz-2026-000123@desk.example"}],
        "headers": {
            "Message-ID": "<iz-2026-000123.3.received@desk.example>",
            "In-Reply-To": "<CAB123@mail.acme.example>",
            "References": "<CAB123@mail.acme.example>",
            "Auto-Submitted": "auto-replied",
            "X-Auto-Response-Suppress": "All",
        },
        "userEngagementTrackingDisabled": True,
    }
    assert [poll.path for poll in standin.polls()] == [f"/emails/operations/{operation_id(MAIL.message_id)}"] * 2


def test_one_mail_takes_far_less_than_the_sdks_default_30_second_polling_interval(standin: AcsStandIn) -> None:
    started = time.monotonic()
    sender_for(standin).send(MAIL)  # the sender's default polling interval
    assert time.monotonic() - started < 5
    assert len(standin.polls()) == 2  # one Running, then Succeeded


def test_the_sender_polls_at_its_interval_until_the_operation_ends(standin: AcsStandIn) -> None:
    standin.running_polls = 3
    sender_for(standin, polling_interval=0.3).send(MAIL)

    arrivals = [poll.at for poll in standin.polls()]
    gaps = [later - earlier for earlier, later in pairwise(arrivals)]
    assert len(arrivals) == 4
    assert all(0.25 <= gap < 2 for gap in gaps), gaps


def test_a_retry_after_on_a_running_operation_is_honoured(standin: AcsStandIn) -> None:
    standin.poll_retry_after = 1
    sender_for(standin, polling_interval=0.1).send(MAIL)

    first, second = (poll.at for poll in standin.polls())
    assert second - first >= 0.95


def test_throttling_is_transient_with_the_services_retry_after(standin: AcsStandIn) -> None:
    standin.answer_next_send(429, "TooManyRequests", retry_after=7)
    with pytest.raises(TransientSendError) as raised:
        sender_for(standin).send(MAIL)
    assert raised.value.retry_after == 7
    assert len(standin.sends()) == 1  # the SDK did not retry (and sleep) on its own


def test_a_retried_mail_carries_the_same_operation_id_and_is_sent_once(standin: AcsStandIn) -> None:
    standin.answer_next_send(429, "TooManyRequests", retry_after=1)
    sender = sender_for(standin, polling_interval=0.2)
    with pytest.raises(TransientSendError):
        sender.send(MAIL)
    sender.send(MAIL)
    sender.send(MAIL)  # a redelivery after success, as an at-least-once outbox may do

    assert {send.headers["operation-id"] for send in standin.sends()} == {operation_id(MAIL.message_id)}
    assert len(standin.sends()) == 3
    assert list(standin.operations) == [operation_id(MAIL.message_id)]


def test_another_mail_gets_another_operation_id(standin: AcsStandIn) -> None:
    sender = sender_for(standin, polling_interval=0.2)
    sender.send(MAIL)
    sender.send(replace(MAIL, message_id="<iz-2026-000123.4.resolved@desk.example>"))
    assert len({send.headers["operation-id"] for send in standin.sends()}) == 2


def test_a_server_error_is_transient(standin: AcsStandIn) -> None:
    standin.answer_next_send(500, "InternalServerError")
    with pytest.raises(TransientSendError) as raised:
        sender_for(standin).send(MAIL)
    assert raised.value.retry_after is None
    assert "InternalServerError" in str(raised.value)


def test_a_failed_operation_is_permanent_and_carries_the_services_reason(standin: AcsStandIn) -> None:
    standin.outcome = "Failed"
    with pytest.raises(PermanentSendError, match="EmailDropped"):
        sender_for(standin, polling_interval=0.2).send(MAIL)


def test_a_canceled_operation_is_permanent(standin: AcsStandIn) -> None:
    standin.outcome = "Canceled"
    with pytest.raises(PermanentSendError):
        sender_for(standin, polling_interval=0.2).send(MAIL)


def test_a_rejected_request_is_permanent(standin: AcsStandIn) -> None:
    standin.answer_next_send(400, "InvalidRecipient")
    with pytest.raises(PermanentSendError, match="InvalidRecipient"):
        sender_for(standin).send(MAIL)


def test_a_wrong_access_key_is_permanent(standin: AcsStandIn) -> None:
    client = email_client(connection_string=standin.connection_string(access_key="d3JvbmcgYnV0IHZhbGlk"))
    with pytest.raises(PermanentSendError, match="credentials"):
        AcsSender(client).send(MAIL)
    assert standin.operations == {}


def test_an_operation_still_running_after_the_wait_is_transient(standin: AcsStandIn) -> None:
    standin.running_polls = 4
    started = time.monotonic()
    with pytest.raises(TransientSendError, match="still Running"):
        sender_for(standin, polling_interval=0.2, max_wait=0.3).send(MAIL)
    assert time.monotonic() - started < 2


def test_a_service_that_cannot_be_reached_is_transient() -> None:
    client = email_client(connection_string="endpoint=https://127.0.0.1:9/;accesskey=c2VjcmV0", timeout=2)
    with pytest.raises(TransientSendError, match="could not be reached"):
        AcsSender(client).send(MAIL)


def test_a_connection_string_with_http_still_reaches_the_service_over_tls(standin: AcsStandIn) -> None:
    AcsSender(email_client(connection_string=standin.connection_string(scheme="http")), polling_interval=0.2).send(MAIL)
    assert len(standin.sends()) == 1


def test_an_endpoint_selects_the_managed_identity_and_must_be_https() -> None:
    assert isinstance(email_client(endpoint="https://desk.europe.communication.azure.com"), EmailClient)
    with pytest.raises(ValueError, match="https"):
        email_client(endpoint="http://desk.europe.communication.azure.com")
    with pytest.raises(ValueError, match="connection string"):
        email_client()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), ("0.5", 0.5), ("-3", 0.0), (None, None), ("", None), ("soon", None)],
)
def test_retry_after_reads_delay_seconds(value: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value) == seconds


def test_retry_after_reads_an_http_date_as_the_time_left() -> None:
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= (retry_after_seconds(in_a_minute) or 0) <= 60
