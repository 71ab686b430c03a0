"""Who an outgoing mail about a ticket went to, as the ticket screen names it: a role, never an
address (the screen lists a ticket's mails with their delivery state; the addresses stay in the
outbox).

* A mail of a customer's kind goes to the ticket's ``customer`` contact.
* A staff mail goes to the ``security`` address (every staff mail about a ``vulnerability``
  ticket), the support ``team``'s address, the escalation's ``supervisors`` or ``management``
  address, or else to one member of ``staff`` (an assignee, a person a ticket was assigned to).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from shared.domain.notifications import Notification

__all__ = ["RecipientRole", "recipient_role"]


class RecipientRole(StrEnum):
    CUSTOMER = "customer"
    TEAM = "team"
    SECURITY = "security"
    SUPERVISORS = "supervisors"
    MANAGEMENT = "management"
    STAFF = "staff"


def recipient_role(notification: Notification, shared_addresses: Mapping[str, RecipientRole]) -> RecipientRole:
    """The role of ``notification``'s recipient; ``shared_addresses`` names the desk's shared
    mailboxes (team, security, supervisors, management) by lower-case address."""
    if not notification.kind.internal:
        return RecipientRole.CUSTOMER
    return shared_addresses.get(notification.recipient.lower(), RecipientRole.STAFF)
