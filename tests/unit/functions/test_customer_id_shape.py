"""One customer-id shape, the domain's: the API's bodies and the reports' ``?customer=`` accept
exactly the ids :func:`shared.domain.customers.valid_customer_id` does."""

from __future__ import annotations

import azure.functions as func
import pytest
from pydantic import TypeAdapter, ValidationError

from functions.reports import customer_of
from functions.schemas.common import CustomerId
from shared.domain.customers import valid_customer_id
from shared.domain.errors import InvalidInput

IDS = ["acme", "ac", "acme-2", "7seas", "a" * 63, "a" * 64, "a", "-acme", "Acme", "acme_x", "acme\n", "acmé", ""]


def _body_accepts(value: str) -> bool:
    try:
        TypeAdapter(CustomerId).validate_python(value)
    except ValidationError:
        return False
    return True


def _query_accepts(value: str) -> bool:
    request = func.HttpRequest("GET", "http://127.0.0.1/api/reports/sla", params={"customer": value}, body=b"")
    try:
        customer_of(request)
    except InvalidInput:
        return False
    return True


@pytest.mark.parametrize("value", IDS)
def test_a_body_and_a_report_query_take_the_customer_ids_the_domain_takes(value: str) -> None:
    assert _body_accepts(value) is valid_customer_id(value)
    assert _query_accepts(value) is valid_customer_id(value)
