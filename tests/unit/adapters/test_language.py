"""A request's language: Italian or English from its text, the customer's when the text cannot tell."""

from __future__ import annotations

import pytest

from shared.adapters.language_detection import detect_language
from shared.domain.language import Language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Buongiorno, da stamattina il portale documentale non risponde e non riusciamo a lavorare.", Language.ITALIAN),
        ("Good morning, since this morning the document portal does not answer and we cannot work.", Language.ENGLISH),
        ("Il login non funziona più dopo l'aggiornamento di ieri sera", Language.ITALIAN),
        ("The invoice export fails with an error after yesterday's update", Language.ENGLISH),
    ],
)
def test_a_request_written_in_italian_or_english_is_recognised_whatever_the_customer_speaks(
    text: str, expected: Language
) -> None:
    assert detect_language(text, Language.ITALIAN) is expected
    assert detect_language(text, Language.ENGLISH) is expected


@pytest.mark.parametrize("text", ["", "Aiuto", "OK", "500!!!", "IZ-2026-000123"])
def test_a_text_too_short_to_tell_takes_the_customer_s_language(text: str) -> None:
    assert detect_language(text, Language.ITALIAN) is Language.ITALIAN
    assert detect_language(text, Language.ENGLISH) is Language.ENGLISH
