"""Finding a ticket for a caller: located by its id, answered like a missing one when the caller
may not see it (:func:`shared.domain.access.can_see`). The use cases that read or change one
ticket start here."""

from __future__ import annotations

from shared.domain.access import Caller, can_see
from shared.domain.errors import NotFound
from shared.domain.lifecycle import Role
from shared.domain.sla.policy import SlaPolicy
from shared.usecases.ports import Tickets
from shared.usecases.stored import StoredTicket

__all__ = ["customer_of", "visible_ticket"]


def customer_of(tickets: Tickets, caller: Caller, ticket_id: str) -> str | None:
    """The partition to look for the ticket in: a customer's own company (a customer never reaches
    another's), else the customer the id belongs to (one point read the first time a worker sees
    the id, none after), None for an unknown id."""
    return caller.customer_id if Role.CUSTOMER in caller.roles else tickets.customer_of(ticket_id)


def visible_ticket(tickets: Tickets, policy: SlaPolicy, caller: Caller, ticket_id: str) -> StoredTicket:
    """The ticket as stored if ``caller`` may see it, else :class:`NotFound`: the locator's read
    (see :func:`customer_of`) and one point read."""
    customer_id = customer_of(tickets, caller, ticket_id)
    stored = tickets.get(customer_id, ticket_id) if customer_id else None
    if stored is None or not can_see(caller, stored.ticket, policy):
        raise NotFound(f"ticket {ticket_id} not found")
    return stored
