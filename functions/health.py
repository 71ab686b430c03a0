"""``GET /api/health``: the app's version and whether Table Storage answers. Anonymous."""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import health_probes
from functions.http.endpoint import dump
from functions.http.responses import json_response, problem
from functions.schemas.service import HealthOut
from shared.usecases.health import check_health

bp = func.Blueprint()


@bp.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    """200 with ``{status: ok, version, checks}`` when every dependency answers; otherwise 503
    with a problem document whose ``checks`` name what is down."""
    report = check_health(health_probes())
    if report.healthy:
        return json_response(dump(HealthOut(status="ok", version=report.version, checks=dict(report.checks))))
    return problem(
        503,
        "Service unavailable",
        f"not answering: {', '.join(report.down)}",
        version=report.version,
        checks=dict(report.checks),
    )
