"""The HTTP listener: a threading stdlib server that hands each request to the dispatcher.

Every method reaches the dispatcher, whether the standard library knows it or not (``TRACE``,
``PROPFIND``, ...): the routes say which they accept. A method that is not an HTTP token, a
request line or header section the standard library cannot parse, and a body whose length
cannot be told (:mod:`devhost.http_framing`) answer 400 (413 for a body over the limit) as
problem documents, and the connection is closed. The listen backlog holds
:data:`LISTEN_BACKLOG` connections the server has not accepted yet, as Kestrel's does.

Each request is logged as one line (method, path without query, status, milliseconds);
bodies, query strings and headers (Authorization included) never reach the log.

Only requests whose ``Host`` names the server by a loopback name (``127.0.0.1``, ``localhost``,
``[::1]``) or by the address it is bound to, with its port, are served; any other is a 400. A web
page cannot then reach the host through a name of its own that resolves to 127.0.0.1 (DNS
rebinding) and, for instance, use the local sign-in as if it were the page's own origin.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from devhost.http_dispatch import HttpDispatcher, IncomingRequest, OutgoingResponse, problem
from devhost.http_framing import BodyFramingError, read_body

LOG = logging.getLogger(__name__)

#: The names of the loopback interface a ``Host`` header may use.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: Connections the kernel completes and queues before the server accepts them (Kestrel's default).
LISTEN_BACKLOG = 512
#: An HTTP method: an RFC 9110 token.
_METHOD = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


class DevHostServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that knows its dispatcher; request threads are daemons."""

    daemon_threads = True
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, address: tuple[str, int], dispatcher: HttpDispatcher) -> None:
        """Bind ``address`` (``(host, 0)`` picks a free port) and serve with ``dispatcher``."""
        self.dispatcher = dispatcher
        super().__init__(address, _RequestHandler)

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the bound socket."""
        address, port = self.server_address[:2]
        host = address.decode() if isinstance(address, bytes) else str(address)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    @property
    def allowed_hosts(self) -> frozenset[str]:
        """The ``Host`` values served (lower case): a loopback name or the bound address (when it
        is not a wildcard such as ``0.0.0.0``) with the bound port; without the port too on 80."""
        address, bound_port = self.server_address[:2]
        host, port = address.decode() if isinstance(address, bytes) else str(address), str(bound_port)
        names = set(LOOPBACK_NAMES)
        if not ipaddress.ip_address(host).is_unspecified:
            names.add(f"[{host}]" if ":" in host else host)
        return frozenset({f"{name}:{port}" for name in names} | (names if port == "80" else set()))


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: DevHostServer
    server_version = "devhost"

    def _serve(self) -> None:
        started = time.perf_counter()
        host = (self.headers.get("Host") or "").strip().lower()
        try:
            response = self._respond(host)
        except BodyFramingError as error:
            self.close_connection = True
            response = problem(error.status, error.detail)
        self._write(response, include_body=self.command != "HEAD")
        LOG.info(
            "%s %s %d %.0fms",
            self.command,
            self.path.partition("?")[0],
            response.status,
            (time.perf_counter() - started) * 1000,
        )

    def _respond(self, host: str) -> OutgoingResponse:
        """The answer to the parsed request; raises BodyFramingError when its body cannot be read."""
        if not _METHOD.fullmatch(self.command):
            self.close_connection = True
            return problem(HTTPStatus.BAD_REQUEST, "The method is not an HTTP token.")
        body = read_body(self.headers, self.rfile)
        if host not in self.server.allowed_hosts:
            return problem(
                HTTPStatus.BAD_REQUEST,
                "Host not allowed: the local host answers only to its loopback address.",
                [("Cache-Control", "no-store")],
            )
        request = IncomingRequest(self.command, self.path, list(self.headers.items()), body, f"http://{host}")
        return self.server.dispatcher.dispatch(request)

    def _write(self, response: OutgoingResponse, *, include_body: bool) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in {"content-length", "transfer-encoding", "connection"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if include_body:
            self.wfile.write(response.body)

    def parse_request(self) -> bool:
        """The stdlib's parse, less HTTP/0.9: a request line without a version is refused with
        400, as Kestrel refuses it (the stdlib would answer it with a bare body)."""
        if not super().parse_request():
            return False
        if self.request_version == "HTTP/0.9":
            self.send_error(HTTPStatus.BAD_REQUEST, explain="The request line must end with the HTTP version.")
            return False
        return True

    def __getattr__(self, name: str) -> Callable[[], None]:
        """The stdlib calls ``do_<METHOD>`` and answers 501 when there is none: every method is
        served here, and the app's routes say which ones they accept."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The stdlib's own refusals (a malformed request line, header lines too long or too
        many, an HTTP version it does not speak: 505) as HTTP/1.1 problem documents, the connection
        closed; the detail is the standard explanation, never the request's text."""
        status = HTTPStatus(code)
        self.close_connection = True
        # A request line that did not parse leaves the stdlib's HTTP/0.9 default, under which no
        # status line or header would be written.
        self.request_version = self.protocol_version
        LOG.warning("%s: refused, %d %s", self.address_string(), status.value, status.phrase)
        self._write(problem(status, explain or status.description), include_body=self.command != "HEAD")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Silence the stdlib's access log: ``_serve`` logs each request its own way."""

    def log_message(self, format: str, *args: object) -> None:
        """Send the stdlib's remaining messages (malformed requests, time-outs) to the log."""
        LOG.warning("%s: %s", self.address_string(), format % args)
