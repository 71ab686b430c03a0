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
        (Action.ASSIGN, Status.NEW, OPERATOR, "role"),
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
