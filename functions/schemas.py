"""The HTTP API's documents: request bodies (validated with pydantic) and responses.

These models are the single source of the API's shapes: handlers validate with them and
``GET /api/openapi.json`` is generated from them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from shared.domain.access import Caller, assignee_shown_to, person_shown_to
from shared.domain.customers import CUSTOMER_ID_PATTERN, normalise_email
from shared.domain.errors import InvalidInput
from shared.domain.history import EventType, HistoryEvent
from shared.domain.language import Language
from shared.domain.lifecycle import Role, Status
from shared.domain.sla.clock import ClockState
from shared.domain.sla.policy import Category
from shared.domain.text_limits import LONG_TEXT_UNITS, one_line, utf16_units
from shared.domain.ticket import Channel
from shared.usecases.desk import TicketView

#: The largest request body accepted, in bytes; larger ones are answered 413.
MAX_BODY_BYTES = 64 * 1024

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CustomerId = Annotated[str, StringConstraints(pattern=f"^{CUSTOMER_ID_PATTERN}$")]


def _plain_address(text: str) -> str:
    try:
        return normalise_email(text, "address")
    except InvalidInput:
        raise ValueError("is not an email address") from None


#: A plain ``local@domain`` address, lower-cased: no display name, no control character, a real
#: domain (the shape every mail header built from it needs).
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[^@\s]{1,64}@[^@\s]{1,253}$"),
    AfterValidator(_plain_address),
]


def _on_one_line(text: str) -> str:
    line = one_line(text)
    if not line:
        raise ValueError("holds nothing but spaces and control characters")
    return line


#: A name, a subject: what a person types that must stay on one line. Control characters (line
#: breaks, tabs, separators) become a space (``shared.domain.text_limits.one_line``), so no value can
#: carry a line of its own into a mail.
OneLine = Annotated[Text, Field(max_length=200), AfterValidator(_on_one_line)]


def _storable(text: str) -> str:
    if utf16_units(text) > LONG_TEXT_UNITS:
        raise ValueError(f"is too long to keep: at most {LONG_TEXT_UNITS} UTF-16 code units (an emoji counts two)")
    return text


#: A description or message: 20,000 characters, and within what a Table property holds.
LongText = Annotated[Text, Field(max_length=20_000), AfterValidator(_storable)]
PriorityValue = Literal[1, 2, 3, 4]


class Body(BaseModel):
    """A request body: unknown fields are refused, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid")


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


class ContactDocument(Body):
    email: Email
    name: OneLine


class ReleaseMail(Body):
    """``POST /api/admin/inbound/{id}/release``: take a held mail (or one quarantined as a
    suspected loop) in as this customer's."""

    customer_id: CustomerId


class CustomerDocument(Body):
    """``PUT /api/admin/customers/{id}`` and its answers."""

    name: OneLine
    entitled: bool
    email_domains: Annotated[list[Annotated[str, StringConstraints(max_length=253)]], Field(max_length=50)]
    contacts: Annotated[list[ContactDocument], Field(max_length=500)]
    language: Language


class ClosureDocument(Body):
    """``PUT /api/admin/closures/{id}``: the desk is closed from ``first_day`` to ``last_day``."""

    first_day: date
    last_day: date
    note: Annotated[str, StringConstraints(max_length=500)] = ""


# --- responses ----------------------------------------------------------------------------------


class ClockOut(BaseModel):
    """One SLA clock: ``state`` is ``not_started``, ``running``, ``paused`` or ``stopped``;
    durations are working time in seconds."""

    state: Literal["not_started", "running", "paused", "stopped"]
    due: datetime | None
    budget_seconds: int
    elapsed_seconds: int
    remaining_seconds: int
    breached: bool
    met: bool | None


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
    priority: PriorityValue
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


def clock_out(state: ClockState) -> ClockOut:
    if state.started_at is None:
        kind: Literal["not_started", "running", "paused", "stopped"] = "not_started"
    elif state.stopped_at is not None:
        kind = "stopped"
    else:
        kind = "paused" if state.paused else "running"
    return ClockOut(
        state=kind,
        due=state.due,
        budget_seconds=int(state.budget.total_seconds()),
        elapsed_seconds=int(state.elapsed.total_seconds()),
        remaining_seconds=int(state.remaining.total_seconds()),
        breached=state.breached,
        met=state.met,
    )


def ticket_out(view: TicketView, caller: Caller) -> TicketOut:
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
        priority=int(ticket.priority),  # type: ignore[arg-type]
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


def event_out(event: HistoryEvent, caller: Caller) -> EventOut:
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
