"""The ticket: a support request, its classification, its people and its SLA clocks.

A :class:`Ticket` is an immutable value; a change makes a new one (``dataclasses.replace``) with a
higher ``revision``. Its SLA clocks are the append-only ledger of :mod:`shared.domain.sla.clock`, carried
with the ticket so that every read can derive deadlines without another lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shared.domain.language import Language
from shared.domain.lifecycle import Status
from shared.domain.sla.clock import ClockEvent
from shared.domain.sla.policy import Category, Clock, Priority

__all__ = ["Channel", "Ticket", "TicketId", "format_ticket_id", "parse_ticket_id"]


class Channel(StrEnum):
    """How the request reached the desk."""

    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"


TicketId = str
"""A human-readable ticket id such as ``IZ-2026-000123``: prefix, year of opening, number."""

_TICKET_ID = re.compile(r"(?P<prefix>[A-Z]{2,5})-(?P<year>[0-9]{4})-(?P<number>[0-9]{6,9})")

#: A ticket id's shape in either letter case, to find one inside text (a subject's tag, a reply
#: address, a Message-ID, a URL); what is found is upper-cased and checked by :func:`parse_ticket_id`.
TICKET_ID_IN_TEXT = r"[A-Za-z]{2,5}-[0-9]{4}-[0-9]{6,9}"


def format_ticket_id(prefix: str, year: int, number: int) -> TicketId:
    """``IZ-2026-000123``: numbers are padded to six digits and grow beyond them if they must."""
    return f"{prefix}-{year:04d}-{number:06d}"


def parse_ticket_id(text: str) -> tuple[str, int, int] | None:
    """``(prefix, year, number)`` of a well-formed ticket id, else None (never an exception: ids
    arrive from URLs and mail subjects)."""
    match = _TICKET_ID.fullmatch(text)
    if match is None:
        return None
    return match["prefix"], int(match["year"]), int(match["number"])


@dataclass(frozen=True)
class Ticket:
    """A support request. ``contact_email`` is who asked; ``assignee`` the operator (an email or
    subject) in charge and ``assignee_name`` their display name, once the desk has learnt it
    from their token; ``clocks`` the SLA ledger; ``customer_name`` the company's name when the
    ticket opened (for mails, without a registry read); ``revision`` counts changes (1 at
    creation) and ``event_count`` the history events written so far."""

    id: TicketId
    customer_id: str
    contact_email: str
    contact_name: str | None
    subject: str
    description: str
    category: Category
    priority: Priority
    status: Status
    language: Language
    channel: Channel
    assignee: str | None
    created_at: datetime
    updated_at: datetime
    created_by: str
    clocks: tuple[ClockEvent, ...]
    customer_name: str = ""
    escalation: Mapping[Clock, int] = field(default_factory=dict)
    resolution: str | None = None
    assignee_name: str | None = None
    revision: int = 1
    event_count: int = 0
