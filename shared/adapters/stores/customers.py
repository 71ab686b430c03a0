"""Customers in Table Storage, with an index of their mail addresses and domains.

* ``Customers``: partition ``customer``, row = the customer id.
* ``CustomerAddresses``: partition ``contact`` (row = an address) or ``domain`` (row = a domain),
  ``CustomerId`` = whose it is. An address or a domain belongs to one customer only, so inbound
  mail maps to exactly one customer with one or two point reads.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.adapters.storage_layout import ADDRESSES_TABLE, CUSTOMERS_TABLE
from shared.domain.customers import Contact, Customer
from shared.domain.errors import Conflict
from shared.domain.language import Language

_PARTITION = "customer"
_KEY_UNSAFE = frozenset("/\\#?%!")
_UPDATE_ATTEMPTS = 8
_PROPERTY_CHARS = 15_000  # well under a string property's 32K UTF-16 units, whatever the characters


class CustomerRegistry:
    """The customer registry. Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._customers: TableClient = service.get_table_client(CUSTOMERS_TABLE)
        self._addresses: TableClient = service.get_table_client(ADDRESSES_TABLE)

    def get(self, customer_id: str) -> Customer | None:
        """One point read."""
        try:
            return _customer_from(self._customers.get_entity(_PARTITION, customer_id))
        except ResourceNotFoundError:
            return None

    def list(self) -> list[Customer]:
        """Every customer, by id: one partition query (a registry of companies stays small)."""
        rows = self._customers.query_entities("PartitionKey eq @pk", parameters={"pk": _PARTITION})
        return [_customer_from(row) for row in rows]

    def put(self, customer: Customer) -> Customer:
        """Create or replace ``customer``: claims its addresses and domains (a claim held by another
        customer raises :class:`Conflict` naming it, before anything is written), writes the record,
        then releases the addresses it no longer has."""
        previous = self.get(customer.id)
        wanted = _addresses(customer)
        for kind, value in wanted:
            owner = self._owner(kind, value)
            if owner is not None and owner != customer.id:
                raise Conflict(f"{kind} {value} belongs to customer {owner}")
        for kind, value in wanted:
            try:
                self._addresses.create_entity({"PartitionKey": kind, "RowKey": _key(value), "CustomerId": customer.id})
            except ResourceExistsError:
                if self._owner(kind, value) != customer.id:
                    raise Conflict(f"{kind} {value} was just claimed by another customer") from None
        self._customers.upsert_entity(_customer_entity(customer), mode=UpdateMode.REPLACE)
        for kind, value in (_addresses(previous) if previous else set()) - wanted:
            self._addresses.delete_entity(kind, _key(value))
        return customer

    def add_contact(self, customer_id: str, contact: Contact) -> tuple[Contact, bool]:
        """Add ``contact`` to the customer's contacts: the contact as registered and whether this
        call added it (False: it was a contact already). Claims the address first (a claim held
        by another customer raises :class:`Conflict` naming it), then replaces the record under
        its ETag, reading it again when someone changed it meanwhile: one insert, one point read
        and one update (more when contended)."""
        claim = {"PartitionKey": "contact", "RowKey": _key(contact.email), "CustomerId": customer_id}
        try:
            self._addresses.create_entity(claim)
        except ResourceExistsError:
            owner = self._owner("contact", contact.email)
            if owner != customer_id:
                raise Conflict(f"contact {contact.email} belongs to customer {owner}") from None
        for _ in range(_UPDATE_ATTEMPTS):
            entity = self._customers.get_entity(_PARTITION, customer_id)
            customer = _customer_from(entity)
            registered = customer.contact(contact.email)
            if registered is not None:
                return registered, False
            changed = replace(customer, contacts=(*customer.contacts, contact))
            try:
                self._customers.update_entity(
                    _customer_entity(changed),
                    mode=UpdateMode.REPLACE,
                    etag=entity.metadata["etag"],
                    match_condition=MatchConditions.IfNotModified,
                )
            except ResourceModifiedError:
                continue
            return contact, True
        raise Conflict(f"customer {customer_id} is being changed; try again")

    def find_by_address(self, email: str) -> str | None:
        """The customer whose contact ``email`` is, else whose domain it is in, else None: one or
        two point reads."""
        address = email.strip().lower()
        owner = self._owner("contact", address)
        if owner is None and "@" in address:
            owner = self._owner("domain", address.rsplit("@", 1)[1])
        return owner

    def _owner(self, kind: str, value: str) -> str | None:
        try:
            return str(self._addresses.get_entity(kind, _key(value), select=["CustomerId"])["CustomerId"])
        except ResourceNotFoundError:
            return None


def _key(value: str) -> str:
    """``value`` as a Table key: the characters keys may not hold (``/ \\ # ?``, controls), ``%``
    (which the emulator mishandles in keys) and the escape ``!`` itself become ``!XX`` (their code
    in hex), so every address has exactly one key and no two addresses share one."""
    return "".join(
        f"!{ord(char):02X}" if char in _KEY_UNSAFE or ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F else char
        for char in value
    )


def _chunks(text: str) -> dict[str, str]:
    """``text`` over as many properties as it needs (a string property holds 32K UTF-16 units)."""
    parts = [text[start : start + _PROPERTY_CHARS] for start in range(0, len(text), _PROPERTY_CHARS)] or [""]
    return {f"Contacts{index or ''}": part for index, part in enumerate(parts)}


def _joined(entity: Any) -> str:
    parts, index = [entity["Contacts"]], 1
    while f"Contacts{index}" in entity:
        parts.append(entity[f"Contacts{index}"])
        index += 1
    return "".join(parts)


def _addresses(customer: Customer) -> set[tuple[str, str]]:
    return {("domain", domain) for domain in customer.email_domains} | {
        ("contact", contact.email) for contact in customer.contacts
    }


def _customer_entity(customer: Customer) -> dict[str, Any]:
    return {
        "PartitionKey": _PARTITION,
        "RowKey": customer.id,
        "Name": customer.name,
        "Entitled": customer.entitled,
        "EmailDomains": json.dumps(list(customer.email_domains)),
        **_chunks(json.dumps([{"email": c.email, "name": c.name} for c in customer.contacts])),
        "Language": customer.language.value,
    }


def _customer_from(entity: Any) -> Customer:
    return Customer(
        id=entity["RowKey"],
        name=entity["Name"],
        entitled=bool(entity["Entitled"]),
        email_domains=tuple(json.loads(entity["EmailDomains"])),
        contacts=tuple(Contact(item["email"], item["name"]) for item in json.loads(_joined(entity))),
        language=Language(entity["Language"]),
    )
