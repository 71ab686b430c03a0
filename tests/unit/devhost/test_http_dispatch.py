"""Requests reach the routed function as real HttpRequests, and what it returns (or raises)
becomes the response: without sockets, through the dispatcher alone."""

from __future__ import annotations

import json

import azure.functions as func
import pytest

from devhost.http_dispatch import HttpDispatcher, IncomingRequest, OutgoingResponse, http_routes

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.route(route="items/{id:int}", methods=["GET"])
def item(req: func.HttpRequest) -> func.HttpResponse:
    seen = {
        "method": req.method,
        "url": req.url,
        "route": dict(req.route_params),
        "query": dict(req.params),
        "accept": req.headers.get("accept"),
    }
    return func.HttpResponse(json.dumps(seen), mimetype="application/json")


@app.route(route="items/new", methods=["GET"])
def new_item(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse("the form for a new item")


@app.route(route="items/{id:int}", methods=["PUT", "DELETE"])
def change_item(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(status_code=204)


@app.route(route="echo", methods=["POST"])
async def echo(req: func.HttpRequest) -> func.HttpResponse:
    return func.HttpResponse(req.get_body(), mimetype="application/octet-stream", headers={"X-Echo": "1"})


@app.route(route="plain")
def plain(req: func.HttpRequest) -> str:
    return "just text"


@app.route(route="boom")
def boom(req: func.HttpRequest) -> func.HttpResponse:
    raise RuntimeError("database password is hunter2")


@app.route(route="wrong")
def wrong(req: func.HttpRequest) -> int:
    return 42


DISPATCHER = HttpDispatcher(http_routes(app.get_functions()), route_prefix="api")


def send(method: str, target: str, body: bytes = b"", headers: list[tuple[str, str]] | None = None) -> OutgoingResponse:
    request = IncomingRequest(method, target, headers or [], body, base_url="http://127.0.0.1:7071")
    return DISPATCHER.dispatch(request)


def header(response: OutgoingResponse, name: str) -> str | None:
    return next((value for key, value in response.headers if key.lower() == name.lower()), None)


def test_route_values_query_and_headers_reach_the_function() -> None:
    response = send("get", "/api/items/42?q=a&q=b&empty=", headers=[("Accept", "text/html"), ("accept", "*/*")])
    assert response.status == 200
    assert header(response, "Content-Type") == "application/json"
    assert json.loads(response.body) == {
        "method": "GET",
        "url": "http://127.0.0.1:7071/api/items/42?q=a&q=b&empty=",
        "route": {"id": "42"},
        "query": {"q": "a,b", "empty": ""},
        "accept": "text/html, */*",
    }


def test_the_route_prefix_and_literal_segments_match_without_regard_to_case() -> None:
    assert send("GET", "/API/Items/7").status == 200


def test_a_literal_route_wins_over_a_parameter_that_would_also_match() -> None:
    assert send("GET", "/api/items/new").body == b"the form for a new item"


def test_the_body_reaches_an_async_function_and_its_headers_come_back() -> None:
    response = send("POST", "/api/echo", body=b"\x00binary\xff")
    assert (response.status, response.body, header(response, "X-Echo")) == (200, b"\x00binary\xff", "1")
    assert header(response, "Content-Type") == "application/octet-stream"


def test_a_returned_string_is_a_200_text_response() -> None:
    response = send("GET", "/api/plain")
    assert (response.status, response.body) == (200, b"just text")
    assert header(response, "Content-Type") == "text/plain; charset=utf-8"


def test_routes_with_the_same_template_share_it_by_method() -> None:
    assert send("DELETE", "/api/items/42").status == 204


@pytest.mark.parametrize(
    "target",
    ["/api/nothing", "/items/42", "/api/items/x", "/api", "/", "/apix/items/42"],
)
def test_a_path_no_route_matches_is_a_404_problem(target: str) -> None:
    response = send("GET", target)
    assert response.status == 404
    assert header(response, "Content-Type") == "application/problem+json"
    assert json.loads(response.body)["status"] == 404


def test_a_method_the_matching_routes_do_not_accept_is_a_405_naming_the_allowed_ones() -> None:
    response = send("POST", "/api/items/42")
    assert response.status == 405
    assert header(response, "Allow") == "DELETE, GET, PUT"
    assert json.loads(response.body)["title"] == "Method Not Allowed"


def test_a_route_without_methods_accepts_any() -> None:
    assert send("PATCH", "/api/plain").status == 200


def test_a_raising_function_is_a_500_problem_that_names_only_the_exception_class(
    caplog: pytest.LogCaptureFixture,
) -> None:
    response = send("GET", "/api/boom")
    assert response.status == 500
    assert header(response, "Content-Type") == "application/problem+json"
    document = json.loads(response.body)
    assert document == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "The function boom raised RuntimeError.",
    }
    assert b"hunter2" not in response.body
    assert "hunter2" in caplog.text  # the log keeps the whole story, traceback included
    assert "Traceback" in caplog.text


def test_a_function_returning_something_else_is_a_500() -> None:
    response = send("GET", "/api/wrong")
    assert response.status == 500
    assert json.loads(response.body)["detail"] == "The function wrong raised TypeError."


def test_an_empty_route_prefix_serves_routes_at_the_root() -> None:
    at_root = HttpDispatcher(DISPATCHER.routes, route_prefix="")
    request = IncomingRequest("GET", "/plain", [], b"", base_url="http://localhost")
    assert at_root.dispatch(request).status == 200
