"""A ticket's lifecycle: its statuses, the roles of the people who act on it, and one table that says
which role may make which transition from which status.

    new → accepted → waiting_customer ⇄ accepted → resolved → closed;  reopen → accepted

The table is the only place these rules live; the HTTP edge, the mail ingestion and the tests all
ask :func:`transition` . Which *ticket* a caller may act on (its own company's, its assignments, the
security role for vulnerabilities) is decided elsewhere; this module decides what the role may do,
and, for the roles a row allows only on the caller's own tickets (an operator handing his ticket
over to a colleague), whether the caller is the ticket's assignee.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = ["STAFF", "TRANSITIONS", "Action", "Role", "Status", "Transition", "TransitionRefused", "transition"]


class Status(StrEnum):
    NEW = "new"
    ACCEPTED = "accepted"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """The desk still owes work on the ticket."""
        return self in _OPEN


_OPEN = frozenset({Status.NEW, Status.ACCEPTED, Status.WAITING_CUSTOMER})


class Role(StrEnum):
    CUSTOMER = "customer"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    SECURITY = "security"
    ADMIN = "admin"


class Action(StrEnum):
    """What someone does to a ticket. ``customer_reply`` is the customer answering a clarification
    request (a message while the ticket waits for it); ``outcome`` is classifying it as one of the
    categories that close it (declined by the customer, out of scope)."""

    ACCEPT = "accept"
    ASSIGN = "assign"
    CLASSIFY = "classify"
    REQUEST_CLARIFICATION = "request-clarification"
    CUSTOMER_REPLY = "customer_reply"
    RESOLVE = "resolve"
    CLOSE = "close"
    OUTCOME = "outcome"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Transition:
    """``action`` may be taken by ``roles`` from any of ``sources``, and by ``assignee_roles``
    only on a ticket assigned to the caller; it leads to ``target`` (``None``: the status does not
    change)."""

    action: Action
    sources: frozenset[Status]
    target: Status | None
    roles: frozenset[Role]
    assignee_roles: frozenset[Role] = frozenset()


#: The roles that work the desk: they see the queue, take tickets and act on them.
STAFF = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.SECURITY})


def _row(
    action: Action,
    sources: set[Status],
    target: Status | None,
    roles: frozenset[Role],
    assignee_roles: frozenset[Role] = frozenset(),
) -> Transition:
    return Transition(action, frozenset(sources), target, roles, assignee_roles)


#: The lifecycle, one row per action.
TRANSITIONS: Mapping[Action, Transition] = MappingProxyType(
    {
        row.action: row
        for row in (
            _row(Action.ACCEPT, {Status.NEW}, Status.ACCEPTED, STAFF),
            # Supervisors assign any ticket; an operator hands his own over to a colleague.
            _row(Action.ASSIGN, set(_OPEN), None, frozenset({Role.SUPERVISOR}), STAFF - {Role.SUPERVISOR}),
            _row(Action.CLASSIFY, set(_OPEN), None, STAFF),
            _row(Action.REQUEST_CLARIFICATION, {Status.ACCEPTED}, Status.WAITING_CUSTOMER, STAFF),
            _row(Action.CUSTOMER_REPLY, {Status.WAITING_CUSTOMER}, Status.ACCEPTED, frozenset({Role.CUSTOMER})),
            _row(Action.RESOLVE, {Status.ACCEPTED, Status.WAITING_CUSTOMER}, Status.RESOLVED, STAFF),
            _row(Action.CLOSE, {Status.RESOLVED}, Status.CLOSED, STAFF),
            _row(Action.OUTCOME, set(_OPEN), Status.CLOSED, STAFF),
            _row(Action.REOPEN, {Status.RESOLVED, Status.CLOSED}, Status.ACCEPTED, STAFF | {Role.CUSTOMER}),
        )
    }
)


class TransitionRefused(Exception):  # noqa: N818 (a domain outcome, not a programming error)
    """The action is not allowed: ``reason`` is ``"role"`` (never for this role), ``"assignee"``
    (for this role only on a ticket assigned to the caller) or ``"status"`` (not from the ticket's
    current status)."""

    def __init__(self, action: Action, status: Status, reason: str) -> None:
        self.action, self.status, self.reason = action, status, reason
        what = {
            "role": "is not allowed for this role",
            "assignee": "is allowed for this role only on a ticket assigned to you",
        }.get(reason, f"is not possible from status {status.value!r}")
        super().__init__(f"{action.value} {what}")


def transition(action: Action, status: Status, roles: frozenset[Role], *, assignee: bool = False) -> Status:
    """The status after ``action`` taken from ``status`` by someone holding ``roles`` (who is the
    ticket's assignee when ``assignee``); raise :class:`TransitionRefused` when no role held may
    take it, when the roles held may take it only on their own ticket and this one is not, or when
    it cannot be taken from this status. The role is checked before the status."""
    row = TRANSITIONS[action]
    if not row.roles & roles:
        if not row.assignee_roles & roles:
            raise TransitionRefused(action, status, "role")
        if not assignee:
            raise TransitionRefused(action, status, "assignee")
    if status not in row.sources:
        raise TransitionRefused(action, status, "status")
    return row.target or status
