"""The running app keeps the contract its own ``GET /api/openapi.json`` states, and no request
makes it answer a server error.

The local host serves the app as ``make run`` does (``serve --demo``: the demo customers and
tickets seeded, the local sign-in mounted). Schemathesis reads the document from it and sends
every documented operation a bounded number of generated requests (valid and invalid ones) once
for each role, each time with a token ``devhost token`` minted for that role alone. Each answer
must not be a server error, must have a documented status code and content type, and must match
its schema and documented headers. The ticket routes name a real ticket of the customer whose
token is used, so reads and actions get past 404 to the answers of the lifecycle (200, 403, 409,
412, ...). Schemathesis sends documented methods only: every other method is sent to every path
and route by hand, and must answer a problem document, never a server error.

The app's tables live in an Azurite Table service of the test's own (in memory, on a free port):
the generator makes up customers and closure periods that must not reach the session's storage.
"""

from __future__ import annotations

import io
import json
import subprocess
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from devhost.__main__ import main as devhost_command
from devhost.azurite import AZURITE_EXECUTABLE, is_listening
from devhost.local_identity import local_auth_environment
from functions.http.catalogue import NOT_OPERATIONS, OPERATIONS
from shared.adapters.storage import AZURITE_ACCOUNT, AZURITE_HOST, AZURITE_KEY
from shared.domain.lifecycle import Role
from tests.e2e.devhost_process import DevHost, Reply, free_port, running_devhost, wait_until

#: Generated requests per operation and pass.
MAX_EXAMPLES = 15
TICKET_PATH = "/tickets/{id}"
PROBLEM_JSON = "application/problem+json"
#: The methods sent where neither the document nor a route lists them: RFC 9110's and PATCH.
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
#: The methods an OpenAPI 3.1 path item may hold an operation under (upper-cased).
OPENAPI_METHODS = frozenset(HTTP_METHODS) - {"CONNECT"}
STARTUP_SECONDS = 30.0
STOP_SECONDS = 10.0
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@dataclass(frozen=True)
class ContractHost:
    """The local host under test, a token for each role and the ticket the ticket routes use."""

    host: DevHost
    tokens: Mapping[Role, str]
    ticket_id: str

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.host.port}"


@contextmanager
def private_tables(log_dir: Path) -> Iterator[str]:
    """An Azurite Table service of its own on a free port, its data in memory and its log in
    ``log_dir``; yields the connection string to it and stops it on leaving."""
    port = free_port()
    with (log_dir / "azurite-table.log").open("wb") as log:
        process = subprocess.Popen(
            [
                str(AZURITE_EXECUTABLE.with_name("azurite-table")),
                f"--tableHost={AZURITE_HOST}",
                f"--tablePort={port}",
                "--inMemoryPersistence",
                "--silent",
                "--loose",
                "--skipApiVersionCheck",
                "--disableTelemetry",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    try:
        if not wait_until(lambda: is_listening(port) or process.poll() is not None, STARTUP_SECONDS):
            pytest.fail(f"azurite-table did not listen on {port} within {STARTUP_SECONDS:.0f} s")
        if process.poll() is not None:
            pytest.fail(f"azurite-table exited with {process.returncode}")
        yield (
            f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
            f"TableEndpoint=http://{AZURITE_HOST}:{port}/{AZURITE_ACCOUNT}"
        )
    finally:
        process.terminate()
        try:
            process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def customer_document(company: str) -> dict[str, object]:
    """An entitled customer whose mail comes from its own domain."""
    return {
        "name": "ACME S.p.A.",
        "entitled": True,
        "email_domains": [f"{company}.example"],
        "contacts": [],
        "language": "it",
    }


def _send(host: DevHost, method: str, path: str, token: str, body: object) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    reply = host.request(method, path, json.dumps(body).encode(), headers)
    assert reply.status in {200, 201}, (path, reply.status, reply.body, host.output())
    return json.loads(reply.body)  # type: ignore[no-any-return]


def devhost_token(root: Path, role: Role, customer: str) -> str:
    """The last line ``devhost token --role ROLE`` prints (the command run in this process),
    signed with the key under ``root``; a customer's token is for ``customer``."""
    arguments = ["token", "--role", role.value, "--root", str(root)]
    if role is Role.CUSTOMER:
        arguments += ["--customer", customer, "--subject", f"anna@{customer}.example"]
    else:
        arguments += ["--subject", f"{role.value}@desk.example"]
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert devhost_command(arguments) == 0
    return printed.getvalue().splitlines()[-1]


@pytest.fixture(scope="module")
def contract_host(azurite: bool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContractHost]:
    """The app on the local host with the demo data, a customer of the test's own and one of its
    tickets already there."""
    root = tmp_path_factory.mktemp("contract")
    company = f"acme-{uuid.uuid4().hex[:8]}"
    tokens = {role: devhost_token(root, role, company) for role in Role}
    with private_tables(root) as tables:
        app_settings = {
            "TABLES_CONNECTION_STRING": tables,
            **local_auth_environment(root),
        }
        with running_devhost("function_app:app", root, app_settings, arguments=["--demo"]) as host:
            _send(host, "PUT", f"/api/admin/customers/{company}", tokens[Role.ADMIN], customer_document(company))
            ticket = _send(
                host, "POST", "/api/tickets", tokens[Role.CUSTOMER], {"subject": "Login", "description": "It fails."}
            )
            yield ContractHost(host, tokens, str(ticket["id"]))


@pytest.fixture(scope="module")
def api_schema(contract_host: ContractHost) -> schemathesis.BaseSchema:
    """The document the running host serves."""
    return schemathesis.openapi.from_url(f"{contract_host.base_url}/api/openapi.json")


def generated_cases(operation: schemathesis.APIOperation, ticket_id: str) -> st.SearchStrategy[schemathesis.Case]:
    """Valid and invalid requests to ``operation``; a ticket's routes name the real ticket."""
    fixed = {"id": ticket_id} if operation.path.startswith(TICKET_PATH) else None
    return st.one_of([operation.as_strategy(mode, path_parameters=fixed) for mode in schemathesis.GenerationMode])


def check_contract(schema: schemathesis.BaseSchema, method: str, path: str, token: str, ticket_id: str) -> None:
    """Send ``method path`` its generated requests as the holder of ``token``; fail on the first
    answer that breaks a check, with the request as a curl command."""
    authorization = {"Authorization": f"Bearer {token}"}

    @BOUNDED
    @given(case=generated_cases(schema[path][method], ticket_id))
    def answers_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=authorization, checks=CHECKS)

    answers_as_documented()


def test_the_served_document_lists_exactly_the_operations_checked(contract_host: ContractHost) -> None:
    paths = json.loads(contract_host.host.request("GET", "/api/openapi.json").body)["paths"]
    served = {(key.upper(), path) for path, item in paths.items() for key in item if key.upper() in OPENAPI_METHODS}
    assert served == {(operation.method, operation.path) for operation in OPERATIONS}


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize(("method", "path"), [(op.method, op.path) for op in OPERATIONS])
def test_every_role_gets_documented_answers_and_no_server_error_from_every_operation(
    api_schema: schemathesis.BaseSchema, contract_host: ContractHost, role: Role, method: str, path: str
) -> None:
    check_contract(api_schema, method, path, contract_host.tokens[role], contract_host.ticket_id)


#: The routes that are not operations, each with a path it serves and the methods it registers.
NOT_OPERATION_ROUTES = {
    "portal/{*path}": ("/portal/index.html", frozenset({"GET"})),
    "console/{*path}": ("/console/index.html", frozenset({"GET"})),
    "common/{*path}": ("/common/js/auth.js", frozenset({"GET"})),
}


def listed_methods() -> dict[str, frozenset[str]]:
    """Each path of the document and each route that is not an operation, with the methods
    they list."""
    listed: dict[str, set[str]] = defaultdict(set)
    for operation in OPERATIONS:
        listed[operation.path].add(operation.method)
    listed.update({path: set(methods) for path, methods in NOT_OPERATION_ROUTES.values()})
    return {path: frozenset(methods) for path, methods in listed.items()}


def test_the_method_check_covers_every_route_that_is_not_an_operation() -> None:
    assert set(NOT_OPERATION_ROUTES) == set(NOT_OPERATIONS)


@pytest.mark.parametrize(("path", "listed"), sorted(listed_methods().items()))
def test_every_method_a_path_does_not_list_answers_a_problem_and_never_a_server_error(
    contract_host: ContractHost, path: str, listed: frozenset[str]
) -> None:
    target = "/api" + path.replace("{id}", contract_host.ticket_id).replace("{attachment_id}", "missing")
    wrong = []
    for method in sorted(set(HTTP_METHODS) - listed):
        for role, token in contract_host.tokens.items():
            reply = contract_host.host.request(method, target, headers={"Authorization": f"Bearer {token}"})
            if not (400 <= reply.status < 500 and is_problem(reply, body_expected=method != "HEAD")):
                wrong.append((method, role.value, reply.status, reply.headers["Content-Type"], reply.body[:200]))
    assert wrong == []


def is_problem(reply: Reply, *, body_expected: bool) -> bool:
    """Whether ``reply`` is a problem document of its own status (only its type when it has no body)."""
    if reply.headers["Content-Type"] != PROBLEM_JSON:
        return False
    return not body_expected or json.loads(reply.body).get("status") == reply.status
