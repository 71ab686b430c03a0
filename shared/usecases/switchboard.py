"""The switchboard's customer lookup: staff taking a request on the phone find the caller's company.

Staff may read every customer's name, entitlement, language and contacts here (not its mail
domains, which are the administration's), since any of them may take a call from any customer;
customers and callers without a staff role are refused. The administrators' registry is
``/api/admin/customers`` (:mod:`shared.usecases.admin`).
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.access import Caller
from shared.domain.customer_lookup import answers_to, lookup_words
from shared.domain.customers import Customer
from shared.domain.errors import Forbidden
from shared.domain.lifecycle import STAFF
from shared.domain.search import fold
from shared.usecases.ports import Customers

__all__ = ["CustomerLookup", "Matches"]


@dataclass(frozen=True)
class Matches:
    """The first customers that answer to a term, by name (then id), and whether more do."""

    items: list[Customer]
    more: bool


@dataclass(frozen=True)
class CustomerLookup:
    """Customers found by term for the switchboard."""

    customers: Customers

    def find(self, caller: Caller, term: str, *, limit: int) -> Matches:
        """The first ``limit`` customers whose name or id words start with the words of ``term``
        (:mod:`shared.domain.customer_lookup`). A caller without the ``operator``, ``supervisor``
        or ``security`` role is :class:`Forbidden` (an administrator has the registry); a bad term
        is :class:`~shared.domain.errors.InvalidInput` naming ``q``.

        Cost: the registry's one partition, read whole (:meth:`Customers.list`): one query per
        1,000 customers, so one request for a registry of up to 1,000 companies; the matching is
        done in memory."""
        if not caller.roles & STAFF:
            raise Forbidden("the customer lookup is for staff")
        words = lookup_words(term)
        found = sorted(
            (customer for customer in self.customers.list() if answers_to(customer, words)),
            key=lambda customer: (fold(customer.name), customer.id),
        )
        return Matches(items=found[:limit], more=len(found) > limit)
