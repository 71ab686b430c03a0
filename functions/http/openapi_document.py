"""The OpenAPI 3.1 document of the HTTP API, which ``GET /api/openapi.json`` (:mod:`functions.openapi`)
answers.

The document is generated from :data:`functions.http.catalogue.OPERATIONS` and the pydantic
models its rows name: request bodies in their validation shape, responses in their serialisation
shape, every model a schema under ``components/schemas``. Errors are ``application/problem+json``
documents. Every operation needs a bearer JWT except the public ones (health, the document itself,
the calendar status, the portal's config). The document is built on the first request and kept
for the life of the worker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import JsonSchemaMode, JsonSchemaValue, models_json_schema

from functions.http.catalogue import OPERATIONS, Operation, Parameter
from functions.http.responses import JSON, PROBLEM_JSON
from shared import __version__

OPENAPI_VERSION = "3.1.0"
SCHEMA_REF = "#/components/schemas/{model}"
BEARER = "bearer"

_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The ticket's revision in quotes; send it back as If-Match to act on that revision only.",
        "required": True,
        "schema": {"type": "string", "pattern": '^"[0-9]+"$'},
    },
    "Location": {
        "description": "The path of the ticket just opened.",
        "required": True,
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {
        "description": "The bearer challenge: why the token was refused.",
        "required": True,
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "How many seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
}

#: The reference to each model's schema, by model and mode.
ModelRefs = Mapping[tuple[Any, JsonSchemaMode], JsonSchemaValue]


@cache
def openapi_document() -> dict[str, Any]:
    """The document of :data:`OPERATIONS`, built once; callers must not change it."""
    return build_document(OPERATIONS)


def build_document(operations: Sequence[Operation]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``operations``, served under ``/api``."""
    refs, schemas = _model_schemas(operations)
    paths: dict[str, dict[str, Any]] = {}
    for operation in operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation, refs)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Support desk",
            "version": __version__,
            "description": "Support requests kept inside their contractual SLA. Errors are RFC 9457 problem documents.",
        },
        "servers": [{"url": "/api"}],
        "security": [{BEARER: []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": _HEADERS,
            "securitySchemes": {BEARER: {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _model_schemas(operations: Sequence[Operation]) -> tuple[ModelRefs, dict[str, JsonSchemaValue]]:
    """A reference to each model the operations name, and the schemas they refer to."""
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = []
    for operation in operations:
        if operation.body is not None:
            wanted.append((operation.body, "validation"))
        if operation.response is not None:
            wanted.append((operation.response, "serialization"))
        if operation.errors:
            wanted.append((operation.problem, "serialization"))
    refs, definitions = models_json_schema(list(dict.fromkeys(wanted)), ref_template=SCHEMA_REF)
    return refs, definitions.get("$defs", {})


def _operation(operation: Operation, refs: ModelRefs) -> dict[str, Any]:
    document: dict[str, Any] = {
        "operationId": operation.operation_id,
        "tags": [operation.tag],
        "summary": operation.summary,
    }
    if operation.parameters:
        document["parameters"] = [_parameter(parameter) for parameter in operation.parameters]
    if operation.body is not None:
        document["requestBody"] = {
            "required": any(field.is_required() for field in operation.body.model_fields.values()),
            "content": {JSON: {"schema": refs[operation.body, "validation"]}},
        }
    responses = {str(operation.status): _success(operation, refs)}
    for status in sorted(operation.errors):
        responses[str(status)] = _problem(status, refs[operation.problem, "serialization"])
    document["responses"] = responses
    if operation.public:
        document["security"] = []
    return document


def _parameter(parameter: Parameter) -> dict[str, Any]:
    return {
        "name": parameter.name,
        "in": parameter.location,
        "required": parameter.required,
        "description": parameter.description,
        "schema": TypeAdapter(parameter.annotation).json_schema(ref_template=SCHEMA_REF),
    }


def _success(operation: Operation, refs: ModelRefs) -> dict[str, Any]:
    response: dict[str, Any] = {"description": HTTPStatus(operation.status).phrase}
    if operation.headers:
        response["headers"] = {name: _header(name) for name in operation.headers}
    if operation.response is not None:
        response["content"] = {JSON: {"schema": refs[operation.response, "serialization"]}}
    for media_type in operation.alternatives:
        response.setdefault("content", {})[media_type] = {"schema": {"type": "string"}}
    return response


def _problem(status: int, schema: JsonSchemaValue) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_JSON: {"schema": schema}},
    }
    if status == HTTPStatus.UNAUTHORIZED:
        response["headers"] = {"WWW-Authenticate": _header("WWW-Authenticate")}
    if status == HTTPStatus.TOO_MANY_REQUESTS:
        response["headers"] = {"Retry-After": _header("Retry-After")}
    return response


def _header(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/headers/{name}"}
