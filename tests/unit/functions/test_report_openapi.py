"""The report operations in the OpenAPI document: the SLA report answers JSON or CSV."""

from __future__ import annotations

from functions.http.openapi_document import openapi_document


def test_the_sla_report_is_documented_as_json_and_as_csv_text_and_its_period_is_required() -> None:
    operation = openapi_document()["paths"]["/reports/sla"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert operation["responses"]["200"]["content"]["text/csv"]["schema"] == {"type": "string"}
    required = {parameter["name"] for parameter in operation["parameters"] if parameter["required"]}
    assert required == {"from", "to"}


def test_the_at_risk_view_answers_json_only() -> None:
    operation = openapi_document()["paths"]["/reports/at-risk"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"application/json"}
