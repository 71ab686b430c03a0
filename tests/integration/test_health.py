"""``GET /api/health`` called as the host calls it, against Azurite and against nothing."""

from __future__ import annotations

import json

import azure.functions as func

from functions.health import health
from shared import __version__
from tests.integration.conftest import AppSettings, unreachable_tables


def call_health() -> func.HttpResponse:
    request = func.HttpRequest("GET", "http://127.0.0.1:7071/api/health", body=b"")
    return health.build().get_user_function()(request)


def test_health_answers_ok_with_the_version_when_table_storage_answers(app_settings: AppSettings) -> None:
    response = call_health()
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert json.loads(response.get_body()) == {
        "status": "ok",
        "version": __version__,
        "checks": {"table_storage": "ok"},
    }


def test_health_answers_503_naming_table_storage_when_it_does_not_answer(app_settings: AppSettings) -> None:
    app_settings(TABLES_CONNECTION_STRING=unreachable_tables())
    response = call_health()
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    document = json.loads(response.get_body())
    assert document["status"] == 503
    assert document["detail"] == "not answering: table_storage"
    assert document["checks"]["table_storage"].startswith("down: ")


def test_health_answers_503_when_table_storage_is_not_configured(app_settings: AppSettings) -> None:
    app_settings(TABLES_CONNECTION_STRING="")
    response = call_health()
    assert response.status_code == 503
    assert json.loads(response.get_body())["checks"] == {"table_storage": "down: SettingsError"}
