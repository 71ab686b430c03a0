"""The ticket routes' documents: the bodies of opening, writing and acting, and the ticket and its
history as a caller is shown them.

These models are the single source of the API's shapes: handlers validate with them and
``GET /api/openapi.json`` is generated from them (as every module of :mod:`functions.schemas`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from functions.schemas.common import (
    Body,
    ClockOut,
    CustomerId,
    Email,
    LongText,
    OneLine,
    PriorityValue,
    Text,
    clock_out,
)
from shared.domain.access import Principal, assignee_shown_to, person_shown_to
from shared.domain.history import EventType, HistoryEvent
from shared.domain.language import Language
from shared.domain.lifecycle import Role, Status
from shared.domain.sla.policy import Category, Priority
from shared.domain.ticket import Channel
from shared.usecases.desk import TicketView


class OpenTicket(Body):
    """``POST /api/tickets``. Customers give the first five fields; staff opening a ticket on a
    caller's behalf also give ``customer_id``, ``contact_email`` and ``channel``."""

    subject: OneLine
    description: LongText
    category: Category | None = None
    priority: PriorityValue | None = None
    language: Language | None = None
    customer_id: CustomerId | None = None
    contact_email: Email | None = None
    contact_name: OneLine | None = None
    channel: Channel | None = None


class NewMessage(Body):
    """``POST /api/tickets/{id}/messages``; ``internal`` notes are for staff only."""

    body: LongText
    internal: bool = False


class Accept(Body):
    """``accept``: take the ticket in charge (the caller becomes its assignee if it has none)."""


class Assign(Body):
    """``assign``: give the ticket to an operator (supervisors)."""

    assignee: Email


class Classify(Body):
    """``classify``: change the category and/or the priority. An outcome category
    (``declined_by_customer``, ``out_of_scope``) closes the ticket and needs a ``reason``."""

    category: Category | None = None
    priority: PriorityValue | None = None
    reason: Annotated[Text, Field(max_length=5_000)] | None = None


class RequestClarification(Body):
    """``request-clarification``: ask the customer; the clocks pause until the answer."""

    message: LongText


class Resolve(Body):
    """``resolve``: the resolution, as the customer will read it."""

    resolution: LongText


class Close(Body):
    """``close``: close a resolved ticket."""


class Reopen(Body):
    """``reopen``: why the resolution did not hold."""

    reason: Annotated[Text, Field(max_length=5_000)]


ACTION_BODIES: dict[str, type[Body]] = {
    "accept": Accept,
    "assign": Assign,
    "classify": Classify,
    "request-clarification": RequestClarification,
    "resolve": Resolve,
    "close": Close,
    "reopen": Reopen,
}


class SlaOut(BaseModel):
    take_charge_due: datetime | None
    resolution_due: datetime | None
    paused: bool
    breached: bool
    escalation_level: int
    take_charge: ClockOut
    resolution: ClockOut


class TicketOut(BaseModel):
    """A ticket. ``assignee`` is the handle of the member of staff in charge for staff, and their
    display name for the ticket's customer (``support`` when it is not known: never an address);
    ``assignee_name`` is that display name, or null."""

    id: str
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
    assignee_name: str | None
    resolution: str | None
    created_at: datetime
    updated_at: datetime
    revision: int
    sla: SlaOut


class TicketList(BaseModel):
    items: list[TicketOut]
    cursor: str | None


class EventOut(BaseModel):
    """A history event. ``actor`` is who acted: for staff their handle; for a customer its own
    people's handle and anyone else's display name (``support`` when it is not known), never a
    staff address. ``actor_name`` is the display name the actor's token gave, or null."""

    seq: int
    type: EventType
    at: datetime
    actor: str
    actor_name: str | None
    actor_role: str
    public: bool
    body: str | None
    data: dict[str, object]


class EventList(BaseModel):
    items: list[EventOut]
    cursor: str | None


def ticket_out(view: TicketView, caller: Principal) -> TicketOut:
    """The ticket as ``caller`` is shown it (staff names: see :class:`TicketOut`)."""
    ticket, sla = view.ticket, view.sla
    return TicketOut(
        id=ticket.id,
        customer_id=ticket.customer_id,
        contact_email=ticket.contact_email,
        contact_name=ticket.contact_name,
        subject=ticket.subject,
        description=ticket.description,
        category=ticket.category,
        priority=ticket.priority,
        status=ticket.status,
        language=ticket.language,
        channel=ticket.channel,
        assignee=assignee_shown_to(caller, ticket),
        assignee_name=ticket.assignee_name,
        resolution=ticket.resolution,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        revision=ticket.revision,
        sla=SlaOut(
            take_charge_due=sla.take_charge.due,
            resolution_due=sla.resolution.due,
            paused=sla.paused,
            breached=sla.breached,
            escalation_level=sla.escalation_level,
            take_charge=clock_out(sla.take_charge),
            resolution=clock_out(sla.resolution),
        ),
    )


#: What an event's data says that names staff by handle: left out of what a customer is shown.
_STAFF_HANDLES = ("assignee",)


def event_out(event: HistoryEvent, caller: Principal) -> EventOut:
    """The event as ``caller`` is shown it (staff names: see :class:`EventOut`)."""
    data = dict(event.data)
    if Role.CUSTOMER in caller.roles:
        data = {name: value for name, value in data.items() if name not in _STAFF_HANDLES}
    return EventOut(
        seq=event.seq,
        type=event.type,
        at=event.at,
        actor=person_shown_to(caller, event.actor, event.actor_name, event.actor_role),
        actor_name=event.actor_name,
        actor_role=event.actor_role,
        public=event.public,
        body=event.body,
        data=data,
    )
