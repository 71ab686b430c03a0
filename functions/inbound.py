"""Mail coming in: the blob trigger, the net under it, the retention purge, and their administration.

* ``ingest_inbound_mail``: each raw message the mailbox connector writes into ``inbound-email``
  (Event Grid source on Flex Consumption; the local host polls) is taken in by the intake, which
  never raises for a bad mail: it records an outcome instead (:mod:`shared.usecases.intake`).
* ``quarantine_poisoned_mail``: a blob the host still gave up on lands on the queue
  ``webjobs-blobtrigger-poison``; it is recorded as quarantined, so no mail is ever lost.
* ``purge_inbound_mail`` (``%INBOUND_PURGE_SCHEDULE%``): raw mail past ``INBOUND_RETENTION_DAYS``.
* ``GET /api/admin/inbound?outcome=&cursor=`` lists outcomes; ``POST /api/admin/inbound/{id}/release``
  takes a held mail (or one quarantined as a suspected loop) in as a customer's (``admin`` role).
"""

from __future__ import annotations

import json
import logging

import azure.functions as func

from functions.dependencies import administration, intake
from functions.http.endpoint import admin_endpoint, body_of, cursor_of, dump, limit_of
from functions.http.responses import json_response
from functions.schemas.admin import InboundMailList, ReleaseMail, inbound_mail_out
from shared.adapters.storage_layout import BLOB_POISON_QUEUE, INBOUND_CONTAINER
from shared.config.inbound import MAIL_CONNECTION
from shared.domain.access import Principal, handle_of
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.inbound.record import Outcome, is_mail_id

bp = func.Blueprint()
logger = logging.getLogger(__name__)


@bp.blob_trigger(
    arg_name="blob",
    path=f"{INBOUND_CONTAINER}/{{name}}",
    connection=MAIL_CONNECTION,
    source=func.BlobSource.EVENT_GRID,
)
def ingest_inbound_mail(blob: func.InputStream) -> None:
    """Take in one raw message; its outcome is recorded (the blob's bytes are read by the intake,
    which checks the size before downloading)."""
    intake().ingest(_blob_name(blob.name or ""))


@bp.queue_trigger(arg_name="message", queue_name=BLOB_POISON_QUEUE, connection=MAIL_CONNECTION)
def quarantine_poisoned_mail(message: func.QueueMessage) -> None:
    """Record a raw message the host gave up on as quarantined (other containers' poison is not ours)."""
    try:
        report = json.loads(message.get_body())
    except ValueError:
        logger.warning("poison message %s is not JSON; left alone", message.id)
        return
    if isinstance(report, dict) and report.get("ContainerName") == INBOUND_CONTAINER and report.get("BlobName"):
        intake().quarantine_poisoned(str(report["BlobName"]))


@bp.timer_trigger(arg_name="timer", schedule="%INBOUND_PURGE_SCHEDULE%", run_on_startup=False, use_monitor=True)
def purge_inbound_mail(timer: func.TimerRequest) -> None:
    """Delete raw mail past its retention period."""
    deleted = intake().purge()
    if deleted:
        logger.info("inbound purge: %d raw messages deleted", deleted)


@bp.route(route="admin/inbound", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def inbound_mail(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Received mail and its outcome, newest first; ``?outcome=`` keeps one outcome."""
    page = administration().received_mail(_outcome_of(req), limit=limit_of(req), cursor=cursor_of(req))
    items = [inbound_mail_out(record) for record in page.items]
    return json_response(dump(InboundMailList(items=items, cursor=page.cursor)))


@bp.route(route="admin/inbound/{id}/release", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
@admin_endpoint
def release_inbound_mail(req: func.HttpRequest, caller: Principal) -> func.HttpResponse:
    """Take a held mail (or one quarantined as a suspected loop) in as the customer's named in the
    body; answers its new record (409 for any other mail)."""
    mail_id = req.route_params["id"]
    if not is_mail_id(mail_id):
        raise NotFound("no such mail")
    body = body_of(req, ReleaseMail)
    try:
        record = intake().release(mail_id, body.customer_id, handle_of(caller))
    except InvalidInput as error:
        if error.field == "id":
            raise NotFound("no such mail") from None
        raise
    return json_response(dump(inbound_mail_out(record)))


def _blob_name(path: str) -> str:
    """The blob's name within ``inbound-email`` (the host names it ``container/name``)."""
    return path.removeprefix(f"{INBOUND_CONTAINER}/")


def _outcome_of(req: func.HttpRequest) -> Outcome | None:
    raw = req.params.get("outcome")
    if raw is None:
        return None
    try:
        return Outcome(raw)
    except ValueError:
        raise InvalidInput("outcome", f"must be one of {', '.join(o.value for o in Outcome)}") from None
