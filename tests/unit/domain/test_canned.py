"""Canned replies' rules: validation (title, tags, bodies, variables), the one-pass substitution
that leaves customer text literal, the language a reply is inserted in, and the search."""

from __future__ import annotations

import pytest

from shared.domain.canned import (
    MAX_BODY,
    MAX_TAGS,
    CannedReply,
    ReplyChange,
    Variable,
    canned_reply,
    fill,
    filled,
    matches,
    version_for,
)
from shared.domain.errors import InvalidInput
from shared.domain.language import Language

IT, EN = Language.ITALIAN, Language.ENGLISH


def reply(**overrides: object) -> CannedReply:
    fields: dict[str, object] = {
        "title": "Presa in carico",
        "tags": ("greeting",),
        "bodies": {IT: "Gentile {{contact_name}}, la richiesta {{ticket}} è in carico.", EN: None},
    }
    fields.update(overrides)
    return canned_reply("taken", **fields)  # type: ignore[arg-type]


def test_a_valid_reply_has_its_title_on_one_line_and_its_tags_normalised() -> None:
    made = reply(title="  Presa \n in carico ", tags=(" Greeting", "greeting", "Ricevuta", "sla_info"))
    assert (made.id, made.title, made.tags, dict(made.bodies), made.revision) == (
        "taken",
        "Presa in carico",
        ("greeting", "ricevuta", "sla_info"),
        {IT: "Gentile {{contact_name}}, la richiesta {{ticket}} è in carico."},
        1,
    )


def test_every_variable_may_be_named_in_a_body() -> None:
    body = " ".join(f"{{{{{variable.value}}}}}" for variable in Variable)
    assert reply(bodies={EN: body}).bodies == {EN: body}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " \n "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"tags": ("ok", "two words")}, "tags.1"),
        ({"tags": ("",)}, "tags.0"),
        ({"tags": ("x" * 31,)}, "tags.0"),
        ({"tags": tuple(f"t{n}" for n in range(MAX_TAGS + 1))}, "tags"),
        ({"bodies": {}}, "bodies"),
        ({"bodies": {IT: None, EN: "   "}}, "bodies"),
        ({"bodies": {IT: "x" * (MAX_BODY + 1)}}, "bodies.it"),
        ({"bodies": {EN: "🙂" * (MAX_BODY // 2 + 1)}}, "bodies.en"),
    ],
)
def test_a_bad_reply_is_refused_naming_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        reply(**overrides)
    assert refused.value.field == field


@pytest.mark.parametrize("reply_id", ["", "-lead", "Upper", "a/b", "x" * 64])
def test_a_bad_id_is_refused(reply_id: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        canned_reply(reply_id, title="t", tags=(), bodies={EN: "b"})
    assert refused.value.field == "id"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ("Dear {{customer}},", "{{customer}}"),
        ("Ticket {{ ticket }}", "{{ ticket }}"),
        ("{{Ticket}}", "{{Ticket}}"),
        ("{{ticket.id}}", "{{ticket.id}}"),
        ("{{}}", "{{}}"),
        ("either {{ or }}", "{{ or }}"),
    ],
)
def test_a_body_naming_an_unknown_variable_is_refused_naming_the_body_and_the_variable(body: str, named: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        reply(bodies={IT: "Buongiorno", EN: body})
    assert refused.value.field == "bodies.en"
    assert named in refused.value.message
    assert "{{contact_name}}" in refused.value.message


def test_braces_that_are_no_placeholder_are_text() -> None:
    body = 'Use {x}, a closing }} before an opening {{ or a JSON {"a": {"b": 1}}'
    assert reply(bodies={EN: body}).bodies[EN] == body


def test_a_change_keeps_what_it_leaves_out_removes_a_body_given_none_and_counts_the_revision() -> None:
    both = reply(bodies={IT: "Ciao", EN: "Hello"})
    changed = ReplyChange(tags=("new",), bodies={IT: None}).applied_to(both)
    assert (changed.title, changed.tags, dict(changed.bodies), changed.revision) == (
        both.title,
        ("new",),
        {EN: "Hello"},
        2,
    )
    with pytest.raises(InvalidInput) as refused:
        ReplyChange(bodies={EN: None}).applied_to(changed)
    assert refused.value.field == "bodies"


def test_filling_substitutes_each_variable() -> None:
    values = {
        Variable.CONTACT_NAME: "Anna",
        Variable.TICKET: "IZ-2026-000123",
        Variable.OPERATOR: "Olga Conti",
        Variable.TAKE_CHARGE_DUE: "tomorrow",
        Variable.RESOLUTION_DUE: "Friday",
    }
    body = "{{contact_name}}|{{ticket}}|{{operator}}|{{take_charge_due}}|{{resolution_due}}|{{ticket}}"
    assert fill(body, values) == "Anna|IZ-2026-000123|Olga Conti|tomorrow|Friday|IZ-2026-000123"


@pytest.mark.parametrize(
    "name",
    ["{{ticket}}", "{{operator}}{{contact_name}}", "{% for x in range(9) %}{{ x }}{% endfor %}", "{{ 7*7 }}", "${x}"],
)
def test_a_contact_name_that_looks_like_a_variable_or_a_template_comes_out_literally(name: str) -> None:
    values = {Variable.CONTACT_NAME: name, Variable.TICKET: "IZ-2026-000001", Variable.OPERATOR: "Olga"}
    assert fill("Dear {{contact_name}} ({{ticket}})", values) == f"Dear {name} (IZ-2026-000001)"


def test_a_variable_without_a_value_becomes_empty_text() -> None:
    assert fill("Due: {{resolution_due}}.", {}) == "Due: ."


def test_a_reply_is_inserted_in_the_tickets_language_when_it_has_it() -> None:
    both = reply(bodies={IT: "Ciao {{ticket}}", EN: "Hello {{ticket}}"})
    assert version_for(both, EN) == (EN, "Hello {{ticket}}", True)
    assert version_for(both, IT) == (IT, "Ciao {{ticket}}", True)


def test_a_reply_without_the_tickets_language_is_inserted_in_the_other_marked_so() -> None:
    english = reply(bodies={EN: "Hello {{ticket}}, due {{resolution_due}}"})
    asked: list[Language] = []

    def values(language: Language) -> dict[Variable, str]:
        asked.append(language)
        return {Variable.TICKET: "IZ-2026-000007", Variable.RESOLUTION_DUE: f"({language.value} words)"}

    made = filled(english, IT, values)
    assert (made.language, made.text, made.in_ticket_language) == (
        EN,
        "Hello IZ-2026-000007, due (en words)",
        False,
    )
    assert asked == [EN]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("", True),
        ("presa", True),
        ("PRES carico", True),
        ("greet", True),
        ("richiesta", True),
        ("e in", True),  # "è" matches "e" once accents are set aside
        ("presa nothing", False),
        ("arico", False),  # a word's start, not its middle
    ],
)
def test_the_search_finds_word_starts_in_the_title_tags_and_bodies(query: str, found: bool) -> None:
    assert matches(reply(), query) is found
