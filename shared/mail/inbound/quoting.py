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
"""

from __future__ import annotations

import re

__all__ = ["strip_quoted"]

_ATTRIBUTION_ONE_LINE = re.compile(
    r"^\s*(?:On\s.*\bwrote|Il\s.*\bha\s+scritto|.*<[^<>\s]+@[^<>\s]+>\s*(?:wrote|ha\s+scritto))\s*:\s*$",
    re.IGNORECASE,
)
_QUOTE_INTRODUCTION = re.compile(r"\b(?:wrote|writes|ha\s+scritto|scrive)\s*:\s*$", re.IGNORECASE)
_ATTRIBUTION_START = re.compile(r"^\s*(?:On|Il)\s", re.IGNORECASE)
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
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept = [
        line
        for index, line in enumerate(lines[: _history_start(lines)])
        if not _is_quoted(line) and not _introduces_quote(lines, index)
    ]
    stripped = "\n".join(kept).strip()
    return stripped or text.strip()


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _introduces_quote(lines: list[str], index: int) -> bool:
    """An attribution ("Anna wrote:") right above ``>`` lines: it goes with them, and the answer
    written below the quote (bottom posting) stays."""
    following = _next_lines(lines, index, 1)
    return bool(following) and _is_quoted(following[0]) and bool(_QUOTE_INTRODUCTION.search(lines[index]))


def _history_start(lines: list[str]) -> int:
    """The index of the first line that opens quoted history or a signature (len when none). An
    attribution directly above ``>`` lines opens none: the quote is dropped line by line."""
    for index, line in enumerate(lines):
        if _introduces_quote(lines, index):
            continue
        if _opens_history(lines, index) or _SIGNATURE_DELIMITER.match(line) or _PHONE_SIGNATURE.match(line):
            return index
    return len(lines)


def _opens_history(lines: list[str], index: int) -> bool:
    line = lines[index]
    if _ORIGINAL_MESSAGE.match(line):
        return True
    if _is_attribution(line):
        return True
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if _ATTRIBUTION_START.match(line) and _is_attribution(f"{line.rstrip()} {following.strip()}"):
        return True
    if _UNDERSCORES.match(line):
        return any(_HEADER_FROM.match(later) for later in _next_lines(lines, index, 2))
    return bool(_HEADER_FROM.match(line)) and any(
        _HEADER_SENT.match(later) for later in _next_lines(lines, index, _HEADER_BLOCK_REACH)
    )


def _is_attribution(line: str) -> bool:
    return bool(_ATTRIBUTION_ONE_LINE.match(line)) and any(char.isdigit() or char == "@" for char in line)


def _next_lines(lines: list[str], index: int, count: int) -> list[str]:
    """Up to ``count`` non-blank lines after ``index``."""
    return [line for line in lines[index + 1 :] if line.strip()][:count]
