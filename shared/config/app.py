"""The app's settings, read once from the environment (app settings on Azure, ``local.settings.json``
locally); a missing or malformed setting fails fast with its name.

Names are the ones the Bicep templates set and ``local.settings.sample.json`` lists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import SplitResult, urlsplit

RESOLUTION_RULES = ("working_hours", "end_of_working_day")


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class TableStorageSettings:
    """How to reach Table Storage: a connection string (Azurite, or an account with keys) or an
    account endpoint reached with the managed identity (``client_id`` for a user-assigned one)."""

    connection_string: str | None
    endpoint: str | None
    client_id: str | None
    timeout_seconds: float


@dataclass(frozen=True)
class DeskSettings:
    """How the desk numbers its tickets and reads its SLA: ``ticket_prefix`` starts every ticket
    id (``IZ`` gives ``IZ-2026-000123``); ``resolution_rule`` is ``working_hours`` (a working day
    is 8 working hours) or ``end_of_working_day``; ``calendar_refresh_seconds`` is how long a
    worker keeps the closure periods before reading them again; ``escalation_percentages`` is the
    escalation matrix (``ESCALATION_MATRIX``, default ``75,100,150``); ``escalation_supervisors``
    and ``escalation_management`` hear of levels 2 and 3 (``ESCALATION_SUPERVISORS_ADDRESS``,
    ``ESCALATION_MANAGEMENT_ADDRESS``); a customer opening tickets over the API may open
    ``creation_burst`` at once and ``creation_per_hour`` an hour (``TICKET_CREATION_BURST``,
    default 10, and ``TICKET_CREATION_PER_HOUR``, default 60)."""

    ticket_prefix: str
    resolution_rule: str
    calendar_refresh_seconds: float
    escalation_percentages: tuple[int, ...] = (75, 100, 150)
    escalation_supervisors: str | None = None
    escalation_management: str | None = None
    creation_burst: int = 10
    creation_per_hour: int = 60


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment (authentication is read apart, by
    :func:`shared.adapters.auth.tokens.load_auth_settings`, so that health answers without it)."""

    tables: TableStorageSettings
    desk: DeskSettings


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings in ``environ``; raise :class:`SettingsError` naming what is wrong."""
    connection = _optional(environ, "TABLES_CONNECTION_STRING")
    endpoint = _optional(environ, "TABLES_ENDPOINT")
    if not connection and not endpoint:
        raise SettingsError("set TABLES_CONNECTION_STRING (local) or TABLES_ENDPOINT (managed identity)")
    if endpoint and not endpoint.startswith("https://") and not connection:
        raise SettingsError(f"TABLES_ENDPOINT must be an https:// URL, not {endpoint!r}")
    prefix = _optional(environ, "TICKET_PREFIX") or "IZ"
    if not re.fullmatch(r"[A-Z]{2,5}", prefix):
        raise SettingsError(f"TICKET_PREFIX must be 2 to 5 capital letters, not {prefix!r}")
    rule = _optional(environ, "SLA_RESOLUTION_RULE") or "working_hours"
    if rule not in RESOLUTION_RULES:
        raise SettingsError(f"SLA_RESOLUTION_RULE must be one of {', '.join(RESOLUTION_RULES)}, not {rule!r}")
    return Settings(
        tables=TableStorageSettings(
            connection_string=connection,
            endpoint=endpoint,
            client_id=_optional(environ, "AZURE_CLIENT_ID"),
            timeout_seconds=_positive_number(environ, "STORAGE_TIMEOUT_SECONDS", default=5.0),
        ),
        desk=DeskSettings(
            ticket_prefix=prefix,
            resolution_rule=rule,
            calendar_refresh_seconds=_positive_number(environ, "CALENDAR_REFRESH_SECONDS", default=60.0),
            escalation_percentages=_percentages(environ, "ESCALATION_MATRIX"),
            escalation_supervisors=_optional(environ, "ESCALATION_SUPERVISORS_ADDRESS"),
            escalation_management=_optional(environ, "ESCALATION_MANAGEMENT_ADDRESS"),
            creation_burst=whole_number(environ, "TICKET_CREATION_BURST", default=10),
            creation_per_hour=whole_number(environ, "TICKET_CREATION_PER_HOUR", default=60),
        ),
    )


@cache
def settings() -> Settings:
    """The process's settings, read from ``os.environ`` on first use."""
    return load_settings(os.environ)


def _optional(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _percentages(environ: Mapping[str, str], name: str) -> tuple[int, ...]:
    raw = _optional(environ, name) or "75,100,150"
    parts = [part.strip() for part in raw.split(",")]
    if not all(part.isdecimal() and 0 < int(part) <= 1000 for part in parts):
        raise SettingsError(f"{name} must be increasing percentages such as 75,100,150, not {raw!r}")
    values = tuple(int(part) for part in parts)
    if list(values) != sorted(set(values)):
        raise SettingsError(f"{name} must be increasing percentages such as 75,100,150, not {raw!r}")
    return values


def whole_number(environ: Mapping[str, str], name: str, *, default: int) -> int:
    """The positive whole number of setting ``name`` (``default`` when it is not set), or
    :class:`SettingsError` naming it."""
    raw = _optional(environ, name)
    if raw is None:
        return default
    if not raw.isdecimal() or int(raw) < 1:
        raise SettingsError(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


def _positive_number(environ: Mapping[str, str], name: str, *, default: float) -> float:
    raw = _optional(environ, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, not {raw!r}")
    return value


@dataclass(frozen=True)
class PortalSettings:
    """How the customer portal signs its users in (OpenID Connect, authorization code + PKCE):
    ``authority`` is the identity provider's issuer URL, whose
    ``/.well-known/openid-configuration`` names the authorize and token endpoints
    (``PORTAL_OIDC_AUTHORITY``); ``client_id`` the portal's public client
    (``PORTAL_OIDC_CLIENT_ID``); ``scope`` what it asks for, the API's scope included
    (``PORTAL_OIDC_SCOPE``, default ``openid profile``). None of them is a secret: the portal
    is a public client and these values are served to every browser."""

    authority: str
    client_id: str
    scope: str

    @property
    def authority_origin(self) -> str:
        """``scheme://host[:port]`` of the authority, rebuilt from its parsed parts (the value
        was checked by :func:`load_portal_settings`): where the browser may connect to sign in."""
        return _authority_origin(urlsplit(self.authority))


_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
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


def _authority(raw: str) -> str:
    """``PORTAL_OIDC_AUTHORITY`` checked piece by piece (it ends up in the page's CSP and in the
    config document): ``https``, or ``http`` on loopback; a DNS host name and an optional port,
    no user information, query or fragment; a plain path. Without its trailing slash."""
    authority = raw.rstrip("/")
    wrong = SettingsError(
        "PORTAL_OIDC_AUTHORITY must be an https:// issuer URL (http:// only on loopback) with a host name, "
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
    if split.scheme == "http" and (split.hostname or "").lower() not in _LOCAL_HOSTS:
        raise wrong
    return authority


def load_portal_settings(environ: Mapping[str, str]) -> PortalSettings:
    """Read the portal's sign-in settings; :class:`SettingsError` names a missing or malformed one.
    The authority must be ``https://``, or ``http://`` on the loopback interface (local runs)."""
    raw = _optional(environ, "PORTAL_OIDC_AUTHORITY")
    if raw is None:
        raise SettingsError("set PORTAL_OIDC_AUTHORITY (the identity provider's issuer URL)")
    authority = _authority(raw)
    client_id = _optional(environ, "PORTAL_OIDC_CLIENT_ID")
    if client_id is None:
        raise SettingsError("set PORTAL_OIDC_CLIENT_ID (the portal's client id at the identity provider)")
    if not re.fullmatch(r"[A-Za-z0-9._:/-]{1,200}", client_id):
        raise SettingsError(f"PORTAL_OIDC_CLIENT_ID has characters a client id cannot hold: {client_id!r}")
    scope = " ".join((_optional(environ, "PORTAL_OIDC_SCOPE") or "openid profile").split())
    return PortalSettings(authority=authority, client_id=client_id, scope=scope)
