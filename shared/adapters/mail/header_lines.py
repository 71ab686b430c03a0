"""How many header lines a raw mail holds, counted on its bytes before anything parses them.

The standard library's parser spends about two microseconds on every header line (seven seconds
for a 24 MB mail of four million tiny headers) before a header can be looked at, so the intake
counts them first, the way that parser will meet them, and refuses a mail with too many:

* the block of header lines the mail starts with;
* the block that follows each boundary line (``--`` and a boundary some counted block declares,
  read as the parser reads it), or the empty line right after one (a part without headers of
  its own, which a digest reads as a mail whose headers follow);
* in a ``message/*`` part, the block after the empty line that ends the part's headers (a
  forwarded mail's headers), and in a ``message/delivery-status`` part the block after every
  empty line up to the next boundary line (a delivery report's blocks, each read as headers).

A block is a run of lines shaped as the parser's header lines (a field name and its colon, a
continuation, an mbox ``From`` line); lines end as the parser ends them, with CR LF, CR or LF.
Blocks are examined in the order of the mail, at most ``limit`` of them: beyond that many the
parser refuses the mail for its parts (``ParseLimits.max_parts``) before it reaches them. Every
search is the bytes' own (``find``) or a pattern bounded to a block, so the count costs
milliseconds where the parse would cost seconds, and stops as soon as it passes the limit.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from email.message import Message
from functools import lru_cache

__all__ = ["count_header_lines"]

_EOL = rb"(?>\r\n|\r|\n)"
_REST = rb"[^\r\n]*"
#: The parser's own pattern of a header line's start: a field name and its colon, a
#: continuation (a space or a tab first), or an mbox ``From`` line.
_HEADER_START = rb"(?:From |[\x21-\x39\x3b-\x7e]*:|[ \t])"
#: A ``Content-Type`` field of a block and its value (folded lines included).
_CONTENT_TYPE = re.compile(rb"(?i)(?:^|[\r\n])content-type:((?:[^\r\n]|" + _EOL + rb"(?=[ \t]))*)")
#: What may follow a boundary on its line: ``--`` (the last one), blanks, the line's end.
_DELIMITER_END = re.compile(rb"(?:--)?[ \t]*(?:[\r\n]|\Z)")
_MESSAGE_TYPE = re.compile(rb"(?i)(?:^|[\r\n])content-type:[ \t\r\n]*message/")
_DELIVERY_STATUS = re.compile(rb"(?i)(?:^|[\r\n])content-type:[ \t\r\n]*message/delivery-status")


def count_header_lines(raw: bytes, limit: int) -> int:
    """The header lines of ``raw`` (see the module's docstring), counted until they pass
    ``limit``: the result is exact up to ``limit`` and only says "more" beyond it."""
    block = _block(limit)
    blocks = _Blocks(limit)
    count = 0
    boundaries: set[bytes] = set()
    while count <= limit and (start := blocks.next()) is not None:
        lines = _matched(block, raw, start)
        count += _line_count(lines)
        end = start + len(lines)
        for boundary in _boundaries(lines):
            if boundary not in boundaries:
                boundaries.add(boundary)
                blocks.add(_parts(raw, boundary, end))
        if _DELIVERY_STATUS.search(lines):
            blocks.add(_report_blocks(raw, end))
        elif _MESSAGE_TYPE.search(lines):
            blocks.add(iter((_after_empty_line(raw, end),)))
    return count


class _Blocks:
    """The starts of the blocks still to count, from sources found along the way (each in the
    order of the mail, read lazily), handed out in the order of the mail, at most ``limit`` of
    them: beyond that many the parser has refused the mail for its parts."""

    def __init__(self, limit: int) -> None:
        self._heads: list[tuple[int, int, Iterator[int]]] = []
        self._sources = 0
        self._left = limit
        self.add(iter((0,)))  # the mail's own header

    def add(self, starts: Iterator[int]) -> None:
        """Add a source of block starts."""
        self._sources += 1
        self._push(self._sources, starts)

    def next(self) -> int | None:
        """The next block's start in the mail, or None when there is none or the limit is reached."""
        if not self._heads or self._left <= 0:
            return None
        self._left -= 1
        start, source, starts = heapq.heappop(self._heads)
        self._push(source, starts)
        return start

    def _push(self, source: int, starts: Iterator[int]) -> None:
        following = next(starts, None)
        if following is not None:
            heapq.heappush(self._heads, (following, source, starts))


def _boundaries(lines: bytes) -> Iterator[bytes]:
    """The boundaries the ``Content-Type`` fields of a block declare, read by the standard
    library's own parameter parsing (quoting, RFC 2231 continuations and charsets), as the parser
    will read them."""
    for field in _CONTENT_TYPE.finditer(lines):
        if b"boundary" not in field.group(1).lower():
            continue
        declared = Message()
        declared["Content-Type"] = field.group(1).decode("ascii", "surrogateescape")
        boundary = declared.get_boundary()
        if not boundary:
            continue
        try:
            encoded = boundary.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:  # decoded from an RFC 2231 charset: no line of the mail can match it
            continue
        yield encoded


def _parts(raw: bytes, boundary: bytes, start: int) -> Iterator[int]:
    """Where the headers of the parts that ``boundary`` opens after ``start`` begin: the line
    after each boundary line (``--boundary``, maybe ``--`` and blanks, at the start of a line,
    as the parser reads it), or the line after that when it is empty."""
    delimiter = b"--" + boundary
    at = start
    while (at := raw.find(delimiter, at)) >= 0:
        line_start = at == 0 or raw[at - 1] in b"\r\n"
        at += len(delimiter)
        if line_start and _DELIMITER_END.match(raw, at):
            yield _after_empty_line(raw, _next_line(raw, at))


def _report_blocks(raw: bytes, start: int) -> Iterator[int]:
    """The starts of the blocks after empty lines from ``start`` (where a delivery report's part
    headers end) to the next line that starts with ``--``: after each empty line, whatever follows
    it, since the parser makes a part of each."""
    end = min(_found(raw, b"\n--", start), _found(raw, b"\r--", start))
    # an empty line is a line end right after another: LF LF, CR CR or LF CR (CR LF CR LF, LF CR LF);
    # each pair's next place is looked for again only once the scan has passed it
    at = max(start - 1, 0)  # from the line end of the part's last header line
    pairs = {pair: _found(raw, pair, at) for pair in (b"\n\n", b"\r\r", b"\n\r")}
    while (empty := min(pairs.values())) < end:
        at = _after_line_end(raw, empty + 1)
        yield at
        for pair, place in pairs.items():
            if place < at:
                pairs[pair] = _found(raw, pair, at)


def _next_line(raw: bytes, at: int) -> int:
    """Where the line after the one holding ``at`` starts (the end of ``raw`` when none does)."""
    line_end = min(_found(raw, b"\n", at), _found(raw, b"\r", at))
    return _after_line_end(raw, line_end) if line_end < len(raw) else len(raw)


def _after_empty_line(raw: bytes, at: int) -> int:
    """``at``, or the start of the next line when the line at ``at`` is empty."""
    return _after_line_end(raw, at) if raw[at : at + 1] in (b"\r", b"\n") else at


def _after_line_end(raw: bytes, at: int) -> int:
    """Just after the line end (CR LF, CR or LF) at ``at``."""
    return at + (2 if raw[at : at + 2] == b"\r\n" else 1)


def _found(raw: bytes, what: bytes, at: int) -> int:
    """Where ``what`` is next found from ``at``, or the end of ``raw``."""
    found = raw.find(what, at)
    return found if found >= 0 else len(raw)


@lru_cache(maxsize=8)
def _block(limit: int) -> re.Pattern[bytes]:
    """A block of header lines, at most one more than ``limit`` of them (so a match stays short)."""
    return re.compile(b"(?:" + _HEADER_START + _REST + _EOL + b"){0,%d}" % (limit + 1))


def _matched(pattern: re.Pattern[bytes], raw: bytes, at: int) -> bytes:
    found = pattern.match(raw, at)
    return found.group() if found else b""


def _line_count(lines: bytes) -> int:
    return lines.count(b"\n") + lines.count(b"\r") - lines.count(b"\r\n")
