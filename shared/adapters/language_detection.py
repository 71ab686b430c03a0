"""The language a request is written in, told from its text by Lingua (the use cases' port:
:class:`shared.usecases.ports.LanguageDetector`).

Detection is restricted to the two languages the desk speaks. A text too short or too mixed to
tell (the detector's confidence in its pick is below :data:`MIN_CONFIDENCE`) falls back to the
customer's language, so a one-word "Aiuto" or an empty body never flips a ticket's language at
random. The detector is built on first use (its models load lazily).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from shared.domain.language import Language

if TYPE_CHECKING:
    from lingua import LanguageDetector

__all__ = ["MIN_CONFIDENCE", "MIN_LETTERS", "detect_language"]

#: The least confidence (0–1) in the detected language for the detection to be believed.
MIN_CONFIDENCE = 0.75
#: Texts shorter than this many letters are not worth detecting.
MIN_LETTERS = 12


@cache
def _detector() -> LanguageDetector:
    from lingua import Language as LinguaLanguage
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(LinguaLanguage.ITALIAN, LinguaLanguage.ENGLISH).build()


def detect_language(text: str, fallback: Language) -> Language:
    """Italian or English as written in ``text``; ``fallback`` when the text cannot tell."""
    if sum(character.isalpha() for character in text) < MIN_LETTERS:
        return fallback
    values = _detector().compute_language_confidence_values(text)
    best = max(values, key=lambda value: value.value)
    if best.value < MIN_CONFIDENCE:
        return fallback
    return Language(best.language.iso_code_639_1.name.lower())
