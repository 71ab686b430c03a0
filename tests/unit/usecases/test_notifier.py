"""Who a change's mails go to: the contact, the team, a person, and for a vulnerability ticket
nobody on the staff but the security address."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from shared.domain.language import Language
from shared.domain.lifecycle import Status
from shared.domain.notifications import CUSTOMER, TEAM, Escalated, Notice, NotificationKind
from shared.domain.sla.clock import ClockState
from shared.domain.sla.policy import Category, Clock, Priority
from shared.domain.ticket import Channel, Ticket
from shared.usecases.notifier import Notifier

AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TEAM_ADDRESS = "team@desk.example"
SECURITY = "security@desk.example"
SUPERVISORS = "supervisors@desk.example"
MANAGEMENT = "management@desk.example"
ASSIGNEE = "olga@desk.example"


def ticket(category: Category) -> Ticket:
    return Ticket(
        id="IZ-2026-000123",
        customer_id="acme",
        contact_email="anna@acme.example",
        contact_name="Anna Bianchi",
        subject="SQL injection nel modulo di ricerca",
        description="Il campo di ricerca accetta ' OR 1=1 --",
        category=category,
        priority=Priority.HIGH,
        status=Status.NEW,
        language=Language.ITALIAN,
        channel=Channel.WEB,
        assignee=ASSIGNEE,
        created_at=AT,
        updated_at=AT,
        created_by="anna@acme.example",
        clocks=(),
        customer_name="ACME S.p.A.",
    )


def clock(which: Clock) -> ClockState:
    return ClockState(
        which, AT, timedelta(hours=4), timedelta(hours=3), AT + timedelta(hours=1), False, None, None, None
    )


def notifier(security: str | None) -> Notifier:
    """The notifier with its outbox and dispatcher left out: planning touches neither."""
    return Notifier(cast(Any, None), cast(Any, None), TEAM_ADDRESS, None, Language.ITALIAN, security)


def escalation(level: int, to: str) -> Notice:
    return Notice(NotificationKind.ESCALATION, to, None, Escalated(level, Clock.TAKE_CHARGE, timedelta(minutes=-5)))


#: Every staff mail a change may ask for, each to whom it goes for any other ticket.
STAFF_NOTICES = [
    pytest.param(Notice(NotificationKind.NEW_IN_QUEUE, TEAM), TEAM_ADDRESS, id="new in queue"),
    pytest.param(Notice(NotificationKind.ASSIGNED_TO_YOU, ASSIGNEE), ASSIGNEE, id="assigned"),
    pytest.param(escalation(1, TEAM), TEAM_ADDRESS, id="level 1 unassigned"),
    pytest.param(escalation(1, ASSIGNEE), ASSIGNEE, id="level 1"),
    pytest.param(escalation(2, SUPERVISORS), SUPERVISORS, id="level 2"),
    pytest.param(escalation(3, MANAGEMENT), MANAGEMENT, id="level 3"),
]


def recipients(planner: Notifier, category: Category, notices: list[Notice]) -> list[tuple[str, str]]:
    planned = planner.plan(ticket(category), notices, 2, AT, clock(Clock.TAKE_CHARGE), clock(Clock.RESOLUTION))
    return [(notification.kind.value, notification.recipient) for notification in planned]


@pytest.mark.parametrize(("notice", "usual"), STAFF_NOTICES)
def test_a_staff_mail_about_a_vulnerability_goes_to_the_security_address_only(notice: Notice, usual: str) -> None:
    planner = notifier(SECURITY)

    assert recipients(planner, Category.VULNERABILITY, [notice]) == [(notice.kind.value, SECURITY)]
    assert recipients(planner, Category.BUG, [notice]) == [(notice.kind.value, usual)]


@pytest.mark.parametrize(("notice", "usual"), STAFF_NOTICES)
def test_without_a_security_address_no_staff_mail_about_a_vulnerability_is_planned_for_anyone(
    notice: Notice, usual: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("WARNING", logger="shared.usecases.notifier")

    assert recipients(notifier(None), Category.VULNERABILITY, [notice]) == []
    assert f"no SECURITY_TEAM_ADDRESS: {notice.kind.value} mail about IZ-2026-000123 not sent" in caplog.messages


@pytest.mark.parametrize("security", [SECURITY, None])
@pytest.mark.parametrize(
    "kind", [kind for kind in NotificationKind if not kind.internal], ids=lambda kind: str(kind.value)
)
def test_the_customer_s_own_mails_about_a_vulnerability_are_unchanged(
    kind: NotificationKind, security: str | None
) -> None:
    planned = recipients(notifier(security), Category.VULNERABILITY, [Notice(kind, CUSTOMER, "ok")])

    assert planned == [(kind.value, "anna@acme.example")]


@pytest.mark.parametrize(("author", "named"), [("Sara Blu", "Sara Blu"), (None, None)])
def test_a_reply_goes_to_the_contact_in_the_ticket_s_language_naming_its_author_never_the_assignee(
    author: str | None, named: str | None
) -> None:
    english = replace(ticket(Category.VULNERABILITY), language=Language.ENGLISH, assignee_name="Olga Neri")
    notice = Notice(NotificationKind.REPLY, CUSTOMER, "Patched in 4.2", author=author)

    [mail] = notifier(SECURITY).plan(english, [notice], 2, AT, clock(Clock.TAKE_CHARGE), clock(Clock.RESOLUTION))

    assert (mail.recipient, mail.language) == ("anna@acme.example", Language.ENGLISH)
    assert (mail.context.message, mail.context.operator_name) == ("Patched in 4.2", named)
