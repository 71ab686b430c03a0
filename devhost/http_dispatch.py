"""HTTP triggers: from a request's method and path to a function, and from what the function
returns to the response.

Requests are served under ``/<routePrefix>/``. A path no route matches gets 404; a path that
routes match only for other methods gets 405 with an ``Allow`` header; a function that raises
gets 500. These errors are RFC 9457 problem documents (``application/problem+json``) that name
at most the exception's class: its message and traceback go to the log only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import azure.functions as func
from azure.functions.decorators.function_app import Function
from azure.functions.decorators.http import HttpTrigger

from devhost.invocation import invoke, name_of, typed_trigger
from devhost.routes import RouteTemplate

LOG = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class IncomingRequest:
    """An HTTP request as the server read it."""

    method: str
    target: str
    """The path and query as sent, percent-encoded: ``/api/items/5?x=1``."""
    headers: Headers
    body: bytes
    base_url: str
    """Scheme and authority the client used: ``http://127.0.0.1:7071``."""


@dataclass(frozen=True)
class OutgoingResponse:
    """What the server writes back; the server adds ``Content-Length``."""

    status: int
    headers: Headers
    body: bytes


#: A handler of the local host's own, mounted beside the app's functions.
LocalHandler = Callable[[IncomingRequest], OutgoingResponse]


@dataclass(frozen=True)
class HttpRoute:
    """An HTTP-triggered function, its route template and its methods (empty: any)."""

    template: RouteTemplate
    methods: frozenset[str]
    function: Function

    def allows(self, method: str) -> bool:
        """Whether the route serves ``method`` (upper case)."""
        return not self.methods or method in self.methods


def http_routes(functions: Sequence[Function]) -> list[HttpRoute]:
    """A route for each HTTP-triggered function whose template parses; the others are logged
    as not served."""
    routes = []
    for function in functions:
        trigger = typed_trigger(function, HttpTrigger)
        route = trigger.route or name_of(function)
        try:
            template = RouteTemplate(route)
        except ValueError as error:
            LOG.error("%s: not served, bad route %r: %s", name_of(function), route, error)
            continue
        methods = frozenset(str(getattr(method, "value", method)).upper() for method in trigger.methods or ())
        routes.append(HttpRoute(template, methods, function))
    return routes


class HttpDispatcher:
    """Routes requests to functions the way the Functions host does."""

    def __init__(
        self, routes: Sequence[HttpRoute], route_prefix: str, mounts: Mapping[str, LocalHandler] | None = None
    ) -> None:
        """Serve ``routes`` under ``/<route_prefix>/`` (at the root when it is empty); more
        specific templates win (literal segments before constrained parameters, before plain
        parameters, before catch-alls), ties going to the template first in text order.
        ``mounts`` are the local host's own handlers (the local sign-in), each answering every
        request whose path is its key or lies under it; they are not functions of the app."""
        self.routes = sorted(routes, key=lambda route: (route.template.precedence, route.template.template.lower()))
        self.route_prefix = route_prefix.strip("/")
        self.mounts = {"/" + prefix.strip("/"): handler for prefix, handler in (mounts or {}).items()}

    def dispatch(self, request: IncomingRequest) -> OutgoingResponse:
        """The response to ``request``; never raises for a function's failure."""
        method = request.method.upper()
        split = urlsplit(request.target)
        for prefix, handler in self.mounts.items():
            if split.path == prefix or split.path.startswith(prefix + "/"):
                return handler(request)
        path = self._route_path(split.path)
        matches = [] if path is None else [(route, route.template.match(path)) for route in self.routes]
        found = [(route, values) for route, values in matches if values is not None]
        if not found:
            return problem(HTTPStatus.NOT_FOUND, f"No function is routed at {split.path}.")
        for route, values in found:
            if route.allows(method):
                return self._call(route.function, request, values, split.query)
        allowed = sorted(set().union(*(route.methods for route, _ in found)))
        return problem(
            HTTPStatus.METHOD_NOT_ALLOWED,
            f"{split.path} does not accept {method}.",
            [("Allow", ", ".join(allowed))],
        )

    def _route_path(self, path: str) -> str | None:
        """The part of ``path`` after the route prefix, or None when it lies outside it."""
        path = path.lstrip("/")
        if not self.route_prefix:
            return path
        head, _, rest = path.partition("/")
        return rest if head.lower() == self.route_prefix.lower() else None

    def _call(
        self, function: Function, request: IncomingRequest, route_values: dict[str, str], query: str
    ) -> OutgoingResponse:
        name = name_of(function)
        http_request = func.HttpRequest(
            request.method.upper(),
            request.base_url + request.target,
            headers=_joined([(header.lower(), value) for header, value in request.headers], ", "),
            params=_joined(parse_qsl(query, keep_blank_values=True), ","),
            route_params=route_values,
            body=request.body,
        )
        try:
            return _response_of(invoke(function, http_request))
        except Exception as error:
            LOG.exception("%s failed", name)
            return problem(HTTPStatus.INTERNAL_SERVER_ERROR, f"The function {name} raised {type(error).__name__}.")


def problem(status: HTTPStatus, detail: str, headers: Headers | None = None) -> OutgoingResponse:
    """An RFC 9457 problem document with the status's standard title."""
    document = {"type": "about:blank", "title": status.phrase, "status": status.value, "detail": detail}
    return OutgoingResponse(
        status.value,
        [("Content-Type", PROBLEM_JSON), *(headers or [])],
        json.dumps(document).encode(),
    )


def _response_of(result: Any) -> OutgoingResponse:
    """The response for what an HTTP function returned: an HttpResponse, or a str (200,
    ``text/plain``), as the Python worker accepts."""
    if isinstance(result, str):
        result = func.HttpResponse(result)
    if not isinstance(result, func.HttpResponse):
        raise TypeError(f"an HTTP function must return an HttpResponse or a str, not {type(result).__name__}")
    headers: Headers = list(result.headers.items())
    if not any(name.lower() == "content-type" for name, _ in headers):
        mimetype = result.mimetype
        headers.append(
            ("Content-Type", f"{mimetype}; charset={result.charset}" if mimetype.startswith("text/") else mimetype)
        )
    return OutgoingResponse(result.status_code, headers, result.get_body() or b"")


def _joined(pairs: Sequence[tuple[str, str]], separator: str) -> dict[str, str]:
    """A mapping from pairs, the values of a repeated name joined by ``separator``, as the
    Functions host hands headers and query parameters to the worker."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        joined[name] = f"{joined[name]}{separator}{value}" if name in joined else value
    return joined
