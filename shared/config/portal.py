"""The customer portal's sign-in settings, read apart from the rest: the portal's page and its
config document need them, and nothing else does. The staff console signs in the same way with
its own ``CONSOLE_OIDC_*`` settings (:mod:`shared.config.console`), read by the same code here.

| setting | meaning |
|---|---|
| ``PORTAL_OIDC_AUTHORITY`` | the identity provider's issuer URL (required; ``https://``, ``http://`` on loopback) |
| ``PORTAL_OIDC_CLIENT_ID`` | the portal's public client id at the identity provider (required) |
| ``PORTAL_OIDC_SCOPE`` | the scopes it asks for, the API's included (default ``openid profile``) |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from shared.config.env import LOOPBACK_HOSTS, SettingsError, required, text

__all__ = ["OidcClientSettings", "PortalSettings", "load_oidc_client_settings", "load_portal_settings"]


@dataclass(frozen=True)
class OidcClientSettings:
    """How a browser app (the customer portal, the staff console) signs its users in (OpenID
    Connect, authorization code + PKCE): ``authority`` is the identity provider's issuer URL,
    whose ``/.well-known/openid-configuration`` names the authorize and token endpoints
    (``<PREFIX>AUTHORITY``); ``client_id`` the app's public client (``<PREFIX>CLIENT_ID``);
    ``scope`` what it asks for, the API's scope included (``<PREFIX>SCOPE``, default
    ``openid profile``). None of them is a secret: the app is a public client and these values
    are served to every browser."""

    authority: str
    client_id: str
    scope: str

    @property
    def authority_origin(self) -> str:
        """``scheme://host[:port]`` of the authority, rebuilt from its parsed parts (the value
        was checked by :func:`load_oidc_client_settings`): where the browser may connect to sign in."""
        return _authority_origin(urlsplit(self.authority))


#: The portal's sign-in settings are those of one browser app.
PortalSettings = OidcClientSettings

#: A DNS name (letters, digits, hyphens; dot-separated labels) or the IPv6 loopback in brackets,
#: then an optional numeric port: all an authority's network location may hold.
_NETLOC = re.compile(
    r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    r"|\[::1\])(?::(?P<port>[0-9]{1,5}))?"
)
#: The path of an issuer URL: unreserved characters, percent escapes and slashes only.
_AUTHORITY_PATH = re.compile(r"[A-Za-z0-9._~%/-]*")


def _authority_origin(split: SplitResult) -> str:
    host = (split.hostname or "").lower()
    host = f"[{host}]" if ":" in host else host
    return f"{split.scheme}://{host}" + (f":{split.port}" if split.port is not None else "")


def _authority(raw: str, name: str) -> str:
    """The authority setting ``name`` checked piece by piece (it ends up in the page's CSP and in
    the config document): ``https``, or ``http`` on loopback; a DNS host name and an optional
    port, no user information, query or fragment; a plain path. Without its trailing slash."""
    authority = raw.rstrip("/")
    wrong = SettingsError(
        f"{name} must be an https:// issuer URL (http:// only on loopback) with a host name, "
        f"an optional port and a path, nothing else, not {raw!r}"
    )
    split = urlsplit(authority)
    netloc = _NETLOC.fullmatch(split.netloc)
    if (
        split.scheme not in {"https", "http"}
        or netloc is None
        or not _AUTHORITY_PATH.fullmatch(split.path)
        # nothing the parts leave out (``urlsplit`` drops tabs and newlines, for one)
        or authority != f"{split.scheme}://{split.netloc}{split.path}"
    ):
        raise wrong
    port = netloc["port"]
    if port is not None and not 0 < int(port) < 65536:
        raise wrong
    if split.scheme == "http" and (split.hostname or "").lower() not in LOOPBACK_HOSTS:
        raise wrong
    return authority


def load_portal_settings(environ: Mapping[str, str]) -> OidcClientSettings:
    """Read the portal's sign-in settings (``PORTAL_OIDC_*``), as :func:`load_oidc_client_settings`."""
    return load_oidc_client_settings(
        environ, "the portal", "PORTAL_OIDC_AUTHORITY", "PORTAL_OIDC_CLIENT_ID", "PORTAL_OIDC_SCOPE"
    )


def load_oidc_client_settings(
    environ: Mapping[str, str], app: str, authority_name: str, client_name: str, scope_name: str
) -> OidcClientSettings:
    """Read the sign-in settings of the browser app ``app``: its authority, client id and scope
    from the settings so named; :class:`SettingsError` names a missing or malformed one. The
    authority must be ``https://``, or ``http://`` on the loopback interface (local runs)."""
    authority = _authority(
        required(environ, authority_name, meaning="the identity provider's issuer URL"), authority_name
    )
    client_id = required(environ, client_name, meaning=f"{app}'s client id at the identity provider")
    if not re.fullmatch(r"[A-Za-z0-9._:/-]{1,200}", client_id):
        raise SettingsError(f"{client_name} has characters a client id cannot hold: {client_id!r}")
    scope = " ".join(text(environ, scope_name, default="openid profile").split())
    return OidcClientSettings(authority=authority, client_id=client_id, scope=scope)
