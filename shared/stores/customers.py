"""Customers in Table Storage, with an index of their mail addresses and domains.

* ``Customers``: partition ``customer``, row = the customer id.
* ``CustomerAddresses``: partition ``contact`` (row = an address) or ``domain`` (row = a domain),
  ``CustomerId`` = whose it is. An address or a domain belongs to one customer only, so inbound
  mail maps to exactly one customer with one or two point reads.
"""

from __future__ import annotations

import json
from typing import Any

from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.customers import Contact, Customer
from shared.errors import Conflict
from shared.language import Language

CUSTOMERS_TABLE = "Customers"
ADDRESSES_TABLE = "CustomerAddresses"
_PARTITION = "customer"


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
                self._addresses.create_entity({"PartitionKey": kind, "RowKey": value, "CustomerId": customer.id})
            except ResourceExistsError:
                if self._owner(kind, value) != customer.id:
                    raise Conflict(f"{kind} {value} was just claimed by another customer") from None
        self._customers.upsert_entity(_customer_entity(customer), mode=UpdateMode.REPLACE)
        for kind, value in (_addresses(previous) if previous else set()) - wanted:
            self._addresses.delete_entity(kind, value)
        return customer

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
            return str(self._addresses.get_entity(kind, value, select=["CustomerId"])["CustomerId"])
        except ResourceNotFoundError:
            return None


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
        "Contacts": json.dumps([{"email": c.email, "name": c.name} for c in customer.contacts]),
        "Language": customer.language.value,
    }


def _customer_from(entity: Any) -> Customer:
    return Customer(
        id=entity["RowKey"],
        name=entity["Name"],
        entitled=bool(entity["Entitled"]),
        email_domains=tuple(json.loads(entity["EmailDomains"])),
        contacts=tuple(Contact(item["email"], item["name"]) for item in json.loads(entity["Contacts"])),
        language=Language(entity["Language"]),
    )
