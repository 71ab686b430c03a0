"""The switchboard's lookup term: folded words, each starting a word of the customer's name or id."""

from __future__ import annotations

import pytest

from shared.domain.customer_lookup import MAX_TERM_CHARS, answers_to, lookup_words
from shared.domain.customers import Customer
from shared.domain.errors import InvalidInput
from shared.domain.language import Language

ROSSI = Customer("rossi-3f2a", "Società Rossi Impianti S.r.l.", True, (), (), Language.ITALIAN)


def test_a_term_is_its_folded_words() -> None:
    assert lookup_words("  Società ROSSI-imp ") == ("societa", "rossi", "imp")


@pytest.mark.parametrize("term", ["", "   ", "--", "'_'", "x" * (MAX_TERM_CHARS + 1)])
def test_a_term_without_a_letter_or_digit_or_too_long_is_refused_naming_q(term: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        lookup_words(term)
    assert raised.value.field == "q"


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("ros", True),
        ("SOCIETA", True),
        ("società imp", True),
        ("imp ros", True),
        ("r", True),
        ("rossi-3f", True),
        ("3f2a", True),
        ("ossi", False),
        ("rossi termo", False),
        ("rossi-3f2ab", False),
    ],
)
def test_a_customer_answers_when_every_word_starts_a_word_of_its_name_or_id(term: str, found: bool) -> None:
    assert answers_to(ROSSI, lookup_words(term)) is found
