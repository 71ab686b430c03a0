"""The console's views over HTTP, and the repair sweep of their index.

* ``GET /api/views/{view}?sort=&<filter>=&limit=&cursor=``: a page of ``queue``, ``mine``,
  ``waiting``, ``at_risk``, ``all_open`` or ``vulnerabilities``, read from the view index
  (:class:`shared.usecases.views.ConsoleViews`); staff only. One filter at a time, among
  ``customer``, ``priority``, ``category`` and ``status`` (which a view supports:
  :data:`shared.domain.views.SUPPORTED_FILTERS`; another is 422 naming it).
* A timer (``%VIEWS_REPAIR_SCHEDULE%``, every minute) places the tickets whose change crashed
  between its commit and its index rows, and re-keys the rows a change of closures moved.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import azure.functions as func

from functions.dependencies import console_views, view_keeper
from functions.http.endpoint import MAX_LIMIT, cursor_of, dump, endpoint
from functions.http.responses import json_response
from functions.schemas.views import ViewPageOut, view_row_out
from shared.config.app import settings
from shared.domain.access import Principal
from shared.domain.customers import valid_customer_id
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.lifecycle import Status
from shared.domain.sla.policy import Category, Priority
from shared.domain.views import FILTERS, Slice, Sort, View

bp = func.Blueprint()
logger = logging.getLogger(__name__)

#: How many rows a view page holds when ``limit`` is not given.
DEFAULT_VIEW_LIMIT = 50
#: How old an intent must be before the sweep takes it for a crashed change (a change in flight
#: places its own rows well within it).
REPAIR_GRACE = timedelta(seconds=60)


@bp.route(route="views/{view}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def view_page(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """A page of the view the path names (404 for no such view), for staff."""
    try:
        view = View(req.route_params["view"])
    except ValueError:
        raise NotFound(f"no view {req.route_params['view']!r}") from None
    page = console_views().page(
        caller, view, sort=_sort_of(req), wanted=_filter_of(req), limit=_limit_of(req), cursor=cursor_of(req)
    )
    document = ViewPageOut(
        view=view,
        items=[view_row_out(shown) for shown in page.items],
        cursor=page.cursor,
        refresh_seconds=settings().desk.console_refresh_seconds,
    )
    return json_response(dump(document))


@bp.timer_trigger(arg_name="timer", schedule="%VIEWS_REPAIR_SCHEDULE%", run_on_startup=False, use_monitor=True)
def repair_views(timer: func.TimerRequest) -> None:
    """Place the tickets whose view rows a crash left behind; re-key after a change of closures."""
    keeper = view_keeper()
    settled, rekeyed = keeper.repair(REPAIR_GRACE), keeper.rekey_due()
    if settled or rekeyed:
        logger.info("view index repair: %d intents settled, %d re-keys done", settled, rekeyed)


def _sort_of(req: func.HttpRequest) -> Sort | None:
    raw = req.params.get("sort")
    if raw is None:
        return None
    try:
        return Sort(raw)
    except ValueError:
        raise InvalidInput("sort", f"must be one of {', '.join(sort.value for sort in Sort)}") from None


def _limit_of(req: func.HttpRequest) -> int:
    raw = req.params.get("limit")
    if raw is None:
        return DEFAULT_VIEW_LIMIT
    if not raw.isdecimal() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def _filter_of(req: func.HttpRequest) -> Slice:
    """The one filter given (none: the whole view); a second is 422 naming it."""
    given = [name for name in FILTERS if req.params.get(name) is not None]
    if len(given) > 1:
        raise InvalidInput(given[1], f"cannot be combined with {given[0]}: one filter at a time")
    if not given:
        return Slice()
    name = given[0]
    raw = req.params[name]
    valid = {
        "customer": valid_customer_id(raw),
        "priority": raw in {str(int(priority)) for priority in Priority},
        "category": raw in {category.value for category in Category},
        "status": raw in {status.value for status in Status},
    }[name]
    if not valid:
        raise InvalidInput(name, "is not a value of this filter")
    return Slice(name, raw)
