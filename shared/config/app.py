"""The app's own settings, read once from the environment (app settings on Azure,
``local.settings.json`` locally): how to reach Table Storage, and how the desk numbers its tickets,
reads its SLA, escalates and limits ticket creation. A missing or malformed setting fails fast
with its name.

Names are the ones the Bicep templates set and ``local.settings.sample.json`` lists.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from shared.config.env import (
    SettingsError,
    one_of,
    optional,
    optional_address,
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
    account endpoint reached with the app's managed identity (:attr:`Settings.identity_client_id`)."""

    connection_string: str | None
    endpoint: str | None
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
    default 10, and ``TICKET_CREATION_PER_HOUR``, default 60); the console refreshes its lists every
    ``console_refresh_seconds`` (``CONSOLE_REFRESH_SECONDS``, default 30)."""

    ticket_prefix: str
    resolution_rule: ResolutionRule
    calendar_refresh_seconds: float
    escalation_percentages: tuple[int, ...] = (75, 100, 150)
    escalation_supervisors: str | None = None
    escalation_management: str | None = None
    creation_burst: int = 10
    creation_per_hour: int = 60
    console_refresh_seconds: int = 30


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment (authentication, mail and the intake are
    read apart, by :mod:`shared.config.auth`, :mod:`shared.config.mail` and
    :mod:`shared.config.inbound`, so that health answers without them).

    ``identity_client_id`` (``AZURE_CLIENT_ID``) is the client id of the app's user-assigned
    managed identity, which every Azure client the app signs in with an identity uses: Table
    Storage by its endpoint and ACS by its endpoint. None: the default credential's choice (the
    system-assigned identity on Azure, the developer's sign-in locally)."""

    tables: TableStorageSettings
    desk: DeskSettings
    identity_client_id: str | None = None


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
            console_refresh_seconds=whole_number(environ, "CONSOLE_REFRESH_SECONDS", default=30),
        ),
        identity_client_id=optional(environ, "AZURE_CLIENT_ID"),
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
