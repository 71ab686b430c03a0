"""The console's ticket screen and presence over HTTP.

``GET /api/tickets/{id}/screen`` answers in one call what the ticket screen shows (the ticket with
its ``ETag``, the first page of its history, the customer panel, the outgoing mails); the
presence routes record a heartbeat (``PUT``) or only look (``GET``). Staff only: a customer is
refused, a ticket the caller may not see is not found; what each costs is docs/console.md's.
"""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import desk, presence, presence_settings
from functions.http.endpoint import body_of, dump, endpoint, limit_of
from functions.http.responses import json_response
from functions.schemas.screen import Heartbeat, presence_out, screen_out
from shared.domain.access import Principal

bp = func.Blueprint()


@bp.route(route="tickets/{id}/screen", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def ticket_screen(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Everything the ticket screen shows; ``?limit=`` sizes the first page of the history."""
    screen = desk().screen(caller, req.route_params["id"], events=limit_of(req))
    headers = {"ETag": f'"{screen.view.ticket.revision}"'}
    return json_response(dump(screen_out(screen, caller)), headers=headers)


@bp.route(route="tickets/{id}/presence", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def beat_presence(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """The caller's heartbeat on the ticket (``{"composing": bool}``); answers the others present."""
    body = body_of(req, Heartbeat)
    others = presence().beat(caller, req.route_params["id"], composing=body.composing)
    return json_response(dump(presence_out(others, presence_settings().heartbeat_seconds)))


@bp.route(route="tickets/{id}/presence", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def look_at_presence(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """The others present on the ticket, without recording the caller."""
    others = presence().look(caller, req.route_params["id"])
    return json_response(dump(presence_out(others, presence_settings().heartbeat_seconds)))
