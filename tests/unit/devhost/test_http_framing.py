"""A request body is read exactly as its headers frame it, or refused with the status to answer."""

from __future__ import annotations

import io
from email.message import Message
from http import HTTPStatus

import pytest

from devhost.http_framing import BodyFramingError, read_body


def headers(*pairs: tuple[str, str]) -> Message:
    message = Message()
    for name, value in pairs:
        message[name] = value
    return message


def read(body: bytes, *pairs: tuple[str, str], limit: int = 1000) -> bytes:
    return read_body(headers(*pairs), io.BufferedReader(io.BytesIO(body)), limit)  # type: ignore[arg-type]


def refusal(body: bytes, *pairs: tuple[str, str], limit: int = 1000) -> HTTPStatus:
    with pytest.raises(BodyFramingError) as refused:
        read(body, *pairs, limit=limit)
    return refused.value.status


def test_without_framing_headers_the_body_is_empty_and_nothing_is_read() -> None:
    stream = io.BufferedReader(io.BytesIO(b"GET / HTTP/1.1\r\n"))
    assert read_body(headers(), stream) == b""
    assert stream.read() == b"GET / HTTP/1.1\r\n"


def test_content_length_reads_that_many_bytes_and_leaves_the_next_request() -> None:
    stream = io.BufferedReader(io.BytesIO(b"abcdGET"))
    assert read_body(headers(("Content-Length", "4")), stream) == b"abcd"
    assert stream.read() == b"GET"


def test_a_body_shorter_than_its_content_length_is_refused() -> None:
    assert refusal(b"ab", ("Content-Length", "4")) == HTTPStatus.BAD_REQUEST


def test_chunks_are_joined_and_extensions_and_trailers_dropped() -> None:
    body = b"3;name=value\r\nabc\r\nA\r\n0123456789\r\n0\r\nExpires: never\r\n\r\n"
    assert read(body, ("Transfer-Encoding", "Chunked")) == b"abc0123456789"


@pytest.mark.parametrize(
    "body",
    [b"4\r\nabc\r\n0\r\n\r\n", b"3\r\nabcd\r\n0\r\n\r\n", b"-3\r\nabc\r\n0\r\n\r\n", b"3\r\nabc\r\n", b"3\r\nabc"],
    ids=["short chunk", "long chunk", "signed size", "no last chunk", "no line end"],
)
def test_a_chunked_body_that_breaks_its_framing_is_refused(body: bytes) -> None:
    assert refusal(body, ("Transfer-Encoding", "chunked")) == HTTPStatus.BAD_REQUEST


def test_both_framing_headers_together_are_refused() -> None:
    assert refusal(b"abcd", ("Content-Length", "4"), ("Transfer-Encoding", "chunked")) == HTTPStatus.BAD_REQUEST


def test_a_body_over_the_limit_is_refused_as_too_large_by_either_framing() -> None:
    assert refusal(b"", ("Content-Length", "11"), limit=10) == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    chunks = b"6\r\nabcdef\r\n6\r\nabcdef\r\n0\r\n\r\n"
    assert refusal(chunks, ("Transfer-Encoding", "chunked"), limit=10) == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert read(b"abcdefghij", ("Content-Length", "10"), limit=10) == b"abcdefghij"
