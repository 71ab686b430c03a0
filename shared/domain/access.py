"""Who may see which ticket. One rule, used by every read, every action and every list.

* A customer sees its own company's tickets (every contact of the company sees them all).
* An operator sees the unassigned queue and the tickets assigned to him.
* A supervisor sees every ticket.
* A ``vulnerability`` ticket is seen by staff only when they also hold the ``security`` role (its
  customer still sees it). A principal with the ``security`` role alone acts as an operator.
* An administrator sees no ticket through that role: administration routes are separate.

A ticket the caller may not see is answered exactly like one that does not exist (404), so ids
cannot be probed.

Staff are named by their handle (:func:`handle_of`, an address) inside the desk; a customer is
shown a member of staff by display name only (:func:`person_shown_to`), never by address.

The caller is a :class:`Principal` (made from a verified token by :mod:`shared.adapters.auth.tokens`);
the rules ask only for what :class:`Caller` names. A list across customers asks the store for what
:func:`staff_filter` says the caller's lists may hold, then keeps what :func:`can_see` allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from shared.domain.lifecycle import STAFF, Role
from shared.domain.sla.policy import Category, SlaPolicy
from shared.domain.ticket import Ticket

__all__ = [
    "UNNAMED_STAFF",
    "Caller",
    "Principal",
    "StaffFilter",
    "Visible",
    "assignee_shown_to",
    "can_see",
    "display_name_of",
    "handle_of",
    "person_shown_to",
    "staff_filter",
]

#: What a customer is shown for a member of staff whose name the desk does not know (a token
#: without ``name``, a row written before names were recorded): never their address.
UNNAMED_STAFF = "support"


class Caller(Protocol):
    """The authenticated caller, as the access rules need it."""

    @property
    def subject(self) -> str: ...

    @property
    def email(self) -> str | None: ...

    @property
    def roles(self) -> frozenset[Role]: ...

    @property
    def customer_id(self) -> str | None: ...


@dataclass(frozen=True)
class Principal:
    """An authenticated caller, as its verified token describes it.

    ``subject`` is the token's ``sub``; ``email`` its ``email`` claim, else ``preferred_username``,
    lower-cased (None when neither is an address); ``name`` its display name on one line;
    ``roles`` the known app roles it holds (unknown ones are dropped); ``customer_id`` the company
    a customer acts for, always set for a customer and always None for anyone else; ``issuer``
    the token's ``iss`` and ``object_id`` its ``oid`` (the directory object of the person in
    Microsoft Entra ID, which a user cannot edit), else its ``sub``: together they name a person
    for good (None for a caller that no token describes).
    """

    subject: str
    email: str | None
    name: str | None
    roles: frozenset[Role]
    customer_id: str | None
    issuer: str | None = None
    object_id: str | None = None

    @property
    def is_staff(self) -> bool:
        """The caller works the desk: an operator, a supervisor or security."""
        return not self.roles.isdisjoint(STAFF)

    def has(self, role: Role) -> bool:
        """The caller holds ``role``."""
        return role in self.roles


def handle_of(caller: Caller) -> str:
    """How the desk names a person in ``assignee`` and history: the email in lower case, else the
    token's subject."""
    return caller.email.lower() if caller.email else caller.subject


def display_name_of(caller: Caller) -> str | None:
    """The caller's display name (its token's ``name``, already one line), or None when it has
    none: a mail's sender and the desk itself have no name."""
    name = getattr(caller, "name", None)
    return name if isinstance(name, str) and name else None


def person_shown_to(caller: Caller, handle: str, name: str | None, role: str) -> str:
    """How ``caller`` is shown the person ``handle`` (display name ``name``) who acted in
    ``role``: staff see the handle; a customer sees its own company's people by their handle and
    anyone else (staff, the desk itself) by name, :data:`UNNAMED_STAFF` when none is known."""
    if Role.CUSTOMER not in caller.roles or role == Role.CUSTOMER.value:
        return handle
    return name or UNNAMED_STAFF


def assignee_shown_to(caller: Caller, ticket: Ticket) -> str | None:
    """The ticket's assignee as ``caller`` is shown them (see :func:`person_shown_to`); None
    while the ticket is unassigned."""
    if ticket.assignee is None:
        return None
    return person_shown_to(caller, ticket.assignee, ticket.assignee_name, Role.OPERATOR.value)


class Visible(Protocol):
    """What :func:`can_see` reads of a ticket: a :class:`~shared.domain.ticket.Ticket`, or a row
    of an index that carries these (:class:`shared.domain.search.IndexedTicket`)."""

    @property
    def customer_id(self) -> str: ...

    @property
    def category(self) -> Category: ...

    @property
    def assignee(self) -> str | None: ...


def can_see(caller: Caller, ticket: Visible, policy: SlaPolicy) -> bool:
    """Whether ``caller`` may read ``ticket`` (and so act on it, as far as its roles allow)."""
    if Role.CUSTOMER in caller.roles:
        return caller.customer_id is not None and caller.customer_id == ticket.customer_id
    required = policy.rule_for(ticket.category).required_role
    if required is not None and required not in caller.roles:
        return False
    if Role.SUPERVISOR in caller.roles:
        return True
    if caller.roles & {Role.OPERATOR, Role.SECURITY}:
        return ticket.assignee is None or ticket.assignee == handle_of(caller)
    return False


@dataclass(frozen=True)
class StaffFilter:
    """The part of :func:`can_see` a query across customers can say: tickets assigned to one of
    ``assignee_in`` (``""`` is the unassigned queue; None: to anyone or no one), and none of
    ``exclude_category`` (None: every category). A list still keeps only what :func:`can_see`
    allows of what the query found."""

    assignee_in: tuple[str, ...] | None
    exclude_category: Category | None


def staff_filter(caller: Caller) -> StaffFilter:
    """What a staff list may hold for ``caller``: an operator's queue and assignments, a
    supervisor's all; ``vulnerability`` tickets only for the security role."""
    return StaffFilter(
        assignee_in=None if Role.SUPERVISOR in caller.roles else ("", handle_of(caller)),
        exclude_category=None if Role.SECURITY in caller.roles else Category.VULNERABILITY,
    )
