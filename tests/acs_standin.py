"""A local stand-in for the Azure Communication Services Email data plane (REST API 2025-09-01),
so the real SDK can be driven over real HTTPS in tests.

What it implements:

- ``POST /emails:send?api-version=2025-09-01``: checks the HMAC-SHA256 signature the SDK makes
  from a connection string's access key (``x-ms-date``, ``x-ms-content-sha256`` against the
  body, ``Authorization``: 401 when wrong), the api-version (400), the JSON body's required
  members (``senderAddress``, ``content.subject``, a non-empty ``recipients.to``: 400), then
  answers 202 with ``Operation-Location``, ``operation-id`` and an ``EmailSendResult`` body
  (``{"id", "status": "Running"}``). The ``Operation-Id`` request header names the operation
  (one is made up when absent); a POST naming an operation it already has answers 202 for that
  operation and sends nothing again (an assumption: the service's behaviour is not documented).
- ``GET /emails/operations/{id}?api-version=...``: ``Running`` for the first
  ``running_polls`` polls (with ``retry-after`` when ``poll_retry_after`` is set), then the
  terminal ``outcome``: ``Succeeded``, or ``Failed``/``Canceled`` with an ``error`` object; 404
  for an unknown operation.
- Errors in the service's shape: ``{"error": {"code", "message"}}`` and ``x-ms-error-code``.
- :meth:`AcsStandIn.answer_next_send` makes the next POSTs answer a status of the test's choice
  (429 with ``Retry-After``, 500, 400, ...).

Every request is recorded (:attr:`AcsStandIn.requests`), with the time it arrived.

TLS: the SDK's connection-string path drops the endpoint's scheme and always speaks https, so
the stand-in serves TLS with a certificate from a throwaway test CA (``trustme``); the test
trusts that CA through ``REQUESTS_CA_BUNDLE``, which azure-core's requests transport honours.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

API_VERSION = "2025-09-01"
CLOCK_SKEW = timedelta(minutes=15)
_OPERATION_PREFIX = "/emails/operations/"


@dataclass(frozen=True)
class Recorded:
    """One request as the stand-in received it: header names in lower case, the body parsed
    as JSON (None when empty), ``at`` from ``time.monotonic()``."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class Operation:
    """A send operation: the message it accepted and how many times it was polled."""

    id: str
    message: dict[str, Any]
    polls: int = 0


@dataclass(frozen=True)
class CannedAnswer:
    """What the next POST answers instead of accepting the mail."""

    status: int
    code: str
    retry_after: int | None = None


class AcsStandIn:
    """The stand-in on ``127.0.0.1`` and a free port, serving in a thread between
    :meth:`start` and :meth:`stop` (or use :func:`running_standin`)."""

    def __init__(self, ca: trustme.CA) -> None:
        self.access_key = base64.b64encode(secrets.token_bytes(32)).decode()
        self.running_polls = 1
        self.poll_retry_after: int | None = None
        self.outcome = "Succeeded"
        self.requests: list[Recorded] = []
        self.operations: dict[str, Operation] = {}
        self._canned: list[CannedAnswer] = []
        self._lock = threading.Lock()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._serve, name="acs-standin", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def connection_string(self, scheme: str = "https", access_key: str | None = None) -> str:
        """A connection string to this stand-in, the way the Azure portal shows one."""
        return f"endpoint={scheme}://127.0.0.1:{self.port}/;accesskey={access_key or self.access_key}"

    def start(self) -> None:
        self._thread.start()

    def _serve(self) -> None:
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def answer_next_send(self, status: int, code: str, retry_after: int | None = None) -> None:
        """Make the next POST not yet told otherwise answer ``status`` with this error code."""
        with self._lock:
            self._canned.append(CannedAnswer(status, code, retry_after))

    def sends(self) -> list[Recorded]:
        """The POSTs to ``/emails:send`` received so far."""
        return [request for request in self.requests if request.method == "POST"]

    def polls(self) -> list[Recorded]:
        """The GETs of operation status received so far."""
        return [request for request in self.requests if request.method == "GET"]

    def handle(self, request: Recorded, signed: bool) -> tuple[int, dict[str, str], Any]:
        """Answer one request: status, headers, JSON body."""
        with self._lock:
            self.requests.append(request)
            if not signed:
                return _error(401, "Denied", "the request's HMAC signature does not match")
            if request.query.get("api-version") != API_VERSION:
                return _error(400, "UnsupportedApiVersion", f"api-version must be {API_VERSION}")
            if request.method == "POST" and request.path == "/emails:send":
                return self._send(request)
            if request.method == "GET" and request.path.startswith(_OPERATION_PREFIX):
                return self._poll(request.path.removeprefix(_OPERATION_PREFIX))
            return _error(404, "NotFound", f"no route for {request.method} {request.path}")

    def _send(self, request: Recorded) -> tuple[int, dict[str, str], Any]:
        if self._canned:
            canned = self._canned.pop(0)
            status, headers, body = _error(canned.status, canned.code, f"answered {canned.status} as told")
            if canned.retry_after is not None:
                headers["Retry-After"] = str(canned.retry_after)
            return status, headers, body
        problem = _invalid_message(request.body)
        if problem:
            return _error(400, "InvalidRequest", problem)
        operation_id = request.headers.get("operation-id") or str(uuid.uuid4())
        operation = self.operations.setdefault(operation_id, Operation(operation_id, request.body))
        headers = {
            "Operation-Location": f"{self.endpoint}{_OPERATION_PREFIX}{operation.id}?api-version={API_VERSION}",
            "operation-id": operation.id,
        }
        return 202, headers, {"id": operation.id, "status": "Running"}

    def _poll(self, operation_id: str) -> tuple[int, dict[str, str], Any]:
        operation = self.operations.get(operation_id)
        if operation is None:
            return _error(404, "NotFound", f"no operation {operation_id}")
        operation.polls += 1
        if operation.polls <= self.running_polls:
            headers = {} if self.poll_retry_after is None else {"retry-after": str(self.poll_retry_after)}
            return 200, headers, {"id": operation.id, "status": "Running"}
        if self.outcome == "Succeeded":
            return 200, {}, {"id": operation.id, "status": "Succeeded"}
        error = {"code": "EmailDropped", "message": "Email was dropped after several attempts to deliver."}
        return 200, {}, {"id": operation.id, "status": self.outcome, "error": error}

    def signature_matches(self, method: str, path_and_query: str, headers: dict[str, str], body: bytes) -> bool:
        """The ACS HMAC-SHA256 scheme: the signature over ``VERB\\npath?query\\ndate;host;hash``
        with the access key, a body hash that matches, a date within 15 minutes."""
        date, host, content_hash = (headers.get(name, "") for name in ("x-ms-date", "host", "x-ms-content-sha256"))
        try:
            sent_at = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return False
        if abs(datetime.now(UTC) - sent_at) > CLOCK_SKEW:
            return False
        if content_hash != base64.b64encode(hashlib.sha256(body).digest()).decode():
            return False
        to_sign = f"{method}\n{path_and_query}\n{date};{host};{content_hash}"
        digest = hmac.new(base64.b64decode(self.access_key), to_sign.encode(), hashlib.sha256).digest()
        expected = (
            "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature="
            + base64.b64encode(digest).decode()
        )
        return hmac.compare_digest(headers.get("authorization", ""), expected)


@contextmanager
def running_standin(ca: trustme.CA) -> Iterator[AcsStandIn]:
    """A started stand-in, stopped on exit."""
    standin = AcsStandIn(ca)
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()


def write_ca_bundle(ca: trustme.CA, directory: Path) -> Path:
    """The test CA's certificate as a PEM file, for ``REQUESTS_CA_BUNDLE``."""
    path = directory / "acs-standin-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def _handler_for(standin: AcsStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self._answer()

        def do_GET(self) -> None:
            self._answer()

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads :attr:`AcsStandIn.requests` instead."""

        def _answer(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            parts = urlsplit(self.path)
            request = Recorded(
                method=self.command,
                path=parts.path,
                query={name: values[-1] for name, values in parse_qs(parts.query).items()},
                headers=headers,
                body=_json_or_none(raw),
                at=time.monotonic(),
            )
            signed = standin.signature_matches(self.command, self.path, headers, raw)
            status, reply_headers, body = standin.handle(request, signed)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("x-ms-request-id", str(uuid.uuid4()))
            for name, value in reply_headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

    return Handler


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _error(status: int, code: str, message: str) -> tuple[int, dict[str, str], Any]:
    return status, {"x-ms-error-code": code}, {"error": {"code": code, "message": message}}


def _invalid_message(body: Any) -> str | None:
    """What makes ``body`` an invalid EmailMessage, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if not body.get("senderAddress"):
        return "senderAddress is required"
    if not isinstance(body.get("content"), dict) or not body["content"].get("subject"):
        return "content.subject is required"
    recipients = body.get("recipients")
    if not isinstance(recipients, dict) or not recipients.get("to"):
        return "recipients.to needs at least one address"
    if not all(isinstance(entry, dict) and entry.get("address") for entry in recipients["to"]):
        return "every recipient needs an address"
    return None
