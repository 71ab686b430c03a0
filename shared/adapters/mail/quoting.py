"""A reply without the history it quotes and without its signature: what a ticket stores.

:func:`strip_quoted` cuts the text at the first line that opens quoted history or a signature,
and drops the lines quoted with ``>`` above it. It knows, in English and Italian:

- attribution lines, on one line or wrapped on two: ``On Tue, 3 Mar 2026 at 10:00, Anna
  <anna@example.com> wrote:``, ``Il giorno mar 3 mar 2026 alle ore 10:00 Anna ha scritto:``,
  ``Il 03/03/2026 10:00, Anna ha scritto:``; an attribution names a date or an address (it holds
  a digit or an ``@``), so a sentence that merely ends in "wrote:" is kept;
- Outlook's separators: ``-----Original Message-----``, ``-----Messaggio originale-----`` (and
  the German, French and Spanish ones), and a header block: a ``From:``/``Da:`` line followed
  within a few lines by ``Sent:``/``Inviato:``/``Date:``/``Data:`` (also when a line of
  underscores stands before it, or HTML conversion left them in bold as ``*From:*``);
- Apple Mail's and Gmail's forms, which are attribution lines too;
- the signature delimiter ``-- `` and the lines phones and mail apps add ("Sent from my iPhone",
  "Inviato da iPhone", "Sent from Outlook for Android"...).

The result is never empty when the original had any text: if stripping would leave nothing (a
reply that is all quote), the original is returned, trimmed.

Any sender controls the text, so the work is linear in its length: only lines of at most
:data:`MAX_PATTERN_LINE_CHARS` characters are matched against the patterns above (real attribution,
header and signature lines are far shorter; a longer line is plain text), no pattern backtracks
over more than such a line, and looking ahead for the next non-blank lines takes constant time.
Callers cap the text before stripping it.
"""

from __future__ import annotations

import re

__all__ = ["MAX_PATTERN_LINE_CHARS", "strip_quoted"]

#: The longest line tested as an attribution, a header or a signature; longer lines are text.
MAX_PATTERN_LINE_CHARS = 1_000

#: The opening of an attribution, "On" (English) or "Il" (Italian), and the end that goes with it.
_ATTRIBUTION_OPENING = re.compile(r"^\s*(On|Il)\s", re.IGNORECASE)
_ATTRIBUTION_ENDS = {
    "on": re.compile(r"\bwrote\s*:\s*$", re.IGNORECASE),
    "il": re.compile(r"\bha\s+scritto\s*:\s*$", re.IGNORECASE),
}
#: An attribution that names the address right before its end: "Anna <anna@example.com> wrote:".
#: Bounded and without ``@`` inside either side, so that no input makes it backtrack much.
_ADDRESS_ATTRIBUTION = re.compile(r"<[^<>@\s]{1,64}@[^<>@\s]{1,255}>\s*(?:wrote|ha\s+scritto)\s*:\s*$", re.IGNORECASE)
_QUOTE_INTRODUCTION = re.compile(r"\b(?:wrote|writes|ha\s+scritto|scrive)\s*:\s*$", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Original Message|Messaggio originale|Ursprüngliche Nachricht|Message d'origine"
    r"|Mensaje original)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(?:From|Da|De|Von)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\*?(?:Sent|Inviato|Date|Data|Gesendet|Envoyé)\s*:\*?\s*\S", re.IGNORECASE)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE_DELIMITER = re.compile(r"^--\s*$")
_PHONE_SIGNATURE = re.compile(
    r"^\s*(?:Sent from my\s.+|Sent from (?:Outlook|Mail|Yahoo Mail)\b.*|Get Outlook for\s.+"
    r"|Inviato da(?:l mio)?\s+(?:iPhone|iPad|smartphone|dispositivo|Android|Samsung|Galaxy|Huawei|Xiaomi)\b.*"
    r"|Inviato da (?:Outlook|Posta|Yahoo Mail)\b.*|Scarica Outlook per\s.+)\s*$",
    re.IGNORECASE,
)
#: How many lines after ``From:`` the ``Sent:`` line of an Outlook header block may stand.
_HEADER_BLOCK_REACH = 4


def strip_quoted(text: str) -> str:
    """``text`` without quoted earlier messages and signatures (see the module's docstring)."""
    lines = _Lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    kept = [
        line
        for index, line in enumerate(lines.all[: _history_start(lines)])
        if not _is_quoted(line) and not _introduces_quote(lines, index)
    ]
    stripped = "\n".join(kept).strip()
    return stripped or text.strip()


class _Lines:
    """The text's lines, with the index of the next non-blank line after each one at hand."""

    def __init__(self, lines: list[str]) -> None:
        self.all = lines
        self._next_filled = [len(lines)] * (len(lines) + 1)
        for index in range(len(lines) - 1, -1, -1):
            following = index + 1
            filled = following < len(lines) and bool(lines[following].strip())
            self._next_filled[index] = following if filled else self._next_filled[following]

    def following(self, index: int, count: int) -> list[str]:
        """Up to ``count`` non-blank lines after ``index``."""
        found: list[str] = []
        index = self._next_filled[index]
        while index < len(self.all) and len(found) < count:
            found.append(self.all[index])
            index = self._next_filled[index]
        return found

    def pattern_line(self, index: int) -> str:
        """Line ``index``, or "" (matching nothing) when it is too long to be tested."""
        return _pattern_line(self.all[index]) if index < len(self.all) else ""


def _pattern_line(line: str) -> str:
    return line if len(line) <= MAX_PATTERN_LINE_CHARS else ""


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _introduces_quote(lines: _Lines, index: int) -> bool:
    """An attribution ("Anna wrote:") right above ``>`` lines: it goes with them, and the answer
    written below the quote (bottom posting) stays."""
    following = lines.following(index, 1)
    return bool(following) and _is_quoted(following[0]) and bool(_QUOTE_INTRODUCTION.search(lines.pattern_line(index)))


def _history_start(lines: _Lines) -> int:
    """The index of the first line that opens quoted history or a signature (len when none). An
    attribution directly above ``>`` lines opens none: the quote is dropped line by line."""
    for index in range(len(lines.all)):
        line = lines.pattern_line(index)
        if not line or _introduces_quote(lines, index):
            continue
        if _opens_history(lines, index) or _SIGNATURE_DELIMITER.match(line) or _PHONE_SIGNATURE.match(line):
            return index
    return len(lines.all)


def _opens_history(lines: _Lines, index: int) -> bool:
    line = lines.pattern_line(index)
    if _ORIGINAL_MESSAGE.match(line):
        return True
    if _is_attribution(line):
        return True
    following = lines.pattern_line(index + 1)
    if _ATTRIBUTION_OPENING.match(line) and following and _is_attribution(f"{line.rstrip()} {following.strip()}"):
        return True
    if _UNDERSCORES.match(line):
        return any(_HEADER_FROM.match(_pattern_line(later)) for later in lines.following(index, 2))
    return bool(_HEADER_FROM.match(line)) and any(
        _HEADER_SENT.match(_pattern_line(later)) for later in lines.following(index, _HEADER_BLOCK_REACH)
    )


def _is_attribution(line: str) -> bool:
    """``line`` (at most two joined lines of bounded length) is an attribution naming a date or
    an address."""
    opening = _ATTRIBUTION_OPENING.match(line)
    named = bool(opening and _ATTRIBUTION_ENDS[opening.group(1).lower()].search(line))
    if not named and not _ADDRESS_ATTRIBUTION.search(line):
        return False
    return any(char.isdigit() or char == "@" for char in line)
