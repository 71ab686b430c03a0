"""Whom a ticket opened over the API is for: a table of callers and addresses, with an in-memory
registry standing in for the customer registry."""

from __future__ import annotations

import pytest

from shared.domain.access import Principal
from shared.domain.contacts import TicketContact, contact_for
from shared.domain.customers import Contact, Customer
from shared.domain.errors import Conflict, Forbidden, InvalidInput
from shared.domain.language import Language
from shared.domain.lifecycle import Role

ACME = Customer(
    "acme", "ACME", True, ("acme.example",), (Contact("anna@acme.example", "Anna Bianchi"),), Language.ITALIAN
)
CUSTOMER = Principal("anna", "anna@acme.example", "Anna", frozenset({Role.CUSTOMER}), "acme")
STAFF = Principal("olga", "olga@desk.example", "Olga", frozenset({Role.OPERATOR}), None)


class Registry:
    """Contacts added per customer; addresses in ``taken`` belong to another customer."""

    def __init__(self, taken: frozenset[str] = frozenset()) -> None:
        self.added: list[tuple[str, Contact]] = []
        self.taken = taken

    def add_contact(self, customer_id: str, contact: Contact) -> tuple[Contact, bool]:
        if contact.email in self.taken:
            raise Conflict(f"contact {contact.email} belongs to customer brio")
        self.added.append((customer_id, contact))
        return contact, True


def contact(
    caller: Principal, address: str, name: str | None = None, registry: Registry | None = None
) -> TicketContact:
    return contact_for(caller, address, name, ACME, registry or Registry())


@pytest.mark.parametrize("caller", [CUSTOMER, STAFF], ids=["customer", "staff"])
@pytest.mark.parametrize("address", ["anna@acme.example", " Anna@ACME.example "])
def test_a_registered_contact_is_taken_with_its_registered_name(caller: Principal, address: str) -> None:
    registry = Registry()
    assert contact(caller, address, registry=registry) == TicketContact("anna@acme.example", "Anna Bianchi")
    assert registry.added == []


def test_a_customer_s_address_on_its_domain_is_taken_as_it_is_and_registers_nothing() -> None:
    registry = Registry()
    assert contact(CUSTOMER, "marco@acme.example", registry=registry) == TicketContact("marco@acme.example", None)
    assert registry.added == []


@pytest.mark.parametrize(("name", "registered_as"), [("Marco Rossi", "Marco Rossi"), (None, "marco@acme.example")])
def test_staff_typing_a_new_address_on_the_domain_register_it(name: str | None, registered_as: str) -> None:
    registry = Registry()
    assert contact(STAFF, "Marco@acme.example", name, registry) == TicketContact(
        "marco@acme.example", registered_as, True
    )
    assert registry.added == [("acme", Contact("marco@acme.example", registered_as))]


@pytest.mark.parametrize("address", ["eve@evil.example", "anna@mail.acme.example", "anna@acme.example.evil.example"])
def test_an_address_outside_the_customer_is_refused_naming_the_claim_or_the_field(address: str) -> None:
    with pytest.raises(Forbidden) as refused:
        contact(CUSTOMER, address)
    assert refused.value.claim == "email"
    with pytest.raises(InvalidInput) as invalid:
        contact(STAFF, address)
    assert invalid.value.field == "contact_email"


def test_staff_cannot_register_another_customer_s_contact() -> None:
    with pytest.raises(InvalidInput, match="belongs to customer brio") as invalid:
        contact(STAFF, "luca@acme.example", registry=Registry(taken=frozenset({"luca@acme.example"})))
    assert invalid.value.field == "contact_email"
