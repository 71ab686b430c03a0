"""Search over HTTP, and the search index's safety net.

* ``GET /api/search?q=&limit=&cursor=``: staff (customers and administrators get 403); the newest
  tickets matching one term that the caller may see (:mod:`shared.usecases.search`).
* A timer (``%SEARCH_REPAIR_SCHEDULE%``, every 5 minutes by default) writes the search rows that
  changes left unwritten.

Terms, index and cost: ``docs/console.md``, Search.
"""

from __future__ import annotations

import logging

import azure.functions as func

from functions.dependencies import index_repair, search
from functions.http.endpoint import cursor_of, dump, endpoint, limit_of
from functions.http.responses import json_response
from functions.schemas.search import SearchList, search_row
from shared.domain.access import Principal

bp = func.Blueprint()
logger = logging.getLogger(__name__)


@bp.route(route="search", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def search_tickets(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """``?q=TERM``: a ticket id, a contact address, a customer id or name word, or a word or word
    prefix of the subject; ``limit`` and ``cursor`` page the newest matches first."""
    page = search().find(caller, req.params.get("q", ""), limit=limit_of(req), cursor=cursor_of(req))
    return json_response(dump(SearchList(items=[search_row(found) for found in page.items], cursor=page.cursor)))


@bp.timer_trigger(arg_name="timer", schedule="%SEARCH_REPAIR_SCHEDULE%", run_on_startup=False, use_monitor=True)
def repair_search_index(timer: func.TimerRequest) -> None:
    """Write the search rows of every change that left them unwritten."""
    written = index_repair().run()
    if written:
        logger.info("search repair: rows of %d tickets written", written)
