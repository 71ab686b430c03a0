"""What the queue triggers and ``devhost ingest`` read before they touch storage: the queue
options of ``host.json``, message encodings, queue names, poll intervals and blob names."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import azure.functions as func
import pytest

from devhost.app_loader import catalog_functions
from devhost.host_config import HostConfig, QueueOptions, load_host_config, timespan_seconds
from devhost.ingest import blob_name, mail_connection
from devhost.polling import poll_interval
from devhost.queue_encoding import MessageEncoding, UndecodableMessageError, decode_text, encode_text
from devhost.queue_names import normalize_queue_name, poison_queue_name
from devhost.queue_triggers import queue_jobs
from shared.adapters.storage import azurite_connection_string


def write_host_json(root: Path, queues: object) -> None:
    (root / "host.json").write_text(json.dumps({"version": "2.0", "extensions": {"queues": queues}}), encoding="utf-8")


def test_host_json_queue_options_are_read(tmp_path: Path) -> None:
    write_host_json(
        tmp_path,
        {"messageEncoding": "None", "visibilityTimeout": "00:00:30", "maxDequeueCount": 2, "batchSize": 4},
    )
    assert load_host_config(tmp_path).queues == QueueOptions(
        message_encoding=MessageEncoding.NONE, visibility_timeout=30.0, max_dequeue_count=2, batch_size=4
    )


def test_queue_defaults_are_base64_no_delay_five_tries_and_batches_of_sixteen(tmp_path: Path) -> None:
    write_host_json(tmp_path, {})
    assert load_host_config(tmp_path) == HostConfig()
    assert HostConfig().queues == QueueOptions(MessageEncoding.BASE64, 0.0, 5, 16)


@pytest.mark.parametrize(
    ("queues", "named"),
    [
        ({"messageEncoding": "utf8"}, "messageEncoding"),
        ({"maxDequeueCount": 0}, "maxDequeueCount"),
        ({"batchSize": 33}, "batchSize"),
        ({"visibilityTimeout": "30s"}, "visibilityTimeout"),
    ],
)
def test_a_bad_queue_option_is_refused_by_name(tmp_path: Path, queues: dict[str, object], named: str) -> None:
    write_host_json(tmp_path, queues)
    with pytest.raises(ValueError, match=f"extensions.queues.{named}"):
        load_host_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00:00", 0.0), ("00:00:30", 30.0), ("00:01:00.5", 60.5), ("1.02:00:00", 93600.0), ("10:00:00", 36000.0)],
)
def test_timespans_are_read_as_dotnet_writes_them(text: str, seconds: float) -> None:
    assert timespan_seconds(text, "x") == seconds


def test_base64_bodies_round_trip_as_bytes() -> None:
    text = encode_text('{"BlobName": "è.eml"}', MessageEncoding.BASE64)
    assert text == base64.b64encode('{"BlobName": "è.eml"}'.encode()).decode()
    assert decode_text(text, MessageEncoding.BASE64) == '{"BlobName": "è.eml"}'.encode()


def test_with_no_encoding_the_text_is_the_body() -> None:
    assert encode_text("plain è", MessageEncoding.NONE) == "plain è"
    assert decode_text("plain è", MessageEncoding.NONE) == "plain è".encode()


@pytest.mark.parametrize("text", ["not base64!", "abc", "èè=="])
def test_a_text_that_is_not_base64_does_not_decode(text: str) -> None:
    with pytest.raises(UndecodableMessageError):
        decode_text(text, MessageEncoding.BASE64)


def test_queue_names_are_lower_cased_and_checked() -> None:
    assert normalize_queue_name("Mail-Poison") == "mail-poison"
    for bad in ("ab", "a--b", "-ab", "ab-", "a_b", "a" * 64):
        with pytest.raises(ValueError, match="not a valid queue name"):
            normalize_queue_name(bad)


def test_a_queue_s_poison_queue_is_its_name_with_the_suffix_unless_it_is_one_or_too_long() -> None:
    assert poison_queue_name("work") == "work-poison"
    assert poison_queue_name("webjobs-blobtrigger-poison") is None
    assert poison_queue_name("a" * 57) is None
    assert poison_queue_name("a" * 56) == "a" * 56 + "-poison"


def test_queue_jobs_expand_settings_and_resolve_connections() -> None:
    app = func.FunctionApp()

    @app.queue_trigger(arg_name="message", queue_name="%QUEUE%", connection="MailStorage")
    def on_message(message: func.QueueMessage) -> None:
        """Served."""

    @app.queue_trigger(arg_name="message", queue_name="%MISSING%", connection="MailStorage")
    def unresolved(message: func.QueueMessage) -> None:
        """Not served: its queue name names a missing setting."""

    environ = {"QUEUE": "Inbound-Work", "MailStorage": "UseDevelopmentStorage=true"}
    catalog = catalog_functions(app, environ)
    jobs = queue_jobs(catalog.queues, environ)
    assert [(job.name, job.queue, job.connection) for job in jobs] == [
        ("on_message", "inbound-work", azurite_connection_string())
    ]


def test_poll_intervals_come_from_their_setting_with_two_seconds_by_default() -> None:
    assert poll_interval("DEVHOST_QUEUE_POLL_SECONDS", {}) == 2.0
    assert poll_interval("DEVHOST_QUEUE_POLL_SECONDS", {"DEVHOST_QUEUE_POLL_SECONDS": "0.5"}) == 0.5
    with pytest.raises(ValueError, match="DEVHOST_QUEUE_POLL_SECONDS"):
        poll_interval("DEVHOST_QUEUE_POLL_SECONDS", {"DEVHOST_QUEUE_POLL_SECONDS": "0"})


def test_an_ingested_blob_is_named_after_the_utc_day_and_second_and_the_content_hash() -> None:
    rome_evening = datetime(2026, 11, 26, 0, 30, 5, tzinfo=timezone(timedelta(hours=1)))
    digest = "00d8d3f11739"  # sha256(b"mail")[:12]
    assert blob_name(b"mail", rome_evening) == f"2026/11/25/20261125T233005Z-{digest}.eml"
    assert blob_name(b"mail", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)).startswith("2026/01/02/20260102T030405Z-")


def test_the_mail_connection_is_the_mailstorage_setting_or_azurite() -> None:
    assert mail_connection({"MailStorage": "AccountName=mail"}) == "AccountName=mail"
    assert mail_connection({}) == azurite_connection_string()
