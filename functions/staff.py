"""The staff directory's administration (``/api/admin/staff``): list, read, create or replace,
and patch members. Every route needs the ``admin`` role; what each checks and does is
:mod:`shared.usecases.staff`'s business."""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import staff_administration
from functions.http.endpoint import admin_endpoint, body_of, cursor_of, dump, limit_of
from functions.http.responses import json_response
from functions.schemas.staff import StaffDocument, StaffList, StaffPatch, staff_out
from shared.domain.access import Principal
from shared.domain.staff import StaffChange
from shared.usecases.staff import NewMember

bp = func.Blueprint()


@bp.route(route="admin/staff", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def list_staff(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """``?limit=&cursor=``: a page of members in key order."""
    page = staff_administration().members(limit=limit_of(req), cursor=cursor_of(req))
    return json_response(dump(StaffList(items=[staff_out(member) for member in page.items], cursor=page.cursor)))


@bp.route(route="admin/staff", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def put_staff(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Create or replace the member the body's issuer and object id name."""
    body = body_of(req, StaffDocument)
    new = NewMember(
        issuer=body.issuer,
        object_id=body.object_id,
        name=body.name,
        email=body.email,
        roles=frozenset(body.roles),
        language=body.language.value,
        active=body.active,
    )
    return json_response(dump(staff_out(staff_administration().put(new))))


@bp.route(route="admin/staff/{key}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def get_staff(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    return json_response(dump(staff_out(staff_administration().member(req.route_params["key"]))))


@bp.route(route="admin/staff/{key}", methods=["PATCH"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def patch_staff(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Change a member's name, address, roles, language or activity (deactivate: ``active: false``)."""
    body = body_of(req, StaffPatch)
    change = StaffChange(
        name=body.name,
        email=body.email,
        roles=None if body.roles is None else frozenset(body.roles),
        language=None if body.language is None else body.language.value,
        active=body.active,
    )
    return json_response(dump(staff_out(staff_administration().patch(req.route_params["key"], change))))
