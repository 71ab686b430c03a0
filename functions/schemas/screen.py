"""The console's ticket screen and presence documents (``/api/tickets/{id}/screen`` and
``/api/tickets/{id}/presence``), with their mappers.

The screen's ``ticket`` and ``events`` are exactly what ``GET /api/tickets/{id}`` and the first
page of ``GET /api/tickets/{id}/events`` answer staff (:func:`functions.schemas.tickets.ticket_out`,
:func:`~functions.schemas.tickets.event_out`); ``events_cursor`` continues that list there.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, StrictBool

from functions.schemas.common import Body
from functions.schemas.tickets import EventOut, TicketOut, event_out, ticket_out
from shared.domain.access import Principal
from shared.domain.language import Language
from shared.domain.lifecycle import Status
from shared.domain.mail_recipients import RecipientRole
from shared.domain.notifications import DeliveryState, NotificationKind
from shared.domain.presence import PresenceMark
from shared.domain.sla.policy import Priority
from shared.usecases.desk import ScreenMail, TicketScreen


class ContactOut(BaseModel):
    email: str
    name: str


class ScreenCustomerOut(BaseModel):
    """The customer panel: ``entitled`` to support or not, its contacts and language (a customer
    the registry no longer holds shows the ticket's name and language, not entitled, no contacts)."""

    id: str
    name: str
    entitled: bool
    language: Language
    contacts: list[ContactOut]


class OtherOpenOut(BaseModel):
    """Another open ticket of the customer that the caller may see."""

    id: str
    subject: str
    status: Status
    priority: Priority


class ScreenMailOut(BaseModel):
    """An outgoing mail of the ticket: its id, kind and delivery ``state`` after ``attempts``,
    whom it went to as a role (``customer``, ``team``, ``security``, ``supervisors``,
    ``management`` or one member of ``staff``: never the address), when it was made and sent, and
    ``reason``: the last failure's message while it is retried or once it failed for good."""

    id: str
    kind: NotificationKind
    state: DeliveryState
    attempts: int
    to_role: RecipientRole
    created_at: datetime
    sent_at: datetime | None
    reason: str | None


class TicketScreenOut(BaseModel):
    ticket: TicketOut
    events: list[EventOut]
    events_cursor: str | None
    customer: ScreenCustomerOut
    other_open: list[OtherOpenOut]
    mails: list[ScreenMailOut]


class Heartbeat(Body):
    """``PUT /api/tickets/{id}/presence``: the caller has the ticket's screen open, ``composing``
    a reply or a note or not."""

    composing: StrictBool


class PresentOut(BaseModel):
    """Someone else on the ticket's screen, ``composing`` or not, in that state ``since``."""

    name: str
    composing: bool
    since: datetime


class PresenceOut(BaseModel):
    """The others present, longest present first, and how often the screen should beat."""

    others: list[PresentOut]
    heartbeat_seconds: int


def screen_out(screen: TicketScreen, caller: Principal) -> TicketScreenOut:
    ticket = screen.view.ticket
    customer = screen.customer
    panel = (
        ScreenCustomerOut(
            id=customer.id,
            name=customer.name,
            entitled=customer.entitled,
            language=customer.language,
            contacts=[ContactOut(email=contact.email, name=contact.name) for contact in customer.contacts],
        )
        if customer is not None
        else ScreenCustomerOut(
            id=ticket.customer_id,
            name=ticket.customer_name or ticket.customer_id,
            entitled=False,
            language=ticket.language,
            contacts=[],
        )
    )
    return TicketScreenOut(
        ticket=ticket_out(screen.view, caller),
        events=[event_out(event, caller) for event in screen.history.items],
        events_cursor=screen.history.cursor,
        customer=panel,
        other_open=[
            OtherOpenOut(id=other.id, subject=other.subject, status=other.status, priority=other.priority)
            for other in screen.other_open
        ],
        mails=[_mail_out(mail) for mail in screen.mails],
    )


def _mail_out(mail: ScreenMail) -> ScreenMailOut:
    notification = mail.notification
    return ScreenMailOut(
        id=notification.id,
        kind=notification.kind,
        state=notification.state,
        attempts=notification.attempts,
        to_role=mail.to_role,
        created_at=notification.created_at,
        sent_at=notification.sent_at,
        reason=notification.last_error,
    )


def presence_out(others: list[PresenceMark], heartbeat_seconds: int) -> PresenceOut:
    return PresenceOut(
        others=[PresentOut(name=mark.name, composing=mark.composing, since=mark.since) for mark in others],
        heartbeat_seconds=heartbeat_seconds,
    )
