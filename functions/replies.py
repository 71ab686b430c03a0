"""Canned replies over HTTP: the administration (``/api/admin/replies``, the ``admin`` role), the
composer's search (``GET /api/replies``) and a reply filled for a ticket
(``GET /api/tickets/{id}/replies/{reply_id}``), both for staff. A reply's ``ETag`` is its
revision; ``PUT``, ``PATCH`` and ``DELETE`` honour ``If-Match``. What each checks and costs is
:mod:`shared.usecases.canned`'s business."""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import reply_administration, reply_composer
from functions.http.endpoint import admin_endpoint, body_of, dump, endpoint, if_match_of, limit_of
from functions.http.responses import json_response
from functions.schemas.replies import ReplyDocument, ReplyList, ReplyPatch, filled_reply_out, reply_out
from shared.domain.access import Principal
from shared.domain.canned import CannedReply
from shared.domain.errors import InvalidInput
from shared.usecases.canned import NewReply

bp = func.Blueprint()

_MAX_QUERY = 200


def _reply_response(reply: CannedReply) -> func.HttpResponse:
    return json_response(dump(reply_out(reply)), headers={"ETag": f'"{reply.revision}"'})


@bp.route(route="admin/replies", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def list_replies(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Every canned reply, by id."""
    items = [reply_out(reply) for reply in reply_administration().all()]
    return json_response(dump(ReplyList(items=items, cursor=None)))


@bp.route(route="admin/replies", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def put_reply(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Create the reply (revision 1) or replace the one with the body's id (the next revision)."""
    body = body_of(req, ReplyDocument)
    new = NewReply(id=body.id, title=body.title, tags=tuple(body.tags), bodies=body.bodies.both())
    return _reply_response(reply_administration().put(new, if_match_of(req)))


@bp.route(route="admin/replies/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def get_reply(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    return _reply_response(reply_administration().reply(req.route_params["id"]))


@bp.route(route="admin/replies/{id}", methods=["PATCH"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def patch_reply(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Change the reply's title, tags or bodies (``null`` removes a language's body)."""
    change = body_of(req, ReplyPatch).change()
    return _reply_response(reply_administration().patch(req.route_params["id"], change, if_match_of(req)))


@bp.route(route="admin/replies/{id}", methods=["DELETE"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def delete_reply(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    reply_administration().delete(req.route_params["id"], if_match_of(req))
    return func.HttpResponse(status_code=204, headers={"Cache-Control": "no-store"})


@bp.route(route="replies", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def search_replies(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """``?q=&limit=``: the replies whose title, tags or bodies have words the query's words start."""
    query = req.params.get("q") or ""
    if len(query) > _MAX_QUERY:
        raise InvalidInput("q", f"must be at most {_MAX_QUERY} characters")
    found = reply_composer().search(caller, query, limit=limit_of(req))
    return json_response(dump(ReplyList(items=[reply_out(reply) for reply in found], cursor=None)))


@bp.route(route="tickets/{id}/replies/{reply_id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def fill_reply(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """The reply filled for the ticket, in the ticket's language or else the other."""
    filled = reply_composer().fill(caller, req.route_params["id"], req.route_params["reply_id"])
    return json_response(dump(filled_reply_out(filled)))
