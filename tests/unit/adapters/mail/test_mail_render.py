"""Notification mails: every kind in Italian and in English, said only with its own catalogue's
words, with what users typed escaped in HTML, one-line tagged subjects and Rome's wall clock."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from string import Formatter
from typing import Any

import pytest

from shared.adapters.mail.catalogues import Catalogue, catalogue
from shared.adapters.mail.render import MAX_SUBJECT_LENGTH, render
from shared.domain.language import Language
from shared.domain.notifications import EscalationLevel, NotificationContext, NotificationKind, RenderedMail
from shared.domain.sla.policy import Category, Clock, Priority

TICKET = "IZ-2026-000123"
TAG = f"[{TICKET}] "
TEMPLATES = Path(__file__).parents[4] / "shared" / "adapters" / "mail" / "templates"
OTHER = {Language.ITALIAN: Language.ENGLISH, Language.ENGLISH: Language.ITALIAN}

BARE = NotificationContext(
    ticket_id=TICKET,
    subject="XYZ-42 / HTTP 500",
    customer_name="ACME S.p.A.",
    priority=Priority.MEDIUM,
    category=Category.HELPDESK,
)
FULL = replace(
    BARE,
    contact_name="Anna Bianchi",
    priority=Priority.HIGH,
    category=Category.BUG,
    take_charge_due=datetime(2026, 11, 26, 9, tzinfo=UTC),
    resolution_due=datetime(2026, 11, 30, 14, tzinfo=UTC),
    operator_name="Olga Neri",
    message="Firefox 140, Windows 11.\nXYZ 4.2.1",
    escalation_level=EscalationLevel.BREACHED,
    escalation_clock=Clock.TAKE_CHARGE,
    working_time_left=-timedelta(hours=1, minutes=20),
    portal_url="https://desk.example/tickets/IZ-2026-000123",
)
ESCALATIONS = [
    replace(FULL, escalation_level=level, escalation_clock=clock, working_time_left=left)
    for level, left in [
        (EscalationLevel.WARNING, timedelta(hours=2)),
        (EscalationLevel.WARNING, timedelta(hours=1)),
        (EscalationLevel.BREACHED, timedelta(0)),
        (EscalationLevel.BREACHED, -timedelta(minutes=1)),
        (EscalationLevel.CRITICAL, -timedelta(minutes=45)),
        (None, None),
    ]
    for clock in [Clock.TAKE_CHARGE, Clock.RESOLUTION, None]
]
EVERY_PRIORITY = [replace(FULL, priority=priority) for priority in Priority]
EVERY_CATEGORY = [replace(FULL, category=category) for category in Category]


def contexts(kind: NotificationKind) -> list[NotificationContext]:
    """Every field set, only the required ones, a message without an operator, and for
    escalations each level, clock and sign of the time left."""
    return [
        FULL,
        BARE,
        replace(FULL, operator_name=None),
        *(ESCALATIONS if kind is NotificationKind.ESCALATION else []),
    ]


CASES = [
    pytest.param(kind, language, context, id=f"{kind}-{language}-{number}")
    for kind in NotificationKind
    for language in Language
    for number, context in enumerate(contexts(kind))
]


def bodies(mail: RenderedMail) -> list[str]:
    return [mail.subject, mail.text, mail.html]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


@pytest.mark.parametrize(("kind", "language", "context"), CASES)
def test_every_kind_renders_in_both_languages_whether_the_optional_fields_are_set_or_none(
    kind: NotificationKind, language: Language, context: NotificationContext
) -> None:
    mail = render(kind, language, context)

    assert mail.subject.startswith(TAG)
    assert f'<html lang="{language}">' in mail.html
    for body in bodies(mail):
        assert "{" not in body
        assert "}" not in body
        assert "None" not in body
        assert not [key for key in catalogue(language).entries if key in body]


def test_the_two_catalogues_hold_the_same_keys_and_no_empty_string() -> None:
    italian, english = catalogue(Language.ITALIAN).entries, catalogue(Language.ENGLISH).entries

    assert sorted(italian) == sorted(english)
    assert [key for key, value in {**italian, **english}.items() if not value.strip()] == []


def test_a_key_has_the_same_placeholders_in_both_languages() -> None:
    italian, english = catalogue(Language.ITALIAN).entries, catalogue(Language.ENGLISH).entries

    assert {key: placeholders(value) for key, value in italian.items()} == {
        key: placeholders(value) for key, value in english.items()
    }


@pytest.mark.parametrize("language", list(Language))
def test_every_catalogue_string_is_used_by_some_mail(monkeypatch: pytest.MonkeyPatch, language: Language) -> None:
    used: set[str] = set()
    text = Catalogue.text

    def recording(self: Catalogue, key: str, /, **params: object) -> str:
        used.add(key)
        return text(self, key, **params)

    monkeypatch.setattr(Catalogue, "text", recording)
    for kind in NotificationKind:
        for context in [*contexts(kind), *EVERY_PRIORITY, *EVERY_CATEGORY]:
            render(kind, language, context)

    assert set(catalogue(language).entries) - used == set()


def test_templates_hold_no_words_of_their_own() -> None:
    markup = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]*>", re.DOTALL)
    leftovers = {path.name: markup.sub("", path.read_text(encoding="utf-8")) for path in TEMPLATES.iterdir()}

    assert {name: text for name, text in leftovers.items() if re.search(r"[^\W\d_]", text)} == {}


def other_language_phrases(language: Language) -> set[str]:
    """The other catalogue's wording that this one does not share: every run of two words or more
    between its placeholders, and its one-word strings (names of priorities, labels)."""
    mine, theirs = catalogue(language).entries, catalogue(OTHER[language]).entries
    phrases: set[str] = set()
    for key, value in theirs.items():
        if value == mine[key]:
            continue
        fragments = [part.strip(" ,.:;()") for part in re.split(r"\{[^}]*\}", value)]
        phrases |= {part for part in fragments if len(part.split()) >= 2 or (part == value and part)}
    return phrases


@pytest.mark.parametrize(("kind", "language", "context"), CASES)
def test_a_mail_carries_no_wording_of_the_other_language(
    kind: NotificationKind, language: Language, context: NotificationContext
) -> None:
    mail = render(kind, language, context)
    said = [mail.subject, mail.text, html.unescape(mail.html)]

    leaked = {
        phrase
        for phrase in other_language_phrases(language)
        for body in said
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", body)
    }
    assert leaked == set()


HOSTILE = "<script>alert(1)</script> & \"double\" 'single'"
HOSTILE_CONTEXT = replace(
    FULL,
    subject=f"Subject {HOSTILE}",
    customer_name=f"Customer {HOSTILE}",
    contact_name=f"Contact {HOSTILE}",
    operator_name=f"Operator {HOSTILE}",
    message=f"Message {HOSTILE}",
)
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;double&#34; &#39;single&#39;"


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_what_users_typed_is_escaped_in_html_and_left_as_typed_in_text(
    kind: NotificationKind, language: Language
) -> None:
    mail = render(kind, language, HOSTILE_CONTEXT)

    assert "<script" not in mail.html.lower()
    assert f"Subject {ESCAPED}" in mail.html
    assert f"Subject {HOSTILE}" in mail.text
    assert "&lt;" not in mail.text
    assert "&amp;" not in mail.text


@pytest.mark.parametrize(
    ("field", "shown_in"),
    [
        ("contact_name", NotificationKind.RECEIVED),
        ("customer_name", NotificationKind.NEW_IN_QUEUE),
        ("operator_name", NotificationKind.ACCEPTED),
        ("message", NotificationKind.CLARIFICATION_REQUESTED),
        ("message", NotificationKind.RESOLVED),
    ],
)
def test_names_questions_and_resolutions_are_escaped_too(field: str, shown_in: NotificationKind) -> None:
    value = getattr(HOSTILE_CONTEXT, field)
    prefix = value.removesuffix(HOSTILE)

    mail = render(shown_in, Language.ENGLISH, HOSTILE_CONTEXT)

    assert value in mail.text
    assert prefix + ESCAPED in mail.html


@pytest.mark.parametrize(
    "subject",
    [
        "Help\r\nBcc: victim@example.com",
        "Help\nBcc: victim@example.com",
        "Help\rBcc: victim@example.com",
        "Help\x85Bcc: victim@example.com",
        "Help\u2028Bcc: victim@example.com",
        "Help\x00\t\x1b\u202eBcc: victim@example.com",
    ],
)
@pytest.mark.parametrize("kind", list(NotificationKind))
def test_a_subject_stays_on_one_line_whatever_the_customer_typed(subject: str, kind: NotificationKind) -> None:
    mail = render(kind, Language.ITALIAN, replace(FULL, subject=subject))

    assert mail.subject.isprintable()
    assert "\r" not in mail.subject
    assert "\n" not in mail.subject
    assert mail.subject.startswith(TAG)
    assert mail.subject.endswith("Help Bcc: victim@example.com")


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_names_stay_on_one_line_in_the_text_whatever_reached_the_outbox(kind: NotificationKind) -> None:
    forged = replace(
        FULL,
        contact_name="Anna\r\nBcc: x@evil.example",
        customer_name="ACME\nReply-To: x@evil.example",
        operator_name="Olga\u2028To: x@evil.example",
    )

    mail = render(kind, Language.ITALIAN, forged)

    lines = mail.text.splitlines()
    assert not [line for line in lines if line.startswith(("Bcc:", "Reply-To:", "To:"))]
    shown = [name for name in ("Anna Bcc:", "ACME Reply-To:", "Olga To:") if name in mail.text]
    assert shown  # each kind shows at least one of the names, on one line


@pytest.mark.parametrize("language", list(Language))
def test_a_long_subject_is_cut_keeping_its_tag(language: Language) -> None:
    mail = render(NotificationKind.RECEIVED, language, replace(FULL, subject="Lorem ipsum " * 100))

    assert len(mail.subject) <= MAX_SUBJECT_LENGTH
    assert mail.subject.startswith(TAG)
    assert mail.subject.endswith("…")


@pytest.mark.parametrize(
    ("due", "language", "expected"),
    [
        (datetime(2026, 1, 15, 8, tzinfo=UTC), Language.ITALIAN, "giovedì 15 gennaio 2026, 09:00 (ora di Roma)"),
        (datetime(2026, 1, 15, 8, tzinfo=UTC), Language.ENGLISH, "Thursday 15 January 2026, 09:00 (Rome time)"),
        (datetime(2026, 7, 16, 8, tzinfo=UTC), Language.ITALIAN, "giovedì 16 luglio 2026, 10:00 (ora di Roma)"),
        (datetime(2026, 7, 16, 8, tzinfo=UTC), Language.ENGLISH, "Thursday 16 July 2026, 10:00 (Rome time)"),
    ],
)
def test_instants_are_shown_on_rome_s_wall_clock_in_the_language_s_words(
    due: datetime, language: Language, expected: str
) -> None:
    mail = render(NotificationKind.RECEIVED, language, replace(FULL, take_charge_due=due))

    assert expected in mail.text
    assert expected in mail.html


@pytest.mark.parametrize(
    ("level", "clock", "left", "expected"),
    [
        (
            EscalationLevel.WARNING,
            Clock.TAKE_CHARGE,
            timedelta(hours=2, seconds=59),
            ["75%", "per la presa in carico", "Scadenza: giovedì 26 novembre 2026, 10:00", "residuo: 2 ore\n"],
        ),
        (
            EscalationLevel.BREACHED,
            Clock.RESOLUTION,
            -timedelta(hours=1, minutes=1),
            ["superato il tempo", "per la risoluzione", "lunedì 30 novembre", "scadenza: 1 ora e 1 minuto\n"],
        ),
        (
            EscalationLevel.CRITICAL,
            None,
            timedelta(seconds=-30),
            ["150%", "uno dei suoi obiettivi SLA", "scadenza: meno di un minuto\n"],
        ),
    ],
)
def test_an_escalation_says_its_level_clock_due_instant_and_working_time(
    level: EscalationLevel, clock: Clock | None, left: timedelta, expected: list[str]
) -> None:
    context = replace(FULL, escalation_level=level, escalation_clock=clock, working_time_left=left)

    mail = render(NotificationKind.ESCALATION, Language.ITALIAN, context)

    assert f"livello {int(level)}" in mail.subject
    assert [phrase for phrase in expected if phrase not in mail.text] == []


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_html_mails_load_nothing_from_the_network(kind: NotificationKind) -> None:
    mail = render(kind, Language.ENGLISH, FULL)

    assert "<img" not in mail.html
    assert "<script" not in mail.html
    assert mail.html.count("http") == mail.html.count(str(FULL.portal_url))


@pytest.mark.parametrize(
    "changes",
    [
        {"take_charge_due": datetime(2026, 11, 26, 10)},  # noqa: DTZ001 - a naive instant on purpose
        {"resolution_due": datetime(2026, 11, 26, 10)},  # noqa: DTZ001 - a naive instant on purpose
        {"portal_url": "javascript:alert(1)"},
        {"portal_url": "desk.example/tickets/IZ-2026-000123"},
    ],
)
def test_a_context_refuses_naive_instants_and_links_that_are_not_http(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="must be"):
        replace(FULL, **changes)
