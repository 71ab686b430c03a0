"""``GET /api/calendar/status``: is the desk open now, when does it next open, which closures are
announced. Public: it says nothing about any customer."""

from __future__ import annotations

from datetime import datetime

import azure.functions as func

from functions.dependencies import calendar, closures, utc_now
from functions.http import json_response

bp = func.Blueprint()


@bp.route(route="calendar/status", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def calendar_status(req: func.HttpRequest) -> func.HttpResponse:
    now = utc_now()
    current = calendar()()
    today = now.astimezone(current.zone).date()
    upcoming = [c for c in closures().list() if c.last_day >= today]
    return json_response(
        {
            "now": _iso(now),
            "open": current.is_working_time(now),
            "next_opening": _iso(current.next_working_time(now)),
            "zone": str(current.zone),
            "upcoming_closures": [
                {"first_day": c.first_day.isoformat(), "last_day": c.last_day.isoformat(), "note": c.note}
                for c in upcoming
            ],
        },
        headers={"Cache-Control": "public, max-age=60"},
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
