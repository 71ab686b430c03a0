"""The lifecycle table: every action, from every status, for every role."""

from __future__ import annotations

import pytest

from shared.domain.lifecycle import TRANSITIONS, Action, Role, Status, TransitionRefused, transition

CUSTOMER = frozenset({Role.CUSTOMER})
OPERATOR = frozenset({Role.OPERATOR})
SUPERVISOR = frozenset({Role.SUPERVISOR})
ADMIN = frozenset({Role.ADMIN})

#: (action, from, by, to): the lifecycle of the brief, written out by hand.
ALLOWED = [
    (Action.ACCEPT, Status.NEW, OPERATOR, Status.ACCEPTED),
    (Action.ASSIGN, Status.NEW, SUPERVISOR, Status.NEW),
    (Action.ASSIGN, Status.WAITING_CUSTOMER, SUPERVISOR, Status.WAITING_CUSTOMER),
    (Action.CLASSIFY, Status.ACCEPTED, OPERATOR, Status.ACCEPTED),
    (Action.REQUEST_CLARIFICATION, Status.ACCEPTED, OPERATOR, Status.WAITING_CUSTOMER),
    (Action.CUSTOMER_REPLY, Status.WAITING_CUSTOMER, CUSTOMER, Status.ACCEPTED),
    (Action.RESOLVE, Status.ACCEPTED, OPERATOR, Status.RESOLVED),
    (Action.RESOLVE, Status.WAITING_CUSTOMER, SUPERVISOR, Status.RESOLVED),
    (Action.CLOSE, Status.RESOLVED, OPERATOR, Status.CLOSED),
    (Action.OUTCOME, Status.NEW, OPERATOR, Status.CLOSED),
    (Action.REOPEN, Status.CLOSED, CUSTOMER, Status.ACCEPTED),
    (Action.REOPEN, Status.RESOLVED, OPERATOR, Status.ACCEPTED),
]


@pytest.mark.parametrize(("action", "source", "roles", "target"), ALLOWED)
def test_an_allowed_transition_leads_to_its_status(
    action: Action, source: Status, roles: frozenset[Role], target: Status
) -> None:
    assert transition(action, source, roles) is target


@pytest.mark.parametrize(
    ("action", "source", "roles", "reason"),
    [
        (Action.ACCEPT, Status.NEW, CUSTOMER, "role"),
        (Action.ACCEPT, Status.NEW, ADMIN, "role"),
        (Action.ASSIGN, Status.NEW, OPERATOR, "assignee"),
        (Action.ASSIGN, Status.ACCEPTED, CUSTOMER, "role"),
        (Action.ASSIGN, Status.ACCEPTED, ADMIN, "role"),
        (Action.RESOLVE, Status.ACCEPTED, CUSTOMER, "role"),
        (Action.CUSTOMER_REPLY, Status.WAITING_CUSTOMER, OPERATOR, "role"),
        (Action.ACCEPT, Status.ACCEPTED, OPERATOR, "status"),
        (Action.REQUEST_CLARIFICATION, Status.NEW, OPERATOR, "status"),
        (Action.CLOSE, Status.ACCEPTED, OPERATOR, "status"),
        (Action.RESOLVE, Status.CLOSED, SUPERVISOR, "status"),
        (Action.REOPEN, Status.ACCEPTED, CUSTOMER, "status"),
        (Action.CLASSIFY, Status.CLOSED, OPERATOR, "status"),
    ],
)
def test_a_refused_transition_says_whether_the_role_or_the_status_forbids_it(
    action: Action, source: Status, roles: frozenset[Role], reason: str
) -> None:
    with pytest.raises(TransitionRefused) as refused:
        transition(action, source, roles)
    assert refused.value.reason == reason


def test_the_table_has_one_row_per_action_and_only_staff_or_customers_act() -> None:
    assert set(TRANSITIONS) == set(Action)
    for row in TRANSITIONS.values():
        assert Role.ADMIN not in row.roles
        assert row.sources


def test_a_security_operator_is_staff() -> None:
    assert transition(Action.ACCEPT, Status.NEW, frozenset({Role.SECURITY})) is Status.ACCEPTED


def test_only_new_accepted_and_waiting_tickets_are_open() -> None:
    assert {status for status in Status if status.is_open} == {Status.NEW, Status.ACCEPTED, Status.WAITING_CUSTOMER}


@pytest.mark.parametrize("roles", [OPERATOR, frozenset({Role.SECURITY}), frozenset({Role.SECURITY, Role.OPERATOR})])
@pytest.mark.parametrize("status", [Status.NEW, Status.ACCEPTED, Status.WAITING_CUSTOMER])
def test_an_operator_may_hand_his_own_open_ticket_over_to_a_colleague(roles: frozenset[Role], status: Status) -> None:
    assert transition(Action.ASSIGN, status, roles, assignee=True) is status


@pytest.mark.parametrize("roles", [OPERATOR, frozenset({Role.SECURITY})])
def test_an_operator_may_not_assign_a_ticket_that_is_not_his(roles: frozenset[Role]) -> None:
    with pytest.raises(TransitionRefused) as refused:
        transition(Action.ASSIGN, Status.ACCEPTED, roles, assignee=False)
    assert refused.value.reason == "assignee"
    assert "only on a ticket assigned to you" in str(refused.value)


def test_a_supervisor_assigns_any_open_ticket_and_a_customer_none_even_as_its_assignee() -> None:
    assert transition(Action.ASSIGN, Status.ACCEPTED, SUPERVISOR, assignee=False) is Status.ACCEPTED
    with pytest.raises(TransitionRefused) as refused:
        transition(Action.ASSIGN, Status.ACCEPTED, CUSTOMER, assignee=True)
    assert refused.value.reason == "role"


def test_a_handover_of_ones_own_ticket_is_still_refused_once_it_is_no_longer_open() -> None:
    with pytest.raises(TransitionRefused) as refused:
        transition(Action.ASSIGN, Status.RESOLVED, OPERATOR, assignee=True)
    assert refused.value.reason == "status"


def test_only_assign_is_allowed_to_some_roles_on_their_own_tickets_only() -> None:
    assert {row.action for row in TRANSITIONS.values() if row.assignee_roles} == {Action.ASSIGN}
    assert TRANSITIONS[Action.ASSIGN].assignee_roles == {Role.OPERATOR, Role.SECURITY}
