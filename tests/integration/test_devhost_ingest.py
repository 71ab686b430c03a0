"""``python -m devhost ingest`` against Azurite: raw mail lands in the container as the mailbox
connector writes it, never over a blob that is there, from files and from standard input."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient, ContainerClient

from devhost.ingest import CONTENT_TYPE, Ingested, ingest
from shared.adapters.storage import AZURITE_ACCOUNT, AZURITE_KEY, DEVELOPMENT_STORAGE, azurite_connection_string

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 11, 26, 9, 30, 15, tzinfo=UTC)
MAIL = b"From: anna@acme.example\r\nSubject: Login broken\r\n\r\nNobody can sign in.\r\n"
MAIL_BLOB = f"2026/11/26/20261126T093015Z-{hashlib.sha256(MAIL).hexdigest()[:12]}.eml"


@pytest.fixture
def container(azurite: bool) -> Iterator[ContainerClient]:
    client = BlobServiceClient.from_connection_string(azurite_connection_string()).get_container_client(
        f"ingest-{uuid.uuid4().hex[:12]}"
    )
    yield client
    if client.exists():
        client.delete_container()


def no_stdin() -> bytes:
    raise AssertionError("standard input must not be read")


def run_cli(
    *args: str, stdin: bytes = b"", mail_storage: str = DEVELOPMENT_STORAGE
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "MailStorage": mail_storage}
    return subprocess.run(
        [sys.executable, "-m", "devhost", "ingest", *args],
        cwd=PROJECT_ROOT,
        env=environ,
        input=stdin.decode(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_file_becomes_a_blob_named_after_its_day_time_and_hash_as_rfc822(
    container: ContainerClient, tmp_path: Path
) -> None:
    container.create_container()
    (tmp_path / "login.eml").write_bytes(MAIL)
    [result] = ingest([str(tmp_path / "login.eml")], container, read_stdin=no_stdin, clock=lambda: AT)
    assert result == Ingested(str(tmp_path / "login.eml"), blob=MAIL_BLOB)
    blob = container.get_blob_client(MAIL_BLOB)
    assert blob.download_blob().readall() == MAIL
    assert blob.get_blob_properties().content_settings.content_type == CONTENT_TYPE


def test_a_blob_that_is_there_already_is_reported_and_left_as_it_is(container: ContainerClient, tmp_path: Path) -> None:
    container.create_container()
    container.upload_blob(MAIL_BLOB, b"what the connector wrote first")
    (tmp_path / "again.eml").write_bytes(MAIL)
    [result] = ingest([str(tmp_path / "again.eml")], container, read_stdin=no_stdin, clock=lambda: AT)
    assert result.existed
    assert result.line().endswith(f"{MAIL_BLOB} (already there)")
    assert container.get_blob_client(MAIL_BLOB).download_blob().readall() == b"what the connector wrote first"


def test_a_missing_file_is_an_error_and_the_others_still_go_in(container: ContainerClient, tmp_path: Path) -> None:
    container.create_container()
    (tmp_path / "ok.eml").write_bytes(MAIL)
    missing, present = ingest(
        [str(tmp_path / "missing.eml"), str(tmp_path / "ok.eml")], container, read_stdin=no_stdin, clock=lambda: AT
    )
    assert missing.error == "No such file or directory"
    assert present.blob == MAIL_BLOB


def test_the_command_reads_standard_input_and_creates_the_container(container: ContainerClient) -> None:
    done = run_cli("--container", container.container_name, "-", stdin=MAIL)
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    source, _, name = line.partition(": ")
    assert source == "-"
    assert name.endswith(f"-{hashlib.sha256(MAIL).hexdigest()[:12]}.eml")
    assert container.get_blob_client(name).download_blob().readall() == MAIL


def test_the_command_prints_a_line_per_file_and_fails_when_one_did(container: ContainerClient, tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(MAIL)
    (tmp_path / "b.eml").write_bytes(MAIL + b"P.S.\r\n")
    done = run_cli(
        "--container",
        container.container_name,
        str(tmp_path / "a.eml"),
        str(tmp_path / "nope.eml"),
        str(tmp_path / "b.eml"),
    )
    assert done.returncode == 1
    assert [line.split(": ")[0] for line in done.stdout.splitlines()] == [
        str(tmp_path / "a.eml"),
        str(tmp_path / "b.eml"),
    ]
    assert done.stderr.strip() == f"{tmp_path / 'nope.eml'}: error: No such file or directory"
    assert len(list(container.list_blobs())) == 2


def test_the_command_says_clearly_when_storage_does_not_answer(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(MAIL)
    nowhere = (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"BlobEndpoint=http://127.0.0.1:9/{AZURITE_ACCOUNT}"
    )
    done = run_cli(str(tmp_path / "a.eml"), mail_storage=nowhere)
    assert done.returncode == 1
    assert "nothing answers at http://127.0.0.1:9" in done.stderr
    assert "start Azurite" in done.stderr
    assert done.stdout == ""
