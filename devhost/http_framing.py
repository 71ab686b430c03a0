"""A request's body as HTTP/1.1 frames it (RFC 9112, section 6): by ``Content-Length`` or by
the ``chunked`` transfer coding, and nothing else.

A request whose body length cannot be told for sure is refused with 400 before any of it is
handed on, and the connection must then be closed (where the next request would start is
unknown): a ``Content-Length`` that is not one decimal number (``abc``, ``-1``, ``+4``, two
different values; the same value repeated, ``4, 4``, is one length), a ``Transfer-Encoding``
other than ``chunked`` alone, both headers together (a request smuggling pattern), a malformed
chunk, or a body that ends before its length. A body over :data:`MAX_BODY_BYTES` is refused
with 413 without being read, as the Functions host refuses it.
"""

from __future__ import annotations

import re
from email.message import Message
from http import HTTPStatus
from io import BufferedIOBase

#: The largest body served: the Functions host's default request size limit (100 MB).
MAX_BODY_BYTES = 100 * 2**20
#: The longest chunk-size or trailer line read, and the most trailer lines.
MAX_LINE_BYTES = 65536
MAX_TRAILER_LINES = 100

_DIGITS = re.compile(r"[0-9]+")
_HEX_DIGITS = re.compile(rb"[0-9A-Fa-f]+")


class BodyFramingError(Exception):
    """A body that cannot be read: the status to answer and why, in the client's terms."""

    def __init__(self, status: HTTPStatus, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def read_body(headers: Message, stream: BufferedIOBase, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body that follows ``headers`` on ``stream``; raises :class:`BodyFramingError` when its
    length cannot be told, when it ends early, or when it is over ``limit`` bytes."""
    lengths = headers.get_all("Content-Length") or []
    codings = headers.get_all("Transfer-Encoding") or []
    if lengths and codings:
        raise BodyFramingError(
            HTTPStatus.BAD_REQUEST, "Send either Content-Length or Transfer-Encoding: the body's length is ambiguous."
        )
    if codings:
        if [coding.strip().lower() for value in codings for coding in value.split(",")] != ["chunked"]:
            raise BodyFramingError(
                HTTPStatus.BAD_REQUEST,
                "Transfer-Encoding must be chunked alone: the body's length cannot be told otherwise.",
            )
        return _read_chunked(stream, limit)
    length = content_length(lengths)
    if length > limit:
        raise _too_large(limit)
    body = stream.read(length)
    if len(body) < length:
        raise BodyFramingError(HTTPStatus.BAD_REQUEST, "The body ended before the length its Content-Length states.")
    return body


def content_length(values: list[str]) -> int:
    """The length ``Content-Length`` header lines state (0 when there is none); raises
    :class:`BodyFramingError` unless each item of each line is the same decimal number."""
    if not values:
        return 0
    items = {item.strip() for value in values for item in value.split(",")}
    if len(items) != 1 or not _DIGITS.fullmatch(next(iter(items))):
        raise BodyFramingError(HTTPStatus.BAD_REQUEST, "Content-Length must be one decimal number: the body's length.")
    return int(next(iter(items)))


def _read_chunked(stream: BufferedIOBase, limit: int) -> bytes:
    """The chunks up to the last (size 0), then the trailer lines, which are dropped."""
    chunks: list[bytes] = []
    total = 0
    while size := _chunk_size(_line(stream)):
        total += size
        if total > limit:
            raise _too_large(limit)
        chunk = stream.read(size)
        if len(chunk) < size or stream.read(2) != b"\r\n":
            raise BodyFramingError(HTTPStatus.BAD_REQUEST, "A chunk's data does not end, CRLF, where its size says.")
        chunks.append(chunk)
    for _ in range(MAX_TRAILER_LINES):
        if not _line(stream):
            return b"".join(chunks)
    raise BodyFramingError(HTTPStatus.BAD_REQUEST, f"More than {MAX_TRAILER_LINES} trailer lines.")


def _chunk_size(line: bytes) -> int:
    """The size of a chunk from its size line (``1a;name=value``)."""
    digits = line.split(b";", 1)[0].strip()
    if not _HEX_DIGITS.fullmatch(digits):
        raise BodyFramingError(HTTPStatus.BAD_REQUEST, "A chunk's size must be hexadecimal digits: the chunk's length.")
    return int(digits, 16)


def _line(stream: BufferedIOBase) -> bytes:
    """One line without its line end; raises on a line too long or on the end of the stream."""
    line = stream.readline(MAX_LINE_BYTES + 1)
    if len(line) > MAX_LINE_BYTES or not line.endswith(b"\n"):
        raise BodyFramingError(HTTPStatus.BAD_REQUEST, "The chunked body ended early or has a line too long.")
    return line.rstrip(b"\r\n")


def _too_large(limit: int) -> BodyFramingError:
    return BodyFramingError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"The body is over the host's limit of {limit} bytes.")
