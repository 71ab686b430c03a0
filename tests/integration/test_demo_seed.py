"""The demo data ``make run`` seeds: real tickets in several states, made once however often the
host starts."""

from __future__ import annotations

import uuid
from dataclasses import replace

from azure.data.tables import TableServiceClient

from devhost.demo import DEMO_CUSTOMERS, DemoCustomer, portal_principal, seed_demo, seed_staff
from devhost.demo_replies import DEMO_REPLIES, seed_replies
from devhost.demo_staff import DEMO_STAFF
from devhost.local_identity import LOCAL_STAFF_ISSUER
from shared.adapters.stores.canned import CannedReplyStore
from shared.adapters.stores.customers import CustomerRegistry
from shared.adapters.stores.staff import StaffStore
from shared.domain.canned import ReplyChange
from shared.domain.customers import Contact
from shared.domain.language import Language
from shared.domain.staff import StaffChange, staff_key
from shared.usecases.desk import Desk


def statuses(desk: Desk, demo: DemoCustomer) -> list[str]:
    """The status of every ticket of ``demo``'s customer, read as its first portal user."""
    caller, found, cursor = portal_principal(demo.users[0]), [], None
    while True:
        page = desk.list_tickets(caller, status=None, limit=100, cursor=cursor)
        found += [view.ticket.status.value for view in page.items]
        if not (cursor := page.cursor):
            return found


def fresh_copy(demo: DemoCustomer) -> DemoCustomer:
    """``demo`` under a company id, domain and addresses of this run's own."""
    run = uuid.uuid4().hex[:8]
    domain = f"{demo.customer.id}-{run}.example"
    contacts = tuple(Contact(f"{c.email.split('@')[0]}@{domain}", c.name) for c in demo.customer.contacts)
    customer = replace(demo.customer, id=f"{demo.customer.id}-{run}", email_domains=(domain,), contacts=contacts)
    return replace(demo, customer=customer)


def test_the_first_seeding_makes_every_ticket_and_the_next_adds_nothing(
    desk: Desk, table_service: TableServiceClient
) -> None:
    registry = CustomerRegistry(table_service)
    catalogue = [fresh_copy(demo) for demo in DEMO_CUSTOMERS]
    assert seed_demo(desk, registry, catalogue) == sum(len(demo.tickets) for demo in DEMO_CUSTOMERS)
    before = {demo.customer.id: statuses(desk, demo) for demo in catalogue}
    assert seed_demo(desk, registry, catalogue) == 0
    assert {demo.customer.id: statuses(desk, demo) for demo in catalogue} == before
    assert sorted(before[catalogue[0].customer.id]) == ["accepted", "closed", "new", "resolved", "waiting_customer"]
    assert sorted(before[catalogue[1].customer.id]) == ["closed", "new", "waiting_customer"]
    for demo in catalogue:
        assert registry.get(demo.customer.id) == demo.customer


def test_the_demo_staff_are_seeded_once_and_an_admins_change_survives_the_next_seeding(
    table_service: TableServiceClient,
) -> None:
    directory = StaffStore(table_service)
    seed_staff(directory)
    olga = directory.get(staff_key(LOCAL_STAFF_ISSUER, DEMO_STAFF[0].object_id))
    assert olga is not None
    assert (olga.email, olga.active, olga.language.value) == (DEMO_STAFF[0].email, True, DEMO_STAFF[0].language)
    directory.put(StaffChange(active=False).applied_to(olga))
    assert seed_staff(directory) == 0
    again = directory.get(olga.key)
    assert again is not None
    assert not again.active
    directory.put(olga)


def test_the_demo_replies_are_seeded_once_one_in_english_only_and_an_admins_change_survives(
    table_service: TableServiceClient,
) -> None:
    store = CannedReplyStore(table_service)
    seed_replies(store)
    languages = {reply.id: set(reply.bodies) for reply in DEMO_REPLIES}
    assert {frozenset(found) for found in languages.values()} == {
        frozenset(Language),
        frozenset({Language.ENGLISH}),
    }
    first = store.get(DEMO_REPLIES[0].id)
    assert first is not None
    store.replace(ReplyChange(title="Changed by an admin").applied_to(first.reply), first.etag)
    assert seed_replies(store) == 0
    again = store.get(first.reply.id)
    assert again is not None
    assert again.reply.title == "Changed by an admin"
    store.replace(replace(DEMO_REPLIES[0], revision=again.reply.revision + 1), again.etag)
