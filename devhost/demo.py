"""The demo data ``make run`` seeds: two customers, their portal users and a few tickets in
different states, so the portal shows something the first time it is opened.

Seeding is idempotent: customers are written with ``put`` (create or replace), and a customer's
tickets are made only when it has none yet, so restarting ``make run`` adds nothing. The tickets
are opened and moved through the desk's own use cases (as the customer, then as a demo
supervisor), so their history, SLA clocks and mails are exactly what real use makes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from devhost.demo_staff import DEMO_STAFF, DemoStaffMember
from devhost.local_identity import LOCAL_STAFF_ISSUER
from shared.adapters.stores.customers import CustomerRegistry
from shared.domain.access import Principal
from shared.domain.customers import Contact, Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Action, Role
from shared.domain.sla.policy import Category, Priority
from shared.domain.staff import staff_key, staff_member
from shared.usecases.desk import Desk, NewTicket
from shared.usecases.ports import StaffDirectory

LOG = logging.getLogger(__name__)

#: The staff member the demo tickets are handled by.
DEMO_SUPERVISOR = Principal(
    subject="sara@desk.example",
    email="sara@desk.example",
    name="Sara Conti",
    roles=frozenset({Role.SUPERVISOR}),
    customer_id=None,
)

Step = tuple[Action, dict[str, Any]]


@dataclass(frozen=True)
class DemoUser:
    """A person who can sign in to the portal on ``make run``: a contact of ``customer_id``."""

    email: str
    name: str
    customer_id: str
    customer_name: str


@dataclass(frozen=True)
class DemoTicket:
    """A ticket opened by the customer's first user, then taken through ``steps`` by the
    demo supervisor."""

    subject: str
    description: str
    category: Category
    priority: Priority
    steps: tuple[Step, ...] = ()


@dataclass(frozen=True)
class DemoCustomer:
    customer: Customer
    tickets: tuple[DemoTicket, ...]

    @property
    def users(self) -> tuple[DemoUser, ...]:
        return tuple(
            DemoUser(contact.email, contact.name, self.customer.id, self.customer.name)
            for contact in self.customer.contacts
        )


_ACCEPT: Step = (Action.ACCEPT, {})


def _ask(message: str) -> Step:
    return (Action.REQUEST_CLARIFICATION, {"message": message})


def _resolve(resolution: str) -> Step:
    return (Action.RESOLVE, {"resolution": resolution})


_CLOSE: Step = (Action.CLOSE, {})

DEMO_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        Customer(
            id="acme",
            name="ACME S.p.A.",
            entitled=True,
            email_domains=("acme.example",),
            contacts=(Contact("anna@acme.example", "Anna Bianchi"), Contact("marco@acme.example", "Marco Rossi")),
            language=Language.ITALIAN,
        ),
        (
            DemoTicket(
                "Errore 500 all'invio delle fatture",
                "Da stamattina l'invio delle fatture elettroniche risponde con un errore 500.",
                Category.BUG,
                Priority.HIGH,
            ),
            DemoTicket(
                "Come si esporta il registro IVA?",
                "Non troviamo nel menu la funzione per esportare il registro IVA in formato CSV.",
                Category.HELPDESK,
                Priority.MEDIUM,
                (_ACCEPT, _ask("Quale anno fiscale vi serve esportare?")),
            ),
            DemoTicket(
                "Nuovo campo nel modulo ordini",
                "Vorremmo un campo «riferimento cliente» nel modulo degli ordini.",
                Category.EVOLUTION,
                Priority.LOW,
                (_ACCEPT,),
            ),
            DemoTicket(
                "Stampa lenta dei documenti di trasporto",
                "La stampa di un documento di trasporto richiede più di un minuto.",
                Category.BUG,
                Priority.MEDIUM,
                (_ACCEPT, _resolve("Abbiamo ricostruito l'indice delle spedizioni: ora la stampa è immediata.")),
            ),
            DemoTicket(
                "Password dimenticata per l'utente amministrazione",
                "L'utente amministrazione non riesce più ad accedere: chiediamo un reset della password.",
                Category.HELPDESK,
                Priority.MEDIUM,
                (_ACCEPT, _resolve("Password reimpostata; il link è stato inviato all'utente."), _CLOSE),
            ),
        ),
    ),
    DemoCustomer(
        Customer(
            id="globex",
            name="Globex Ltd",
            entitled=True,
            email_domains=("globex.example",),
            contacts=(Contact("john@globex.example", "John Smith"),),
            language=Language.ENGLISH,
        ),
        (
            DemoTicket(
                "The dashboard shows no data since this morning",
                "Every chart on the sales dashboard is empty, for every user.",
                Category.BUG,
                Priority.BLOCKING,
            ),
            DemoTicket(
                "How do I add a user to the finance group?",
                "We have a new colleague in finance and cannot find where to add her to the group.",
                Category.HELPDESK,
                Priority.MEDIUM,
                (_ACCEPT, _ask("Which tenant is the colleague's account in?")),
            ),
            DemoTicket(
                "The quarterly report export fails",
                "Exporting the quarterly report to PDF stops at 90% with no message.",
                Category.BUG,
                Priority.HIGH,
                (_ACCEPT, _resolve("Fixed in release 4.2.1: the export no longer times out."), _CLOSE),
            ),
        ),
    ),
)


def demo_users() -> list[DemoUser]:
    """Everyone who can sign in on ``make run``, customer by customer."""
    return [user for demo in DEMO_CUSTOMERS for user in demo.users]


def portal_principal(user: DemoUser) -> Principal:
    """``user`` as the API sees a customer signed in to the portal."""
    return Principal(
        subject=user.email,
        email=user.email,
        name=user.name,
        roles=frozenset({Role.CUSTOMER}),
        customer_id=user.customer_id,
    )


def seed_demo(desk: Desk, customers: CustomerRegistry, catalogue: Sequence[DemoCustomer] = DEMO_CUSTOMERS) -> int:
    """Write the demo staff into the desk's staff directory (:func:`seed_staff`), the demo
    customers of ``catalogue`` and, for those that have no ticket yet, their tickets; the number
    of tickets made (0 when everything was already there)."""
    if desk.staff is not None:
        seed_staff(desk.staff)
    made = 0
    for demo in catalogue:
        customers.put(demo.customer)
        author = portal_principal(demo.users[0])
        if desk.list_tickets(author, status=None, limit=1, cursor=None).items:
            continue
        for ticket in demo.tickets:
            request = NewTicket(
                subject=ticket.subject,
                description=ticket.description,
                customer_id=demo.customer.id,
                contact_email=author.email or author.subject,
                contact_name=author.name,
                category=ticket.category,
                priority=ticket.priority,
                language=demo.customer.language,
            )
            ticket_id = desk.open(author, request).ticket.id
            for action, payload in ticket.steps:
                desk.act(DEMO_SUPERVISOR, ticket_id, action, payload, None)
            made += 1
    LOG.info("demo data: %d customers, %d new tickets", len(catalogue), made)
    return made


def seed_staff(directory: StaffDirectory, staff: Sequence[DemoStaffMember] = DEMO_STAFF) -> int:
    """Add each demo member the directory lacks, active, under :data:`LOCAL_STAFF_ISSUER`; a
    member already there is left as an administrator made it. How many were added."""
    added = 0
    for person in staff:
        if directory.get(staff_key(LOCAL_STAFF_ISSUER, person.object_id)) is not None:
            continue
        member = staff_member(
            LOCAL_STAFF_ISSUER,
            person.object_id,
            name=person.name,
            email=person.email,
            roles=person.roles,
            language=person.language,
            active=True,
        )
        directory.put(member)
        added += 1
    LOG.info("demo staff: %d members, %d added", len(staff), added)
    return added
