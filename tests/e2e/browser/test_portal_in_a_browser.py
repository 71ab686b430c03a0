"""The customer portal in a real browser: headless Chromium (Debian's ``chromium``, which
``make test`` installs) driven by Playwright, against ``devhost serve --demo`` on Azurite.

One walk, as a customer would take it: sign in through the local OpenID Connect provider (with
the keyboard), see the requests with their deadlines, open a request, answer the desk's
clarification, switch to Italian, and fail to open another customer's request by its URL. Then
the other customer: a mail with an attachment (``devhost ingest``) becomes a request, its link is
followed through sign-in, the attachment is downloaded with the token, the list is filtered by
status. Every page is checked with axe-core (from npm, injected into the page: no serious or critical
violation), must raise no script error and no Content-Security-Policy violation, and leaves a
screenshot under ``tests/artifacts/portal/``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from devhost import PROJECT_ROOT
from devhost.local_identity import mint_token
from tests.e2e.browser_pages import ARTIFACTS as BROWSER_ARTIFACTS
from tests.e2e.browser_pages import Watched
from tests.e2e.browser_pages import open_page as open_browser_page
from tests.e2e.devhost_process import DevHost, wait_until

ARTIFACTS = BROWSER_ARTIFACTS / "portal"
#: How long a mail may take from ``devhost ingest`` to a request (the blob poller runs every 2 s).
MAIL_SECONDS = 30.0


@pytest.fixture
def portal_host(web_host: DevHost) -> DevHost:
    """The browser tests' one host (``tests/e2e/browser/conftest.py``)."""
    return web_host


def open_page(browser: Browser, locale: str) -> tuple[BrowserContext, Watched]:
    """A new browser context in ``locale`` with axe-core loaded in every page, and its watched page."""
    return open_browser_page(browser, locale, ARTIFACTS)


def api(host: DevHost, method: str, path: str, token: str, body: object = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    reply = host.request(method, path, None if body is None else json.dumps(body).encode(), headers)
    assert reply.status < 300, (method, path, reply.status, reply.body)
    answer: dict[str, Any] = json.loads(reply.body)
    return answer


def test_a_customer_signs_in_follows_opens_and_answers_requests_in_a_browser(
    browser: Browser, portal_host: DevHost
) -> None:
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    base = f"http://127.0.0.1:{portal_host.port}"
    context, watched = open_page(browser, "en-GB")
    page = watched.page

    # Signed out: the portal offers to sign in; the keyboard reaches the skip link first.
    page.goto(f"{base}/api/portal/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customer portal")
    watched.check("01-signed-out")
    page.keyboard.press("Tab")
    expect(page.locator("#skip-link")).to_be_focused()

    # The local provider's page lists the demo users; sign in as Anna with the keyboard.
    page.locator("#sign-in").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/local-issuer/authorize\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Local sign-in")
    watched.check("02-local-sign-in")
    anna = page.get_by_role("button", name=re.compile("Anna Bianchi"))
    anna.focus()
    page.keyboard.press("Enter")

    # Back with a code: the list of ACME's requests, the seeded ones among them.
    page.wait_for_url(re.compile(r"/api/portal/#/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")
    expect(page.get_by_text("Signed in as Anna Bianchi")).to_be_visible()
    expect(page.locator("table.requests tbody tr").first).to_be_visible()
    watched.check("03-my-requests")

    # Open a request whose subject is markup: it must come back as text.
    marker = uuid.uuid4().hex[:8]
    subject = f"Export <img src=x onerror=alert(1)> fails {marker}"
    page.get_by_role("link", name="Open a request").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a request")
    page.get_by_label("Category").select_option("bug")
    expect(page.get_by_text("taken in charge within 4 working hours, resolved within 2 working days")).to_be_visible()
    expect(page.get_by_text("taken in charge within 1 working hour, resolved within 1 working day")).to_be_visible()
    watched.check("04-new-request")
    page.get_by_label("2 – High").check()
    page.get_by_label("Subject").fill(subject)
    description = "The CSV export stops at <b>90%</b> since this morning."
    page.get_by_label("Description").fill(description)

    # The skip link, reached with the keyboard and followed, moves the focus to the content and
    # leaves the page (and what was typed) as it is: its "#main" is no route.
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == "skip-link":
            break
        page.keyboard.press("Shift+Tab")
    expect(page.locator("#skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    assert page.url.endswith("/api/portal/#/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a request")
    expect(page.get_by_label("Subject")).to_have_value(subject)
    expect(page.get_by_label("Description")).to_have_value(description)

    page.get_by_role("button", name="Open the request").click()
    page.wait_for_url(re.compile(r"#/requests/"))
    ticket_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{ticket_id} {subject}")
    expect(page.locator(".history")).to_contain_text(description)
    assert page.locator("main img, main b").count() == 0

    # Listed with its deadline and the working time left.
    page.get_by_role("link", name="My requests", exact=True).click()
    row = page.locator(f'tr[data-ticket="{ticket_id}"]')
    expect(row).to_contain_text(subject)
    assert row.locator("img").count() == 0
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("2 – High")
    expect(row).to_contain_text("Taken in charge")
    expect(row).to_contain_text("of working time left")
    expect(row.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))

    # The desk asks a question; the request waits for the customer, its clock paused.
    operator = mint_token(["operator"], subject="olga@desk.example", name="Olga Neri")
    api(portal_host, "POST", f"/api/tickets/{ticket_id}/accept", operator, {})
    api(portal_host, "POST", f"/api/tickets/{ticket_id}/request-clarification", operator, {"message": "Which file?"})
    page.reload()
    expect(row).to_contain_text("Waiting for you")
    expect(row).to_contain_text("Paused")
    row.get_by_role("link").click()
    expect(page.get_by_text("Which file?")).to_be_visible()
    expect(page.get_by_text("We need your answer to go on")).to_be_visible()
    # Staff by name, never by address: in the facts and in the history.
    expect(page.locator(".facts").first).to_contain_text("Handled by")
    expect(page.locator(".facts").first).to_contain_text("Olga Neri")
    expect(page.locator(".history")).to_contain_text("Olga Neri")
    assert "olga@desk.example" not in page.locator("main").inner_text()
    watched.check("05-request-waiting")

    # The customer answers: the request is back in progress and the answer (markup: text) is in the history.
    answer = "The monthly <i>sales</i> file <img src=x onerror=alert(2)>."
    page.get_by_label("Your answer").fill(answer)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".facts .status")).to_have_text("In progress")
    expect(page.locator(".history")).to_contain_text(answer)
    assert page.locator("main img, main i, main b").count() == 0
    served = api(portal_host, "GET", f"/api/tickets/{ticket_id}", operator)
    assert (served["status"], served["sla"]["paused"]) == ("accepted", False)
    watched.check("06-request-answered")

    # Italian, switched by the user and kept.
    page.get_by_role("button", name="Italiano").click()
    expect(page.locator(".facts .status")).to_have_text("In lavorazione")
    assert page.evaluate("document.documentElement.lang") == "it"

    # Another customer's request, by its URL: not found, like one that does not exist.
    globex = mint_token(["customer"], "globex", subject="john@globex.example")
    foreign = api(portal_host, "GET", "/api/tickets?limit=1", globex)["items"][0]["id"]
    page.goto(f"{base}/api/portal/#/requests/{foreign}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Richiesta non trovata")
    expect(page.get_by_text(foreign)).to_be_visible()
    watched.check("07-foreign-request")

    # Signing out forgets the token.
    page.get_by_role("button", name="Esci").click()
    expect(page.locator("#sign-in")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('portal.session')") is None
    context.close()


def sign_in_as(page: Page, name: str) -> None:
    """From the portal's sign-in page, through the local provider, back signed in as ``name``."""
    page.locator("#sign-in").click()
    page.wait_for_url(re.compile(r"/local-issuer/authorize\?"))
    page.get_by_role("button", name=re.compile(name)).click()
    page.wait_for_url(re.compile(r"/api/portal/#/"))
    expect(page.get_by_text(re.compile(f"(Signed in as|Accesso come) {name}"))).to_be_visible()


def mail_in(host: DevHost, directory: Path, subject: str, attachment: tuple[str, bytes]) -> dict[str, Any]:
    """John's mail with one attachment, dropped into ``inbound-email`` with ``devhost ingest``;
    the request the host's blob trigger opens from it, once it is there."""
    message = EmailMessage()
    message["From"] = "John Smith <john@globex.example>"
    message["To"] = "support@desk.localhost"
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@globex.example>"
    message.set_content("The printer queue is stuck since this morning. The log is attached.")
    message.add_attachment(attachment[1], maintype="text", subtype="plain", filename=attachment[0])
    path = directory / "mail.eml"
    path.write_bytes(bytes(message))
    subprocess.run([sys.executable, "-m", "devhost", "ingest", str(path)], cwd=PROJECT_ROOT, check=True, timeout=60)
    john = mint_token(["customer"], "globex", subject="john@globex.example")
    found: list[dict[str, Any]] = []

    def opened() -> bool:
        items = api(host, "GET", "/api/tickets?limit=20", john)["items"]
        found[:] = [item for item in items if item["subject"] == subject]
        return bool(found)

    assert wait_until(opened, MAIL_SECONDS, interval=0.5), host.output()[-3000:]
    return found[0]


def test_a_mailed_request_with_its_attachment_and_the_status_filter_for_the_other_customer(
    browser: Browser, portal_host: DevHost, tmp_path: Path
) -> None:
    base = f"http://127.0.0.1:{portal_host.port}"
    content = b"12:00 queue stalled\n12:01 spooler restarted\n"
    ticket = mail_in(
        portal_host, tmp_path, f"Printer queue stuck {uuid.uuid4().hex[:8]}", ("spooler & queue.log", content)
    )
    context, watched = open_page(browser, "it-IT")
    page = watched.page
    sent: list[dict[str, str]] = []
    page.on("request", lambda request: sent.append(request.headers) if "/attachments/" in request.url else None)

    # The link a mail carries: sign in (Italian, from the browser's language) and land on the request.
    page.goto(f"{base}/api/portal/tickets/{ticket['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Portale clienti")
    sign_in_as(page, "John Smith")
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket["subject"])
    expect(page.locator(".history")).to_contain_text("The printer queue is stuck")

    # The attachment comes from the API with the bearer token, saved from a Blob.
    with page.expect_download() as started:
        page.get_by_role("button", name=re.compile(r"Scarica spooler & queue\.log \(44 byte\)")).click()
    download = started.value
    assert Path(download.path()).read_bytes() == content
    assert download.suggested_filename == "spooler & queue.log"
    assert sent[0]["authorization"].startswith("Bearer ")
    watched.check("08-request-with-attachment")

    # The status filter: only the requests waiting for the customer, on the first page.
    page.get_by_role("link", name="Le mie richieste", exact=True).click()
    page.get_by_label("Stato").select_option("waiting_customer")
    page.get_by_role("button", name="Mostra").click()
    page.wait_for_url(re.compile(r"status=waiting_customer"))
    statuses = page.locator("table.requests tbody td .status")
    expect(statuses.filter(has_not_text="In attesa di una tua risposta")).to_have_count(0)
    expect(statuses.first).to_have_text("In attesa di una tua risposta")
    expect(page.get_by_role("button", name="Pagina precedente")).to_be_disabled()
    watched.check("09-filtered-requests")
    context.close()


def test_only_ticket_ids_reach_the_api_and_foreign_fragments_leave_the_page_alone(
    browser: Browser, portal_host: DevHost
) -> None:
    base = f"http://127.0.0.1:{portal_host.port}"
    context, watched = open_page(browser, "en-GB")
    page = watched.page
    api_calls: list[str] = []
    page.on(
        "request",
        lambda request: (
            api_calls.append(request.url)
            if request.url.startswith(f"{base}/api/") and not request.url.startswith(f"{base}/api/portal/")
            else None
        ),
    )
    page.goto(f"{base}/api/portal/")
    sign_in_as(page, "Anna Bianchi")
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")

    # Texts that are no ticket id: "not found" at once, no request to the API (``..`` and ``%2e``
    # would otherwise be resolved by the URL parser to other API paths, with the token).
    for hash_ in ("#/requests/..", "#/requests/%2e%2e", "#/requests/%2E", "#/requests/IZ-2026-000001%2F..%2F..",
                  "#/requests/%E0%A4%A", "#/requests/"):  # fmt: skip
        page.evaluate("location.hash = '#/'")
        expect(page.get_by_role("heading", level=1)).to_have_text("My requests")
        expect(page.locator("table.requests tbody tr").first).to_be_visible()
        api_calls.clear()
        page.evaluate("hash => { location.hash = hash; }", hash_)
        expect(page.get_by_role("heading", level=1)).to_have_text("Request not found")
        assert api_calls == [], (hash_, api_calls)
        expect(page.locator("#notice")).to_have_count(0)
    watched.check("10-not-a-ticket-id")

    # A mailed link with a trailing slash still lands on the request's page.
    page.goto(f"{base}/api/portal/tickets/IZ-1999-000001/")  # well formed, and never numbered by any run
    page.wait_for_url(f"{base}/api/portal/#/requests/IZ-1999-000001")
    expect(page.get_by_role("heading", level=1)).to_have_text("Request not found")
    context.close()


def test_the_sign_in_answers_only_a_pending_sign_in_and_never_shows_the_providers_words(
    browser: Browser, portal_host: DevHost
) -> None:
    base = f"http://127.0.0.1:{portal_host.port}"
    context, watched = open_page(browser, "en-GB")
    page = watched.page
    planted = "Your account is locked: call +1 555 0100 now"

    # No sign-in pending: the query is dropped, nothing is said.
    page.goto(f"{base}/api/portal/?error=access_denied&error_description={planted}#/new")
    expect(page.locator("#sign-in")).to_be_visible()
    assert page.url == f"{base}/api/portal/#/new"
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("locked")).to_have_count(0)

    # A pending sign-in, but another state: the same.
    pending = {"verifier": "v" * 64, "state": "mine", "nonce": "n", "returnTo": "#/"}
    page.evaluate("p => sessionStorage.setItem('portal.pending', JSON.stringify(p))", pending)
    page.goto(f"{base}/api/portal/?error=access_denied&state=theirs&error_description={planted}")
    expect(page.locator("#sign-in")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)

    # The provider's answer to this sign-in: a fixed message for its error code, never its description.
    page.goto(f"{base}/api/portal/?error=access_denied&state=mine&error_description={planted}")
    expect(page.get_by_role("alert")).to_have_text("Sign-in did not complete: the sign-in was cancelled or refused.")
    expect(page.get_by_text("locked")).to_have_count(0)
    assert "?" not in page.url
    watched.check("11-sign-in-refused")

    # The redirect URI is the portal's one URL, whichever address the page was opened at; its
    # aliases are not served.
    assert portal_host.request("GET", "/api/portal//").status == 404
    assert portal_host.request("GET", "/api/portal/index.html/").status == 404
    page.goto(f"{base}/api/portal/index.html")
    page.locator("#sign-in").click()
    page.wait_for_url(re.compile(r"/local-issuer/authorize\?"))
    assert parse_qs(urlsplit(page.url).query)["redirect_uri"] == [f"{base}/api/portal/"]
    context.close()


def test_a_customer_over_the_creation_limit_is_told_when_to_try_again(browser: Browser, portal_host: DevHost) -> None:
    base = f"http://127.0.0.1:{portal_host.port}"
    john = mint_token(["customer"], "globex", subject="john@globex.example", name="John Smith")
    body = json.dumps({"subject": "Burst", "description": "One of many."}).encode()
    headers = {"Authorization": f"Bearer {john}", "Content-Type": "application/json"}
    for _ in range(11):  # globex's bucket holds TICKET_CREATION_BURST (10) tokens at the most
        if portal_host.request("POST", "/api/tickets", body, headers).status == 429:
            break
    else:
        raise AssertionError("the creation limit never refused")
    context, watched = open_page(browser, "it-IT")
    page = watched.page
    page.goto(f"{base}/api/portal/#/new")
    sign_in_as(page, "John Smith")
    page.get_by_role("link", name="Apri una richiesta").first.click()
    page.get_by_label("Oggetto").fill("Ancora una")
    page.get_by_label("Descrizione").fill("Un'altra richiesta.")

    page.get_by_role("button", name="Apri la richiesta").click()

    expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"^Hai aperto molte richieste in poco tempo\. Riprova tra 1 min\.$")
    )
    assert page.url.endswith("#/new")
    watched.check("12-too-many-requests")
    context.close()
