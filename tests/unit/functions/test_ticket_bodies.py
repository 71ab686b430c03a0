"""The ticket bodies' priority: a JSON number from 1 (the most urgent) to 4, read as the domain's
priority; the same number as text is refused like an unknown one."""

from __future__ import annotations

import json

import azure.functions as func
import pytest

from functions.http.endpoint import body_of
from functions.schemas.tickets import Classify, OpenTicket
from shared.domain.errors import InvalidInput
from shared.domain.sla.policy import Priority


def request(document: dict[str, object]) -> func.HttpRequest:
    return func.HttpRequest("POST", "http://127.0.0.1:7071/api/tickets", body=json.dumps(document).encode())


def test_a_priority_given_as_a_number_is_the_domain_priority() -> None:
    body = body_of(request({"subject": "Down", "description": "All of it", "priority": 1}), OpenTicket)
    assert body.priority is Priority.BLOCKING
    assert body_of(request({"priority": 4}), Classify).priority is Priority.LOW


@pytest.mark.parametrize("given", ["2", 5, 0, 2.5])
def test_a_priority_given_as_text_or_out_of_range_is_refused_naming_the_field(given: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        body_of(request({"subject": "Down", "description": "All of it", "priority": given}), OpenTicket)
    assert (refused.value.field, refused.value.message) == ("priority", "input should be 1, 2, 3 or 4")
