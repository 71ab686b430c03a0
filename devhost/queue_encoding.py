"""How queue message bodies travel: ``extensions.queues.messageEncoding`` of ``host.json``.

With ``base64`` (the host's default) the stored message text is the Base64 of the body's
bytes; with ``none`` the text is the body itself. The host applies the same policy to the
messages it reads, to those it writes (the poison queues included), and to every queue.
"""

from __future__ import annotations

import base64
import binascii
from enum import Enum


class MessageEncoding(Enum):
    """The two encodings the Functions host knows."""

    BASE64 = "base64"
    NONE = "none"

    @classmethod
    def parse(cls, text: str) -> MessageEncoding:
        """The encoding ``text`` names, case-insensitively; ValueError for any other."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise ValueError(f"unknown message encoding {text!r} (base64 or none)") from None


class UndecodableMessageError(ValueError):
    """A message text that is not valid under the queue's encoding."""


def encode_text(body: str, encoding: MessageEncoding) -> str:
    """The message text that carries ``body`` (its UTF-8 bytes) under ``encoding``."""
    if encoding is MessageEncoding.NONE:
        return body
    return base64.b64encode(body.encode("utf-8")).decode("ascii")


def decode_text(text: str, encoding: MessageEncoding) -> bytes:
    """The body bytes that the stored message ``text`` carries under ``encoding``.

    Raises UndecodableMessageError when ``text`` is not Base64 under ``base64``; the host
    sends such a message to the poison queue without running the function.
    """
    if encoding is MessageEncoding.NONE:
        return text.encode("utf-8")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise UndecodableMessageError(f"the message is not Base64: {error}") from None
