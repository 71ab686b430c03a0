"""Customers: who is entitled to support, how to recognise their mail, which language they speak.

Pure values and their validation; ``shared.adapters.stores.customers`` keeps them in Table Storage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.domain.errors import InvalidInput
from shared.domain.language import Language

__all__ = ["CUSTOMER_ID_PATTERN", "Contact", "Customer", "normalise_domain", "normalise_email", "valid_customer_id"]

#: A customer id (:func:`valid_customer_id`), as a regular expression to match whole.
CUSTOMER_ID_PATTERN = r"[a-z0-9][a-z0-9-]{1,62}"
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)
_DOMAIN = re.compile(r"(?=.{1,253}\Z)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]{1,64}@(?P<domain>[^@\s]+)")


@dataclass(frozen=True)
class Contact:
    """A person of the customer who may write to the desk."""

    email: str
    name: str


@dataclass(frozen=True)
class Customer:
    """A company the desk serves. Mail from ``contacts`` or from ``email_domains`` is theirs;
    ``entitled`` is false for a customer whose support has lapsed (its mail is held for triage);
    ``language`` is the fallback when a request's language cannot be told from its text."""

    id: str
    name: str
    entitled: bool
    email_domains: tuple[str, ...]
    contacts: tuple[Contact, ...]
    language: Language

    def contact(self, address: str) -> Contact | None:
        """The registered contact whose address ``address`` is (letter case aside), if any."""
        wanted = address.strip().lower()
        return next((contact for contact in self.contacts if contact.email == wanted), None)

    def owns_domain_of(self, address: str) -> bool:
        """``address`` is on one of the customer's email domains (exactly: not a subdomain)."""
        local, at, domain = address.strip().lower().rpartition("@")
        return bool(local and at) and domain in self.email_domains


def valid_customer_id(value: str) -> bool:
    """Lower-case letters, digits and dashes, 2–63 characters: safe as a partition key and in URLs."""
    return bool(_CUSTOMER_ID.fullmatch(value))


def normalise_domain(value: str, field: str) -> str:
    """A lower-case DNS domain, or :class:`InvalidInput` naming ``field``."""
    domain = value.strip().lower().rstrip(".")
    if not _DOMAIN.fullmatch(domain):
        raise InvalidInput(field, f"{value!r} is not a domain name")
    return domain


def normalise_email(value: str, field: str) -> str:
    """A lower-case address with a valid domain, or :class:`InvalidInput` naming ``field``."""
    address = value.strip().lower()
    match = _EMAIL.fullmatch(address)
    if match is None:
        raise InvalidInput(field, f"{value!r} is not an email address")
    normalise_domain(match["domain"], field)
    return address
