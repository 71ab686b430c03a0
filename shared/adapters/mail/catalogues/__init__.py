"""The desk's words, one catalogue per language: every sentence, label and name a notification
shows, and how an instant or a span of working time is said in that language.

A catalogue is a JSON file named after its language code (``it.json``, ``en.json``) beside this
module. Its nested objects flatten to dotted keys (``received.subject``); every value is a
non-empty string whose named placeholders (``{ticket}``) follow :meth:`str.format`. The two
catalogues hold the same keys with the same placeholders (the unit tests hold them to it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from shared.domain.language import Language

__all__ = ["Catalogue", "catalogue", "instant_in"]

_ROME = ZoneInfo("Europe/Rome")
_LOCALES: Mapping[Language, str] = MappingProxyType({Language.ITALIAN: "it_IT", Language.ENGLISH: "en_GB"})
_INSTANT_PATTERN = "EEEE d MMMM y, HH:mm"
"""CLDR pattern: weekday, day, month and year in the locale's words, then the 24-hour time."""


class Catalogue:
    """The strings of one language, by dotted key."""

    def __init__(self, language: Language, entries: Mapping[str, str]) -> None:
        self.language = language
        self.entries: Mapping[str, str] = MappingProxyType(dict(entries))

    def text(self, key: str, /, **params: object) -> str:
        """The string at ``key`` with its placeholders filled from ``params`` (inserted as they
        are: a value is never read as a placeholder). An unknown key, or a placeholder without
        its parameter, raises ``KeyError``; parameters the string does not use are ignored."""
        try:
            template = self.entries[key]
        except KeyError:
            raise KeyError(f"the {self.language.value!r} catalogue has no {key!r}") from None
        return template.format(**params)

    def instant(self, at: datetime) -> str:
        """``at`` (an aware datetime) on Rome's wall clock, in this language, naming the zone:
        "giovedì 26 novembre 2026, 10:00 (ora di Roma)", "Thursday 26 November 2026, 10:00
        (Rome time)"."""
        when = format_datetime(at, _INSTANT_PATTERN, tzinfo=_ROME, locale=_LOCALES[self.language])
        return self.text("time.rome", when=when)

    def working_time(self, span: timedelta) -> str:
        """The length of ``span``, its sign ignored, in hours and minutes with the seconds
        dropped: "2 ore e 5 minuti", "1 hour", "less than a minute"."""
        hours, minutes = divmod(int(abs(span).total_seconds()) // 60, 60)
        if hours and minutes:
            return self.text(
                "duration.hours_and_minutes",
                hours=self._count("duration.hours", hours),
                minutes=self._count("duration.minutes", minutes),
            )
        if hours:
            return self._count("duration.hours", hours)
        if minutes:
            return self._count("duration.minutes", minutes)
        return self.text("duration.under_a_minute")

    def _count(self, key: str, count: int) -> str:
        """``count`` things in the form for its number: Italian and English whole numbers take
        the ``one`` form for 1 and the ``other`` form for anything else."""
        return self.text(f"{key}.{'one' if count == 1 else 'other'}", count=count)


@cache
def catalogue(language: Language) -> Catalogue:
    """The catalogue of ``language``, read once. A value that is not a non-empty string raises
    ``ValueError`` naming its key."""
    path = Path(__file__).with_name(f"{language.value}.json")
    return Catalogue(language, _flatten(json.loads(path.read_text(encoding="utf-8")), ()))


def instant_in(language: Language, at: datetime) -> str:
    """``at`` said in ``language`` as its notifications say it (:meth:`Catalogue.instant`)."""
    return catalogue(language).instant(at)


def _flatten(node: object, path: tuple[str, ...]) -> dict[str, str]:
    """The strings under ``node`` by dotted key."""
    if isinstance(node, dict):
        entries: dict[str, str] = {}
        for name, child in node.items():
            entries |= _flatten(child, (*path, name))
        return entries
    key = ".".join(path)
    if not (isinstance(node, str) and node.strip()):
        raise ValueError(f"catalogue entry {key!r} must be a non-empty string or an object")
    return {key: node}
