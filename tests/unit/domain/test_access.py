"""Who may see which ticket: the rule of shared/domain/access.py as a literal table."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from shared.domain.access import (
    UNNAMED_STAFF,
    StaffFilter,
    assignee_shown_to,
    can_see,
    display_name_of,
    handle_of,
    person_shown_to,
    staff_filter,
)
from shared.domain.language import Language
from shared.domain.lifecycle import Role, Status
from shared.domain.sla.policy import Category, Priority, SlaPolicy
from shared.domain.ticket import Channel, Ticket

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


# --- what a customer is shown of staff -------------------------------------------------------------

ANNA = caller(Role.CUSTOMER, email="anna@acme.example", customer="acme")
OLGA = caller(Role.OPERATOR)


@pytest.mark.parametrize(
    ("viewer", "handle", "name", "role", "shown"),
    [
        pytest.param(
            OLGA, "olga@desk.example", "Olga Neri", "operator", "olga@desk.example", id="staff-see-the-handle"
        ),
        pytest.param(OLGA, "anna@acme.example", "Anna", "customer", "anna@acme.example", id="staff-see-customers"),
        pytest.param(ANNA, "olga@desk.example", "Olga Neri", "operator", "Olga Neri", id="a-customer-sees-the-name"),
        pytest.param(ANNA, "sara@desk.example", "Sara", "supervisor", "Sara", id="a-supervisor-by-name"),
        pytest.param(ANNA, "olga@desk.example", None, "operator", UNNAMED_STAFF, id="no-name-no-address"),
        pytest.param(ANNA, "sla-escalation", None, "system", UNNAMED_STAFF, id="the-desk-itself"),
        pytest.param(ANNA, "marco@acme.example", "Marco", "customer", "marco@acme.example", id="its-own-people"),
    ],
)
def test_who_a_caller_is_shown(viewer: Caller, handle: str, name: str | None, role: str, shown: str) -> None:
    assert person_shown_to(viewer, handle, name, role) == shown


@pytest.mark.parametrize(
    ("ticket", "viewer", "shown"),
    [
        (TICKET, ANNA, None),
        (MINE, OLGA, "olga@desk.example"),
        (MINE, ANNA, UNNAMED_STAFF),
        (replace(MINE, assignee_name="Olga Neri"), ANNA, "Olga Neri"),
        (replace(MINE, assignee_name="Olga Neri"), OLGA, "olga@desk.example"),
    ],
)
def test_the_assignee_a_caller_is_shown(ticket: Ticket, viewer: Caller, shown: str | None) -> None:
    assert assignee_shown_to(viewer, ticket) == shown


def test_a_caller_without_a_name_has_no_display_name() -> None:
    assert display_name_of(OLGA) is None
    assert display_name_of(NamedCaller("sub", None, frozenset({Role.OPERATOR}), None, "Olga Neri")) == "Olga Neri"
    assert display_name_of(NamedCaller("sub", None, frozenset({Role.OPERATOR}), None, "")) is None


@dataclass(frozen=True)
class NamedCaller(Caller):
    name: str | None = None


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ({Role.OPERATOR}, StaffFilter(("", "olga@desk.example"), Category.VULNERABILITY)),
        ({Role.SECURITY}, StaffFilter(("", "olga@desk.example"), None)),
        ({Role.OPERATOR, Role.SECURITY}, StaffFilter(("", "olga@desk.example"), None)),
        ({Role.SUPERVISOR}, StaffFilter(None, Category.VULNERABILITY)),
        ({Role.SUPERVISOR, Role.SECURITY}, StaffFilter(None, None)),
    ],
)
def test_a_staff_list_asks_for_the_queue_and_assignments_or_all_and_vulnerabilities_only_for_security(
    roles: set[Role], expected: StaffFilter
) -> None:
    assert staff_filter(caller(*roles)) == expected


@pytest.mark.parametrize(
    "roles", [{Role.OPERATOR}, {Role.SECURITY}, {Role.SUPERVISOR}, {Role.SUPERVISOR, Role.SECURITY}]
)
def test_a_staff_list_never_leaves_out_a_ticket_its_caller_may_see(roles: set[Role]) -> None:
    viewer = caller(*roles)
    wanted = staff_filter(viewer)
    for category in Category:
        for assignee in (None, "olga@desk.example", "pia@desk.example"):
            ticket = replace(TICKET, category=category, assignee=assignee)
            if can_see(viewer, ticket, POLICY):
                assert wanted.assignee_in is None or (assignee or "") in wanted.assignee_in
                assert category is not wanted.exclude_category
