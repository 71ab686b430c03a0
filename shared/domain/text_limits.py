"""Text within what Table Storage keeps, and values that must stay on one line.

A string property holds at most 64 KiB of UTF-16, so what goes into one is measured in UTF-16
code units, not in characters: an emoji is one character and two units. The desk's long texts
(a description, a message) stay within :data:`LONG_TEXT_UNITS`, well inside a property and leaving
room for the rest of the entity.
"""

from __future__ import annotations

__all__ = ["LONG_TEXT_UNITS", "clipped", "one_line", "utf16_units"]

#: The most UTF-16 code units of a description or a message (60,000 bytes).
LONG_TEXT_UNITS = 30_000


def utf16_units(text: str) -> int:
    """How many UTF-16 code units ``text`` takes."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clipped(text: str, units: int, mark: str = "…") -> str:
    """``text`` when it fits in ``units`` UTF-16 code units, else its start and ``mark`` within
    them (never cutting a character in two)."""
    if utf16_units(text) <= units:
        return text
    budget = units - utf16_units(mark)
    kept, used = [], 0
    for char in text:
        size = 2 if ord(char) > 0xFFFF else 1
        if used + size > budget:
            break
        kept.append(char)
        used += size
    return "".join(kept) + mark


def one_line(text: str) -> str:
    """``text`` on one line: every character that is not printable (CR, LF, tab, NEL, line and
    paragraph separators, bidirectional and other format controls) becomes a space, each run of
    spaces one space, and the ends are trimmed. For values a person types that must never carry a
    line: names, subjects, anything that may reach a mail header or a one-line field of a mail."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())
