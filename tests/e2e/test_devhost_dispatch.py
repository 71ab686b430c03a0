"""The local host serving the sample app over real HTTP, with its timer and blob trigger."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.storage.blob import BlobServiceClient, ContainerClient

from shared.adapters.storage import azurite_connection_string
from tests.e2e.devhost_process import DevHost, Reply, running_devhost, wait_until

POLL_SECONDS = 0.25
SAMPLE_APP = "tests.e2e.sample_app:app"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sample-app")


@pytest.fixture(scope="module")
def container(azurite: bool) -> Iterator[ContainerClient]:
    """A container of its own for this run, deleted afterwards."""
    service = BlobServiceClient.from_connection_string(azurite_connection_string())
    client = service.create_container(f"devhost-e2e-{uuid.uuid4().hex[:12]}")
    yield client
    client.delete_container()


@pytest.fixture(scope="module")
def host(files: Path, container: ContainerClient) -> Iterator[DevHost]:
    """One host for the module; stopping it with SIGINT must end it cleanly."""
    settings = {
        "SAMPLE_CONTAINER": container.container_name,
        "SAMPLE_TIMER_LOG": str(files / "timer.log"),
        "SAMPLE_BLOB_LOG": str(files / "blob.log"),
        "DEVHOST_BLOB_POLL_SECONDS": str(POLL_SECONDS),
    }
    with running_devhost(SAMPLE_APP, files, settings) as running:
        yield running
        assert running.stop() == 0, running.output()


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_route_values_and_query_reach_the_function(host: DevHost) -> None:
    reply = host.request("GET", "/api/items/42?colour=red&size=")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "application/json"
    assert json.loads(reply.body) == {"id": "42", "query": {"colour": "red", "size": ""}}


def test_a_post_body_comes_back_with_its_content_type(host: DevHost) -> None:
    reply = host.request("POST", "/api/echo", body=b'{"a": 1}', headers={"Content-Type": "application/json"})
    assert (reply.status, reply.body, reply.headers["Content-Type"]) == (200, b'{"a": 1}', "application/json")


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/items/not-a-number", "/items/42"])
def test_an_unknown_route_is_a_404(host: DevHost, path: str) -> None:
    reply = host.request("GET", path)
    assert reply.status == 404
    assert reply.headers["Content-Type"] == "application/problem+json"


def test_a_method_the_route_does_not_accept_is_a_405_with_allow(host: DevHost) -> None:
    reply = host.request("DELETE", "/api/items/42")
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET"


def test_a_raising_function_is_a_500_problem_and_the_host_keeps_serving(host: DevHost) -> None:
    reply = host.request("GET", "/api/boom")
    assert reply.status == 500
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert json.loads(reply.body) == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The function boom raised RuntimeError.",
    }
    assert host.request("GET", "/api/items/1").status == 200
    assert wait_until(lambda: "RuntimeError: connection string" in host.output(), timeout=5)


def test_requests_are_logged_without_bodies_or_query_strings(host: DevHost) -> None:
    host.request("POST", "/api/echo?token=secret-query", body=b"secret-body", headers={"Authorization": "Bearer xyz"})
    assert wait_until(lambda: "POST /api/echo 200" in host.output(), timeout=5)
    output = host.output()
    assert "secret-query" not in output
    assert "secret-body" not in output
    assert "Bearer xyz" not in output


def test_the_timer_fires_every_second(host: DevHost, files: Path) -> None:
    assert wait_until(lambda: len(lines(files / "timer.log")) >= 2, timeout=5), host.output()


def test_the_blob_trigger_fires_once_per_blob_version(host: DevHost, files: Path, container: ContainerClient) -> None:
    calls = files / "blob.log"
    container.upload_blob("notes/first.txt", b"hello")
    assert wait_until(lambda: len(lines(calls)) >= 1, timeout=10), host.output()
    wait_until(lambda: len(lines(calls)) > 1, timeout=4 * POLL_SECONDS)
    assert [json.loads(line) for line in lines(calls)] == [
        {"name": f"{container.container_name}/notes/first.txt", "length": 5, "data": "hello"}
    ]

    container.upload_blob("notes/first.txt", b"hello again", overwrite=True)
    assert wait_until(lambda: len(lines(calls)) >= 2, timeout=10), host.output()
    wait_until(lambda: len(lines(calls)) > 2, timeout=4 * POLL_SECONDS)
    assert [json.loads(line)["data"] for line in lines(calls)] == ["hello", "hello again"]


def exchange(host: DevHost, request: bytes) -> Reply:
    """Write ``request`` as raw bytes on a fresh connection and read the one answer."""
    with socket.create_connection(("127.0.0.1", host.port), timeout=5) as connection:
        connection.sendall(request)
        response = http.client.HTTPResponse(connection)
        response.begin()
        return Reply(response.status, response.headers, response.read())


def raw_request(host: DevHost, head: str, body: bytes = b"") -> bytes:
    """A request whose request line and header lines are ``head`` (``\\n``-separated), sent to
    ``host`` with its ``Host``."""
    lines = [*head.splitlines(), f"Host: 127.0.0.1:{host.port}"]
    return "".join(f"{line}\r\n" for line in lines).encode() + b"\r\n" + body


def problem_of(reply: Reply) -> dict[str, object]:
    assert reply.headers["Content-Type"] == "application/problem+json", (reply.status, reply.body)
    document = json.loads(reply.body)
    assert document["status"] == reply.status
    return document  # type: ignore[no-any-return]


@pytest.mark.parametrize("method", ["TRACE", "CONNECT", "PROPFIND", "PATCH", "OPTIONS"])
def test_a_method_no_function_registers_on_a_route_is_a_405_problem_naming_the_routes_methods(
    host: DevHost, method: str
) -> None:
    reply = host.request(method, "/api/items/42")
    assert reply.status == 405
    assert reply.headers["Allow"] == "GET"
    assert problem_of(reply)["detail"] == f"/api/items/42 does not accept {method}."


@pytest.mark.parametrize("method", ["TRACE", "PROPFIND"])
def test_any_method_on_a_path_no_route_matches_is_a_404_problem(host: DevHost, method: str) -> None:
    reply = host.request(method, "/api/nothing-here")
    assert reply.status == 404
    problem_of(reply)


def test_a_method_that_is_not_an_http_token_is_a_400_problem(host: DevHost) -> None:
    reply = exchange(host, raw_request(host, "G(E)T /api/items/42 HTTP/1.1"))
    assert reply.status == 400
    problem_of(reply)


@pytest.mark.parametrize(
    "framing",
    [
        "Content-Length: abc",
        "Content-Length: -1",
        "Content-Length: +4",
        "Content-Length: 0x4",
        "Content-Length: 4, 5",
        "Content-Length: 4\nContent-Length: 5",
        "Transfer-Encoding: gzip",
    ],
)
def test_a_body_whose_length_cannot_be_told_is_a_400_problem_and_closes_the_connection(
    host: DevHost, framing: str
) -> None:
    reply = exchange(host, raw_request(host, f"POST /api/echo HTTP/1.1\n{framing}", b"abcd"))
    assert reply.status == 400
    assert reply.headers["Connection"] == "close"
    assert "length" in str(problem_of(reply)["detail"]).lower()


def test_a_malformed_chunk_size_is_a_400_problem(host: DevHost) -> None:
    request = raw_request(host, "POST /api/echo HTTP/1.1\nTransfer-Encoding: chunked", b"4\r\nabcd\r\nzz\r\n")
    reply = exchange(host, request)
    assert reply.status == 400
    problem_of(reply)


def test_a_repeated_content_length_of_one_value_and_a_chunked_body_are_read(host: DevHost) -> None:
    repeated = exchange(host, raw_request(host, "POST /api/echo HTTP/1.1\nContent-Length: 4, 4", b"abcd"))
    chunks = b"2\r\nab\r\n2;x=y\r\ncd\r\n0\r\n\r\n"
    chunked = exchange(host, raw_request(host, "POST /api/echo HTTP/1.1\nTransfer-Encoding: chunked", chunks))
    assert (repeated.status, repeated.body, chunked.status, chunked.body) == (200, b"abcd", 200, b"abcd")


def test_a_body_over_the_hosts_limit_is_a_413_problem_without_being_read(host: DevHost) -> None:
    reply = exchange(host, raw_request(host, f"POST /api/echo HTTP/1.1\nContent-Length: {100 * 2**20 + 1}"))
    assert reply.status == 413
    problem_of(reply)


def test_a_host_header_that_is_not_a_loopback_name_is_a_400_problem(host: DevHost) -> None:
    reply = exchange(host, b"GET /api/items/42 HTTP/1.1\r\nHost: rebound.example\r\n\r\n")
    assert reply.status == 400
    assert reply.headers["Cache-Control"] == "no-store"
    problem_of(reply)


@pytest.mark.parametrize("request_line", [b"GET /api/items/42 HTTP/one", b"GET /api/items/42"], ids=["bad", "HTTP/0.9"])
def test_a_malformed_request_line_or_one_without_a_version_is_a_400_problem(host: DevHost, request_line: bytes) -> None:
    reply = exchange(host, request_line + b"\r\n\r\n")
    assert reply.status == 400
    problem_of(reply)


#: Connections the listen backlog must hold while the host is not accepting.
PENDING_CONNECTIONS = 32


def test_the_listen_backlog_holds_32_connections_the_host_has_not_accepted_yet(host: DevHost) -> None:
    """With the host stopped (SIGSTOP), the kernel alone completes the connections, as many as
    the backlog holds; once the host goes on, each of them is served."""
    connections: list[socket.socket] = []
    host.process.send_signal(signal.SIGSTOP)
    try:
        for _ in range(PENDING_CONNECTIONS):
            connections.append(socket.create_connection(("127.0.0.1", host.port), timeout=2))
    finally:
        host.process.send_signal(signal.SIGCONT)
        try:
            for connection in connections:
                connection.sendall(raw_request(host, "GET /api/items/7 HTTP/1.1\nConnection: close"))
            statuses = []
            for connection in connections:
                response = http.client.HTTPResponse(connection)
                response.begin()
                statuses.append(response.status)
        finally:
            for connection in connections:
                connection.close()
    assert statuses == [200] * PENDING_CONNECTIONS
