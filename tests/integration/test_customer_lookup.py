"""The switchboard's customer lookup (``GET /api/customers``) on Azurite, called as the host calls
the handler: who may ask, what a term finds, how bad input is answered and what a lookup costs.

The registry is shared with every other test of the session, so each test's customers carry a
word of their own (``tag``) and the terms name it.
"""

from __future__ import annotations

import json
import math
import uuid
from functools import cache
from typing import Any

import azure.functions as func
import pytest
from azure.data.tables import TableServiceClient

from benchmarks.harness import counting_service
from functions import dependencies, switchboard
from shared.adapters.storage import azurite_connection_string
from shared.adapters.storage_layout import CUSTOMERS_TABLE
from shared.adapters.stores.customers import CustomerRegistry
from shared.domain.customers import Contact, Customer
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from tests.integration.conftest import Api


def document(response: func.HttpResponse) -> Any:
    return json.loads(response.get_body())


def find(api: Api, token: str, **params: str) -> func.HttpResponse:
    return api.call(switchboard.find_customers, "GET", "customers", token=token, params=params)


@pytest.fixture
def tag() -> str:
    """A word no other customer's name holds (letters only, so it is one word)."""
    return "".join(chr(ord("a") + int(digit, 16) % 26) for digit in uuid.uuid4().hex[:12])


@pytest.fixture
def registered(table_service: TableServiceClient, tag: str) -> dict[str, Customer]:
    """Three customers named with ``tag``: two entitled, one lapsed, one with two contacts."""
    registry = CustomerRegistry(table_service)
    made = {
        "rossi": Customer(
            f"rossi-{tag}",
            f"Società Rossi Impianti {tag.upper()}",
            True,
            (),
            (Contact(f"anna@rossi-{tag}.example", "Anna Rossi"), Contact(f"piero@rossi-{tag}.example", "Piero")),
            Language.ITALIAN,
        ),
        "rosa": Customer(f"rosa-{tag}", f"Rosa Trasporti {tag}", False, (), (), Language.ENGLISH),
        "bianchi": Customer(f"bianchi-{tag}", f"Bianchi & Figli {tag}", True, (), (), Language.ITALIAN),
    }
    for customer in made.values():
        registry.put(customer)
    return made


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.SECURITY])
def test_staff_find_a_customer_by_the_start_of_its_name_words_whatever_case_and_accents(
    api: Api, registered: dict[str, Customer], tag: str, role: Role
) -> None:
    answer = find(api, api.token(role), q=f"SOCIETA {tag[:5]}")

    assert answer.status_code == 200, answer.get_body()
    rossi = registered["rossi"]
    assert document(answer) == {
        "items": [
            {
                "id": rossi.id,
                "name": rossi.name,
                "entitled": True,
                "language": "it",
                "contacts": [
                    {"email": f"anna@rossi-{tag}.example", "name": "Anna Rossi"},
                    {"email": f"piero@rossi-{tag}.example", "name": "Piero"},
                ],
            }
        ],
        "more": False,
    }


def test_matches_come_by_name_and_a_short_page_says_more_match(
    api: Api, registered: dict[str, Customer], tag: str
) -> None:
    token = api.token(Role.OPERATOR)

    every = document(find(api, token, q=tag))
    two = document(find(api, token, q=tag, limit="2"))
    by_id = document(find(api, token, q=f"rosa-{tag}"))
    ros = document(find(api, token, q=f"{tag} ros"))

    assert [item["id"] for item in every["items"]] == [f"bianchi-{tag}", f"rosa-{tag}", f"rossi-{tag}"]
    assert every["more"] is False
    assert [item["id"] for item in two["items"]] == [f"bianchi-{tag}", f"rosa-{tag}"]
    assert two["more"] is True
    assert [(item["id"], item["entitled"]) for item in by_id["items"]] == [(f"rosa-{tag}", False)]
    assert [item["id"] for item in ros["items"]] == [f"rosa-{tag}", f"rossi-{tag}"]


@pytest.mark.parametrize("roles", [(Role.CUSTOMER,), (Role.ADMIN,), ()])
def test_customers_administrators_and_callers_without_a_role_are_refused(
    api: Api, registered: dict[str, Customer], tag: str, roles: tuple[Role, ...]
) -> None:
    customer = registered["rossi"].id if Role.CUSTOMER in roles else None
    answer = find(api, api.token(*roles, customer=customer), q=tag)

    assert answer.status_code == 403, answer.get_body()
    assert tag not in answer.get_body().decode()


def test_a_call_without_a_token_is_unauthorized(api: Api) -> None:
    assert api.call(switchboard.find_customers, "GET", "customers", params={"q": "ros"}).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": " -- "}, "q"),
        ({"q": "r" * 101}, "q"),
        ({"q": "ros", "limit": "0"}, "limit"),
        ({"q": "ros", "limit": "101"}, "limit"),
        ({"q": "ros", "limit": "ten"}, "limit"),
    ],
)
def test_a_bad_term_or_limit_is_a_problem_naming_the_field(api: Api, params: dict[str, str], field: str) -> None:
    answer = find(api, api.token(Role.OPERATOR), **params)

    assert answer.status_code == 422, answer.get_body()
    assert answer.mimetype == "application/problem+json"
    assert document(answer)["field"] == field


def test_a_lookup_reads_the_registry_partition_once_per_thousand_customers(
    api: Api,
    registered: dict[str, Customer],
    tag: str,
    table_service: TableServiceClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    customers = len(list(table_service.get_table_client(CUSTOMERS_TABLE).query_entities(
        "PartitionKey eq @pk", parameters={"pk": "customer"}, select=["RowKey"]
    )))  # fmt: skip
    client, transport = counting_service(azurite_connection_string(), 5.0)
    monkeypatch.setattr(dependencies, "tables", cache(lambda: client))
    dependencies.forget()
    token = api.token(Role.OPERATOR)
    find(api, token, q="warm")  # the worker's first call reads the staff directory once
    transport.sent.clear()

    answer = find(api, token, q=tag)

    assert answer.status_code == 200, answer.get_body()
    registry_reads = [sent for sent in transport.sent if sent.table == CUSTOMERS_TABLE]
    assert len(registry_reads) == math.ceil(customers / 1000)
    assert {sent.table for sent in transport.sent} == {CUSTOMERS_TABLE}
