"""Reports over HTTP: the tickets at risk, and the SLA report of a period in JSON or CSV.

* ``GET /api/reports/at-risk?limit=&customer=``: staff; customers get 403.
* ``GET /api/reports/sla?from=&to=&customer=&format=``: supervisors and administrators (every
  customer, or ``customer``), customers (their own; another company's is 404). CSV when
  ``format=csv``, or when ``format`` is absent and ``Accept`` names ``text/csv`` before (or
  without) ``application/json``.

Who may see what is :mod:`shared.usecases.reports`' business; this module reads the query and shapes the
answer. Semantics and costs: ``docs/reports.md``.
"""

from __future__ import annotations

import re
from datetime import date

import azure.functions as func

from functions.dependencies import reports
from functions.http.endpoint import dump, endpoint, limit_of
from functions.http.responses import json_response
from functions.schemas.reports import at_risk_out, sla_report_csv, sla_report_out
from shared.domain.access import Principal
from shared.domain.customers import valid_customer_id
from shared.domain.errors import InvalidInput
from shared.usecases.reports import ReportPeriod

bp = func.Blueprint()

CSV = "text/csv"
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@bp.route(route="reports/at-risk", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def at_risk_tickets(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """The open tickets the caller may see, the nearest deadline first (``?limit=&customer=``)."""
    view = reports().at_risk(caller, customer_id=customer_of(req), limit=limit_of(req))
    return json_response(dump(at_risk_out(view)))


@bp.route(route="reports/sla", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def sla_report_of_period(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """SLA figures per customer and priority of the tickets opened in ``[from, to)``."""
    period = ReportPeriod(day_of(req, "from"), day_of(req, "to"))
    wants_csv = wants_csv_of(req)
    report = sla_report_out(reports().sla_report(caller, period, customer_of(req)))
    if not wants_csv:
        return json_response(dump(report))
    name = f"sla-{period.first_day.isoformat()}-{period.end_day.isoformat()}.csv"
    return func.HttpResponse(
        sla_report_csv(report),
        mimetype=CSV,
        charset="utf-8",
        headers={"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{name}"'},
    )


def day_of(req: func.HttpRequest, name: str) -> date:
    """The required query parameter ``name`` as a ``YYYY-MM-DD`` date."""
    raw: str | None = req.params.get(name)
    if raw is None:
        raise InvalidInput(name, "is required (YYYY-MM-DD)")
    try:
        if _DAY.fullmatch(raw) is None:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(name, "must be a date as YYYY-MM-DD") from None


def customer_of(req: func.HttpRequest) -> str | None:
    """``?customer=``: a customer id, when given."""
    raw: str | None = req.params.get("customer")
    if raw is not None and not valid_customer_id(raw):
        raise InvalidInput("customer", "is not a customer id")
    return raw


def wants_csv_of(req: func.HttpRequest) -> bool:
    """``?format=json|csv``; without it, ``Accept`` decides: CSV when it names ``text/csv`` before
    (or without) ``application/json``."""
    chosen: str | None = req.params.get("format")
    if chosen is not None:
        if chosen not in ("json", "csv"):
            raise InvalidInput("format", "must be json or csv")
        return chosen == "csv"
    accepted = [part.split(";")[0].strip().lower() for part in (req.headers.get("Accept") or "").split(",")]
    named = [media for media in accepted if media in (CSV, "application/json")]
    return bool(named) and named[0] == CSV
