"""Canned replies: the texts operators insert into a reply, one per language, with variables.

A canned reply has an id, a one-line title, a few tags and a body in Italian, in English or in
both. A body may name the variables of :class:`Variable` as ``{{name}}`` (exactly so: two braces,
the name, two braces, no spaces); anything else between ``{{`` and ``}}`` is refused when the
reply is saved, naming the body (``bodies.it``) and the placeholder.

Filling (:func:`fill`) is one plain substitution of those fixed names, in one pass over the body
as saved: a value is inserted as text and never read again, so a contact named ``{{ticket}}`` or
``{% if %}`` comes out literally. A body never goes through the mail template engine.

Inserting a reply takes the body in the ticket's language; when it has none, the other language's
body, marked as not in the ticket's language (:func:`version_for`): the console then says so and
will not send until the operator has rewritten it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from shared.domain.errors import InvalidInput
from shared.domain.language import Language
from shared.domain.text_limits import one_line, utf16_units

__all__ = [
    "MAX_BODY",
    "MAX_REPLIES",
    "MAX_TAGS",
    "REPLY_ID_PATTERN",
    "CannedReply",
    "FilledReply",
    "ReplyChange",
    "Variable",
    "canned_reply",
    "fill",
    "filled",
    "is_reply_id",
    "matches",
    "version_for",
]

#: The most canned replies the desk keeps (the composer searches them all in memory).
MAX_REPLIES = 500
#: The most characters (and UTF-16 code units) of one body.
MAX_BODY = 10_000
MAX_TITLE = 120
MAX_TAGS = 10
MAX_TAG = 30

#: A reply's id: 1 to 63 lower-case letters, digits or dashes, not starting with a dash.
REPLY_ID_PATTERN = r"[a-z0-9][a-z0-9-]{0,62}"
_ID = re.compile(REPLY_ID_PATTERN)
_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")
_TAG = re.compile(r"[\w-]+")
_WORD = re.compile(r"\w+")


class Variable(StrEnum):
    """What a body may name, and what each is filled with."""

    CONTACT_NAME = "contact_name"  # the ticket's contact, by name (empty when the ticket has none)
    TICKET = "ticket"  # the ticket's id
    OPERATOR = "operator"  # the member of staff inserting the reply
    TAKE_CHARGE_DUE = "take_charge_due"  # the charge-taking deadline, in the body's language
    RESOLUTION_DUE = "resolution_due"  # the resolution deadline, in the body's language


_NAMES = tuple(variable.value for variable in Variable)


@dataclass(frozen=True)
class CannedReply:
    """A validated canned reply (build one with :func:`canned_reply`). ``bodies`` holds one or
    both languages; ``revision`` counts its writes (1 when created) and is the API's ETag."""

    id: str
    title: str
    tags: tuple[str, ...]
    bodies: Mapping[Language, str]
    revision: int = 1


@dataclass(frozen=True)
class ReplyChange:
    """What a patch changes: a field left None stays; in ``bodies``, a language given with a text
    replaces that body, one given with None removes it, one left out stays."""

    title: str | None = None
    tags: tuple[str, ...] | None = None
    bodies: Mapping[Language, str | None] | None = None

    def applied_to(self, reply: CannedReply) -> CannedReply:
        """``reply`` with this change, at the next revision, validated as :func:`canned_reply` validates."""
        bodies: dict[Language, str | None] = dict(reply.bodies)
        bodies.update(self.bodies or {})
        return canned_reply(
            reply.id,
            title=reply.title if self.title is None else self.title,
            tags=reply.tags if self.tags is None else self.tags,
            bodies=bodies,
            revision=reply.revision + 1,
        )


@dataclass(frozen=True)
class FilledReply:
    """A reply's body filled for one ticket, in ``language``: the ticket's own when
    ``in_ticket_language``, else the only language the reply has."""

    language: Language
    text: str
    in_ticket_language: bool


def is_reply_id(value: str) -> bool:
    """``value`` is a reply id: 1 to 63 lower-case letters, digits or dashes, not starting with a dash."""
    return _ID.fullmatch(value) is not None


def canned_reply(
    reply_id: str,
    *,
    title: str,
    tags: Iterable[str],
    bodies: Mapping[Language, str | None],
    revision: int = 1,
) -> CannedReply:
    """A validated reply; :class:`InvalidInput` names the first field at fault (``id``, ``title``,
    ``tags``, ``tags.N``, ``bodies`` or ``bodies.<language>``).

    The title is put on one line; tags are trimmed, lower-cased, kept once each and sorted; a
    body that is None or only spaces is no body. At least one body must remain, and each may
    name only the variables of :class:`Variable`."""
    if not is_reply_id(reply_id):
        raise InvalidInput("id", "must be 1 to 63 lower-case letters, digits or dashes, not starting with a dash")
    shown = one_line(title)
    if not shown or len(shown) > MAX_TITLE:
        raise InvalidInput("title", f"must be 1 to {MAX_TITLE} characters on one line")
    kept = {language: text for language, text in bodies.items() if text is not None and text.strip()}
    if not kept:
        raise InvalidInput("bodies", "must hold a text in Italian, in English or in both")
    for language, text in kept.items():
        _check_body(f"bodies.{language.value}", text)
    ordered = {language: kept[language] for language in Language if language in kept}
    return CannedReply(reply_id, shown, _normalised_tags(tags), MappingProxyType(ordered), revision)


def _normalised_tags(tags: Iterable[str]) -> tuple[str, ...]:
    normalised: set[str] = set()
    for index, tag in enumerate(tags):
        word = unicodedata.normalize("NFC", tag.strip().lower())
        if not word or len(word) > MAX_TAG or _TAG.fullmatch(word) is None:
            raise InvalidInput(f"tags.{index}", f"must be 1 to {MAX_TAG} letters, digits, dashes or underscores")
        normalised.add(word)
    if len(normalised) > MAX_TAGS:
        raise InvalidInput("tags", f"must be at most {MAX_TAGS} different tags")
    return tuple(sorted(normalised))


def _check_body(field: str, text: str) -> None:
    if len(text) > MAX_BODY or utf16_units(text) > MAX_BODY:
        raise InvalidInput(field, f"must be at most {MAX_BODY} characters (an emoji counts two)")
    for match in _PLACEHOLDER.finditer(text):
        if match.group(1) not in _NAMES:
            names = ", ".join(f"{{{{{name}}}}}" for name in _NAMES)
            raise InvalidInput(field, f"names the unknown variable {match.group(0)}: the variables are {names}")


def version_for(reply: CannedReply, language: Language) -> tuple[Language, str, bool]:
    """The body to insert into a ticket in ``language``: that language's, else the other's; with
    its language and whether it is the ticket's."""
    if language in reply.bodies:
        return language, reply.bodies[language], True
    other, text = next(iter(reply.bodies.items()))
    return other, text, False


def filled(
    reply: CannedReply, ticket_language: Language, values: Callable[[Language], Mapping[Variable, str]]
) -> FilledReply:
    """``reply`` filled for a ticket in ``ticket_language`` (:func:`version_for`, then :func:`fill`
    with ``values`` of the body's language, so that a deadline is said in the words around it)."""
    language, body, own = version_for(reply, ticket_language)
    return FilledReply(language, fill(body, values(language)), own)


def fill(body: str, values: Mapping[Variable, str]) -> str:
    """``body`` with each ``{{name}}`` of :class:`Variable` replaced by its value, in one pass:
    what a value holds is never read as a variable. A variable ``values`` lacks becomes empty text;
    any other ``{{...}}`` stays as it is (a saved body holds none)."""

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in _NAMES:
            return match.group(0)
        return values.get(Variable(name), "")

    return _PLACEHOLDER.sub(value_of, body)


def matches(reply: CannedReply, query: str) -> bool:
    """Whether every word of ``query`` starts a word of the reply's title, tags or bodies,
    ignoring case and accents (``"ricev"`` finds "Ricevuta"); an empty query matches every reply."""
    wanted = _words(query)
    if not wanted:
        return True
    words = _words(" ".join((reply.title, *reply.tags, *reply.bodies.values())))
    return all(any(word.startswith(prefix) for word in words) for prefix in wanted)


def _words(text: str) -> set[str]:
    """The words of ``text``, case-folded and stripped of accents."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return set(_WORD.findall(plain.casefold()))
