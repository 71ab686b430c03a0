"""The desk's notification mails, rendered in the ticket's language (Italian or English).

:func:`render` turns a notification's kind and context (the vocabulary of
:mod:`shared.domain.notifications`) into a :class:`~shared.domain.notifications.RenderedMail`: a
one-line subject and a plain-text and an HTML body. Every word comes from the language's
catalogue (:mod:`shared.adapters.mail.catalogues`); the Jinja2 templates under ``templates/``
only lay the words out, one ``.txt`` and one ``.html`` per kind over a shared layout. HTML
templates escape every value; text templates leave values as they are.

Subjects start with the ticket's tag (``[IZ-2026-000123]``), so that a reply finds its ticket;
they never hold a line break or another control character, whatever the customer typed, and
are at most :data:`MAX_SUBJECT_LENGTH` characters long. Names (the contact's, the customer's, the
operator's) are shown on one line too, so no text part carries a line its author forged.
Instants are shown on Rome's wall clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from shared.adapters.mail.catalogues import Catalogue, catalogue
from shared.domain.language import Language
from shared.domain.notifications import EscalationLevel, NotificationContext, NotificationKind, RenderedMail
from shared.domain.sla.policy import Clock
from shared.domain.text_limits import one_line

__all__ = ["MAX_SUBJECT_LENGTH", "render"]

#: The longest subject, tag included; a longer one is cut and ends in "…".
MAX_SUBJECT_LENGTH = 150


_ENVIRONMENT = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    auto_reload=False,
)

_CUSTOMER_ROWS = ("ticket", "subject", "priority", "category")
_INTERNAL_ROWS = (
    "ticket",
    "subject",
    "customer",
    "contact",
    "priority",
    "category",
    "operator",
    "take_charge_due",
    "resolution_due",
)


def render(kind: NotificationKind, language: Language, context: NotificationContext) -> RenderedMail:
    """The ``kind`` mail about ``context``'s ticket in ``language``. Fields the kind does not
    use are ignored; a sentence whose optional field is None is left out."""
    words = catalogue(language)
    headline = one_line(words.text(_subject_key(kind, context), subject=context.subject, number=int(context.priority)))
    subject = _capped(f"[{one_line(context.ticket_id)}] {headline}")
    values = _template_values(kind, context, words) | {"headline": headline, "mail_subject": subject}
    return RenderedMail(
        subject=subject,
        text=_ENVIRONMENT.get_template(f"{kind}.txt").render(values),
        html=_ENVIRONMENT.get_template(f"{kind}.html").render(values),
    )


def _subject_key(kind: NotificationKind, context: NotificationContext) -> str:
    if kind is NotificationKind.ESCALATION:
        return f"escalation.subject.{_level_key(context.escalation_level)}"
    return f"{kind}.subject"


def _level_key(level: EscalationLevel | None) -> str:
    return "no_level" if level is None else f"level_{int(level)}"


def _capped(subject: str) -> str:
    """``subject`` cut to :data:`MAX_SUBJECT_LENGTH` characters, the cut marked with "…"."""
    if len(subject) <= MAX_SUBJECT_LENGTH:
        return subject
    return subject[: MAX_SUBJECT_LENGTH - 1].rstrip() + "…"


def _template_values(kind: NotificationKind, context: NotificationContext, words: Catalogue) -> dict[str, object]:
    """What the templates show: the context's values said in the catalogue's language, None
    where the context has nothing to say."""
    left = context.working_time_left
    priority = words.text(
        "priority.label", name=words.text(f"priority.{context.priority.name.lower()}"), number=int(context.priority)
    )
    facts: dict[str, str | None] = {
        "ticket": context.ticket_id,
        "subject": one_line(context.subject),
        "customer": one_line(context.customer_name),
        "contact": _one_line_or_none(context.contact_name),
        "priority": priority,
        "category": words.text(f"category.{context.category}"),
        "operator": _one_line_or_none(context.operator_name),
        "take_charge_due": _instant(words, context.take_charge_due),
        "resolution_due": _instant(words, context.resolution_due),
    }
    names = _INTERNAL_ROWS if kind.internal else _CUSTOMER_ROWS
    return facts | {
        "t": words.text,
        "language": words.language.value,
        "internal": kind.internal,
        "rows": [(words.text(f"label.{name}"), facts[name]) for name in names if facts[name] is not None],
        "message": context.message,
        "level": _level_key(context.escalation_level),
        "clock": words.text(f"clock.{context.escalation_clock or 'unspecified'}"),
        "clock_due": _instant(words, _clock_due(context)),
        "time_left": words.working_time(left) if left is not None and left >= timedelta(0) else None,
        "overdue": words.working_time(left) if left is not None and left < timedelta(0) else None,
        "portal_url": context.portal_url,
    }


def _one_line_or_none(name: str | None) -> str | None:
    """A name on one line (None when it is absent or nothing printable is left of it)."""
    if name is None:
        return None
    return one_line(name) or None


def _instant(words: Catalogue, at: datetime | None) -> str | None:
    return None if at is None else words.instant(at)


def _clock_due(context: NotificationContext) -> datetime | None:
    """The due instant of the clock an escalation is about."""
    if context.escalation_clock is Clock.TAKE_CHARGE:
        return context.take_charge_due
    if context.escalation_clock is Clock.RESOLUTION:
        return context.resolution_due
    return None
