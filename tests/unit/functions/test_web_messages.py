"""The browser apps' source, read as text: in each app (the portal, the console) both languages
say everything its code and the shared modules ask for, every status, category, priority and
history event has words, and no code parses HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from functions.http.web_files import WEB_ROOT
from shared.domain.history import EventType
from shared.domain.lifecycle import Status
from shared.domain.mail_recipients import RecipientRole
from shared.domain.notifications import DeliveryState, NotificationKind
from shared.domain.sla.policy import Category, Clock, Priority
from shared.domain.ticket import Channel

APPS = ("portal", "console")
COMMON = sorted((WEB_ROOT / "common" / "js").rglob("*.js"))
ALL_SCRIPTS = sorted(WEB_ROOT.rglob("*.js"))


def scripts(app: str) -> list[Path]:
    """The app's own modules and the shared ones it loads."""
    return sorted((WEB_ROOT / app / "js").rglob("*.js")) + COMMON


def catalogue(app: str, language: str) -> set[str]:
    """The message keys of ``language`` in the app's messages.js (its block runs to the next language's)."""
    text = (WEB_ROOT / app / "js" / "messages.js").read_text(encoding="utf-8")
    block = re.search(rf"^  {language}: \{{\n(.*?)^  \}},", text, re.MULTILINE | re.DOTALL)
    assert block is not None, (app, language)
    return set(re.findall(r'^\s+"([a-zA-Z_.0-9]+)": ', block.group(1), re.MULTILINE))


@pytest.mark.parametrize("app", APPS)
def test_italian_and_english_have_the_same_messages(app: str) -> None:
    english, italian = catalogue(app, "en"), catalogue(app, "it")
    assert english
    assert english ^ italian == set()


@pytest.mark.parametrize("app", APPS)
def test_every_message_the_code_names_exists(app: str) -> None:
    named = {key for path in scripts(app) for key in re.findall(r'\bt\("([a-zA-Z_.0-9]+)"', path.read_text("utf-8"))}
    assert named
    assert named - catalogue(app, "en") == set()


@pytest.mark.parametrize("app", APPS)
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
def test_every_value_the_api_answers_has_words(app: str, prefix: str, values: list[str]) -> None:
    assert {f"{prefix}.{value}" for value in values} - catalogue(app, "en") == set()


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("channel", [channel.value for channel in Channel]),
        ("mail", [kind.value for kind in NotificationKind]),
        ("delivery", [state.value for state in DeliveryState]),
        ("recipient", [role.value for role in RecipientRole]),
    ],
)
def test_every_value_the_ticket_screen_answers_has_words_in_the_console(prefix: str, values: list[str]) -> None:
    assert {f"{prefix}.{value}" for value in values} - catalogue("console", "en") == set()


@pytest.mark.parametrize("path", ALL_SCRIPTS, ids=lambda path: Path(path).relative_to(WEB_ROOT).as_posix())
def test_no_script_parses_html_or_evaluates_text(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, (path.name, sink)


@pytest.mark.parametrize("app", APPS)
def test_every_sign_in_failure_has_a_fixed_message_in_both_languages(app: str) -> None:
    source = (WEB_ROOT / "common" / "js" / "auth.js").read_text(encoding="utf-8")
    listed = re.search(r"export const SIGN_IN_FAILURES = \[([^\]]*)\]", source)
    assert listed is not None
    failures = re.findall(r'"([a-z_]+)"', listed.group(1))
    assert "other" in failures
    for language in ("en", "it"):
        assert {f"auth.failure.{failure}" for failure in failures} - catalogue(app, language) == set(), language


def test_the_pages_never_show_what_the_address_bar_or_the_provider_says_about_an_error() -> None:
    for path in ALL_SCRIPTS:
        assert "error_description" not in path.read_text(encoding="utf-8"), path.name
