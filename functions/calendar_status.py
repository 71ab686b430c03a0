"""``GET /api/calendar/status``: is the desk open now, when does it next open, which closures are
announced. Public: it says nothing about any customer."""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import calendar, closures, utc_now
from functions.http.endpoint import dump
from functions.http.responses import json_response
from functions.schemas.service import calendar_status_out

bp = func.Blueprint()


@bp.route(route="calendar/status", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def calendar_status(req: func.HttpRequest) -> func.HttpResponse:
    status = calendar_status_out(utc_now(), calendar()(), closures().list())
    return json_response(dump(status), headers={"Cache-Control": "public, max-age=60"})
