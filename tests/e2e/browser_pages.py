"""What the browser tests of both web apps share: headless Chromium (Debian's ``chromium``,
which ``make test`` installs) driven by Playwright, axe-core (from npm) injected into every page,
and a watched page that screenshots each screen, runs axe-core on it (no serious or critical
violation) and fails on any script error or Content-Security-Policy violation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from devhost import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TIMEOUT_MS = 15_000
# Assertions wait as long as actions do: on a machine shared with other test runs a page may take
# longer than Playwright's default 5 s to show what it will show.
expect.set_options(timeout=TIMEOUT_MS)


def launched_chromium() -> Iterator[Browser]:
    """One headless Chromium for a module's tests (the body of its ``browser`` fixture)."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install -y chromium)")
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test` installs it from package.json")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Watched:
    """A page with what it reported (script errors, console lines about the CSP), and where its
    screenshots go."""

    def __init__(self, page: Page, artifacts: Path) -> None:
        self.page = page
        self.artifacts = artifacts
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and ("Content Security Policy" in message.text or "Refused" in message.text):
            self.errors.append(message.text)

    def check(self, name: str) -> None:
        """Screenshot ``name``, then axe-core: no serious or critical violation; no error so far."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)
        results: dict[str, Any] = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        serious = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in results["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert serious == [], f"{name}: {json.dumps(serious, indent=1)}"
        assert self.errors == [], f"{name}: {self.errors}"


def open_page(browser: Browser, locale: str, artifacts: Path) -> tuple[BrowserContext, Watched]:
    """A new browser context in ``locale`` with axe-core loaded in every page, and its watched page."""
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(TIMEOUT_MS)
    return context, Watched(context.new_page(), artifacts)
