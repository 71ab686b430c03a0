"""``GET /api/openapi.json``: the OpenAPI 3.1 document of the HTTP API
(:mod:`functions.http.openapi_document`). Anonymous."""

from __future__ import annotations

import azure.functions as func

from functions.http.openapi_document import openapi_document
from functions.http.responses import json_response

bp = func.Blueprint()


@bp.route(route="openapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def openapi_json(req: func.HttpRequest) -> func.HttpResponse:
    """The API's OpenAPI document."""
    return json_response(openapi_document())
