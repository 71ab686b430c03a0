"""Search: which terms find a ticket, how a caller's term is read, and the index's keys.

A ticket is found by four kinds of term, each a partition of the search index:

* its id (``t|IZ-2026-000123``);
* its contact's address, in lower case (``c|anna@acme.example``);
* a *word* (``w|…``) of its subject, of its customer's name as the ticket opened, or of its
  customer's id: a word is a run of letters and digits, folded (lower case, accents dropped:
  ``Perché`` and ``perche`` are one word). A word of :data:`PREFIX_MIN` characters or more is
  indexed under each of its prefixes from :data:`PREFIX_MIN` to :data:`PREFIX_MAX` characters, a
  shorter one (two characters) as itself; one character is no word. A subject gives at most
  :data:`MAX_WORDS` distinct words.

None of these change over a ticket's life (no action edits a subject, a contact or a customer;
the customer's name is the one the ticket opened with), so a ticket's terms are fixed when it
opens. A caller's term (:func:`search_term`) is read as an id when it is one, as an address when
it holds ``@``, else as words: the index is asked for its longest word (cut to
:data:`PREFIX_MAX`), and a row matches when every word of the term begins a word of the ticket's
subject, customer name or customer id (:meth:`SearchTerm.matches`).

Keys (:func:`key_of`): Table Storage refuses ``/ \\ # ?`` and control characters in a key, and
keys longer than 1 KiB. Those characters (and ``%``) are written as ``%XX`` per UTF-8 byte, and a
key that would still be longer than :data:`MAX_KEY_CHARS` is the kind and the SHA-256 of the text.
Rows are ordered newest first by :func:`newest_first` (the ticket's number, inverted).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime

from shared.domain.errors import InvalidInput
from shared.domain.lifecycle import Status
from shared.domain.sla.clock import ClockEvent, ClockState
from shared.domain.sla.policy import Category, Priority
from shared.domain.ticket import Ticket, TicketId, parse_ticket_id

__all__ = [
    "BACKFILL_DONE",
    "IN_CHANGE",
    "MAX_QUERY_CHARS",
    "MAX_WORDS",
    "PREFIX_MAX",
    "PREFIX_MIN",
    "IndexedTicket",
    "SearchTerm",
    "clock_that_matters",
    "fold",
    "indexed",
    "key_of",
    "newest_first",
    "search_term",
    "terms_of",
    "words_of",
]

PREFIX_MIN = 3
PREFIX_MAX = 6
#: The most distinct words of one subject the index holds (the first ones).
MAX_WORDS = 24
#: The longest term a caller may search for (an address is at most 254 characters).
MAX_QUERY_CHARS = 254
#: A key's characters at most before it is hashed (the service allows 1 KiB of UTF-16).
MAX_KEY_CHARS = 400

#: The assignee of a row while a change that narrows who sees its ticket commits: no handle (an
#: address or a token subject) is written with parentheses and a space.
IN_CHANGE = "(being changed)"

#: The backfill's position once every ticket opened before the index existed is indexed.
BACKFILL_DONE = "done"

TICKET_KIND, CONTACT_KIND, WORD_KIND = "t", "c", "w"
_SEPARATOR = "|"
_FORBIDDEN = frozenset("/\\#?%")
_WORD = re.compile(r"[^\W_]+")
_MAX_NUMBER = 999_999_999


def fold(text: str) -> str:
    """``text`` in lower case without accents: compatibility-decomposed, combining marks dropped,
    case-folded (``Perché`` → ``perche``, ``Straße`` → ``strasse``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(text: str) -> list[str]:
    """The folded words of ``text`` in order, each once: runs of letters and digits of two
    characters or more (punctuation, apostrophes and underscores split words)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(fold(text)):
        if len(word) >= 2:
            seen.setdefault(word, None)
    return list(seen)


def _prefixes(word: str) -> list[str]:
    """What the index holds a word under: itself when shorter than :data:`PREFIX_MIN`, else its
    prefixes of :data:`PREFIX_MIN` to :data:`PREFIX_MAX` characters."""
    if len(word) < PREFIX_MIN:
        return [word]
    return [word[:length] for length in range(PREFIX_MIN, min(len(word), PREFIX_MAX) + 1)]


def key_of(kind: str, text: str) -> str:
    """The index key of a term of ``kind``: ``<kind>|<text>`` with ``/ \\ # ? %`` and control
    characters written as ``%XX`` (UTF-8), or ``<kind>|sha256:<hex>`` when that is longer than
    :data:`MAX_KEY_CHARS`."""
    escaped = "".join(_escaped(char) for char in text)
    key = f"{kind}{_SEPARATOR}{escaped}"
    if len(key) > MAX_KEY_CHARS:
        return f"{kind}{_SEPARATOR}sha256:{hashlib.sha256(text.encode()).hexdigest()}"
    return key


def _escaped(char: str) -> str:
    if char in _FORBIDDEN or unicodedata.category(char) == "Cc":
        return "".join(f"%{byte:02X}" for byte in char.encode())
    return char


def _subject_words(subject: str) -> list[str]:
    return words_of(subject)[:MAX_WORDS]


def terms_of(ticket_id: TicketId, contact_email: str, customer_id: str, customer_name: str, subject: str) -> list[str]:
    """Every index key that finds the ticket, each once: its id, its contact, and the prefixes of
    the words of its subject, customer name and customer id."""
    words = [*_subject_words(subject), *words_of(customer_name), *words_of(customer_id)]
    keys = [key_of(TICKET_KIND, ticket_id), key_of(CONTACT_KIND, contact_email.strip().lower())]
    keys += [key_of(WORD_KIND, prefix) for word in words for prefix in _prefixes(word)]
    return list(dict.fromkeys(keys))


def newest_first(ticket_id: TicketId) -> str:
    """The row key that orders a term's tickets newest first: the inverted year and number of the
    id (``IZ-2026-000123`` → ``7973999999876|IZ-2026-000123``)."""
    parsed = parse_ticket_id(ticket_id)
    if parsed is None:
        raise ValueError(f"{ticket_id!r} is not a ticket id")
    _, year, number = parsed
    return f"{9999 - year:04d}{_MAX_NUMBER - number:09d}{_SEPARATOR}{ticket_id}"


@dataclass(frozen=True)
class SearchTerm:
    """A caller's term as the index is asked for it: the ``key`` of the partition to read, and the
    folded ``words`` that a row's subject, customer name or customer id must each have a word
    beginning with (none for an id or an address, which the key alone matches)."""

    key: str
    words: tuple[str, ...] = ()

    def matches(self, subject: str, customer_name: str, customer_id: str) -> bool:
        """Whether a ticket with these texts matches every word of the term."""
        if not self.words:
            return True
        held = [*_subject_words(subject), *words_of(customer_name), *words_of(customer_id)]
        return all(any(word.startswith(wanted) for word in held) for wanted in self.words)


def search_term(text: str) -> SearchTerm:
    """The term a caller typed, read as an id, an address or words; :class:`InvalidInput` naming
    ``q`` when it is empty, longer than :data:`MAX_QUERY_CHARS` or holds no word of two characters."""
    term = text.strip()
    if not term:
        raise InvalidInput("q", "is empty: give a ticket id, an address, a customer or a word")
    if len(term) > MAX_QUERY_CHARS:
        raise InvalidInput("q", f"is longer than {MAX_QUERY_CHARS} characters")
    if parse_ticket_id(term.upper()) is not None:
        return SearchTerm(key_of(TICKET_KIND, term.upper()))
    if "@" in term:
        return SearchTerm(key_of(CONTACT_KIND, term.lower()))
    words = words_of(term)
    if not words:
        raise InvalidInput("q", "holds no word of two letters or digits")
    longest = max(words, key=len)
    return SearchTerm(key_of(WORD_KIND, longest[:PREFIX_MAX]), tuple(words))


@dataclass(frozen=True)
class IndexedTicket:
    """What a search row carries of its ticket: enough to decide who may see it (customer,
    category, assignee), to match a term, and to show the views' row (the SLA is derived from
    ``clocks`` when read). Its state is the ticket's as of ``revision``."""

    id: TicketId
    customer_id: str
    customer_name: str
    contact_email: str
    subject: str
    category: Category
    priority: Priority
    status: Status
    assignee: str | None
    assignee_name: str | None
    created_at: datetime
    updated_at: datetime
    clocks: tuple[ClockEvent, ...]
    escalation_level: int
    revision: int

    @property
    def terms(self) -> list[str]:
        """The index keys the ticket is found under."""
        return terms_of(self.id, self.contact_email, self.customer_id, self.customer_name, self.subject)

    def narrows(self, before: IndexedTicket) -> bool:
        """Whether someone who could see the ticket as ``before`` may not see it now: it went to
        another assignee (the previous one, or the queue, loses it) or became a vulnerability."""
        reassigned = self.assignee is not None and self.assignee != before.assignee
        return reassigned or (self.category == Category.VULNERABILITY != before.category)

    def guarded(self, before: IndexedTicket) -> IndexedTicket:
        """The row written before a change that :meth:`narrows` the ticket's visibility commits:
        assigned to :data:`IN_CHANGE`, whom no operator is, and a vulnerability if either state is,
        so that until the change's own rows are written (or the repair's, if it never committed) it
        shows to no one who may not see both states; supervisors see it."""
        vulnerability = Category.VULNERABILITY in (self.category, before.category)
        return replace(self, assignee=IN_CHANGE, category=Category.VULNERABILITY if vulnerability else self.category)

    def shows_as(self, other: IndexedTicket) -> bool:
        """Whether the two carry the same state (what changes with a message alone, the last
        activity and the revision, left out): a change that keeps it needs no index write."""
        return (self.category, self.priority, self.status, self.assignee, self.assignee_name, self.clocks) == (
            other.category,
            other.priority,
            other.status,
            other.assignee,
            other.assignee_name,
            other.clocks,
        ) and self.escalation_level == other.escalation_level


def indexed(ticket: Ticket) -> IndexedTicket:
    """What the index carries of ``ticket``."""
    return IndexedTicket(
        id=ticket.id,
        customer_id=ticket.customer_id,
        customer_name=ticket.customer_name,
        contact_email=ticket.contact_email,
        subject=ticket.subject,
        category=ticket.category,
        priority=ticket.priority,
        status=ticket.status,
        assignee=ticket.assignee,
        assignee_name=ticket.assignee_name,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        clocks=ticket.clocks,
        escalation_level=max(ticket.escalation.values(), default=0),
        revision=ticket.revision,
    )


def clock_that_matters(take_charge: ClockState, resolution: ClockState) -> ClockState | None:
    """The clock a row's badge shows: charge taking while it has started and not stopped, else
    resolution once started; None when neither was started."""
    if take_charge.started_at is not None and take_charge.stopped_at is None:
        return take_charge
    if resolution.started_at is not None:
        return resolution
    return None
