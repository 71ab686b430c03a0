"""A ticket's history: every change and every message is an event (who, when, what, for whom).

Events are numbered per ticket from 1 and never change. ``public`` events are what the customer
sees (its messages, the desk's answers, status changes); internal ones (operators' notes,
assignments, classifications) are for staff only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

__all__ = ["EventType", "HistoryEvent"]


class EventType(StrEnum):
    CREATED = "created"
    ACCEPTED = "accepted"
    ASSIGNED = "assigned"
    CLASSIFIED = "classified"
    CLARIFICATION_REQUESTED = "clarification_requested"
    MESSAGE = "message"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REOPENED = "reopened"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class HistoryEvent:
    """Event ``seq`` of ticket ``ticket_id``. ``actor`` is who acted (a subject or an email),
    ``actor_role`` in which role, ``actor_name`` their display name when their token gave one;
    ``body`` carries a message's text; ``data`` what changed (``{"priority": {"from": 3, "to": 1}}``,
    ``{"status": {...}}``)."""

    ticket_id: str
    seq: int
    type: EventType
    at: datetime
    actor: str
    actor_role: str
    public: bool
    body: str | None = None
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    actor_name: str | None = None
