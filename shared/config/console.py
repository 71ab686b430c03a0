"""The staff console's sign-in settings, read apart from the rest: the console's page and its
config document need them, and nothing else does. Read by the portal's code
(:func:`shared.config.portal.load_oidc_client_settings`), with the same rules.

| setting | meaning |
|---|---|
| ``CONSOLE_OIDC_AUTHORITY`` | the staff issuer's URL (required; ``https://``, ``http://`` on loopback) |
| ``CONSOLE_OIDC_CLIENT_ID`` | the console's public client id at the staff identity provider (required) |
| ``CONSOLE_OIDC_SCOPE`` | the scopes it asks for, the API's included (default ``openid profile``) |
| ``STAFF_LANGUAGE`` | the console's language until a member chooses one (``it`` by default; also mails to staff) |
"""

from __future__ import annotations

from collections.abc import Mapping

from shared.config.env import one_of
from shared.config.portal import OidcClientSettings, load_oidc_client_settings
from shared.domain.language import Language

__all__ = ["load_console_settings", "load_staff_language"]


def load_console_settings(environ: Mapping[str, str]) -> OidcClientSettings:
    """Read the console's sign-in settings (``CONSOLE_OIDC_*``); :class:`SettingsError` names a
    missing or malformed one."""
    return load_oidc_client_settings(
        environ, "the console", "CONSOLE_OIDC_AUTHORITY", "CONSOLE_OIDC_CLIENT_ID", "CONSOLE_OIDC_SCOPE"
    )


def load_staff_language(environ: Mapping[str, str]) -> Language:
    """The staff's default language (``STAFF_LANGUAGE``, Italian when unset): the console's
    until a user chooses; :class:`SettingsError` names a value that is neither ``it`` nor ``en``."""
    return one_of(environ, "STAFF_LANGUAGE", tuple(Language), default=Language.ITALIAN)
