"""The language a request is written in: Italian or English, decided once when the ticket opens.

The ticket keeps it, and every mail to its customer speaks it. It is the request's own when it
names one, else told from its text by the language detector the desk is given (a port,
:class:`shared.usecases.ports.LanguageDetector`; Lingua in :mod:`shared.adapters.language_detection`),
falling back to the customer's language when the text cannot tell.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Language"]


class Language(StrEnum):
    ITALIAN = "it"
    ENGLISH = "en"
