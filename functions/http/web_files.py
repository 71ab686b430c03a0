"""The browser apps' static files, served by the function app: one implementation for the
customer portal (``/api/portal/``), the staff console (``/api/console/``) and the modules they
share (``/api/common/``), each a folder under ``web/`` whose URL tree mirrors it.

A :class:`WebFolder` answers only the files found under its folder at start that have a known
content type (a fixed table; anything else is 404, so no path reaches outside the folder), each
at its one URL (aliases such as ``portal//`` or ``index.html/`` are 404), with a strong ``ETag``
(304 on ``If-None-Match``), ``Cache-Control: no-cache`` (the browser keeps the file and
revalidates it, so a deployment is seen at once without fingerprinted names) and a strict
Content-Security-Policy: scripts, styles and images only from the app itself, connections only
to the app and to the app's identity provider, no frames, no inline code, Trusted Types for
every script sink. ``Strict-Transport-Security`` goes on every answer to an HTTPS request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import azure.functions as func

from functions.http.responses import problem

#: The folder of the browser apps, shipped in the deployment package.
WEB_ROOT = Path(__file__).resolve().parents[2] / "web"
#: HSTS for answers to HTTPS requests: a year, as the browser then never tries plain HTTP.
HSTS = "max-age=31536000"
#: The page a folder's bare path answers.
INDEX = "index.html"

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
    """A file of an app: its bytes, content type and strong ETag (a digest of the bytes)."""

    body: bytes
    content_type: str
    etag: str


@cache
def assets(root: Path) -> dict[str, Asset]:
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


def content_security_policy(provider_origin: str | None) -> str:
    """A page's CSP: nothing but the app's own scripts, styles and images; ``fetch`` to the app
    and to the identity provider's origin (discovery and token endpoints) when there is one; no
    framing, no ``<base>``, forms only to the app itself."""
    connect = "'self'" if provider_origin is None else f"'self' {provider_origin}"
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


def transport_headers(req: func.HttpRequest) -> dict[str, str]:
    """``Strict-Transport-Security`` when the request came over HTTPS (the URL's scheme, or
    ``X-Forwarded-Proto`` from the front end that ended TLS); nothing over plain HTTP (local)."""
    forwarded = (req.headers.get("X-Forwarded-Proto") or "").split(",")[0].strip().lower()
    secure = urlsplit(req.url).scheme.lower() == "https" or forwarded == "https"
    return {"Strict-Transport-Security": HSTS} if secure else {}


def redirect(location: str, status: int = 301) -> func.HttpResponse:
    """A redirect to ``location`` (an absolute path the code names, never one from the request)."""
    return func.HttpResponse(status_code=status, headers={"Location": location, "Cache-Control": "no-store"})


@dataclass(frozen=True)
class WebFolder:
    """One folder of ``web/`` served under ``/api/<name>/``: ``name`` is both the folder and the
    route's first segment; ``title`` names it in a 404's detail."""

    name: str
    title: str
    root: Path | None = None

    @property
    def folder(self) -> Path:
        return self.root or WEB_ROOT / self.name

    @property
    def path(self) -> str:
        """The folder's canonical path (``routePrefix`` of ``host.json`` + the route): the page
        is served there, and redirects point at it."""
        return f"/api/{self.name}/"

    def files(self) -> dict[str, Asset]:
        return assets(self.folder)

    def addressed(self, req: func.HttpRequest, path: str) -> bool:
        """Whether the URL itself names ``path`` under the folder (the route drops leading and
        trailing slashes from ``path``, so ``portal//`` would otherwise be ``portal/``)."""
        requested: str = urlsplit(req.url).path
        return requested.endswith(f"/{self.name}/{path}")

    def bare(self, req: func.HttpRequest, path: str) -> bool:
        """Whether the request is for the folder without its slash (``/api/portal``)."""
        requested: str = urlsplit(req.url).path
        return not path and requested.endswith(f"/{self.name}")

    def not_found(self, req: func.HttpRequest) -> func.HttpResponse:
        headers = {"X-Content-Type-Options": "nosniff", **transport_headers(req)}
        return problem(404, "Not found", f"no such file in {self.title}", headers=headers)

    def serve(self, req: func.HttpRequest, path: str, provider_origin: str | None) -> func.HttpResponse:
        """The file at ``path`` (``index.html`` for the bare path) at its one URL, 304 when the
        browser's copy is current, 404 for anything else."""
        asset = self.files().get(path or INDEX) if self.addressed(req, path) else None
        if asset is None:
            return self.not_found(req)
        headers = {
            "ETag": asset.etag,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Content-Security-Policy": content_security_policy(provider_origin),
            **transport_headers(req),
        }
        if asset.etag in {tag.strip() for tag in (req.headers.get("If-None-Match") or "").split(",")}:
            return func.HttpResponse(status_code=304, headers=headers)
        headers["Content-Type"] = asset.content_type
        return func.HttpResponse(asset.body, status_code=200, headers=headers)
