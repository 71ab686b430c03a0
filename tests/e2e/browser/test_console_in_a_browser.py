"""The staff console in a real browser (the browser tests' one host and one Chromium,
``tests/e2e/browser/conftest.py``), against ``devhost serve --demo`` on Azurite.

One working day in short: Olga signs in through the local staff issuer (in the staff's
default language, Italian, then English by her choice, kept for her), sees a new request appear
in the queue without a reload, opens it with the keyboard, accepts it, replies (the customer's
mail lands in the host's mail folder, in the ticket's language), writes an internal note (which
the customer's API never shows), asks for a clarification (the badge says paused), sees the
customer's answer, written in the portal in a browser of her own, mark the row unread until she
opens it (the timeline showing the clocks paused and resumed), hits the stale-reply guard when a
supervisor changes the ticket meanwhile, sends again and resolves, finds the ticket with the
search box; then takes a phone request. Then Sam, of the security team, sees
the Vulnerabilities view, the search match and the customer panel's entry, and Olga none of
them; Olga inserts a canned reply in Italian on an Italian ticket, and may not send one that
exists only in English; a handover takes a ticket out of Olga's sight. Olga and Sue on one ticket see each other,
and Sue's change makes Olga's reply stale. Every screen is checked with axe-core, must raise no
script error and no CSP violation, and leaves a screenshot under ``tests/artifacts/console/``.
"""

from __future__ import annotations

import email
import json
import re
import shutil
import uuid
from email import policy
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from devhost.demo_staff import DEMO_STAFF
from devhost.local_identity import mint_token
from tests.e2e.browser_pages import ARTIFACTS as BROWSER_ARTIFACTS
from tests.e2e.browser_pages import open_page
from tests.e2e.devhost_process import DevHost, wait_until

ARTIFACTS = BROWSER_ARTIFACTS / "console"
#: How long a reply may take from the outbox to a mail file (the outbox poller runs every few seconds).
MAIL_SECONDS = 30.0


def staff_token(name: str) -> str:
    """A token of the demo member whose name starts with ``name``, as the local staff issuer mints it."""
    member = next(member for member in DEMO_STAFF if member.name.startswith(name))
    roles = [str(role) for role in member.roles]
    return mint_token(roles, subject=member.email, name=member.name, extra_claims={"oid": member.object_id})


def customer_token(customer: str, address: str, name: str) -> str:
    return mint_token(["customer"], customer, subject=address, name=name)


def api(host: DevHost, method: str, path: str, token: str, body: object = None) -> Any:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    reply = host.request(method, path, None if body is None else json.dumps(body).encode(), headers)
    assert reply.status < 300, (method, path, reply.status, reply.body)
    return json.loads(reply.body)


def sign_in(page: Page, base: str, name: str, route: str = "") -> None:
    """Opens the console (at ``route``), signs in as ``name`` at the local staff issuer, comes back."""
    page.goto(f"{base}/api/console/{route}")
    page.locator("#sign-in").click()
    page.wait_for_url(re.compile(r"/local-staff-issuer/authorize\?"))
    page.get_by_role("button", name=re.compile(name)).click()
    page.wait_for_url(re.compile(r"/api/console/#/"))
    expect(page.get_by_text(re.compile(f"(Signed in as|Accesso come) {name}"))).to_be_visible()


def answer_in_the_portal(browser: Browser, base: str, ticket_id: str, answer: str) -> None:
    """Anna signs in to the portal in a browser context of her own and answers the question on
    ``ticket_id``; the request is back in progress."""
    context, watched = open_page(browser, "en-GB", ARTIFACTS)
    page = watched.page
    page.goto(f"{base}/api/portal/")
    page.locator("#sign-in").click()
    page.wait_for_url(re.compile(r"/local-issuer/authorize\?"))
    page.get_by_role("button", name=re.compile("Anna Bianchi")).click()
    page.wait_for_url(re.compile(r"/api/portal/#/"))
    page.goto(f"{base}/api/portal/#/requests/{ticket_id}")
    expect(page.get_by_text("We need your answer to go on")).to_be_visible()
    page.get_by_label("Your answer").fill(answer)
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".facts .status")).to_have_text("In progress")
    watched.check("07a-portal-answer")
    context.close()


def mail_to(directory: Path, address: str, needle: str) -> email.message.EmailMessage | None:
    """The mail dropped in ``directory`` to ``address`` whose text holds ``needle``, if any yet."""
    for path in sorted(directory.glob("**/*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if address in str(message["To"]) and needle in message.get_body(("plain",)).get_content():
            return message  # type: ignore[return-value]
    return None


def test_an_operator_works_a_request_from_queue_to_resolution_in_the_console(
    browser: Browser, web_host: DevHost, web_host_mail: Path
) -> None:
    if ARTIFACTS.exists():
        shutil.rmtree(ARTIFACTS)
    base = f"http://127.0.0.1:{web_host.port}"
    context, watched = open_page(browser, "en-GB", ARTIFACTS)
    page = watched.page

    # Signed out, in the staff's default language (STAFF_LANGUAGE=it), whatever the browser says.
    page.goto(f"{base}/api/console/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Console dell'assistenza")
    watched.check("01-signed-out")
    page.locator("#sign-in").click()
    page.wait_for_url(re.compile(r"/local-staff-issuer/authorize\?"))
    watched.check("02-local-staff-sign-in")
    page.get_by_role("button", name=re.compile("Olga Conti")).click()
    page.wait_for_url(re.compile(r"/api/console/#/views/queue$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coda")

    # English, by Olga's choice, kept for her across a reload.
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Queue")
    nav = page.get_by_role("navigation", name="Views")
    for label in ("Queue", "Mine", "Waiting for customer", "At risk"):
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="All open")).to_have_count(0)
    expect(nav.get_by_role("link", name="Vulnerabilities")).to_have_count(0)

    # A customer opens a request (in Italian): the queue shows it on its next refresh, no reload.
    marker = uuid.uuid4().hex[:8]
    subject = f"Il gestionale non stampa le fatture <b>{marker}</b>"
    anna = customer_token("acme", "anna@acme.example", "Anna Bianchi")
    ticket = api(web_host, "POST", "/api/tickets", anna, {
        "subject": subject, "description": "Da stamattina la stampa delle fatture si blocca al 50%.",
        "priority": 2, "category": "bug",
    })  # fmt: skip
    ticket_id = ticket["id"]
    row = page.locator(f'tr[data-ticket="{ticket_id}"]')
    expect(row).to_contain_text(subject)
    assert row.locator("b").count() == 0
    expect(row).to_contain_text("2 – High")
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("Unassigned")
    expect(row.locator(".sla")).to_contain_text(re.compile(r"Take charge: .* left"))
    watched.check("03-queue")

    # The keyboard: j down the rows to the new ticket (other tests' tickets may share the queue),
    # Enter opens it.
    rows = page.locator("tr[data-ticket]")
    for _ in range(rows.count()):
        page.keyboard.press("j")
        if page.locator("tr.current").get_attribute("data-ticket") == ticket_id:
            break
    expect(page.locator("tr.current")).to_have_attribute("data-ticket", ticket_id)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"#/tickets/{ticket_id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{ticket_id} {subject}")
    facts = page.locator(".facts").first
    for fact in ("acme", "Anna Bianchi <anna@acme.example>", "Portal", "Italian", "Bug or malfunction"):
        expect(facts).to_contain_text(fact)
    expect(page.locator('[data-clock="take_charge"]')).to_contain_text("of working time left")
    watched.check("04-ticket-new")

    # a: Accept.
    page.locator("body").press("a")
    expect(page.locator(".facts .status")).to_have_text("Accepted")
    expect(page.locator("main").get_by_text("Accepted: the ticket is yours.")).to_be_visible()

    # r: a reply, kept as a draft across a reload, then sent: mailed to Anna in Italian.
    page.locator("body").press("r")
    expect(page.locator("#composer-text")).to_be_focused()
    reply = f"Abbiamo individuato il problema {marker}: domani la correzione."
    page.keyboard.type(reply)
    page.reload()
    expect(page.locator("#composer-text")).to_have_value(reply)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("main").get_by_text("Reply sent: the customer is mailed.")).to_be_visible()
    expect(page.locator(".timeline li.public-reply")).to_contain_text(reply)
    expect(page.locator("#composer-text")).to_have_value("")
    found: list[email.message.EmailMessage] = []

    def reply_mailed() -> bool:
        message = mail_to(web_host_mail / "mail", "anna@acme.example", reply)
        found[:] = [message] if message else []
        return bool(found)

    assert wait_until(reply_mailed, MAIL_SECONDS, interval=0.5), web_host.output()[-3000:]
    assert str(found[0]["Subject"]).startswith(f"[{ticket_id}] Nuova risposta alla Sua richiesta:")

    # The customer panel and the outgoing mails, with their delivery state once reloaded.
    page.reload()
    customer = page.get_by_role("region", name="Customer")
    expect(customer).to_contain_text("ACME S.p.A.")
    expect(customer).to_contain_text("Entitled to support")
    expect(customer).to_contain_text("Marco Rossi <marco@acme.example>")
    expect(page.locator('[data-mail="reply"]')).to_contain_text("Reply → the customer · Sent")

    # n: an internal note, set apart in the timeline and absent from what the customer's API shows.
    page.locator("body").press("n")
    expect(page.locator("#composer-text")).to_be_focused()
    note = f"Nota per il team {marker}: controllare il driver della stampante."
    page.keyboard.type(note)
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".timeline li.internal-note")).to_contain_text(note)
    expect(page.locator(".timeline li.internal-note .event-kind")).to_have_text("Internal note")
    customer_view = api(web_host, "GET", f"/api/tickets/{ticket_id}/events?limit=100", anna)
    assert note not in json.dumps(customer_view)
    assert reply in json.dumps(customer_view)
    watched.check("05-ticket-reply-and-note")

    # Request clarification: the clocks pause, and the screen says so.
    page.get_by_role("button", name="Request clarification").click()
    page.get_by_label("Question for the customer").fill("Quale stampante usate?")
    page.locator(".action-form").get_by_role("button", name="Request clarification").click()
    expect(page.locator(".facts .status")).to_have_text("Waiting for customer")
    expect(
        page.locator('[data-clock="take_charge"], [data-clock="resolution"]').filter(
            has_text="Paused: waiting for the customer"
        )
    ).not_to_have_count(0)
    page.get_by_role("link", name="Waiting for customer").click()
    waiting_row = page.locator(f'tr[data-ticket="{ticket_id}"]')
    expect(waiting_row.locator(".sla")).to_contain_text("paused")
    watched.check("06-waiting-for-customer")

    # The customer answers in the portal (a browser of her own): back in Mine, the row is marked
    # unread until Olga opens the ticket.
    answer = f"Una HP LaserJet {marker}."
    answer_in_the_portal(browser, base, ticket_id, answer)
    page.get_by_role("link", name="Mine", exact=True).click()
    mine_row = page.locator(f'tr[data-ticket="{ticket_id}"]')
    expect(mine_row).to_contain_text("Accepted")
    expect(mine_row.locator(".unread-mark")).to_have_text("New reply")
    watched.check("07-mine-unread")
    mine_row.get_by_role("link").click()
    expect(page.locator(".timeline li.from-customer").last).to_contain_text(answer)

    # The timeline says what the clocks did: paused by the clarification request, resumed by the
    # customer's answer, each with the status change, in that order.
    asked = page.locator('.timeline li[data-event="clarification_requested"]').last
    expect(asked.locator('[data-clock-event="pause"]')).to_have_text(
        "Resolution clock paused: waiting for the customer"
    )
    expect(asked.locator('[data-change="status"]')).to_have_text("Status: Accepted → Waiting for customer")
    answered = page.locator(".timeline li.from-customer").last
    expect(answered.locator('[data-clock-event="resume"]')).to_have_text("Resolution clock resumed")
    expect(answered.locator('[data-change="status"]')).to_have_text("Status: Waiting for customer → Accepted")
    expect(page.locator('.timeline li[data-event="accepted"] [data-clock-event="stop"]')).to_have_text(
        "Take charge clock stopped, in time"
    )
    order = page.locator("[data-clock-event]").evaluate_all("nodes => nodes.map(node => node.dataset.clockEvent)")
    assert order[-2:] == ["pause", "resume"], order
    watched.check("07b-timeline-clocks")
    page.get_by_role("link", name="Back to the list").click()
    expect(page.locator(f'tr[data-ticket="{ticket_id}"]')).to_be_visible()
    expect(page.locator(f'tr[data-ticket="{ticket_id}"] .unread-mark')).to_have_count(0)
    page.locator(f'tr[data-ticket="{ticket_id}"]').get_by_role("link").click()

    # A supervisor changes the ticket while Olga writes the resolution: the stale-reply guard
    # fires, shows what is new, keeps what she wrote, and Olga sends again.
    page.get_by_role("button", name="Resolve").click()
    resolution = f"Aggiornato il driver {marker}."
    page.get_by_label("Resolution, as the customer will read it").fill(resolution)
    api(web_host, "POST", f"/api/tickets/{ticket_id}/classify", staff_token("Sue"), {"priority": 1})
    page.locator(".action-form").get_by_role("button", name="Resolve").click()
    expect(page.get_by_role("alert").filter(has_text="The ticket changed while you were working on it")).to_be_visible()
    expect(page.locator(".facts").first).to_contain_text("1 – Blocking")
    expect(page.get_by_label("Resolution, as the customer will read it")).to_have_value(resolution)
    watched.check("08-stale-reply-guard")
    page.get_by_role("button", name="Send again").click()
    expect(page.locator(".facts .status")).to_have_text("Resolved")
    served = api(web_host, "GET", f"/api/tickets/{ticket_id}", staff_token("Olga"))
    assert (served["status"], served["resolution"]) == ("resolved", resolution)
    watched.check("09-ticket-resolved")

    # /: the search box; a word of the subject finds the ticket.
    page.locator("body").press("/")
    expect(page.get_by_role("searchbox", name="Search tickets")).to_be_focused()
    page.keyboard.type(marker)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Search: {marker}")
    expect(page.locator(f'tr[data-ticket="{ticket_id}"]')).to_contain_text("Resolved")
    watched.check("10-search")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{ticket_id} {subject}")

    # The shortcuts, listed with ?.
    page.locator("body").press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_contain_text("Write an internal note")
    watched.check("11-shortcuts")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    # A phone request: the form names what is missing; a lapsed customer is found and shown as
    # such; ACME is found by typing part of its name and picked with the keyboard, then its
    # contact; the ticket opens with channel phone.
    lapsed = f"lapsed-{marker}"
    api(web_host, "PUT", f"/api/admin/customers/{lapsed}", staff_token("Ada"), {
        "name": f"Vecchi Clienti {marker}", "entitled": False, "email_domains": [], "contacts": [], "language": "it",
    })  # fmt: skip
    page.get_by_role("link", name="New phone request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New phone request")
    page.get_by_role("button", name="Open the request").click()
    expect(page.get_by_role("alert")).to_have_text("Please fill in: Customer.")
    customer_field = page.get_by_label("Customer", exact=True)
    expect(customer_field).to_be_focused()
    customer_field.press_sequentially(f"vecchi {marker}")
    matches = page.get_by_role("list", name="Matching customers")
    expect(matches.get_by_role("listitem")).to_have_count(1)
    expect(matches).to_contain_text("Not entitled to support")
    matches.get_by_role("button", name=f"Vecchi Clienti {marker} ({lapsed})").click()
    expect(page.get_by_text("This customer's support has lapsed")).to_be_visible()
    page.get_by_role("button", name="Choose another customer").click()
    expect(customer_field).to_be_focused()
    customer_field.fill("")
    customer_field.press_sequentially("acm")
    acme = matches.get_by_role("button", name="ACME S.p.A. (acme)")
    expect(acme).to_be_visible()
    watched.check("12-phone-request")
    customer_field.press("ArrowDown")
    expect(matches.get_by_role("button").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".customer-picker .chosen")).to_contain_text("Entitled to support")
    page.get_by_label("Marco Rossi <marco@acme.example>").check()
    expect(page.get_by_label("Contact's email")).to_be_hidden()
    page.get_by_label("Priority").select_option("3")
    page.get_by_label("Subject", exact=True).fill(f"Richiesta telefonica {marker}")
    page.get_by_label("Description").fill("Il cliente chiede come esportare i dati in CSV.")
    page.get_by_role("button", name="Open the request").click()
    page.wait_for_url(re.compile(r"#/tickets/"))
    expect(page.locator(".facts").first).to_contain_text("Phone")
    expect(page.locator(".facts").first).to_contain_text("Marco Rossi <marco@acme.example>")

    # Signing out forgets the token and the drafts.
    page.locator("body").press("r")
    page.keyboard.type("Una bozza")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#sign-in")).to_be_visible()
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('console.drafts.'))")
    assert kept == []
    assert page.evaluate("sessionStorage.getItem('console.session')") is None
    context.close()


def test_only_the_security_team_sees_vulnerabilities_and_a_handover_leaves_the_operators_sight(
    browser: Browser, web_host: DevHost
) -> None:
    base = f"http://127.0.0.1:{web_host.port}"
    marker = uuid.uuid4().hex[:8]
    sue = staff_token("Sue")
    vulnerability = api(web_host, "POST", "/api/tickets", sue, {
        "subject": f"SQL injection in the login form {marker}", "description": "Found by a pen test.",
        "customer_id": "acme", "contact_email": "anna@acme.example", "category": "vulnerability", "priority": 2,
    })  # fmt: skip

    # Sam (security), in the staff's default language: the Vulnerabilities view, with the ticket in it.
    context, watched = open_page(browser, "en-GB", ARTIFACTS)
    page = watched.page
    sign_in(page, base, "Sam Greco")
    nav = page.get_by_role("navigation", name="Viste")
    nav.get_by_role("link", name="Vulnerabilità").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vulnerabilità")
    expect(page.locator(f'tr[data-ticket="{vulnerability["id"]}"]')).to_be_visible()
    watched.check("13-vulnerabilities")
    page.get_by_role("searchbox").fill("injection")
    page.get_by_role("searchbox").press("Enter")
    expect(page.locator(f'tr[data-ticket="{vulnerability["id"]}"]')).to_be_visible()
    context.close()

    # Olga (operator): no such view, not even by its address; the ticket nowhere, not by its address.
    context, watched = open_page(browser, "it-IT", ARTIFACTS)
    page = watched.page
    sign_in(page, base, "Olga Conti", "#/views/vulnerabilities")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vista non disponibile")
    nav = page.get_by_role("navigation", name="Viste")
    expect(nav.get_by_role("link", name="Vulnerabilità")).to_have_count(0)
    watched.check("14-view-not-available")
    for view, heading in (("queue", "Coda"), ("at_risk", "A rischio"), ("mine", "Miei")):
        page.goto(f"{base}/api/console/#/views/{view}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("#rows")).to_be_visible()
        expect(page.locator(f'tr[data-ticket="{vulnerability["id"]}"]')).to_have_count(0)
    page.goto(f"{base}/api/console/#/search?q=injection")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ricerca: injection")
    expect(page.locator(f'tr[data-ticket="{vulnerability["id"]}"]')).to_have_count(0)
    page.goto(f"{base}/api/console/#/tickets/{vulnerability['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ticket non disponibile")
    assert "SQL injection" not in page.locator("main").inner_text()
    watched.check("15-ticket-not-available")

    # The customer panel of another ACME ticket: its other open tickets without the vulnerability
    # for Olga, with it for Sam.
    anna = customer_token("acme", "anna@acme.example", "Anna Bianchi")
    neighbour = api(web_host, "POST", "/api/tickets", anna, {
        "subject": f"Una domanda sul contratto {marker}", "description": "Quando scade il contratto?",
    })  # fmt: skip
    page.goto(f"{base}/api/console/#/tickets/{neighbour['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(neighbour["subject"])
    expect(page.locator("#other-open")).to_be_visible()
    expect(page.locator("#other-open")).not_to_contain_text(vulnerability["id"])
    assert "SQL injection" not in page.locator("main").inner_text()

    # A canned reply, inserted in the ticket's language (Italian) and filled for it; one that
    # exists only in English is marked so, and the reply is not sent until rewritten.
    page.get_by_label("Risposta predefinita").fill("log")
    page.get_by_role("button", name="Trova").click()
    page.locator('[data-reply="logs-please"]').click()
    composer = page.locator("#composer-text")
    expect(composer).to_have_value(
        re.compile(rf"^Gentile Anna Bianchi,\n\nper analizzare la richiesta {neighbour['id']}")
    )
    expect(page.locator("#canned-foreign")).to_have_count(0)
    watched.check("16-canned-reply")
    composer.fill("")
    page.get_by_label("Risposta predefinita").fill("cache")
    page.get_by_role("button", name="Trova").click()
    page.locator('[data-reply="clear-browser-cache"]').click()
    expect(composer).to_have_value(re.compile(r"^Dear Anna Bianchi,"))
    expect(page.locator("#canned-foreign")).to_contain_text("non ha una versione in Italiano")
    page.get_by_role("button", name="Invia la risposta").click()
    expect(page.get_by_role("alert").filter(has_text="Non inviato")).to_be_visible()
    events = api(web_host, "GET", f"/api/tickets/{neighbour['id']}/events?limit=100", sue)["items"]
    assert [event["type"] for event in events] == ["created"]
    composer.fill("")

    # A handover: Olga accepts a new request and assigns it to Otto; it leaves her sight.
    handed = api(web_host, "POST", "/api/tickets", anna, {
        "subject": f"Passaggio di consegne {marker}", "description": "Una richiesta qualsiasi.",
    })  # fmt: skip
    page.goto(f"{base}/api/console/#/tickets/{handed['id']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(handed["subject"])
    page.get_by_role("button", name="Prendi in carico").click()
    expect(page.locator(".facts .status")).to_have_text("Preso in carico")
    page.get_by_role("button", name="Assegna").click()
    page.get_by_label("Assegna a").fill("otto@desk.example")
    page.locator(".action-form").get_by_role("button", name="Assegna").click()
    expect(page.get_by_role("alert")).to_have_text(
        f"Il ticket {handed['id']} ora è di un collega: è uscito dalle tue viste."
    )
    watched.check("17-handed-over")
    context.close()

    context, watched = open_page(browser, "en-GB", ARTIFACTS)
    page = watched.page
    sign_in(page, base, "Sam Greco", f"#/tickets/{neighbour['id']}")
    expect(page.locator("#other-open")).to_contain_text(vulnerability["id"])
    context.close()


def test_two_members_on_one_ticket_see_each_other_and_the_stale_reply_guard_fires(
    browser: Browser, web_host: DevHost
) -> None:
    base = f"http://127.0.0.1:{web_host.port}"
    marker = uuid.uuid4().hex[:8]
    anna = customer_token("acme", "anna@acme.example", "Anna Bianchi")
    ticket = api(web_host, "POST", "/api/tickets", anna, {
        "subject": f"Il backup notturno non parte {marker}", "description": "Da due notti il backup non parte.",
    })  # fmt: skip
    route = f"#/tickets/{ticket['id']}"
    olga_context, olga = open_page(browser, "en-GB", ARTIFACTS)
    sue_context, sue = open_page(browser, "en-GB", ARTIFACTS)
    sign_in(olga.page, base, "Olga Conti", route)
    sign_in(sue.page, base, "Sue Palmer", route)

    # In the staff's default language (Italian): each sees the other on the screen; Sue sees
    # Olga writing once she types.
    expect(olga.page.locator('[data-present="Sue Palmer"]')).to_contain_text("lo ha aperto")
    expect(sue.page.locator('[data-present="Olga Conti"]')).to_contain_text("lo ha aperto")
    olga.page.locator("body").press("r")
    olga.page.keyboard.type(f"Stiamo verificando {marker}.")
    expect(sue.page.locator('[data-present="Olga Conti"]')).to_contain_text("sta scrivendo")
    sue.check("18-presence")

    # Sue changes the ticket meanwhile (a priority): Olga's reply is refused as stale, nothing is
    # sent; she sees what is new and sends again.
    sue.page.get_by_role("button", name="Classifica").click()
    sue.page.get_by_label("Priorità").select_option("2")
    sue.page.get_by_label("Motivo").fill("I backup sono critici per questo cliente.")
    sue.page.locator(".action-form").get_by_role("button", name="Classifica").click()
    expect(sue.page.locator(".facts").first).to_contain_text("2 – Alta")
    olga.page.get_by_role("button", name="Invia la risposta").click()
    expect(olga.page.get_by_role("alert").filter(has_text="Il ticket è cambiato")).to_be_visible()
    expect(olga.page.locator(".facts").first).to_contain_text("2 – Alta")
    expect(olga.page.locator("#composer-text")).to_have_value(f"Stiamo verificando {marker}.")
    events = api(web_host, "GET", f"/api/tickets/{ticket['id']}/events?limit=100", staff_token("Sue"))["items"]
    assert not [event for event in events if event["type"] == "message" and marker in (event["body"] or "")]
    olga.check("19-stale-reply")
    olga.page.get_by_role("button", name="Invia di nuovo").click()
    expect(olga.page.locator(".timeline li.public-reply")).to_contain_text(f"Stiamo verificando {marker}.")
    olga_context.close()
    sue_context.close()


def test_an_administrator_manages_the_canned_replies_in_the_console(browser: Browser, web_host: DevHost) -> None:
    base = f"http://127.0.0.1:{web_host.port}"
    marker = uuid.uuid4().hex[:8]
    context, watched = open_page(browser, "en-GB", ARTIFACTS)
    page = watched.page

    # Ada (admin, no staff role) lands on the canned replies; no view, no phone request.
    sign_in(page, base, "Ada Ferri")
    page.wait_for_url(re.compile(r"#/admin/replies$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Risposte predefinite")
    expect(page.locator('tr[data-reply="logs-please"]')).to_be_visible()
    expect(page.get_by_role("link", name="Nuova richiesta telefonica")).to_have_count(0)

    # A body naming an unknown variable is refused, the field named and focused; then saved.
    page.get_by_role("link", name="Nuova risposta predefinita").click()
    page.get_by_label("Titolo").fill(f"Manutenzione {marker}")
    page.get_by_label("Etichette").fill("manutenzione, avviso")
    page.get_by_label("Testo in italiano").fill("Gentile {{cliente}}, stasera il servizio è in manutenzione.")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_role("alert")).to_contain_text("Testo in italiano:")
    expect(page.get_by_label("Testo in italiano")).to_be_focused()
    watched.check("20-canned-replies-refused")
    page.get_by_label("Testo in italiano").fill("Gentile {{contact_name}}, stasera il servizio è in manutenzione.")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url(re.compile(r"#/admin/replies$"))
    row = page.locator("tr", has_text=f"Manutenzione {marker}")
    expect(row).to_contain_text("avviso, manutenzione")  # tags kept sorted
    expect(row).to_contain_text("Italiano")
    watched.check("21-canned-replies")

    # Deleted under its revision.
    row.get_by_role("button", name=f"Elimina «Manutenzione {marker}»").click()
    expect(page.locator("tr", has_text=f"Manutenzione {marker}")).to_have_count(0)
    context.close()
