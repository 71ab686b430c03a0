"""``GET /api/openapi.json``: a valid OpenAPI 3.1 document that covers exactly the routes the app
registers, generated from the models the handlers validate with."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
from collections.abc import Iterator
from enum import Enum
from typing import Any

import azure.functions as func
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

import shared.domain
from devhost.http_dispatch import HttpRoute
from functions.http.catalogue import NOT_OPERATIONS, OPERATIONS
from functions.http.openapi_document import SCHEMA_REF, openapi_document
from functions.openapi import openapi_json
from functions.schemas.tickets import ACTION_BODIES, TicketOut
from shared import __version__
from tests.app_routes import registered_routes

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
PUBLIC = {
    ("get", "/health"),
    ("get", "/openapi.json"),
    ("get", "/calendar/status"),
    ("get", "/portal/config.json"),
    ("get", "/console/config.json"),
}


def api_routes() -> list[HttpRoute]:
    """The registered routes but those the catalogue names as not being API operations."""
    return [route for route in registered_routes() if route.template.template not in NOT_OPERATIONS]


def documented_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation of the document."""
    paths = openapi_document()["paths"]
    return [(method, path, item[method]) for path, item in paths.items() for method in METHODS if method in item]


def resolve(reference: dict[str, Any]) -> dict[str, Any]:
    """The component a ``$ref`` points at."""
    document: dict[str, Any] = openapi_document()
    for part in reference["$ref"].removeprefix("#/").split("/"):
        document = document[part]
    return document


def test_the_document_is_valid_openapi_3_1() -> None:
    document = openapi_document()
    validate(document, cls=OpenAPIV31SpecValidator)
    assert (document["openapi"], document["info"]["version"]) == ("3.1.0", __version__)


def test_every_registered_route_is_documented_and_every_documented_operation_is_served() -> None:
    routes = api_routes()
    served: dict[tuple[str, str], str | None] = {}
    for method, path, _ in documented_operations():
        serving = (
            route.template.template
            for route in routes
            if route.allows(method.upper()) and route.template.match(path) is not None
        )
        served[method, path] = next(serving, None)
    assert [operation for operation, route in served.items() if route is None] == []
    registered = {(method.lower(), route.template.template) for route in routes for method in route.methods}
    assert registered == {(method, route) for (method, _), route in served.items()}


def test_every_route_left_out_of_the_document_is_registered_and_says_why() -> None:
    registered = {route.template.template for route in registered_routes()}
    assert set(NOT_OPERATIONS) <= registered
    assert all(reason.strip() for reason in NOT_OPERATIONS.values())


def test_every_operation_but_the_actions_is_documented_at_its_route() -> None:
    routes = {route.template.template for route in api_routes()}
    undocumented_at_route = {path for _, path, _ in documented_operations() if path.strip("/") not in routes}
    assert undocumented_at_route == {f"/tickets/{{id}}/{action}" for action in ACTION_BODIES}


def test_each_action_is_a_path_of_its_own_with_its_body_model_and_if_match() -> None:
    for action, model in ACTION_BODIES.items():
        operation = openapi_document()["paths"][f"/tickets/{{id}}/{action}"]["post"]
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        expected = model.model_json_schema(ref_template=SCHEMA_REF)
        for name, definition in expected.pop("$defs", {}).items():
            assert openapi_document()["components"]["schemas"][name] == definition, (action, name)
        assert resolve(schema) == expected, action
        headers = {parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "header"}
        assert headers == {"If-Match"}, action


def test_ticket_answers_carry_the_etag() -> None:
    ticket = {"$ref": SCHEMA_REF.format(model=TicketOut.__name__)}
    answers_a_ticket = 0
    for method, path, operation in documented_operations():
        for status, response in operation["responses"].items():
            if response.get("content", {}).get("application/json", {}).get("schema") == ticket:
                answers_a_ticket += 1
                assert "ETag" in response["headers"], (method, path, status)
    assert answers_a_ticket == len(ACTION_BODIES) + 2  # the actions, opening and reading a ticket


def test_every_error_is_a_problem_document_and_no_success_is() -> None:
    for method, path, operation in documented_operations():
        for status, response in operation["responses"].items():
            media_types = set(response.get("content", {}))
            if int(status) >= 400:
                assert media_types == {"application/problem+json"}, (method, path, status)
                problem = resolve(response["content"]["application/problem+json"]["schema"])
                assert {"type", "title", "status"} <= set(problem["required"]), (method, path, status)
            else:
                assert media_types <= {"application/json", "text/csv", "application/octet-stream"}, (
                    method,
                    path,
                    status,
                )


def test_every_operation_needs_a_bearer_jwt_but_health_this_document_and_the_calendar() -> None:
    document = openapi_document()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    assert document["security"] == [{"bearer": []}]
    public = {(method, path) for method, path, operation in documented_operations() if operation.get("security") == []}
    assert public == PUBLIC
    for method, path, operation in documented_operations():
        assert ("401" in operation["responses"]) is ((method, path) not in PUBLIC), (method, path)


def test_operation_ids_are_unique_and_the_catalogue_is_documented_whole() -> None:
    ids = [operation["operationId"] for _, _, operation in documented_operations()]
    assert len(ids) == len(set(ids)) == len(OPERATIONS)


def test_the_document_is_served_anonymously_and_built_once() -> None:
    response = openapi_json(func.HttpRequest("GET", "http://127.0.0.1:7071/api/openapi.json", body=b""))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.get_body()) == openapi_document()
    assert openapi_document() is openapi_document()


def domain_enums() -> list[type[Enum]]:
    """Every enum the domain defines (its modules, sub-packages included)."""
    found: dict[str, type[Enum]] = {}
    for module_info in pkgutil.walk_packages(shared.domain.__path__, "shared.domain."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, Enum) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def schemas_in(node: object, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON Schema object under ``node``, with where it sits."""
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from schemas_in(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from schemas_in(value, f"{where}/{index}")


def test_a_set_of_values_the_domain_names_is_documented_as_the_domain_enum_not_a_copy() -> None:
    """A model refers to the enum's own schema; a parameter's schema is the enum's (titled after it)."""
    enums = {frozenset(member.value for member in enum): enum.__name__ for enum in domain_enums()}
    copies = []
    for where, schema in schemas_in(openapi_document()):
        name = enums.get(frozenset(schema.get("enum", ())))
        if name is None or where == f"/components/schemas/{name}":
            continue
        if not (where.startswith("/paths/") and schema.get("title") == name):
            copies.append((where, name))
    assert copies == []
