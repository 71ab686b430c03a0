"""Who may see which ticket. One rule, used by every read, every action and every list.

* A customer sees its own company's tickets (every contact of the company sees them all).
* An operator sees the unassigned queue and the tickets assigned to him.
* A supervisor sees every ticket.
* A ``vulnerability`` ticket is seen by staff only when they also hold the ``security`` role (its
  customer still sees it). A principal with the ``security`` role alone acts as an operator.
* An administrator sees no ticket through that role: administration routes are separate.

A ticket the caller may not see is answered exactly like one that does not exist (404), so ids
cannot be probed.
"""

from __future__ import annotations

from typing import Protocol

from shared.lifecycle import Role
from shared.sla_policy import SlaPolicy
from shared.ticket import Ticket

__all__ = ["Caller", "can_see", "handle_of"]


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


def handle_of(caller: Caller) -> str:
    """How the desk names a person in ``assignee`` and history: the email in lower case, else the
    token's subject."""
    return caller.email.lower() if caller.email else caller.subject


def can_see(caller: Caller, ticket: Ticket, policy: SlaPolicy) -> bool:
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
