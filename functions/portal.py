"""The customer portal, served by the function app itself: its static files and its config document.

Both routes are public by nature (``docs/security.md``): the files are the same HTML, JavaScript
and CSS for everyone and hold no data; the config document names the identity provider, the
portal's public client id and the scopes it asks for, none of them a secret. Every piece of data
the portal shows comes from the authenticated API with the user's bearer token.

``GET /api/portal/{*path}`` answers only the files under ``portal/`` that have a known content
type (a fixed table; anything else is 404, so no path can reach outside the folder), each with
a strong ``ETag`` (304 on ``If-None-Match``), ``Cache-Control: no-cache`` (the browser keeps the
file and revalidates it, so a deployment is seen at once without fingerprinted names) and a
strict Content-Security-Policy: scripts, styles and images only from the app itself, connections
only to the app and to the identity provider, no frames, no inline code.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import azure.functions as func

from functions.http.endpoint import dump
from functions.http.responses import json_response, problem
from functions.schemas.service import portal_config_out
from shared.config.env import SettingsError
from shared.config.portal import PortalSettings, load_portal_settings
from shared.domain.sla.policy import SlaPolicy
from shared.domain.ticket import TICKET_ID_IN_TEXT

bp = func.Blueprint()

#: The portal's files, shipped in the deployment package.
PORTAL_ROOT = Path(__file__).resolve().parent.parent / "portal"
#: The page a bare ``/api/portal/`` answers.
INDEX = "index.html"
#: The portal's canonical path (``routePrefix`` of ``host.json`` + the route): the page is served
#: there and at ``index.html`` under it only, and redirects point at it (never at a path taken
#: from the request, which could be ``//host/...``).
PORTAL_PATH = "/api/portal/"
#: HSTS for answers to HTTPS requests: a year, as the browser then never tries plain HTTP.
HSTS = "max-age=31536000"

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".woff2": "font/woff2",
}


@dataclass(frozen=True)
class Asset:
    """A file of the portal: its bytes, content type and strong ETag (a digest of the bytes)."""

    body: bytes
    content_type: str
    etag: str


@cache
def assets(root: Path = PORTAL_ROOT) -> dict[str, Asset]:
    """Every servable file under ``root`` by its ``/``-separated relative path, read once per
    worker. Hidden files and files of an unknown type are left out."""
    found: dict[str, Asset] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        content_type = CONTENT_TYPES.get(path.suffix.lower())
        if not path.is_file() or content_type is None or any(part.startswith(".") for part in relative.split("/")):
            continue
        body = path.read_bytes()
        found[relative] = Asset(body, content_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
    return found


def content_security_policy(settings: PortalSettings | None) -> str:
    """The page's CSP: nothing but the app's own scripts, styles and images; ``fetch`` to the
    app and to the identity provider's origin (discovery and token endpoints); no framing, no
    ``<base>``, forms only to the app itself."""
    connect = "'self'" if settings is None else f"'self' {settings.authority_origin}"
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            f"connect-src {connect}",
            "manifest-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "require-trusted-types-for 'script'",
        )
    )


def _portal_settings() -> PortalSettings | None:
    try:
        return load_portal_settings(os.environ)
    except SettingsError:
        return None


#: The ticket links in mails (``PORTAL_URL`` + ``/tickets/{id}``, :mod:`shared.usecases.notifier`): they
#: are redirected to the portal's page of that ticket (``#/requests/{id}``). The id has the shape
#: of :func:`shared.domain.ticket.format_ticket_id`, as the portal checks it.
_MAILED_TICKET = re.compile(rf"tickets/(?P<id>{TICKET_ID_IN_TEXT})")


def _transport_headers(req: func.HttpRequest) -> dict[str, str]:
    """``Strict-Transport-Security`` when the request came over HTTPS (the URL's scheme, or
    ``X-Forwarded-Proto`` from the front end that ended TLS); nothing over plain HTTP (local)."""
    forwarded = (req.headers.get("X-Forwarded-Proto") or "").split(",")[0].strip().lower()
    secure = urlsplit(req.url).scheme.lower() == "https" or forwarded == "https"
    return {"Strict-Transport-Security": HSTS} if secure else {}


def _not_found(req: func.HttpRequest) -> func.HttpResponse:
    headers = {"X-Content-Type-Options": "nosniff", **_transport_headers(req)}
    return problem(404, "Not found", "no such file in the portal", headers=headers)


@bp.route(route="portal/{*path}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def portal_file(req: func.HttpRequest) -> func.HttpResponse:
    """A static file of the portal (``index.html`` for the bare path); 304 when the browser's
    copy is current; a ticket link from a mail (``tickets/{id}``, with or without a trailing
    slash) redirects to the ticket's page; 404 for anything else, aliases of a file included
    (``portal//``, ``index.html/``): each file has one URL."""
    path = req.route_params.get("path") or ""
    requested = urlsplit(req.url).path
    if not path and requested.endswith("/portal"):
        # ``/api/portal`` without the slash: the page's relative URLs need ``/api/portal/``.
        return func.HttpResponse(status_code=301, headers={"Location": PORTAL_PATH, "Cache-Control": "no-store"})
    linked = _MAILED_TICKET.fullmatch(path)
    if linked and requested.rstrip("/").endswith(f"/portal/{path}"):
        location = f"{PORTAL_PATH}#/requests/{linked['id']}"
        return func.HttpResponse(status_code=302, headers={"Location": location, "Cache-Control": "no-store"})
    # The route drops leading and trailing slashes from ``path``: the URL itself must name the file.
    asset = assets().get(path or INDEX) if requested.endswith(f"/portal/{path}") else None
    if asset is None:
        return _not_found(req)
    headers = {
        "ETag": asset.etag,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Content-Security-Policy": content_security_policy(_portal_settings()),
        **_transport_headers(req),
    }
    if asset.etag in {tag.strip() for tag in (req.headers.get("If-None-Match") or "").split(",")}:
        return func.HttpResponse(status_code=304, headers=headers)
    headers["Content-Type"] = asset.content_type
    return func.HttpResponse(asset.body, status_code=200, headers=headers)


@bp.route(route="portal/config.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def portal_config_document(req: func.HttpRequest) -> func.HttpResponse:
    """The portal's config document (public); 503 naming the setting when sign-in is not configured."""
    try:
        settings = load_portal_settings(os.environ)
    except SettingsError as error:
        return problem(503, "Service unavailable", str(error))
    return json_response(dump(portal_config_out(settings, SlaPolicy())), headers={"Cache-Control": "no-cache"})
