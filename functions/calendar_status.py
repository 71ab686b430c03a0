"""``GET /api/calendar/status``: is the desk open now, when does it next open, which closures are
announced. Public: it says nothing about any customer."""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import calendar, closures, utc_now
from functions.http.endpoint import dump
from functions.http.responses import json_response
from functions.response_shapes import CalendarStatusOut, UpcomingClosure

bp = func.Blueprint()


@bp.route(route="calendar/status", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def calendar_status(req: func.HttpRequest) -> func.HttpResponse:
    now = utc_now()
    current = calendar()()
    today = now.astimezone(current.zone).date()
    upcoming = [c for c in closures().list() if c.last_day >= today]
    status = CalendarStatusOut(
        now=now,
        open=current.is_working_time(now),
        next_opening=current.next_working_time(now),
        zone=str(current.zone),
        upcoming_closures=[UpcomingClosure(first_day=c.first_day, last_day=c.last_day, note=c.note) for c in upcoming],
    )
    return json_response(dump(status), headers={"Cache-Control": "public, max-age=60"})
