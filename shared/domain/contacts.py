"""Whom a ticket opened over the API is for: a contact of its customer, never an address outside.

A ticket's contact receives its receipts, questions and resolution, contents included, so the
address must be a registered contact of the customer or on one of its email domains. Staff who
type a new address on a domain of the customer register it as the customer's contact; anything
else is refused. (Mail is sorted by the intake, which decides whose a mail is.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.domain.access import Caller
from shared.domain.customers import Contact, Customer, normalise_email
from shared.domain.errors import Conflict, Forbidden, InvalidInput
from shared.domain.lifecycle import Role

__all__ = ["ContactRegistry", "TicketContact", "contact_for"]


class ContactRegistry(Protocol):
    """Where contacts are registered (``shared.adapters.stores.customers.CustomerRegistry``)."""

    def add_contact(self, customer_id: str, contact: Contact) -> tuple[Contact, bool]:
        """The contact as registered and whether this call added it; :class:`Conflict` when
        another customer holds the address."""
        ...


@dataclass(frozen=True)
class TicketContact:
    """The ticket's contact: its address (lower case), the name the registry knows for it, and
    whether this opening registered it (for the audit trail)."""

    email: str
    name: str | None
    registered: bool = False


def contact_for(
    caller: Caller, address: str, name: str | None, customer: Customer, registry: ContactRegistry
) -> TicketContact:
    """The contact ``caller`` opens a ticket of ``customer`` for: ``address`` (a customer's own,
    from its token; staff type it, with ``name``). A registered contact is taken as registered; an
    address on one of the customer's domains is taken as it is from a customer, and registered
    by staff (under ``name``, else the address itself; a contact another customer holds is
    refused). Any other address is refused: :class:`Forbidden` naming the token's ``email``
    claim for a customer, :class:`InvalidInput` naming ``contact_email`` for staff."""
    is_customer = Role.CUSTOMER in caller.roles
    wanted = address.strip().lower()
    known = customer.contact(wanted)
    if known is not None:
        return TicketContact(known.email, known.name)
    if not customer.owns_domain_of(wanted):
        outside = f"is neither a contact of customer {customer.id} nor on its email domains"
        if is_customer:
            raise Forbidden(f"the token's email claim {wanted} {outside}", claim="email")
        raise InvalidInput("contact_email", outside)
    if is_customer:
        return TicketContact(wanted, None)
    normalise_email(wanted, "contact_email")
    try:
        contact, added = registry.add_contact(customer.id, Contact(wanted, name or wanted))
    except Conflict as taken:
        raise InvalidInput("contact_email", str(taken)) from None
    return TicketContact(contact.email, contact.name, added)
