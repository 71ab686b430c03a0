"""The staff console, served by the function app itself: its static files and its config document.

Both routes are public by nature, as the portal's (``docs/security.md``): the files are the same
HTML, JavaScript and CSS for everyone and hold no data; the config document names the staff
issuer, the console's public client id, its scopes and the staff's default language, none of them
a secret. Every ticket the console shows comes from the authenticated API with the member's
bearer token, under the staff roles the API checks.

``GET /api/console/{*path}`` serves ``web/console/`` with the portal's rules and headers
(:mod:`functions.http.web_files`); the modules both apps share are at ``/api/common/``
(:mod:`functions.common_files`).
"""

from __future__ import annotations

import os

import azure.functions as func

from functions.http.endpoint import dump
from functions.http.responses import json_response, problem
from functions.http.web_files import WebFolder, redirect
from functions.schemas.service import console_config_out
from shared.config.console import load_console_settings, load_staff_language
from shared.config.env import SettingsError
from shared.domain.sla.policy import SlaPolicy

bp = func.Blueprint()

#: The console's folder of ``web/``, served at ``/api/console/``.
CONSOLE = WebFolder("console", "the console")


def _provider_origin() -> str | None:
    """The staff issuer's origin for the page's ``connect-src``; none while it is not configured."""
    try:
        return load_console_settings(os.environ).authority_origin
    except SettingsError:
        return None


@bp.route(route="console/{*path}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def console_file(req: func.HttpRequest) -> func.HttpResponse:
    """A static file of the console (``index.html`` for the bare path) at its one URL; 304 when
    the browser's copy is current; ``/api/console`` redirects to ``/api/console/``; 404 for
    anything else."""
    path = req.route_params.get("path") or ""
    if CONSOLE.bare(req, path):
        return redirect(CONSOLE.path)
    return CONSOLE.serve(req, path, _provider_origin())


@bp.route(route="console/config.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def console_config_document(req: func.HttpRequest) -> func.HttpResponse:
    """The console's config document (public); 503 naming the setting when sign-in is not
    configured or ``STAFF_LANGUAGE`` is malformed."""
    try:
        settings = load_console_settings(os.environ)
        language = load_staff_language(os.environ)
    except SettingsError as error:
        return problem(503, "Service unavailable", str(error))
    return json_response(
        dump(console_config_out(settings, language, SlaPolicy())), headers={"Cache-Control": "no-cache"}
    )
