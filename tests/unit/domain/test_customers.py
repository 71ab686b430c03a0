"""Customer ids, domains and addresses are checked and normalised before they become keys."""

from __future__ import annotations

import pytest

from shared.domain.customers import Contact, Customer, normalise_domain, normalise_email, valid_customer_id
from shared.domain.errors import InvalidInput
from shared.domain.language import Language

ACME = Customer(
    "acme", "ACME", True, ("acme.example", "acme.it"), (Contact("luca@consulting.example", "Luca"),), Language.ITALIAN
)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("acme", True), ("acme-2", True), ("a", False), ("Acme", False), ("acme'", False), ("-acme", False)],
)
def test_a_customer_id_is_lower_case_letters_digits_and_dashes(value: str, valid: bool) -> None:
    assert valid_customer_id(value) is valid


def test_domains_and_addresses_are_lower_cased_and_checked() -> None:
    assert normalise_domain(" ACME.Example. ", "email_domains.0") == "acme.example"
    assert normalise_email(" Anna@ACME.example ", "contacts.0.email") == "anna@acme.example"
    for bad in ("acme", "acme..example", "-acme.example", "acme.example/x"):
        with pytest.raises(InvalidInput) as raised:
            normalise_domain(bad, "email_domains.0")
        assert raised.value.field == "email_domains.0"
    for bad in ("anna", "anna@", "an na@acme.example", "anna@acme"):
        with pytest.raises(InvalidInput):
            normalise_email(bad, "contacts.0.email")


@pytest.mark.parametrize(
    ("address", "contact", "on_domains"),
    [
        ("luca@consulting.example", "Luca", False),
        (" Luca@Consulting.EXAMPLE ", "Luca", False),
        ("anna@acme.example", None, True),
        ("Anna@ACME.IT", None, True),
        ("anna@mail.acme.example", None, False),
        ("anna@acme.example.evil.example", None, False),
        ("anna@notacme.example", None, False),
        ("acme.example", None, False),
    ],
)
def test_an_address_is_a_registered_contact_or_on_the_customer_s_own_domains(
    address: str, contact: str | None, on_domains: bool
) -> None:
    found = ACME.contact(address)
    assert (found.name if found else None) == contact
    assert ACME.owns_domain_of(address) is on_domains
