"""The file drop writes one readable ``.eml`` per Message-ID, atomically, and never a second one."""

from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import cast

import pytest

from shared.adapters.mail.senders.file_drop import DEFAULT_DIRECTORY, FileDropSender, eml_file_name
from shared.domain.outgoing_mail import TransientSendError
from tests.sample_mail import RECEIPT

MAIL = RECEIPT


def test_each_message_id_gets_its_own_file(tmp_path: Path) -> None:
    sender = FileDropSender(tmp_path)
    sender.send(MAIL)
    sender.send(replace(MAIL, message_id="<iz-2026-000123.4.resolved@desk.example>"))
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "iz-2026-000123.3.received@desk.example.eml",
        "iz-2026-000123.4.resolved@desk.example.eml",
    ]


def test_sending_the_same_mail_again_writes_nothing_new(tmp_path: Path) -> None:
    sender = FileDropSender(tmp_path)
    sender.send(MAIL)
    [dropped] = tmp_path.iterdir()
    first = dropped.read_bytes()
    sender.send(MAIL)
    sender.send(replace(MAIL, subject="a changed subject, same Message-ID"))
    assert list(tmp_path.iterdir()) == [dropped]
    assert dropped.read_bytes() == first


def test_the_file_parses_back_with_both_parts_and_the_italian_text(tmp_path: Path) -> None:
    FileDropSender(tmp_path).send(MAIL)
    raw = (tmp_path / "iz-2026-000123.3.received@desk.example.eml").read_bytes()
    message = cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
    assert message["Message-ID"] == MAIL.message_id
    assert message["Subject"] == MAIL.subject
    text, html = (cast(EmailMessage, part) for part in message.iter_parts())
    assert text.get_content().replace("\r\n", "\n") == MAIL.text
    assert html.get_content().replace("\r\n", "\n").rstrip("\n") == MAIL.html


def test_the_folder_is_made_when_missing_and_no_temporary_file_stays(tmp_path: Path) -> None:
    folder = tmp_path / "local" / "mail"
    FileDropSender(folder).send(MAIL)
    assert [path.name for path in folder.iterdir()] == ["iz-2026-000123.3.received@desk.example.eml"]


def test_a_folder_that_cannot_be_written_is_a_transient_failure(tmp_path: Path) -> None:
    blocker = tmp_path / "mail"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(TransientSendError):
        FileDropSender(blocker).send(MAIL)


def test_the_default_folder_is_local_mail() -> None:
    assert FileDropSender().directory == DEFAULT_DIRECTORY == Path(".local/mail")


@pytest.mark.parametrize(
    ("message_id", "name"),
    [
        ("<iz-2026-000123.3.received@desk.example>", "iz-2026-000123.3.received@desk.example.eml"),
        ("<a+b_c@desk.example>", "a+b_c@desk.example.eml"),
    ],
)
def test_a_safe_message_id_is_its_own_file_name(message_id: str, name: str) -> None:
    assert eml_file_name(message_id) == name


def test_unsafe_characters_are_replaced_and_the_name_stays_unique() -> None:
    slash, backslash = eml_file_name("<../x/y@desk.example>"), eml_file_name("<../x\\y@desk.example>")
    assert "/" not in slash
    assert "\\" not in backslash
    assert slash.startswith(".._x_y@desk.example-")
    assert slash != backslash


def test_a_very_long_message_id_is_cut_to_a_usable_file_name() -> None:
    name = eml_file_name(f"<{'x' * 400}@desk.example>")
    assert len(name) < 200
    assert name != eml_file_name(f"<{'x' * 401}@desk.example>")
