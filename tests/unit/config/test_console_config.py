"""The console's sign-in settings: read by the portal's code under their own names."""

from __future__ import annotations

import pytest

from shared.config.console import load_console_settings
from shared.config.env import SettingsError
from shared.config.portal import OidcClientSettings

pytestmark = pytest.mark.unit

STAFF_AUTHORITY = "https://login.microsoftonline.com/1111-tenant/v2.0"


def test_the_console_settings_are_read_under_their_own_names() -> None:
    environ = {
        "CONSOLE_OIDC_AUTHORITY": f"{STAFF_AUTHORITY}/",
        "CONSOLE_OIDC_CLIENT_ID": "console-client",
        "PORTAL_OIDC_SCOPE": "ignored",
    }
    assert load_console_settings(environ) == OidcClientSettings(STAFF_AUTHORITY, "console-client", "openid profile")


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        pytest.param({"CONSOLE_OIDC_CLIENT_ID": "console"}, "CONSOLE_OIDC_AUTHORITY", id="no-authority"),
        pytest.param({"CONSOLE_OIDC_AUTHORITY": STAFF_AUTHORITY}, "CONSOLE_OIDC_CLIENT_ID", id="no-client"),
        pytest.param(
            {"CONSOLE_OIDC_AUTHORITY": "http://login.example/v2.0", "CONSOLE_OIDC_CLIENT_ID": "console"},
            "CONSOLE_OIDC_AUTHORITY must be an https://",
            id="http-off-loopback",
        ),
        pytest.param(
            {"CONSOLE_OIDC_AUTHORITY": STAFF_AUTHORITY, "CONSOLE_OIDC_CLIENT_ID": "a b"},
            "CONSOLE_OIDC_CLIENT_ID has characters",
            id="bad-client",
        ),
    ],
)
def test_a_missing_or_malformed_console_setting_is_named(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_console_settings(environ)
