"""The development sender: each mail becomes an ``.eml`` file in a folder (``.local/mail`` by
default), named after its Message-ID, so a developer opens what the desk would have sent."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from pathlib import Path

from shared.domain.outgoing_mail import OutgoingMail, TransientSendError

DEFAULT_DIRECTORY = Path(".local/mail")

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")
_MAX_STEM = 150

logger = logging.getLogger(__name__)


class FileDropSender:
    """Writes each mail as ``<file name of its Message-ID>.eml`` under ``directory`` (made when
    missing). The write is atomic (a temporary file in the same folder, then ``os.replace``), and
    idempotent: when the file for a Message-ID exists the mail counts as sent and nothing is
    written, so a mail sent again never makes a second file. An OS error is a
    :class:`TransientSendError`."""

    def __init__(self, directory: Path = DEFAULT_DIRECTORY) -> None:
        self.directory = directory

    def send(self, mail: OutgoingMail) -> None:
        """Drop ``mail`` into the folder unless its file is already there."""
        target = self.directory / eml_file_name(mail.message_id)
        if target.exists():
            logger.debug("mail %s already dropped", mail.message_id)
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomically(target, mail.to_mime().as_bytes())
        except OSError as error:
            raise TransientSendError(f"could not write {target.name}: {error.strerror or error}") from error
        logger.info("mail %s dropped as %s", mail.message_id, target)


def eml_file_name(message_id: str) -> str:
    """The file name for a Message-ID: its text without the angle brackets, with every character
    outside ``A-Z a-z 0-9 . _ @ + -`` replaced by ``_``. When a character was replaced or the
    name was cut to 150 characters, a hash of the whole Message-ID is appended, so two different
    Message-IDs never share a file."""
    bare = message_id.strip("<>")
    stem = _UNSAFE.sub("_", bare)
    if stem != bare or len(stem) > _MAX_STEM:
        digest = hashlib.sha256(message_id.encode()).hexdigest()[:16]
        stem = f"{stem[:_MAX_STEM]}-{digest}"
    return f"{stem}.eml"


def _write_atomically(target: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
