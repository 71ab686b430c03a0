"""Whom a ticket's mail went to, as a role: the customer for a customer's kind of mail, else the
shared mailbox it was addressed to, else one member of staff."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.language import Language
from shared.domain.mail_recipients import RecipientRole, recipient_role
from shared.domain.notifications import Notification, NotificationContext, NotificationKind
from shared.domain.sla.policy import Category, Priority

MAILBOXES = {
    "team@desk.example": RecipientRole.TEAM,
    "security@desk.example": RecipientRole.SECURITY,
    "bosses@desk.example": RecipientRole.SUPERVISORS,
}


def mail(kind: NotificationKind, recipient: str) -> Notification:
    context = NotificationContext(
        ticket_id="IZ-2026-000001", subject="s", customer_name="ACME", priority=Priority.HIGH, category=Category.BUG
    )
    at = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    return Notification("IZ-2026-000001", "acme", 1, 0, kind, Language.ITALIAN, recipient, "", context, at)


@pytest.mark.parametrize(
    ("kind", "recipient", "role"),
    [
        (NotificationKind.RECEIVED, "anna@acme.example", RecipientRole.CUSTOMER),
        (NotificationKind.REPLY, "team@desk.example", RecipientRole.CUSTOMER),  # the kind decides, not the address
        (NotificationKind.NEW_IN_QUEUE, "team@desk.example", RecipientRole.TEAM),
        (NotificationKind.NEW_IN_QUEUE, "Security@Desk.example", RecipientRole.SECURITY),
        (NotificationKind.ESCALATION, "bosses@desk.example", RecipientRole.SUPERVISORS),
        (NotificationKind.ESCALATION, "olga@desk.example", RecipientRole.STAFF),
        (NotificationKind.ASSIGNED_TO_YOU, "otto@desk.example", RecipientRole.STAFF),
    ],
)
def test_a_mail_is_named_by_the_role_of_whom_it_went_to(
    kind: NotificationKind, recipient: str, role: RecipientRole
) -> None:
    assert recipient_role(mail(kind, recipient), MAILBOXES) is role
