"""Administration: customers (with their mail domains and contacts), closure periods, and the
operators' audit trail. Every route needs the ``admin`` role; what each checks and does is
:mod:`shared.usecases.admin`'s business."""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import administration
from functions.http.endpoint import admin_endpoint, body_of, dump, limit_of
from functions.http.responses import json_response
from functions.schemas.admin import (
    AuditList,
    ClosureDocument,
    ClosureList,
    CustomerDocument,
    CustomerList,
    audit_record_out,
    closure_change_out,
    closure_out,
    customer_out,
)
from shared.domain.access import Principal
from shared.domain.customers import Contact, Customer
from shared.domain.sla.closures import Closure

bp = func.Blueprint()


@bp.route(route="admin/customers/{id}", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def put_customer(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Create or replace a customer; its domains and contacts must not belong to another one."""
    body = body_of(req, CustomerDocument)
    typed = Customer(
        id=req.route_params["id"],
        name=body.name,
        entitled=body.entitled,
        email_domains=tuple(body.email_domains),
        contacts=tuple(Contact(contact.email, contact.name) for contact in body.contacts),
        language=body.language,
    )
    return json_response(dump(customer_out(administration().put_customer(typed))))


@bp.route(route="admin/customers/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def get_customer(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    return json_response(dump(customer_out(administration().customer(req.route_params["id"]))))


@bp.route(route="admin/customers", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def list_customers(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    items = [customer_out(customer) for customer in administration().customers()]
    return json_response(dump(CustomerList(items=items, cursor=None)))


@bp.route(route="admin/closures/{id}", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def put_closure(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Announce (or change) a closure period; running SLA clocks follow it, stopped ones do not."""
    body = body_of(req, ClosureDocument)
    closure = Closure(req.route_params["id"], body.first_day, body.last_day, body.note)
    return json_response(dump(closure_change_out(administration().put_closure(closure))))


@bp.route(route="admin/closures", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def list_closures(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    items = [closure_out(closure) for closure in administration().closures()]
    return json_response(dump(ClosureList(items=items, cursor=None)))


@bp.route(route="admin/closures/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def get_closure(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    return json_response(dump(closure_out(administration().closure(req.route_params["id"]))))


@bp.route(route="admin/closures/{id}", methods=["DELETE"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def delete_closure(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Withdraw a closure period; running SLA clocks count its days again."""
    return json_response(dump(closure_change_out(administration().withdraw_closure(req.route_params["id"]))))


@bp.route(route="admin/audit", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def audit_trail(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """``?ticket=ID``: who read or changed the ticket, oldest first."""
    records = administration().audit_trail(req.params.get("ticket"), limit_of(req))
    return json_response(dump(AuditList(items=[audit_record_out(record) for record in records], cursor=None)))
