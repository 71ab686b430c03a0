"""The switchboard's customer lookup (``GET /api/customers``): a customer as staff taking a call
need it, with the mapper from the registry's customer. Mail domains are left out: they are the
administration's (``/api/admin/customers``)."""

from __future__ import annotations

from pydantic import BaseModel

from shared.domain.customers import Customer
from shared.domain.language import Language
from shared.usecases.switchboard import Matches


class ContactFound(BaseModel):
    """A person of the customer, to pick as the request's contact."""

    email: str
    name: str


class CustomerFound(BaseModel):
    """A customer that answers to the term: ``entitled`` is false when its support has lapsed (the
    desk opens no request for it: ``POST /api/tickets`` answers 403); ``language`` is its receipts'
    fallback language."""

    id: str
    name: str
    entitled: bool
    language: Language
    contacts: list[ContactFound]


class CustomerMatches(BaseModel):
    """The first matches by name, then id; ``more`` is true when others answer too (say more of the name)."""

    items: list[CustomerFound]
    more: bool


def customer_matches(matches: Matches) -> CustomerMatches:
    return CustomerMatches(items=[_found(customer) for customer in matches.items], more=matches.more)


def _found(customer: Customer) -> CustomerFound:
    return CustomerFound(
        id=customer.id,
        name=customer.name,
        entitled=customer.entitled,
        language=customer.language,
        contacts=[ContactFound(email=contact.email, name=contact.name) for contact in customer.contacts],
    )
