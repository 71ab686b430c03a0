"""Finding a customer by what the caller on the phone says: the start of its name's words or of its id.

A lookup term is folded like the search's (lower case, accents dropped: ``Perché`` → ``perche``)
and split into words (runs of letters and digits); a customer answers to it when every word of
the term starts a word of the customer's name or id (``ros imp`` finds "Rossi Impianti",
``acme-3f`` finds the customer ``acme-3f2a``).
"""

from __future__ import annotations

import re

from shared.domain.customers import Customer
from shared.domain.errors import InvalidInput
from shared.domain.search import fold

__all__ = ["MAX_TERM_CHARS", "answers_to", "lookup_words"]

#: The longest lookup term, in characters.
MAX_TERM_CHARS = 100
_WORD = re.compile(r"[^\W_]+")


def lookup_words(term: str) -> tuple[str, ...]:
    """The folded words of ``term``, or :class:`InvalidInput` naming ``q`` when it is longer than
    :data:`MAX_TERM_CHARS` or holds no letter or digit."""
    if len(term) > MAX_TERM_CHARS:
        raise InvalidInput("q", f"must be at most {MAX_TERM_CHARS} characters")
    words = tuple(_WORD.findall(fold(term)))
    if not words:
        raise InvalidInput("q", "must hold a letter or a digit")
    return words


def answers_to(customer: Customer, words: tuple[str, ...]) -> bool:
    """Whether every one of ``words`` (from :func:`lookup_words`) starts a word of the customer's
    name or id."""
    own = _WORD.findall(fold(f"{customer.name} {customer.id}"))
    return all(any(word.startswith(wanted) for word in own) for wanted in words)
