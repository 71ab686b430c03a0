"""A mail's headers as the desk reads them: addresses, thread ids, the date, the robots' signs.

Any sender controls these bytes, so reading them costs time linear in their size (and their
number is bounded before they are parsed, :mod:`shared.adapters.mail.header_lines`):

* a part's headers are indexed once by name (:class:`Headers`): a lookup costs the values of its
  name, not a walk over every header;
* a value is clipped to :data:`MAX_HEADER_CHARS` characters before it is decoded or searched for
  addresses (``References`` and ``In-Reply-To`` are read whole: reading them is linear), and no
  pattern backtracks more than a bounded stretch.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from shared.adapters.mail.charsets import decode_words, recover
from shared.domain.inbound.automatic import ROBOT_HEADERS
from shared.domain.inbound.message import Mailbox
from shared.domain.text_limits import one_line

__all__ = [
    "DERIVED_ID_HEX_DIGITS",
    "MAX_ADDRESS_CHARS",
    "MAX_HEADER_CHARS",
    "MAX_NAME_CHARS",
    "RECIPIENT_HEADERS",
    "Headers",
    "date",
    "mailboxes",
    "message_id",
    "message_ids",
    "recipients",
    "robot_headers",
    "sender",
]

#: Where a mail's recipients are named.
RECIPIENT_HEADERS = ("to", "cc", "delivered-to", "x-original-to")

#: The longest address that is usable (RFC 5321 allows 254 characters in a path's address).
MAX_ADDRESS_CHARS = 254
#: The most characters a display name keeps.
MAX_NAME_CHARS = 200
#: The most characters of a header value read (as sent, unfolded): addresses, subject, dates,
#: robot headers. ``References`` and ``In-Reply-To`` are read whole (reading them is linear).
MAX_HEADER_CHARS = 8 * 1024
#: Hex digits of the SHA-256 of the raw bytes in a derived Message-ID.
DERIVED_ID_HEX_DIGITS = 32

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ANGLES = re.compile(r"<([^<>]*)>")
#: An angle address that closes the value (a value stripped of its quoted strings and comments).
_ANGLE_AT_END = re.compile(r"<[^<>]*>\s*$")
_FOLDING = re.compile(r"\r?\n[ \t]*")
#: A word with an ``@`` inside; it starts only where a word starts, so it never rescans a word.
_ADDRESS_LIKE = re.compile(r"(?<![^\s<>@,;:\"()\[\]])[^\s<>@,;:\"()\[\]]+@[^\s<>@,;:\"()\[\]]+")


class Headers:
    """A part's headers by lower-case name, read once from the parsed part: each lookup costs
    the values of its name, not a walk over every header (a mail may carry thousands)."""

    def __init__(self, part: Message) -> None:
        self._values: dict[str, list[str]] = {}
        for key, value in part.raw_items():
            self._values.setdefault(key.lower(), []).append(str(value))

    def raw(self, name: str, *, limit: int | None = MAX_HEADER_CHARS) -> list[str]:
        """Every value of header ``name`` (lower case) as it was sent, unfolded, undecoded,
        clipped to ``limit`` characters (None: whole)."""
        return [_FOLDING.sub(" ", value)[:limit] for value in self._values.get(name, ())]

    def text(self, name: str) -> str:
        """The first value of header ``name`` decoded to text on one line (a line break or other
        control character an encoded word carried becomes a space), or "" when there is none."""
        values = self.raw(name)
        return one_line(decode_words(values[0])) if values else ""


def mailboxes(values: list[str]) -> Iterator[Mailbox]:
    """The usable mailboxes in address headers' raw values, in order. A value the address parser
    finds nothing usable in (``Anna anna@example.com``, no brackets) gives the address-like
    words it holds, with no name."""
    for value in values:
        found = list(_parsed_mailboxes(value))
        yield from found or (Mailbox(address=address) for address in _bare_addresses(value))


def _parsed_mailboxes(value: str) -> Iterator[Mailbox]:
    try:
        pairs = getaddresses([value])
    except Exception:
        pairs = []
    for name, address in pairs:
        usable = _usable_address(address)
        if usable:
            display = one_line(decode_words(name)).strip('"')
            yield Mailbox(address=usable, name=display[:MAX_NAME_CHARS].strip())


def _bare_addresses(value: str) -> Iterator[str]:
    for word in _ADDRESS_LIKE.findall(recover(value)):
        usable = _usable_address(word)
        if usable:
            yield usable


def _usable_address(address: str) -> str | None:
    address = recover(address).strip().strip("<>").lower()
    local, at, domain = address.rpartition("@")
    if (
        len(address) > MAX_ADDRESS_CHARS
        or not at
        or not local
        or "." not in domain.strip(".")
        or any(char.isspace() for char in address)
    ):
        return None
    return address


def sender(headers: Headers) -> tuple[Mailbox | None, str]:
    """Who ``From`` names, and why that may not be who it seems to be ("" when nothing is doubted).

    ``From`` is taken at its word only when it is one header that parses strictly to one mailbox
    (see :func:`_strict_mailbox`) whose display name holds no other address than the mailbox's:
    ``anna@acme.example <attacker@evil.example>`` shows Anna to a person and the attacker's address
    to the mail system, and address parsers (Python's own among them, patched or not) read it either
    way. A doubted sender is the address in the value's one pair of angle brackets when it has one
    (where replies go), else its first usable address, with no name; None when it has no address.
    """
    values = headers.raw("from", limit=None)
    if not values:
        return None, ""
    strict = _strict_mailbox(values[0])
    loose = strict or _angle_address(values[0]) or next(mailboxes([values[0][:MAX_HEADER_CHARS]]), None)
    if loose is None:
        return None, ""
    if len(values) > 1:
        return Mailbox(loose.address), "more than one From header"
    if strict is None:
        return Mailbox(loose.address), "From does not parse strictly"
    other = next((word for word in _ADDRESS_LIKE.findall(strict.name) if word.lower() != strict.address), None)
    if other is not None:
        return Mailbox(strict.address), f"From's display name is another address ({other[:MAX_ADDRESS_CHARS]})"
    return strict, ""


def _strict_mailbox(value: str) -> Mailbox | None:
    """The one mailbox of an address header's value when the value keeps to the grammar of one
    mailbox (``addr-spec``, or a display name and ``<addr-spec>``, comments allowed), else None:
    no more than :data:`MAX_HEADER_CHARS` characters; quoted strings and comments closed; outside
    them no ``,`` ``;`` or ``:`` (a list or a group) and at most one ``<…>``, closing the value;
    and the address parser finds exactly that one usable mailbox."""
    if len(value) > MAX_HEADER_CHARS:
        return None
    bare = _without_quotes_and_comments(value)
    if bare is None or any(char in bare for char in ",;:") or bare.count("<") > 1 or bare.count(">") > 1:
        return None
    if ("<" in bare or ">" in bare) and not _ANGLE_AT_END.search(bare):
        return None
    found = list(_parsed_mailboxes(value))
    try:
        pairs = len(getaddresses([value]))
    except Exception:
        return None
    return found[0] if len(found) == 1 and pairs == 1 else None


def _without_quotes_and_comments(value: str) -> str | None:
    """``value`` with its quoted strings and comments (RFC 5322, with backslash escapes, comments
    nested) taken out, or None when one of them is left open or a comment is closed unopened."""
    kept: list[str] = []
    quoted, depth, escaped = False, 0, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\" and (quoted or depth):
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == "(":
            depth += 1
        elif char == ")":
            if not depth:
                return None
            depth -= 1
        elif depth:
            continue
        elif char == '"':
            quoted = True
        else:
            kept.append(char)
    return None if quoted or depth or escaped else "".join(kept)


def _angle_address(value: str) -> Mailbox | None:
    """The usable address in the value's one pair of angle brackets, or None."""
    found = _ANGLES.findall(value[:MAX_HEADER_CHARS])
    usable = _usable_address(found[0]) if len(found) == 1 else None
    return Mailbox(usable) if usable else None


def recipients(headers: Headers) -> tuple[str, ...]:
    """The addresses of :data:`RECIPIENT_HEADERS`, in order, each once."""
    addresses: dict[str, None] = {}
    for name in RECIPIENT_HEADERS:
        for mailbox in mailboxes(headers.raw(name)):
            addresses.setdefault(mailbox.address)
    return tuple(addresses)


def message_ids(values: list[str]) -> tuple[str, ...]:
    """The ``<id>``s in the values, in order, each once."""
    found: dict[str, None] = {}
    for value in values:
        for identifier in _MESSAGE_ID.findall(recover(value)):
            found.setdefault(identifier)
    return tuple(found)


def message_id(headers: Headers, raw: bytes) -> tuple[str, bool]:
    """The mail's ``<id>``, or one derived from the raw bytes (and True) when it has none."""
    for value in headers.raw("message-id"):
        ids = message_ids([value])
        if ids:
            return ids[0], False
        bare = value.strip()
        if "@" in bare and not any(char.isspace() for char in bare):
            return f"<{bare}>", False
    return f"<{hashlib.sha256(raw).hexdigest()[:DERIVED_ID_HEX_DIGITS]}@derived.invalid>", True


def date(headers: Headers) -> datetime | None:
    """``Date`` as aware UTC, or None when it is missing or unreadable."""
    values = headers.raw("date")
    if not values:
        return None
    try:
        moment = parsedate_to_datetime(values[0].strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000": the zone is unknown; RFC 5322 reads it as UTC
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def robot_headers(headers: Headers) -> dict[str, str]:
    """The robot headers (:data:`shared.domain.inbound.automatic.ROBOT_HEADERS`) the mail has,
    decoded, by lower-case name."""
    return {name: headers.text(name) for name in ROBOT_HEADERS if headers.raw(name)}
