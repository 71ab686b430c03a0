"""The switchboard's customer lookup: ``GET /api/customers?q=&limit=`` for staff (operators,
supervisors, security; customers and administrators get 403). What it matches and costs is
:mod:`shared.usecases.switchboard`'s business; ``docs/console.md`` (New phone request) says it too."""

from __future__ import annotations

import azure.functions as func

from functions.dependencies import customer_lookup
from functions.http.endpoint import dump, endpoint, limit_of
from functions.http.responses import json_response
from functions.schemas.switchboard import customer_matches
from shared.domain.access import Principal

bp = func.Blueprint()


@bp.route(route="customers", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def find_customers(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """``?q=TERM``: the customers whose name or id words start with the term's words; ``limit``
    caps the page (the answer says whether more match)."""
    found = customer_lookup().find(caller, req.params.get("q", ""), limit=limit_of(req))
    return json_response(dump(customer_matches(found)))
