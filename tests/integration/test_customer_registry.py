"""The customer registry on Azurite: addresses as keys, large contact lists, one owner per address."""

from __future__ import annotations

import uuid

import pytest
from azure.data.tables import TableServiceClient

from shared.adapters.stores.customers import CustomerRegistry
from shared.domain.customers import Contact, Customer
from shared.domain.errors import Conflict
from shared.domain.language import Language


def company(**overrides: object) -> Customer:
    suffix = uuid.uuid4().hex[:10]
    fields: dict[str, object] = {
        "id": f"co-{suffix}",
        "name": "Co",
        "entitled": True,
        "email_domains": (f"co-{suffix}.example",),
        "contacts": (),
        "language": Language.ENGLISH,
    }
    fields.update(overrides)
    return Customer(**fields)  # type: ignore[arg-type]


def test_addresses_with_characters_keys_cannot_hold_are_found_again(table_service: TableServiceClient) -> None:
    registry = CustomerRegistry(table_service)
    suffix = uuid.uuid4().hex[:8]
    odd = [
        f"a/b{suffix}@odd.example",
        f"c#d?{suffix}@odd.example",
        f"e%2f{suffix}@odd.example",
        f"f\\g{suffix}@odd.example",
    ]
    customer = registry.put(company(contacts=tuple(Contact(address, "X") for address in odd)))
    for address in odd:
        assert registry.find_by_address(address) == customer.id
    assert registry.find_by_address(f"e/{suffix}@odd.example") is None  # %2F is not a slash


def test_five_hundred_contacts_are_stored_and_read_back(table_service: TableServiceClient) -> None:
    registry = CustomerRegistry(table_service)
    suffix = uuid.uuid4().hex[:8]
    contacts = tuple(Contact(f"person{n:03d}-{suffix}-{'x' * 30}@big.example", "N" * 40) for n in range(500))
    customer = registry.put(company(contacts=contacts, email_domains=()))
    stored = registry.get(customer.id)
    assert stored is not None
    assert stored.contacts == contacts


def test_an_address_belongs_to_one_customer_and_is_released_when_removed(table_service: TableServiceClient) -> None:
    registry = CustomerRegistry(table_service)
    first = registry.put(company())
    with pytest.raises(Conflict):
        registry.put(company(email_domains=first.email_domains))
    registry.put(company(id=first.id, email_domains=()))
    second = registry.put(company(email_domains=first.email_domains))
    assert registry.find_by_address(f"anyone@{first.email_domains[0]}") == second.id
