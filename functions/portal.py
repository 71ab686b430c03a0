"""The customer portal, served by the function app itself: its static files and its config document.

Both routes are public by nature (``docs/security.md``): the files are the same HTML, JavaScript
and CSS for everyone and hold no data; the config document names the identity provider, the
portal's public client id and the scopes it asks for, none of them a secret. Every piece of data
the portal shows comes from the authenticated API with the user's bearer token.

``GET /api/portal/{*path}`` serves ``web/portal/`` with the rules and headers every app's files
share (:mod:`functions.http.web_files`: known types only, one URL per file, strong ``ETag``,
``no-cache``, a strict CSP naming the portal's identity provider, HSTS over HTTPS), and turns the
ticket links of mails into the ticket's page.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import azure.functions as func

from functions.http.endpoint import dump
from functions.http.responses import json_response, problem
from functions.http.web_files import WebFolder, redirect
from functions.schemas.service import portal_config_out
from shared.config.env import SettingsError
from shared.config.portal import PortalSettings, load_portal_settings
from shared.domain.sla.policy import SlaPolicy
from shared.domain.ticket import TICKET_ID_IN_TEXT

bp = func.Blueprint()

#: The portal's folder of ``web/``, served at ``/api/portal/`` (:mod:`functions.http.web_files`).
PORTAL = WebFolder("portal", "the portal")
#: The portal's files, shipped in the deployment package.
PORTAL_ROOT = PORTAL.folder
#: The portal's canonical path: the page is served there, and redirects point at it.
PORTAL_PATH = PORTAL.path


def _portal_settings() -> PortalSettings | None:
    try:
        return load_portal_settings(os.environ)
    except SettingsError:
        return None


#: The ticket links in mails (``PORTAL_URL`` + ``/tickets/{id}``, :mod:`shared.usecases.notifier`): they
#: are redirected to the portal's page of that ticket (``#/requests/{id}``). The id has the shape
#: of :func:`shared.domain.ticket.format_ticket_id`, as the portal checks it.
_MAILED_TICKET = re.compile(rf"tickets/(?P<id>{TICKET_ID_IN_TEXT})")


@bp.route(route="portal/{*path}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def portal_file(req: func.HttpRequest) -> func.HttpResponse:
    """A static file of the portal (``index.html`` for the bare path); 304 when the browser's
    copy is current; a ticket link from a mail (``tickets/{id}``, with or without a trailing
    slash) redirects to the ticket's page; 404 for anything else, aliases of a file included
    (``portal//``, ``index.html/``): each file has one URL."""
    path = req.route_params.get("path") or ""
    if PORTAL.bare(req, path):
        # ``/api/portal`` without the slash: the page's relative URLs need ``/api/portal/``.
        return redirect(PORTAL_PATH)
    linked = _MAILED_TICKET.fullmatch(path)
    if linked and urlsplit(req.url).path.rstrip("/").endswith(f"/portal/{path}"):
        return redirect(f"{PORTAL_PATH}#/requests/{linked['id']}", status=302)
    settings = _portal_settings()
    return PORTAL.serve(req, path, None if settings is None else settings.authority_origin)


@bp.route(route="portal/config.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def portal_config_document(req: func.HttpRequest) -> func.HttpResponse:
    """The portal's config document (public); 503 naming the setting when sign-in is not configured."""
    try:
        settings = load_portal_settings(os.environ)
    except SettingsError as error:
        return problem(503, "Service unavailable", str(error))
    return json_response(dump(portal_config_out(settings, SlaPolicy())), headers={"Cache-Control": "no-cache"})
