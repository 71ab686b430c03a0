"""Who may see which ticket: the rule of shared/access.py as a literal table."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from shared.access import can_see, handle_of
from shared.language import Language
from shared.lifecycle import Role, Status
from shared.sla_policy import Category, Priority, SlaPolicy
from shared.ticket import Channel, Ticket

POLICY = SlaPolicy()
AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Caller:
    subject: str
    email: str | None
    roles: frozenset[Role]
    customer_id: str | None = None


def caller(*roles: Role, email: str | None = "olga@desk.example", customer: str | None = None) -> Caller:
    return Caller(subject="sub-1", email=email, roles=frozenset(roles), customer_id=customer)


TICKET = Ticket(
    id="IZ-2026-000001",
    customer_id="acme",
    contact_email="anna@acme.example",
    contact_name=None,
    subject="s",
    description="d",
    category=Category.BUG,
    priority=Priority.MEDIUM,
    status=Status.NEW,
    language=Language.ITALIAN,
    channel=Channel.WEB,
    assignee=None,
    created_at=AT,
    updated_at=AT,
    created_by="anna@acme.example",
    clocks=(),
)
MINE = replace(TICKET, assignee="olga@desk.example")
THEIRS = replace(TICKET, assignee="oscar@desk.example")
VULNERABILITY = replace(TICKET, category=Category.VULNERABILITY)


@pytest.mark.parametrize(
    ("who", "ticket", "sees"),
    [
        (caller(Role.CUSTOMER, customer="acme"), TICKET, True),
        (caller(Role.CUSTOMER, customer="acme"), THEIRS, True),
        (caller(Role.CUSTOMER, customer="acme"), VULNERABILITY, True),
        (caller(Role.CUSTOMER, customer="other"), TICKET, False),
        (caller(Role.CUSTOMER, customer=None), TICKET, False),
        (caller(Role.OPERATOR), TICKET, True),
        (caller(Role.OPERATOR), MINE, True),
        (caller(Role.OPERATOR, email="Olga@Desk.Example"), MINE, True),
        (caller(Role.OPERATOR), THEIRS, False),
        (caller(Role.OPERATOR), VULNERABILITY, False),
        (caller(Role.OPERATOR, Role.SECURITY), VULNERABILITY, True),
        (caller(Role.SECURITY), VULNERABILITY, True),
        (caller(Role.SUPERVISOR), THEIRS, True),
        (caller(Role.SUPERVISOR), VULNERABILITY, False),
        (caller(Role.SUPERVISOR, Role.SECURITY), VULNERABILITY, True),
        (caller(Role.ADMIN), TICKET, False),
        (caller(), TICKET, False),
    ],
)
def test_who_sees_which_ticket(who: Caller, ticket: Ticket, sees: bool) -> None:
    assert can_see(who, ticket, POLICY) is sees


def test_a_person_is_named_by_email_in_lower_case_else_by_subject() -> None:
    assert handle_of(caller(Role.OPERATOR, email="Olga@Desk.Example")) == "olga@desk.example"
    assert handle_of(caller(Role.OPERATOR, email=None)) == "sub-1"
