"""Administration: customers (with their mail domains and contacts), closure periods, and the
operators' audit trail. Every route needs the ``admin`` role."""

from __future__ import annotations

import re

import azure.functions as func

from functions.dependencies import calendar, closures, customers, desk, schedule, tables
from functions.http.endpoint import body_of, dump, endpoint, limit_of, require_admin
from functions.http.responses import json_response
from functions.schemas.admin import (
    AuditList,
    ClosureChangeOut,
    ClosureDocument,
    ClosureList,
    CustomerDocument,
    CustomerList,
    audit_record_out,
    closure_out,
    customer_out,
)
from shared.adapters.auth.tokens import Principal
from shared.adapters.stores.audit import AuditTrail
from shared.domain.customers import Contact, Customer, normalise_domain, normalise_email, valid_customer_id
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.sla.closures import Closure, changed_days
from shared.domain.ticket import parse_ticket_id
from shared.usecases.replanning import replan_from

bp = func.Blueprint()

_CLOSURE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
#: The years a closure may fall in: a desk's closures are announced for the years it works in, and
#: the escalation schedule's hour buckets are not defined at the ends of the calendar.
CLOSURE_YEARS = range(2000, 3000)


@bp.route(route="admin/customers/{id}", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def put_customer(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Create or replace a customer; its domains and contacts must not belong to another one."""
    require_admin(caller)
    customer_id = req.route_params["id"]
    if not valid_customer_id(customer_id):
        raise InvalidInput("id", "must be 2–63 lower-case letters, digits or dashes")
    body = body_of(req, CustomerDocument)
    customer = Customer(
        id=customer_id,
        name=body.name,
        entitled=body.entitled,
        email_domains=tuple(
            dict.fromkeys(normalise_domain(d, f"email_domains.{i}") for i, d in enumerate(body.email_domains))
        ),
        contacts=tuple(
            Contact(normalise_email(c.email, f"contacts.{i}.email"), c.name) for i, c in enumerate(body.contacts)
        ),
        language=body.language,
    )
    return json_response(dump(customer_out(customers().put(customer))))


@bp.route(route="admin/customers/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def get_customer(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    require_admin(caller)
    customer = customers().get(req.route_params["id"]) if valid_customer_id(req.route_params["id"]) else None
    if customer is None:
        raise NotFound("no such customer")
    return json_response(dump(customer_out(customer)))


@bp.route(route="admin/customers", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def list_customers(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    require_admin(caller)
    return json_response(dump(CustomerList(items=[customer_out(c) for c in customers().list()], cursor=None)))


@bp.route(route="admin/closures/{id}", methods=["PUT"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def put_closure(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Announce (or change) a closure period; running SLA clocks follow it, stopped ones do not."""
    require_admin(caller)
    closure_id = req.route_params["id"]
    if not _CLOSURE_ID.fullmatch(closure_id):
        raise InvalidInput("id", "must be lower-case letters, digits or dashes")
    body = body_of(req, ClosureDocument)
    for name, day in (("first_day", body.first_day), ("last_day", body.last_day)):
        if day.year not in CLOSURE_YEARS:
            raise InvalidInput(name, f"must fall in the years {CLOSURE_YEARS[0]} to {CLOSURE_YEARS[-1]}")
    if body.last_day < body.first_day:
        raise InvalidInput("last_day", "is before first_day")
    if (body.last_day - body.first_day).days > 366:
        raise InvalidInput("last_day", "makes a closure longer than a year")
    closure = Closure(closure_id, body.first_day, body.last_day, body.note)
    before = closures().get(closure_id)
    closures().put(closure)
    return json_response(dump(_closure_changed(before, closure, closure)))


def _closure_changed(before: Closure | None, after: Closure | None, shown: Closure) -> ClosureChangeOut:
    """After a closure changed from ``before`` to ``after``: the calendar read anew, the escalations
    it moves re-planned (``docs/escalation.md``), and ``shown`` answered with their count."""
    calendar().invalidate()
    report = replan_from(desk(), schedule(), *changed_days(before, after))
    return ClosureChangeOut(
        **closure_out(shown).model_dump(), replanned_checkpoints=report.moved, replan_failures=report.failed
    )


@bp.route(route="admin/closures", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def list_closures(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    require_admin(caller)
    return json_response(dump(ClosureList(items=[closure_out(c) for c in closures().list()], cursor=None)))


@bp.route(route="admin/closures/{id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def get_closure(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    require_admin(caller)
    closure = closures().get(req.route_params["id"]) if _CLOSURE_ID.fullmatch(req.route_params["id"]) else None
    if closure is None:
        raise NotFound("no such closure")
    return json_response(dump(closure_out(closure)))


@bp.route(route="admin/closures/{id}", methods=["DELETE"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def delete_closure(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Withdraw a closure period; running SLA clocks count its days again."""
    require_admin(caller)
    removed = closures().delete(req.route_params["id"]) if _CLOSURE_ID.fullmatch(req.route_params["id"]) else None
    if removed is None:
        raise NotFound("no such closure")
    return json_response(dump(_closure_changed(removed, None, removed)))


@bp.route(route="admin/audit", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def audit_trail(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """``?ticket=ID``: who read or changed the ticket, oldest first."""
    require_admin(caller)
    ticket_id = req.params.get("ticket")
    if not ticket_id or parse_ticket_id(ticket_id) is None:
        raise InvalidInput("ticket", "must be a ticket id")
    records = AuditTrail(tables()).for_ticket(ticket_id, limit_of(req))
    return json_response(dump(AuditList(items=[audit_record_out(record) for record in records], cursor=None)))
