"""What the use cases need from the world, as protocols: the adapters implement them, and only the
composition roots (``functions/dependencies.py``, and the tests', benchmarks' and local host's
own builders) plug an adapter into a use case.
"""

from __future__ import annotations

from typing import Protocol

from shared.domain.language import Language
from shared.domain.notifications import NotificationContext, NotificationKind, RenderedMail

__all__ = ["LanguageDetector", "Renderer"]


class Renderer(Protocol):
    """Makes a notification's mail (:func:`shared.adapters.mail.render.render`)."""

    def __call__(self, kind: NotificationKind, language: Language, context: NotificationContext) -> RenderedMail:
        """The ``kind`` mail about ``context``'s ticket in ``language``."""
        ...


class LanguageDetector(Protocol):
    """Tells the language of a text (:func:`shared.adapters.language_detection.detect_language`)."""

    def __call__(self, text: str, fallback: Language) -> Language:
        """Italian or English as written in ``text``; ``fallback`` when the text cannot tell."""
        ...
