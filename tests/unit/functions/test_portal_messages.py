"""The portal's source, read as text: both languages say everything the code asks for, every
status, category, priority and history event has words, and no code parses HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from functions.portal import PORTAL_ROOT
from shared.domain.history import EventType
from shared.domain.lifecycle import Status
from shared.domain.sla.policy import Category, Clock, Priority

SCRIPTS = sorted((PORTAL_ROOT / "js").rglob("*.js"))
I18N = PORTAL_ROOT / "js" / "i18n.js"


def catalogue(language: str) -> set[str]:
    """The message keys of ``language`` in i18n.js (its block runs to the next language's)."""
    text = I18N.read_text(encoding="utf-8")
    block = re.search(rf"^  {language}: \{{\n(.*?)^  \}},", text, re.MULTILINE | re.DOTALL)
    assert block is not None, language
    return set(re.findall(r'^\s+"([a-zA-Z_.0-9]+)": ', block.group(1), re.MULTILINE))


def test_italian_and_english_have_the_same_messages() -> None:
    english, italian = catalogue("en"), catalogue("it")
    assert english
    assert english ^ italian == set()


def test_every_message_the_code_names_exists() -> None:
    named = {key for path in SCRIPTS for key in re.findall(r'\bt\("([a-zA-Z_.0-9]+)"', path.read_text("utf-8"))}
    assert named
    assert named - catalogue("en") == set()


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("status", [status.value for status in Status]),
        ("category", [category.value for category in Category]),
        ("priority", [str(int(priority)) for priority in Priority]),
        ("event", [event.value for event in EventType]),
        ("clock", [clock.value for clock in Clock]),
        ("language", ["it", "en"]),
    ],
)
def test_every_value_the_api_answers_has_words(prefix: str, values: list[str]) -> None:
    assert {f"{prefix}.{value}" for value in values} - catalogue("en") == set()


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda path: Path(path).name)
def test_no_script_parses_html_or_evaluates_text(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, (path.name, sink)


def test_every_sign_in_failure_has_a_fixed_message_in_both_languages() -> None:
    source = (PORTAL_ROOT / "js" / "auth.js").read_text(encoding="utf-8")
    listed = re.search(r"export const SIGN_IN_FAILURES = \[([^\]]*)\]", source)
    assert listed is not None
    failures = re.findall(r'"([a-z_]+)"', listed.group(1))
    assert "other" in failures
    for language in ("en", "it"):
        assert {f"auth.failure.{failure}" for failure in failures} - catalogue(language) == set(), language


def test_the_page_never_shows_what_the_address_bar_or_the_provider_says_about_an_error() -> None:
    for path in SCRIPTS:
        assert "error_description" not in path.read_text(encoding="utf-8"), path.name
