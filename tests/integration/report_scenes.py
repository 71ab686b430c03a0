"""Tickets opened and handled at instants a test names, for the report tests (the Azurite is
shared, so each scene has customers of its own)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from shared.domain.customers import Contact, Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Action, Role
from shared.domain.sla.policy import Category, Priority
from shared.usecases.desk import Desk, NewTicket
from tests.integration.conftest import Clock, customer_caller, staff_caller

SUPERVISOR = staff_caller("sara@desk.example", Role.SUPERVISOR)
OLGA = staff_caller("olga@desk.example", Role.OPERATOR)


def new_customer(desk: Desk, name: str = "acme") -> Customer:
    """An entitled customer unique to the test (the Azurite is shared)."""
    customer_id = f"{name}-{uuid.uuid4().hex[:10]}"
    return desk.customers.put(
        Customer(
            id=customer_id,
            name=name.upper(),
            entitled=True,
            email_domains=(f"{customer_id}.example",),
            contacts=(Contact(f"anna@{customer_id}.example", "Anna"),),
            language=Language.ENGLISH,
        )
    )


class Scene:
    """Tickets opened and handled at instants the test names (Rome time)."""

    def __init__(self, desk: Desk, clock: Clock) -> None:
        self.desk, self.clock = desk, clock

    def open(self, customer: Customer, at: str, priority: Priority, category: Category | None = None) -> str:
        self.clock.set(at)
        request = NewTicket(
            subject="Login broken",
            description="Nobody can sign in since this morning.",
            customer_id=customer.id,
            contact_email=customer.contacts[0].email,
            category=category,
            priority=priority,
            language=Language.ENGLISH,
        )
        return self.desk.open(customer_caller(customer), request).ticket.id

    def act(self, ticket_id: str, at: str, action: Action, payload: Mapping[str, Any] | None = None) -> None:
        self.clock.set(at)
        caller = SUPERVISOR if action is Action.ASSIGN else OLGA
        self.desk.act(caller, ticket_id, action, payload or {}, None)

    def answer(self, customer: Customer, ticket_id: str, at: str) -> None:
        self.clock.set(at)
        self.desk.write(customer_caller(customer), ticket_id, "Firefox 140.", internal=False)


def open_fortnight(scene: Scene) -> tuple[Customer, Customer]:
    """Two weeks of tickets of two customers (2–13 November 2026, Monday to Friday), and two of
    the first customer's opened just outside the period."""
    acme, beta = new_customer(scene.desk, "acme"), new_customer(scene.desk, "beta")
    quick = scene.open(acme, "2026-11-02 09:00", Priority.HIGH)
    scene.act(quick, "2026-11-02 09:30", Action.ACCEPT)  # 30 min
    scene.act(quick, "2026-11-02 11:00", Action.RESOLVE, {"resolution": "Restarted."})  # 2 h
    paused = scene.open(acme, "2026-11-02 10:00", Priority.HIGH)
    scene.act(paused, "2026-11-02 15:00", Action.ACCEPT)  # 3 h 30 min
    scene.act(paused, "2026-11-06 17:00", Action.REQUEST_CLARIFICATION, {"message": "Which browser?"})  # Friday
    scene.answer(acme, paused, "2026-11-09 10:00")  # Monday: paused 1 h 30 min + 1 h
    scene.act(paused, "2026-11-09 12:00", Action.RESOLVE, {"resolution": "Cookies."})  # 37 h 30 min + 2 h
    late = scene.open(acme, "2026-11-03 09:00", Priority.HIGH)
    scene.act(late, "2026-11-04 09:00", Action.ACCEPT)  # 8 h: breached, and the resolution runs on
    scene.open(acme, "2026-11-05 09:00", Priority.LOW)
    scene.open(acme, "2026-11-02 00:00", Priority.MEDIUM)  # the period's first instant
    scene.open(acme, "2026-11-01 23:59", Priority.MEDIUM)  # before it
    scene.open(acme, "2026-11-16 00:00", Priority.MEDIUM)  # the end, excluded
    other = scene.open(beta, "2026-11-03 09:00", Priority.HIGH)
    scene.act(other, "2026-11-03 10:00", Action.ACCEPT)  # 1 h
    scene.act(other, "2026-11-03 17:00", Action.RESOLVE, {"resolution": "Done."})  # 6 h 30 min
    scene.clock.set("2026-11-16 10:00")
    return acme, beta


def open_monday(scene: Scene) -> tuple[Customer, dict[str, str]]:
    """One customer's tickets of Monday 23 November 2026, looked at at 16:00."""
    company = new_customer(scene.desk, "gamma")
    tickets = {
        "p4 new": scene.open(company, "2026-11-23 09:00", Priority.LOW),  # charge taking due Tue 18:30
        "p1 new": scene.open(company, "2026-11-23 10:00", Priority.BLOCKING),  # due 11:00: breached
        "p2 accepted": scene.open(company, "2026-11-23 11:00", Priority.HIGH),  # resolution due Wed 11:00
        "p3 waiting": scene.open(company, "2026-11-23 09:00", Priority.MEDIUM),  # paused
        "p2 new": scene.open(company, "2026-11-23 12:00", Priority.HIGH),  # due 17:30
        "p1 resolved": scene.open(company, "2026-11-23 09:00", Priority.BLOCKING),
        "p1 piero's": scene.open(company, "2026-11-23 09:30", Priority.BLOCKING),  # due 10:30
        "vulnerability": scene.open(company, "2026-11-23 08:00", Priority.HIGH, Category.VULNERABILITY),
    }
    scene.act(tickets["p2 accepted"], "2026-11-23 11:30", Action.ACCEPT)
    scene.act(tickets["p3 waiting"], "2026-11-23 09:30", Action.ACCEPT)
    scene.act(tickets["p3 waiting"], "2026-11-23 12:00", Action.REQUEST_CLARIFICATION, {"message": "Which one?"})
    scene.act(tickets["p1 resolved"], "2026-11-23 09:10", Action.ACCEPT)
    scene.act(tickets["p1 resolved"], "2026-11-23 10:00", Action.RESOLVE, {"resolution": "Restarted."})
    scene.act(tickets["p1 piero's"], "2026-11-23 09:40", Action.ASSIGN, {"assignee": "piero@desk.example"})
    scene.clock.set("2026-11-23 16:00")
    return company, tickets
