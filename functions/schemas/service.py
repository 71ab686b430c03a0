"""The service's own documents: health, the calendar status, the portal's and the console's config
documents and the OpenAPI document, with the mappers their handlers answer through. All of them are public."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, RootModel

from functions.schemas.common import Problem
from shared.config.portal import OidcClientSettings, PortalSettings
from shared.domain.language import Language
from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.closures import Closure
from shared.domain.sla.policy import Category, Clock, Priority, SlaPolicy


class HealthOut(BaseModel):
    """``GET /api/health`` when every dependency answers: each check is ``ok``."""

    status: Literal["ok"]
    version: str
    checks: dict[str, str]


class HealthProblem(Problem):
    """``GET /api/health`` when a dependency does not answer (503): ``checks`` names each
    dependency ``ok`` or ``down: <kind of failure>``."""

    version: str
    checks: dict[str, str]


class UpcomingClosure(BaseModel):
    """A closure period that has not ended yet, both days included."""

    first_day: date
    last_day: date
    note: str


class CalendarStatusOut(BaseModel):
    """``GET /api/calendar/status``: whether the desk is open ``now`` and when it next opens."""

    now: datetime
    open: bool
    next_opening: datetime
    zone: str
    upcoming_closures: list[UpcomingClosure]


class OpenApiDocument(RootModel[dict[str, object]]):
    """An OpenAPI 3.1 document."""


class PrioritySla(BaseModel):
    """What a priority promises: charge taking within ``take_charge_hours`` working hours,
    resolution within ``resolution_days`` working days."""

    priority: Priority
    take_charge_hours: int
    resolution_days: int


class CategoryClocks(BaseModel):
    """A category a request can be opened with and the SLA clocks it runs."""

    category: str
    clocks: list[Clock]


class PortalConfigOut(BaseModel):
    """``GET /api/portal/config.json``: where the customer portal signs in (an OpenID Connect
    ``authority``, its public ``client_id`` and ``scope``), the API's base path and the SLA rules
    its form shows. Public: none of it is a secret."""

    authority: str
    client_id: str
    scope: str
    api: str
    priorities: list[PrioritySla]
    categories: list[CategoryClocks]


class ConsoleConfigOut(BaseModel):
    """``GET /api/console/config.json``: where the staff console signs in (the staff issuer's
    ``authority``, the console's public ``client_id`` and ``scope``), the API's base path, the
    staff's default ``language`` (``STAFF_LANGUAGE``, until a user chooses), and the priorities
    and categories its forms offer. Public: none of it is a secret."""

    authority: str
    client_id: str
    scope: str
    api: str
    language: Language
    priorities: list[PrioritySla]
    categories: list[CategoryClocks]


def calendar_status_out(now: datetime, calendar: SlaCalendar, closures: list[Closure]) -> CalendarStatusOut:
    """The desk's state at ``now`` on ``calendar``, with the ``closures`` that have not ended by
    ``now``'s day in the calendar's zone."""
    today = now.astimezone(calendar.zone).date()
    return CalendarStatusOut(
        now=now,
        open=calendar.is_working_time(now),
        next_opening=calendar.next_working_time(now),
        zone=str(calendar.zone),
        upcoming_closures=[
            UpcomingClosure(first_day=c.first_day, last_day=c.last_day, note=c.note)
            for c in closures
            if c.last_day >= today
        ],
    )


def portal_config_out(settings: PortalSettings, policy: SlaPolicy) -> PortalConfigOut:
    """What the portal needs before anyone signs in: where and how to sign in, and the SLA each
    priority implies (from the policy, so the form shows the rules the desk applies)."""
    return PortalConfigOut(
        authority=settings.authority,
        client_id=settings.client_id,
        scope=settings.scope,
        api="/api",
        priorities=[
            PrioritySla(
                priority=priority,
                take_charge_hours=policy.take_charge_hours[priority],
                resolution_days=policy.resolution_days[priority],
            )
            for priority in Priority
        ],
        categories=[
            CategoryClocks(
                category=category.value,
                clocks=[clock for clock in Clock if policy.runs(clock, category)],
            )
            for category in Category
            if not policy.rule_for(category).closes_ticket
        ],
    )


def console_config_out(settings: OidcClientSettings, language: Language, policy: SlaPolicy) -> ConsoleConfigOut:
    """What the console needs before anyone signs in: where and how to sign in, the staff's
    default language, and the priorities and every category (outcomes included: staff classify
    with them) with the SLA the policy gives each."""
    portal = portal_config_out(settings, policy)
    return ConsoleConfigOut(
        authority=settings.authority,
        client_id=settings.client_id,
        scope=settings.scope,
        api=portal.api,
        language=language,
        priorities=portal.priorities,
        categories=[
            CategoryClocks(category=category.value, clocks=[clock for clock in Clock if policy.runs(clock, category)])
            for category in Category
        ],
    )
