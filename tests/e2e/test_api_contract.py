"""The running app keeps the contract its own ``GET /api/openapi.json`` states.

Schemathesis reads the document from the local host and sends every documented operation a
bounded number of generated requests (valid and invalid ones), first as a supervisor who is also
an administrator, then as a customer on the ticket routes. Each answer must not be a server error,
must have a documented status code and content type, and must match its schema and documented
headers. The ticket routes name a real ticket, so reads and actions get past 404 to the answers
of the lifecycle (200, 403, 409, 412, ...).

The app's tables live in an Azurite Table service of the test's own (in memory, on a free port):
the generator makes up customers and closure periods that must not reach the session's storage.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
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

from devhost.azurite import AZURITE_EXECUTABLE, is_listening
from devhost.local_identity import LOCAL_AUDIENCE, LOCAL_ISSUER, ensure_signing_key, mint_token
from functions.api_catalogue import OPERATIONS
from shared.storage import AZURITE_ACCOUNT, AZURITE_HOST, AZURITE_KEY
from tests.e2e.devhost_process import DevHost, free_port, running_devhost, wait_until

#: Generated requests per operation and pass.
MAX_EXAMPLES = 25
TICKET_PATH = "/tickets/{id}"
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
    """The local host under test, the tokens it accepts and the ticket the ticket routes use."""

    host: DevHost
    staff_token: str
    customer_token: str
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


@pytest.fixture(scope="module")
def contract_host(azurite: bool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ContractHost]:
    """The app on the local host, with a customer and one of its tickets already there."""
    root = tmp_path_factory.mktemp("contract")
    key = ensure_signing_key(root)
    company = f"acme-{uuid.uuid4().hex[:8]}"
    staff = mint_token(["supervisor", "admin"], subject="sara@desk.example", root=root)
    customer = mint_token(["customer"], company, subject=f"anna@{company}.example", root=root)
    with private_tables(root) as tables:
        app_settings = {
            "TABLES_CONNECTION_STRING": tables,
            "AUTH_ISSUER": LOCAL_ISSUER,
            "AUTH_AUDIENCE": LOCAL_AUDIENCE,
            "AUTH_LOCAL_JWKS_FILE": str(key.jwks_path),
        }
        with running_devhost("function_app:app", root, app_settings) as host:
            _send(host, "PUT", f"/api/admin/customers/{company}", staff, customer_document(company))
            ticket = _send(host, "POST", "/api/tickets", customer, {"subject": "Login", "description": "It fails."})
            yield ContractHost(host, staff, customer, str(ticket["id"]))


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


@pytest.mark.parametrize(("method", "path"), [(op.method, op.path) for op in OPERATIONS])
def test_staff_get_documented_answers_from_every_operation(
    api_schema: schemathesis.BaseSchema, contract_host: ContractHost, method: str, path: str
) -> None:
    check_contract(api_schema, method, path, contract_host.staff_token, contract_host.ticket_id)


@pytest.mark.parametrize(
    ("method", "path"), [(op.method, op.path) for op in OPERATIONS if op.path.startswith("/tickets")]
)
def test_customers_get_documented_answers_from_the_ticket_operations(
    api_schema: schemathesis.BaseSchema, contract_host: ContractHost, method: str, path: str
) -> None:
    check_contract(api_schema, method, path, contract_host.customer_token, contract_host.ticket_id)
