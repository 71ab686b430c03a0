"""The browser tests' one host and one browser for the whole of ``tests/e2e/browser``: ``devhost
serve --demo`` on Azurite with both local sign-ins (the portal's and the console's issuer at the
bound port), and one headless Chromium (:mod:`tests.e2e.browser_pages`).

Both are scoped to this package, which pytest runs before the other e2e modules and leaves before
them: a host left running would share the storage with the other e2e tests' hosts, and its timers
would take their mail (the outbox sweep claims any pending notification); and Playwright's
synchronous API keeps an event loop running in the main thread while it is started, so every later
test calling ``asyncio.run`` would fail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.e2e.browser_pages import launched_chromium
from tests.e2e.devhost_process import DevHost, free_port, running_devhost


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    yield from launched_chromium()


@pytest.fixture(scope="session")
def web_host_mail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of the web host's logs; its ``mail/`` holds what the host mails (``.eml``)."""
    return tmp_path_factory.mktemp("web-host")


@pytest.fixture(scope="package")
def web_host(azurite: bool, web_host_mail: Path) -> Iterator[DevHost]:
    port = free_port()
    settings = {
        "PORTAL_OIDC_AUTHORITY": f"http://127.0.0.1:{port}/local-issuer",
        "PORTAL_OIDC_CLIENT_ID": "support-desk-portal-local",
        "CONSOLE_OIDC_AUTHORITY": f"http://127.0.0.1:{port}/local-staff-issuer",
        "CONSOLE_OIDC_CLIENT_ID": "support-desk-console-local",
        "STAFF_LANGUAGE": "it",
        "CONSOLE_HEARTBEAT_SECONDS": "1",  # presence seen within a second or two, not the default 15
        "CONSOLE_REFRESH_SECONDS": "2",  # a list shows a change within two seconds, not the default 30
    }
    with running_devhost("function_app:app", web_host_mail, settings, port=port, arguments=["--demo"]) as host:
        yield host
