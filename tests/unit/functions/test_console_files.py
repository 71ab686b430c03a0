"""The console's static files and config document, and the modules both apps share, served by the
function app with the portal's rules (one implementation, :mod:`functions.http.web_files`)."""

from __future__ import annotations

import json
import re

import azure.functions as func
import pytest

from functions import common_files, console
from functions.http.web_files import WEB_ROOT
from shared.domain.canned import REPLY_ID_PATTERN

SIGN_IN = {
    "CONSOLE_OIDC_AUTHORITY": "https://login.microsoftonline.com/0000-1111/v2.0",
    "CONSOLE_OIDC_CLIENT_ID": "22222222-3333-4444-5555-666666666666",
    "CONSOLE_OIDC_SCOPE": "openid profile api://desk/tickets.access",
}


def get(
    handler: object, app: str, path: str, url: str | None = None, headers: dict[str, str] | None = None
) -> func.HttpResponse:
    request = func.HttpRequest(
        "GET",
        url or f"http://127.0.0.1:7071/api/{app}/{path}",
        headers=headers or {},
        route_params={"path": path},
        body=b"",
    )
    response: func.HttpResponse = handler.build().get_user_function()(request)  # type: ignore[attr-defined]
    return response


def get_config() -> func.HttpResponse:
    request = func.HttpRequest("GET", "http://127.0.0.1:7071/api/console/config.json", body=b"")
    response: func.HttpResponse = console.console_config_document.build().get_user_function()(request)
    return response


@pytest.fixture
def sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SIGN_IN.items():
        monkeypatch.setenv(name, value)


def test_the_console_page_names_the_staff_issuer_in_its_policy(sign_in: None) -> None:
    response = get(console.console_file, "console", "")
    assert response.status_code == 200
    assert response.get_body() == (WEB_ROOT / "console" / "index.html").read_bytes()
    policy = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    assert policy["connect-src"] == "'self' https://login.microsoftonline.com"
    assert policy["script-src"] == "'self'"
    assert policy["require-trusted-types-for"] == "'script'"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_console_without_sign_in_settings_names_no_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONSOLE_OIDC_AUTHORITY", raising=False)
    response = get(console.console_file, "console", "")
    assert "connect-src 'self';" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("", "http://127.0.0.1:7071/api/console//"),
        ("index.html", "http://127.0.0.1:7071/api/console/index.html/"),
        ("../function_app.py", None),
        ("js/../../portal/index.html", None),
        ("nope.js", None),
    ],
)
def test_the_console_serves_its_own_files_at_one_url_only(path: str, url: str | None) -> None:
    response = get(console.console_file, "console", path, url)
    assert (response.status_code, response.headers["X-Content-Type-Options"]) == (404, "nosniff")


def test_the_console_without_its_slash_is_sent_to_it() -> None:
    response = get(console.console_file, "console", "", "http://127.0.0.1:7071/api/console")
    assert (response.status_code, response.headers["Location"]) == (301, "/api/console/")


def test_a_current_copy_of_a_console_file_is_revalidated_with_304() -> None:
    first = get(console.console_file, "console", "js/main.js")
    assert (first.status_code, first.headers["Content-Type"]) == (200, "text/javascript; charset=utf-8")
    again = get(console.console_file, "console", "js/main.js", headers={"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.get_body()) == (304, b"")


def test_the_shared_modules_are_served_once_for_both_apps_over_https_with_hsts() -> None:
    url = "https://desk.azurewebsites.net/api/common/js/auth.js"
    response = get(common_files.common_file, "common", "js/auth.js", url)
    assert response.status_code == 200
    assert response.get_body() == (WEB_ROOT / "common" / "js" / "auth.js").read_bytes()
    assert "connect-src 'self';" in response.headers["Content-Security-Policy"]
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


@pytest.mark.parametrize("path", ["", "index.html", "../console/js/main.js", "js/nope.js"])
def test_the_shared_folder_has_no_page_and_nothing_outside_it(path: str) -> None:
    assert get(common_files.common_file, "common", path).status_code == 404


def test_every_module_an_app_imports_from_the_shared_folder_exists() -> None:
    for app in ("portal", "console"):
        for script in (WEB_ROOT / app / "js").rglob("*.js"):
            for target in re.findall(r'from "(\.[^"]+)"', script.read_text(encoding="utf-8")):
                assert (script.parent / target).resolve().is_file(), (script, target)


def test_the_config_names_the_staff_issuer_the_default_language_and_every_category(
    sign_in: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFF_LANGUAGE", "en")
    response = get_config()
    assert response.status_code == 200
    document = json.loads(response.get_body())
    assert document["authority"] == SIGN_IN["CONSOLE_OIDC_AUTHORITY"]
    assert document["client_id"] == SIGN_IN["CONSOLE_OIDC_CLIENT_ID"]
    assert document["scope"] == SIGN_IN["CONSOLE_OIDC_SCOPE"]
    assert (document["api"], document["language"]) == ("/api", "en")
    assert [entry["priority"] for entry in document["priorities"]] == [1, 2, 3, 4]
    categories = {entry["category"] for entry in document["categories"]}
    assert {"vulnerability", "out_of_scope", "declined_by_customer"} <= categories


def test_the_staff_language_is_italian_unless_set(sign_in: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STAFF_LANGUAGE", raising=False)
    assert json.loads(get_config().get_body())["language"] == "it"


@pytest.mark.parametrize(("missing", "value"), [("CONSOLE_OIDC_CLIENT_ID", None), ("STAFF_LANGUAGE", "de")])
def test_the_config_without_a_valid_setting_answers_503_naming_it(
    sign_in: None, monkeypatch: pytest.MonkeyPatch, missing: str, value: str | None
) -> None:
    if value is None:
        monkeypatch.delenv(missing, raising=False)
    else:
        monkeypatch.setenv(missing, value)
    response = get_config()
    assert response.status_code == 503
    assert missing in json.loads(response.get_body())["detail"]


def test_the_composer_knows_a_canned_reply_id_by_the_desk_s_own_shape() -> None:
    script = (WEB_ROOT / "console" / "js" / "canned.js").read_text(encoding="utf-8")
    assert f"const REPLY_ID = /^{REPLY_ID_PATTERN}$/;" in script
