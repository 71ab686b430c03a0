"""``GET /api/tickets/{id}/attachments/{attachment_id}``: a file that came with a customer's mail,
for those who may see the ticket (:mod:`shared.usecases.files`).

The file is always a download (``Content-Disposition: attachment``), never rendered by the
browser in the API's origin: ``nosniff`` and a sandboxing CSP keep an HTML or SVG file inert.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import azure.functions as func

from functions.dependencies import files
from functions.http.endpoint import endpoint
from shared.domain.access import Caller

bp = func.Blueprint()
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]{0,63}/[a-z0-9][a-z0-9.+-]{0,63}")


@bp.route(route="tickets/{id}/attachments/{attachment_id}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@endpoint
def download_attachment(req: func.HttpRequest, caller: Caller) -> func.HttpResponse:
    """The file's bytes, as a download under its original name."""
    stored = files().download(caller, req.route_params["id"], req.route_params["attachment_id"])
    ascii_name = stored.name.encode("ascii", "replace").decode().replace('"', "_").replace("\\", "_")
    return func.HttpResponse(
        stored.content,
        status_code=200,
        mimetype=stored.content_type if _MEDIA_TYPE.fullmatch(stored.content_type) else "application/octet-stream",
        headers={
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(stored.name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
