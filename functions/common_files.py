"""The browser modules the portal and the console share (sign-in, API client, elements, the
language machinery, dates and working time, SLA badges), served once at ``/api/common/`` from
``web/common/``, with the apps' rules and headers (:mod:`functions.http.web_files`).

Public, like the apps' own files: the same JavaScript for everyone, no data. An app's module
imports them by the relative path that is also their place on disk (``../../common/js/auth.js``
from ``web/console/js/main.js``), so one copy serves both apps and each browser caches it once.
The page's CSP is the one of the page that loads them; their own answers carry the strictest
policy (``connect-src 'self'``).
"""

from __future__ import annotations

import azure.functions as func

from functions.http.web_files import WebFolder

bp = func.Blueprint()

#: The shared modules' folder of ``web/``, served at ``/api/common/``.
COMMON = WebFolder("common", "the shared web modules")


@bp.route(route="common/{*path}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def common_file(req: func.HttpRequest) -> func.HttpResponse:
    """A shared module at its one URL; 304 when the browser's copy is current; 404 for anything
    else (the bare folder included: it has no page)."""
    path = req.route_params.get("path") or ""
    if not path:
        return COMMON.not_found(req)
    return COMMON.serve(req, path, None)
