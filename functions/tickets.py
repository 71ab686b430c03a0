"""Tickets over HTTP: open, list, read, follow the history, write, and the operators' actions.

Every route needs a bearer token; who may see and do what is the desk's business
(:mod:`shared.usecases.desk`). A ticket's ``ETag`` is its revision; actions and messages honour
``If-Match``.
"""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import desk
from functions.http.endpoint import body_of, cursor_of, dump, endpoint, if_match_of, limit_of, status_of
from functions.http.responses import json_response
from functions.schemas.tickets import (
    ACTION_BODIES,
    EventList,
    NewMessage,
    OpenTicket,
    TicketList,
    event_out,
    ticket_out,
)
from shared.domain.access import Principal, display_name_of
from shared.domain.errors import Forbidden, InvalidInput, NotFound
from shared.domain.lifecycle import Action, Role
from shared.domain.ticket import Channel
from shared.usecases.desk import NewTicket, TicketView

bp = func.Blueprint()


def _ticket_response(view: TicketView, caller: Principal, status: int = 200) -> func.HttpResponse:
    headers = {"ETag": f'"{view.ticket.revision}"'}
    if status == 201:
        headers["Location"] = f"/api/tickets/{view.ticket.id}"
    return json_response(dump(ticket_out(view, caller)), status, headers)


@bp.route(route="tickets", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def open_ticket(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Open a ticket: a customer for its own company, from the address its token carries (none:
    403 naming the ``email`` claim); staff on a caller's behalf."""
    body = body_of(req, OpenTicket)
    if Role.CUSTOMER in caller.roles:
        if body.customer_id is not None or body.contact_email is not None or body.channel is not None:
            field = "customer_id" if body.customer_id else "contact_email" if body.contact_email else "channel"
            raise InvalidInput(field, "is set by the desk for customers")
        if caller.email is None:
            raise Forbidden("the token's email claim holds no address: no mail could reach you", claim="email")
        customer_id, contact, channel = caller.customer_id or "", caller.email, Channel.WEB
    else:
        if body.customer_id is None:
            raise InvalidInput("customer_id", "is required when staff open a ticket")
        if body.contact_email is None:
            raise InvalidInput("contact_email", "is required when staff open a ticket")
        customer_id, contact, channel = body.customer_id, body.contact_email, body.channel or Channel.PHONE
    request = NewTicket(
        subject=body.subject,
        description=body.description,
        customer_id=customer_id,
        contact_email=contact,
        contact_name=body.contact_name or (display_name_of(caller) if Role.CUSTOMER in caller.roles else None),
        channel=channel,
        category=body.category,
        priority=body.priority,
        language=body.language,
    )
    return _ticket_response(desk().open(caller, request), caller, 201)


@bp.route(route="tickets", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def list_tickets(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """The tickets the caller may see, a page at a time (``?limit=&cursor=&status=``)."""
    page = desk().list_tickets(caller, status=status_of(req), limit=limit_of(req), cursor=cursor_of(req))
    items = [ticket_out(view, caller) for view in page.items]
    return json_response(dump(TicketList(items=items, cursor=page.cursor)))


@bp.route(route="tickets/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def get_ticket(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """One ticket, with its SLA as of now."""
    return _ticket_response(desk().get(caller, req.route_params["id"]), caller)


@bp.route(route="tickets/{id}/events", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def ticket_events(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """The ticket's history in order; customers see its public events only."""
    page = desk().events(caller, req.route_params["id"], limit=limit_of(req), cursor=cursor_of(req))
    items = [event_out(event, caller) for event in page.items]
    return json_response(dump(EventList(items=items, cursor=page.cursor)))


@bp.route(route="tickets/{id}/messages", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def write_message(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """A message on the ticket (201 with the event); a customer's answer resumes the clocks, a
    staff reply is mailed to the customer; with ``If-Match``, a ticket changed since is 412."""
    body = body_of(req, NewMessage)
    if_match = if_match_of(req)
    event = desk().write(caller, req.route_params["id"], body.body, internal=body.internal, if_match=if_match)
    return json_response(dump(event_out(event, caller)), 201)


@bp.route(route="tickets/{id}/{action}", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def act_on_ticket(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """``accept``, ``assign``, ``classify``, ``request-clarification``, ``resolve``, ``close``,
    ``reopen``: answers the updated ticket."""
    name = req.route_params["action"]
    model = ACTION_BODIES.get(name)
    if model is None:
        raise NotFound(f"no action {name!r}")
    payload = body_of(req, model).model_dump(exclude_none=True)
    view = desk().act(caller, req.route_params["id"], Action(name), payload, if_match_of(req))
    return _ticket_response(view, caller)
