"""The outbox's safety net and its administration.

* A timer (``%OUTBOX_SCHEDULE%``, every minute by default) sweeps the notifications left behind:
  those whose dispatch right after their commit did not happen, failed for a while, or waited for
  the mail budget; it sends until shortly before its next run.
* ``GET /api/admin/outbox?state=failed`` lists the notifications that failed for good;
  ``POST /api/admin/outbox/{id}/retry`` sends one again (``admin`` role).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import azure.functions as func

from functions.dependencies import administration, dispatcher
from functions.http.endpoint import admin_endpoint, dump, limit_of
from functions.http.responses import json_response
from functions.schemas.admin import FailedNotificationList, RetryOut, failed_notification_out
from shared.domain.access import Principal
from shared.domain.errors import InvalidInput
from shared.domain.notifications import DeliveryState

bp = func.Blueprint()
logger = logging.getLogger(__name__)


@bp.timer_trigger(arg_name="timer", schedule="%OUTBOX_SCHEDULE%", run_on_startup=False, use_monitor=True)
def sweep_outbox(timer: func.TimerRequest) -> None:
    """Send what was left behind, in the budget's fair order, until shortly before the timer's
    next run; settle what is final; drop what never committed."""
    report = dispatcher().sweep(next_run=next_occurrence(timer))
    if report.looked_at or report.queued:
        logger.info(
            "outbox sweep: %d looked at, %d sent, %d orphans, %d left for the budget",
            report.looked_at,
            report.sent,
            report.orphans,
            report.queued,
        )


def next_occurrence(timer: func.TimerRequest) -> datetime | None:
    """When the timer fires next, as the host's schedule status says (``Next``, ISO 8601; a time
    without an offset is UTC); None when it does not say."""
    status = getattr(timer, "schedule_status", None)  # the host's request has it; the abstract type does not say
    text = status.get("Next") if isinstance(status, dict) else None
    if not isinstance(text, str):
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


@bp.route(route="admin/outbox", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def failed_notifications(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """``?state=failed``: the notifications that failed for good, with their last error."""
    if req.params.get("state", DeliveryState.FAILED) != DeliveryState.FAILED:
        raise InvalidInput("state", "only failed notifications are listed")
    items = [failed_notification_out(failure) for failure in administration().failed_notifications(limit_of(req))]
    return json_response(dump(FailedNotificationList(items=items, cursor=None)))


@bp.route(route="admin/outbox/{id}/retry", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def retry_notification(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Send a failed notification again; answers its new state."""
    notification_id = req.route_params["id"]
    state = administration().retry(notification_id)
    return json_response(dump(RetryOut(id=notification_id, state=state)))
