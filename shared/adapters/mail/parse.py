"""Raw RFC 5322 bytes in, an :class:`InboundMessage` out, or :class:`UnparseableMail` with a reason.

What a mail becomes:

- **Headers** are read from their raw bytes (:mod:`shared.adapters.mail.headers`): RFC 2047
  encoded words are decoded with the charset they declare, and anything that does not decode (an
  unknown charset, raw 8-bit bytes, a lie about the charset) falls back as
  :mod:`shared.adapters.mail.charsets` says. A header never makes the parse fail.
- **The sender** is the first usable address of ``From`` (``local@domain``, lower-cased, at most
  :data:`~shared.adapters.mail.headers.MAX_ADDRESS_CHARS` characters), or None when there is
  none: a bounce without ``From`` is still told for the robot it is, and the intake quarantines
  any other mail without a sender. ``sender_doubt`` says when ``From`` is not one strictly parsed
  mailbox whose display name names no other address (:func:`shared.adapters.mail.headers.sender`):
  the intake holds such a mail, never threading or answering it.
  Display names and the subject are one line (:func:`shared.domain.text_limits.one_line`: a line break
  or other control character, raw or in an encoded word, becomes a space); names keep at most
  :data:`~shared.adapters.mail.headers.MAX_NAME_CHARS` characters, the subject at most
  :data:`MAX_SUBJECT_CHARS`.
- **The body text**: ``text/plain`` parts as they are; ``text/html`` converted to text with
  inscriptis; in ``multipart/alternative`` the plain part wins, else the HTML one, else the first
  readable branch. Body parts are decoded from quoted-printable or base64 and from their declared
  charset with the same fallbacks as headers. Line ends become ``\\n``; control characters other
  than tab and newline are dropped; ``text`` is capped at ``limits.max_text_chars`` characters.
- **Attachments**: every other leaf part, with a sanitised file name (see :func:`safe_filename`).
  Images shown within the body (``Content-Disposition: inline``, or a ``Content-ID`` without a
  disposition) are ``inline``. ``winmail.dat`` (``application/ms-tnef``) is kept as it came.
- **Forwarded mails** (``message/rfc822`` parts) are kept whole as an ``.eml`` attachment, and
  their text is appended to ``text`` after a marker line, :data:`FORWARDED_MARKER`, followed by
  the forwarded mail's From, Date and Subject: a customer who forwards a mail to the desk usually
  means its content as the request. Attachments inside a forwarded mail stay inside its ``.eml``.
- **reply_text** is the mail's own text with quoted history and signatures removed by
  :func:`~shared.adapters.mail.quoting.strip_quoted`, then each forwarded block (stripped the same
  way) after its marker.
- **Limits**: more than ``limits.max_message_bytes`` is refused before parsing (``"over size
  limit"``); parts nested deeper than ``limits.max_depth`` (the top-level message is depth 0,
  each multipart child or forwarded mail one more) give ``"nesting too deep"``; more than
  ``limits.max_parts`` parts in all give ``"too many parts"``; bytes with no header at all give
  ``"not a mail"``; anything the standard library still cannot read gives ``"unreadable
  structure"`` (no corpus message does; the tests hold it to that).

Any sender controls the bytes, so reading them costs time linear in their size: header values are
clipped (to :data:`~shared.adapters.mail.headers.MAX_HEADER_CHARS` characters before they are
decoded or searched for addresses, to :data:`MAX_STRUCTURED_HEADER_CHARS` before the standard
library parses a MIME header such as ``Content-Type``, whose parser slows down badly on long odd
values), no pattern backtracks more than a bounded stretch, and quoted history is stripped from
text already capped.

Parsing is a pure function of the bytes and the limits: the same bytes always give an equal
result, including the id derived for a mail without ``Message-ID``.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import EmailPolicy, Policy

from inscriptis import get_text

from shared.adapters.mail import headers
from shared.adapters.mail.charsets import decode_bytes, decode_words, recover
from shared.adapters.mail.header_lines import count_header_lines
from shared.adapters.mail.headers import Headers, mailboxes, message_ids
from shared.adapters.mail.quoting import strip_quoted
from shared.domain.inbound.message import Attachment, InboundMessage, ParseLimits, UnparseableMail

__all__ = [
    "DEFAULT_LIMITS",
    "FORWARDED_MARKER",
    "MAX_MIME_PARAMETERS",
    "MAX_STRUCTURED_HEADER_CHARS",
    "MAX_SUBJECT_CHARS",
    "parse_message",
    "safe_filename",
]

#: The line that opens a forwarded mail's text within ``text`` and ``reply_text``.
FORWARDED_MARKER = "---------- Forwarded message ----------"

#: The limits a mail is read within unless the caller says otherwise.
DEFAULT_LIMITS = ParseLimits()

#: The most characters a subject keeps (the intake clips further for storage).
MAX_SUBJECT_CHARS = 1_000
#: The most characters of a MIME header (``Content-Type``, ``Content-Disposition``...) handed to
#: the standard library's header parser, which is slow (super-linear) on long odd values.
MAX_STRUCTURED_HEADER_CHARS = 2_000
#: The most characters a sanitised attachment name keeps (extension included).
MAX_FILENAME_CHARS = 120
#: An extension longer than this is treated as part of the name.
MAX_EXTENSION_CHARS = 12
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UNSAFE_IN_FILENAME = re.compile(r'[<>:"|?*]')
#: A tag (the fallback when inscriptis fails); it stops at the next ``<`` so that it never
#: rescans the rest of the text.
_TAG = re.compile(r"<[^<>]*>")


#: The most parameters of a MIME header read (RFC 2231 splits a long file name into a few).
MAX_MIME_PARAMETERS = 64
#: The MIME headers the parser and this module read through ``Message``'s methods.
_MIME_HEADERS = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})
_LINE_BREAKS = re.compile(r"[\r\n]")


class _BoundedPolicy(EmailPolicy):
    """The standard policy, but the MIME headers are handed out as plain strings, unfolded and
    clipped to :data:`MAX_STRUCTURED_HEADER_CHARS` and :data:`MAX_MIME_PARAMETERS`, as the older
    policy hands them out: ``Message``'s methods read their parameters from the string anyway
    (in time that grows with their count, on every access), and the header registry's parser,
    which would also run on every access, takes time quadratic in the odd tokens of a value."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        if name.lower() not in _MIME_HEADERS or hasattr(value, "name"):
            return super().header_fetch_parse(name, value)  # type: ignore[no-any-return]
        clipped = _LINE_BREAKS.sub("", value[: MAX_STRUCTURED_HEADER_CHARS * 2])[:MAX_STRUCTURED_HEADER_CHARS]
        return ";".join(clipped.split(";", MAX_MIME_PARAMETERS + 1)[: MAX_MIME_PARAMETERS + 1])


_POLICY = _BoundedPolicy()


class _PartBudget:
    """The parser's message factory, counting the parts it makes: one past ``limit`` stops the
    parse with ``"too many parts"`` (a mail of a million tiny parts would otherwise be read whole,
    for seconds, before the parts are counted)."""

    def __init__(self, limit: int) -> None:
        self._left = limit

    def __call__(self, policy: Policy) -> Message:
        self._left -= 1
        if self._left < 0:
            raise UnparseableMail("too many parts")
        return EmailMessage(policy=policy)


def parse_message(raw: bytes, limits: ParseLimits = DEFAULT_LIMITS) -> InboundMessage:
    """Read ``raw`` as the desk understands a mail; see the module's docstring for the rules.

    Raises :class:`UnparseableMail` for anything the desk cannot read or that exceeds ``limits``,
    and nothing else.
    """
    if len(raw) > limits.max_message_bytes:
        raise UnparseableMail("over size limit")
    readable = _without_preamble(raw)
    try:
        if count_header_lines(readable, limits.max_header_lines) > limits.max_header_lines:
            raise UnparseableMail("too many header lines")
        return _read(raw, readable, limits)
    except UnparseableMail:
        raise
    except RecursionError as exc:
        raise UnparseableMail("nesting too deep") from exc
    except Exception as exc:
        raise UnparseableMail("unreadable structure") from exc


def _read(raw: bytes, readable: bytes, limits: ParseLimits) -> InboundMessage:
    """``raw``, whose ``readable`` bytes are without its preamble, read within ``limits``."""
    root = BytesParser(policy=_POLICY.clone(message_factory=_PartBudget(limits.max_parts))).parsebytes(readable)
    if not root.keys():
        raise UnparseableMail("not a mail")
    fields = Headers(root)
    sender, sender_doubt = headers.sender(fields)
    body = _Body(limits)
    body.read(root, depth=0)
    message_id, derived = headers.message_id(fields, raw)
    return InboundMessage(
        message_id=message_id,
        derived_message_id=derived,
        sender=sender,
        reply_to=tuple(mailboxes(fields.raw("reply-to"))),
        recipients=headers.recipients(fields),
        subject=fields.text("subject")[:MAX_SUBJECT_CHARS].strip(),
        date=headers.date(fields),
        in_reply_to=message_ids(fields.raw("in-reply-to", limit=None)),
        references=message_ids(fields.raw("references", limit=None)),
        text=body.text(),
        reply_text=body.reply_text(),
        attachments=tuple(body.attachments),
        content_type=_content_type(root),
        size=len(raw),
        headers=headers.robot_headers(fields),
        defects=tuple(body.defects),
        sender_doubt=sender_doubt,
    )


def _without_preamble(raw: bytes) -> bytes:
    """``raw`` without a byte-order mark or blank lines before the headers (files saved by
    Windows tools), which would otherwise hide every header."""
    return raw.removeprefix(b"\xef\xbb\xbf").lstrip(b"\r\n")


# --- the body ------------------------------------------------------------------------------------


@dataclass
class _Forwarded:
    """A forwarded mail's heading and text, as they follow the marker."""

    heading: str
    text: str


@dataclass
class _Body:
    """What reading a mail's parts gathers, within ``limits``."""

    limits: ParseLimits
    own_texts: list[str] = field(default_factory=list)
    forwarded: list[_Forwarded] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    parts: int = 0

    def read(self, part: Message, depth: int, *, texts: list[str] | None = None, files: bool = True) -> None:
        """Read ``part`` and what it contains: its text into ``texts`` (the mail's own text when
        None), its files into ``attachments`` when ``files``."""
        self._count(part, depth)
        into = self.own_texts if texts is None else texts
        content_type = part.get_content_type()
        if content_type in ("message/rfc822", "message/global"):
            self._read_forwarded(part, depth, files=files)
        elif part.is_multipart():
            self._read_children(part, depth, into, files=files)
        elif _is_body_text(part):
            into.append(_part_text(part))
        elif files:
            self.attachments.append(_attachment(part))

    def _count(self, part: Message, depth: int) -> None:
        self.parts += 1
        if depth > self.limits.max_depth:
            raise UnparseableMail("nesting too deep")
        if self.parts > self.limits.max_parts:
            raise UnparseableMail("too many parts")
        for defect in part.defects:
            name = type(defect).__name__
            if name not in self.defects:
                self.defects.append(name)

    def _read_children(self, part: Message, depth: int, texts: list[str], *, files: bool) -> None:
        children = _children(part)
        if part.get_content_type() == "multipart/alternative":
            chosen = _preferred_alternative(children)
            for child in children:
                self.read(child, depth + 1, texts=texts if child is chosen else [], files=files)
            return
        if part.get_content_type().startswith("message/"):
            # delivery-status and the like: header blocks, not text the desk reads
            for child in children:
                self._count(child, depth + 1)
            return
        for child in children:
            self.read(child, depth + 1, texts=texts, files=files)

    def _read_forwarded(self, part: Message, depth: int, *, files: bool) -> None:
        inner = next(iter(_children(part)), None)
        fields = Headers(inner) if inner is not None else None
        if files:
            self.attachments.append(_forwarded_attachment(part, inner, fields))
        if inner is None or fields is None:
            return
        texts: list[str] = []
        self.read(inner, depth + 1, texts=texts, files=False)
        self.forwarded.append(_Forwarded(heading=_forwarded_heading(fields), text=_join(texts)))

    def text(self) -> str:
        """The whole readable text: the mail's own, then each forwarded mail after its marker."""
        blocks = [_join(self.own_texts)]
        blocks += [f"{FORWARDED_MARKER}\n{block.heading}\n\n{block.text}" for block in self.forwarded]
        return _cap(_join(blocks), self.limits.max_text_chars)

    def reply_text(self) -> str:
        """The text without quoted history and signatures, forwarded mails included (stripped).
        Each text is capped before it is stripped, and once the limit is reached no more are."""
        limit = self.limits.max_text_chars
        blocks = [strip_quoted(_cap(_join(self.own_texts), limit))]
        for block in self.forwarded:
            if len(_join(blocks)) >= limit:
                break
            blocks.append(f"{FORWARDED_MARKER}\n{block.heading}\n\n{strip_quoted(_cap(block.text, limit))}")
        return _cap(_join(blocks), limit)


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [child for child in payload if isinstance(child, Message)]
    return []


def _preferred_alternative(children: list[Message]) -> Message | None:
    """The alternative the desk reads: plain text, else HTML, else the first multipart one."""
    for wanted in ("text/plain", "text/html"):
        for child in children:
            if child.get_content_type() == wanted and _is_body_text(child):
                return child
    return next((child for child in children if child.is_multipart()), children[0] if children else None)


def _is_body_text(part: Message) -> bool:
    """A text part meant to be read as the message, not a file that happens to be text."""
    if part.get_content_type() not in ("text/plain", "text/html"):
        return False
    return _disposition(part) != "attachment" and not _filename(part)


def _part_text(part: Message) -> str:
    text = decode_bytes(_payload(part), part.get_content_charset())
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return _clean(text)


def html_to_text(html: str) -> str:
    """The readable text of an HTML body, without tags (lists, tables and paragraphs laid out)."""
    try:
        return str(get_text(html))
    except Exception:
        return _TAG.sub(" ", html)


def _payload(part: Message) -> bytes:
    """The part's content with its transfer encoding undone (raw when the encoding is broken)."""
    try:
        content = part.get_payload(decode=True)
    except Exception:
        content = None
    if isinstance(content, bytes):
        return content
    raw = part.get_payload()
    return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""


def _attachment(part: Message) -> Attachment:
    content_type = part.get_content_type()
    filename = safe_filename(_filename(part), content_type)
    return Attachment(filename=filename, content_type=content_type, content=_payload(part), inline=_is_inline(part))


def _is_inline(part: Message) -> bool:
    """An image shown within the body (a signature's logo, a pasted screenshot)."""
    if part.get_content_maintype() != "image":
        return False
    disposition = _disposition(part)
    return disposition == "inline" or (disposition is None and "content-id" in part)


def _forwarded_attachment(part: Message, inner: Message | None, fields: Headers | None) -> Attachment:
    content = _message_bytes(inner) if inner is not None else _payload(part)
    subject = fields.text("subject") if fields is not None else ""
    name = _filename(part) or (f"{subject}.eml" if subject else "")
    return Attachment(filename=safe_filename(name, "message/rfc822"), content_type="message/rfc822", content=content)


def _message_bytes(message: Message) -> bytes:
    try:
        return message.as_bytes(policy=policy.SMTP.clone(max_line_length=0, linesep="\r\n"))
    except Exception:
        return message.as_string(policy=policy.compat32).encode("utf-8", "surrogateescape")


def _forwarded_heading(fields: Headers) -> str:
    shown = (("From", "from"), ("Date", "date"), ("Subject", "subject"))
    return "\n".join(f"{label}: {fields.text(name)}" for label, name in shown if fields.raw(name))


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return recover(decode_words(name)) if name else ""


# --- attachment names ----------------------------------------------------------------------------


def safe_filename(name: str, content_type: str) -> str:
    """A file name safe to store and offer for download, derived from ``name`` as sent.

    Only the last path component is kept (``/`` and ``\\`` are separators); control and format
    characters (bidirectional overrides included) are dropped, and ``<>:"|?*`` become ``_``;
    leading dots and spaces and trailing dots go; the result is at most
    :data:`MAX_FILENAME_CHARS` characters with the extension kept. A name that ends up empty
    becomes ``attachment`` with the extension of ``content_type`` (``.eml`` for mails).
    """
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    base = "".join(char for char in base if unicodedata.category(char) not in ("Cc", "Cf", "Cs"))
    stem, extension = _split_extension(_UNSAFE_IN_FILENAME.sub("_", base).strip())
    stem = stem.lstrip(". ").rstrip(". ")
    if not stem:
        stem, extension = "attachment", extension or _extension_for(content_type)
    room = MAX_FILENAME_CHARS - len(extension)
    return stem[:room].rstrip(". ") + extension


def _split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if dot and stem and 0 < len(extension) <= MAX_EXTENSION_CHARS and " " not in extension:
        return stem, f".{extension}"
    if dot and not stem:  # ".pdf" after the leading dots went: a name that is only an extension
        return "", f".{extension}" if 0 < len(extension) <= MAX_EXTENSION_CHARS else ""
    return name, ""


def _extension_for(content_type: str) -> str:
    if content_type in ("message/rfc822", "message/global"):
        return ".eml"
    if content_type == "application/ms-tnef":
        return ".dat"
    return mimetypes.guess_extension(content_type, strict=False) or ".bin"


# --- text ----------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return _CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _join(blocks: Iterable[str]) -> str:
    return "\n\n".join(block.strip("\n") for block in blocks if block.strip())


def _cap(text: str, limit: int) -> str:
    return text[:limit]


# --- the message's type --------------------------------------------------------------------------


def _content_type(message: Message) -> str:
    try:
        return message.get_content_type()
    except Exception:
        return "text/plain"
