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

from shared.config.env import (
    LOOPBACK_HOSTS,
    SettingsError,
    one_of,
    optional,
    optional_address,
    required,
    seconds,
    text,
    url,
    whole_number,
    whole_numbers,
)
from shared.domain.sla.policy import ResolutionRule


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
    ``ESCALATION_MANAGEMENT_ADDRESS``, mail addresses); a customer opening tickets over the API
    may open ``creation_burst`` at once and ``creation_per_hour`` an hour (``TICKET_CREATION_BURST``,
    default 10, and ``TICKET_CREATION_PER_HOUR``, default 60)."""

    ticket_prefix: str
    resolution_rule: ResolutionRule
    calendar_refresh_seconds: float
    escalation_percentages: tuple[int, ...] = (75, 100, 150)
    escalation_supervisors: str | None = None
    escalation_management: str | None = None
    creation_burst: int = 10
    creation_per_hour: int = 60


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment (authentication, mail and the intake are
    read apart, by :mod:`shared.config.auth`, :mod:`shared.config.mail` and
    :mod:`shared.config.inbound`, so that health answers without them)."""

    tables: TableStorageSettings
    desk: DeskSettings


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and check the settings in ``environ``; raise :class:`SettingsError` naming what is wrong."""
    connection = optional(environ, "TABLES_CONNECTION_STRING")
    # With a connection string the endpoint is not used, so it is not checked either.
    endpoint = optional(environ, "TABLES_ENDPOINT") if connection else url(environ, "TABLES_ENDPOINT")
    if not connection and not endpoint:
        raise SettingsError("set TABLES_CONNECTION_STRING (local) or TABLES_ENDPOINT (managed identity)")
    prefix = text(environ, "TICKET_PREFIX", default="IZ")
    if not re.fullmatch(r"[A-Z]{2,5}", prefix):
        raise SettingsError(f"TICKET_PREFIX must be 2 to 5 capital letters, not {prefix!r}")
    return Settings(
        tables=TableStorageSettings(
            connection_string=connection,
            endpoint=endpoint,
            client_id=optional(environ, "AZURE_CLIENT_ID"),
            timeout_seconds=seconds(environ, "STORAGE_TIMEOUT_SECONDS", default=5.0),
        ),
        desk=DeskSettings(
            ticket_prefix=prefix,
            resolution_rule=one_of(
                environ, "SLA_RESOLUTION_RULE", tuple(ResolutionRule), default=ResolutionRule.WORKING_HOURS
            ),
            calendar_refresh_seconds=seconds(environ, "CALENDAR_REFRESH_SECONDS", default=60.0),
            escalation_percentages=_percentages(environ, "ESCALATION_MATRIX"),
            escalation_supervisors=optional_address(environ, "ESCALATION_SUPERVISORS_ADDRESS"),
            escalation_management=optional_address(environ, "ESCALATION_MANAGEMENT_ADDRESS"),
            creation_burst=whole_number(environ, "TICKET_CREATION_BURST", default=10),
            creation_per_hour=whole_number(environ, "TICKET_CREATION_PER_HOUR", default=60),
        ),
    )


@cache
def settings() -> Settings:
    """The process's settings, read from ``os.environ`` on first use."""
    return load_settings(os.environ)


def _percentages(environ: Mapping[str, str], name: str) -> tuple[int, ...]:
    """The escalation matrix: increasing percentages of a clock's budget, each up to 1000."""
    values = whole_numbers(environ, name, default=(75, 100, 150), maximum=1000)
    if list(values) != sorted(set(values)):
        raise SettingsError(
            f"{name} must be increasing percentages such as 75,100,150, not {optional(environ, name)!r}"
        )
    return values


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
    if split.scheme == "http" and (split.hostname or "").lower() not in LOOPBACK_HOSTS:
        raise wrong
    return authority


def load_portal_settings(environ: Mapping[str, str]) -> PortalSettings:
    """Read the portal's sign-in settings; :class:`SettingsError` names a missing or malformed one.
    The authority must be ``https://``, or ``http://`` on the loopback interface (local runs)."""
    authority = _authority(required(environ, "PORTAL_OIDC_AUTHORITY", meaning="the identity provider's issuer URL"))
    client_id = required(environ, "PORTAL_OIDC_CLIENT_ID", meaning="the portal's client id at the identity provider")
    if not re.fullmatch(r"[A-Za-z0-9._:/-]{1,200}", client_id):
        raise SettingsError(f"PORTAL_OIDC_CLIENT_ID has characters a client id cannot hold: {client_id!r}")
    scope = " ".join(text(environ, "PORTAL_OIDC_SCOPE", default="openid profile").split())
    return PortalSettings(authority=authority, client_id=client_id, scope=scope)
