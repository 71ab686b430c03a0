"""The portal's static files and config document, served by the function app: content types,
revalidation, the Content-Security-Policy, and nothing outside the portal's folder."""

from __future__ import annotations

import json
from pathlib import Path

import azure.functions as func
import pytest

from functions import portal
from functions.http.web_files import WEB_ROOT, assets, content_security_policy
from shared.config.env import SettingsError
from shared.config.portal import load_portal_settings
from shared.domain.ticket import TICKET_ID_IN_TEXT

SIGN_IN = {
    "PORTAL_OIDC_AUTHORITY": "https://desk.ciamlogin.com/0000-1111/v2.0/",
    "PORTAL_OIDC_CLIENT_ID": "11111111-2222-3333-4444-555555555555",
    "PORTAL_OIDC_SCOPE": "openid  profile api://desk/tickets.access",
}


def get_file(path: str, headers: dict[str, str] | None = None, url: str | None = None) -> func.HttpResponse:
    request = func.HttpRequest(
        "GET",
        url or f"http://127.0.0.1:7071/api/portal/{path}",
        headers=headers or {},
        route_params={"path": path},
        body=b"",
    )
    response: func.HttpResponse = portal.portal_file.build().get_user_function()(request)
    return response


def get_config() -> func.HttpResponse:
    request = func.HttpRequest("GET", "http://127.0.0.1:7071/api/portal/config.json", body=b"")
    response: func.HttpResponse = portal.portal_config_document.build().get_user_function()(request)
    return response


@pytest.fixture
def sign_in(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SIGN_IN.items():
        monkeypatch.setenv(name, value)


def test_the_bare_path_answers_the_page_with_a_strict_policy(sign_in: None) -> None:
    response = get_file("")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.get_body() == (portal.PORTAL_ROOT / "index.html").read_bytes()
    policy = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self' https://desk.ciamlogin.com"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["require-trusted-types-for"] == "'script'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: nothing to pin


@pytest.mark.parametrize(
    ("suffix", "content_type"), [(".js", "text/javascript; charset=utf-8"), (".css", "text/css; charset=utf-8")]
)
def test_scripts_and_styles_carry_their_content_type(suffix: str, content_type: str) -> None:
    name = next(name for name in assets(portal.PORTAL_ROOT) if name.endswith(suffix))
    response = get_file(name)
    assert (response.status_code, response.headers["Content-Type"]) == (200, content_type)


def test_a_current_copy_is_revalidated_with_304_and_no_body() -> None:
    first = get_file("index.html")
    assert first.headers["Cache-Control"] == "no-cache"
    again = get_file("index.html", {"If-None-Match": first.headers["ETag"]})
    assert (again.status_code, again.get_body()) == (304, b"")
    stale = get_file("index.html", {"If-None-Match": '"0123"'})
    assert stale.status_code == 200


@pytest.mark.parametrize("path", ["../function_app.py", "../host.json", "nope.js", "index.php", "js/../../README.md"])
def test_nothing_but_the_portal_files_is_served(path: str) -> None:
    response = get_file(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("", "http://127.0.0.1:7071/api/portal//"),  # the route drops the slashes: the URL says it
        ("index.html", "http://127.0.0.1:7071/api/portal/index.html/"),
        ("js/main.js", "http://127.0.0.1:7071/api/portal/js/main.js/"),
        ("/index.html", "http://127.0.0.1:7071/api/portal//index.html"),
    ],
)
def test_a_file_has_one_url_and_its_aliases_are_404(path: str, url: str) -> None:
    assert get_file(path, url=url).status_code == 404


def test_the_page_is_served_at_the_bare_path_and_as_index_html() -> None:
    assert get_file("").status_code == 200
    assert get_file("index.html").status_code == 200


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("https://desk.azurewebsites.net/api/portal/", {}),
        ("http://desk.azurewebsites.net/api/portal/", {"X-Forwarded-Proto": "https"}),
    ],
)
def test_answers_over_https_pin_https(url: str, headers: dict[str, str]) -> None:
    missing = url.replace("portal/", "portal/nope.js")
    for response in (get_file("", headers, url), get_file("nope.js", headers, missing)):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_portal_without_its_slash_is_sent_to_it() -> None:
    response = get_file("", url="http://127.0.0.1:7071/api/portal")
    assert (response.status_code, response.headers["Location"]) == (301, "/api/portal/")


@pytest.mark.parametrize("suffix", ["", "/"])
def test_a_ticket_link_from_a_mail_leads_to_the_ticket_page(suffix: str) -> None:
    # The route hands ``tickets/ID`` for both; the Location is an absolute path, right from either.
    response = get_file(
        "tickets/IZ-2026-000123", url=f"http://127.0.0.1:7071/api/portal/tickets/IZ-2026-000123{suffix}"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/api/portal/#/requests/IZ-2026-000123"


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("tickets/IZ-2026-000123/../../x", None),
        ("tickets/..", None),
        ("tickets/not-a-ticket", None),
        ("tickets/IZ-2026-000123", "http://127.0.0.1:7071//evil.example/api/portal/tickets/IZ-2026-000123x"),
    ],
)
def test_only_ticket_ids_are_redirected(path: str, url: str | None) -> None:
    assert get_file(path, url=url).status_code == 404


def test_hidden_and_untyped_files_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "app.js").write_text("export {};")
    (tmp_path / ".secret.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    assert set(assets(tmp_path)) == {"js/app.js"}


def test_the_config_names_the_provider_and_the_sla_of_each_priority(sign_in: None) -> None:
    response = get_config()
    assert response.status_code == 200
    document = json.loads(response.get_body())
    assert document["authority"] == "https://desk.ciamlogin.com/0000-1111/v2.0"
    assert document["client_id"] == SIGN_IN["PORTAL_OIDC_CLIENT_ID"]
    assert document["scope"] == "openid profile api://desk/tickets.access"
    assert document["priorities"][0] == {"priority": 1, "take_charge_hours": 1, "resolution_days": 1}
    assert document["priorities"][3] == {"priority": 4, "take_charge_hours": 16, "resolution_days": 30}
    categories = {entry["category"]: entry["clocks"] for entry in document["categories"]}
    assert categories["evolution"] == ["take_charge"]
    assert "out_of_scope" not in categories


def test_the_config_without_settings_answers_503_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORTAL_OIDC_AUTHORITY", raising=False)
    response = get_config()
    assert response.status_code == 503
    assert "PORTAL_OIDC_AUTHORITY" in json.loads(response.get_body())["detail"]


@pytest.mark.parametrize(
    ("authority", "accepted"),
    [
        ("https://login.example/tenant/v2.0", True),
        ("http://127.0.0.1:7071/local-issuer", True),
        ("http://localhost:7071/local-issuer", True),
        ("http://[::1]:7071/local-issuer", True),
        ("https://desk.ciamlogin.com:8443/0000-1111/v2.0", True),
        ("http://login.example/tenant", False),
        ("ftp://login.example", False),
        ("https://", False),
        ("https:///tenant", False),
        ("https:login.example/tenant", False),
        # user information: the origin would be evil.example's, not loopback's
        ("http://127.0.0.1:80@evil.example/x", False),
        ("https://user:secret@login.example/tenant", False),
        ("http://localhost.evil.example/x", False),
        ("http://127.0.0.1.evil.example/x", False),
        # query, fragment
        ("https://login.example/tenant?x=1", False),
        ("https://login.example/tenant#f", False),
        # what a CSP would take as more sources or directives
        ("https://login.example; script-src *", False),
        ("https://login.example/ https://evil.example", False),
        ("https://login.example/tenant;script-src", False),
        ("https://login.example/'unsafe-inline'", False),
        ('https://login.example/"x', False),
        ("https://login.example,evil.example/x", False),
        ("https://login.example\t/x", False),
        # a host of DNS characters, a numeric port
        ("https://login_example.com/x", False),
        ("https://login.example:port/x", False),
        ("https://login.example:99999/x", False),
        ("https://login.example:/x", False),
        ("https://[2001:db8::1]/x", False),
        ("https://login..example/x", False),
    ],
)
def test_the_authority_is_https_or_loopback_http(authority: str, accepted: bool) -> None:
    environ = {"PORTAL_OIDC_AUTHORITY": authority, "PORTAL_OIDC_CLIENT_ID": "portal"}
    if accepted:
        assert load_portal_settings(environ).authority == authority
    else:
        with pytest.raises(SettingsError, match="PORTAL_OIDC_AUTHORITY"):
            load_portal_settings(environ)


@pytest.mark.parametrize(
    ("authority", "origin"),
    [
        ("https://Desk.CiamLogin.com/0000-1111/v2.0", "https://desk.ciamlogin.com"),
        ("https://desk.ciamlogin.com:8443/t", "https://desk.ciamlogin.com:8443"),
        ("http://[::1]:7071/local-issuer", "http://[::1]:7071"),
    ],
)
def test_the_policy_names_the_origin_rebuilt_from_the_parsed_authority(authority: str, origin: str) -> None:
    settings = load_portal_settings({"PORTAL_OIDC_AUTHORITY": authority, "PORTAL_OIDC_CLIENT_ID": "portal"})
    assert settings.authority_origin == origin
    assert f"connect-src 'self' {origin};" in content_security_policy(settings.authority_origin)


def test_a_missing_client_id_is_named() -> None:
    with pytest.raises(SettingsError, match="PORTAL_OIDC_CLIENT_ID"):
        load_portal_settings({"PORTAL_OIDC_AUTHORITY": "https://login.example"})


def test_the_web_apps_know_a_ticket_id_by_the_desk_s_own_shape() -> None:
    script = (WEB_ROOT / "common" / "js" / "api.js").read_text(encoding="utf-8")
    assert f"const TICKET_ID = /^{TICKET_ID_IN_TEXT}$/;" in script
