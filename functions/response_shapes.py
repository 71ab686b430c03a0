"""The shapes of the answers outside the ticket routes: problem documents, health, the calendar
status and the administration routes.

Their handlers build these models and dump them, and ``GET /api/openapi.json`` documents them; the
contract test (``tests/e2e/test_api_contract.py``) checks every answer against the document.
Problem documents are written by :func:`functions.http.responses.problem`, which the ``Problem`` models
describe.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, RootModel

from functions.schemas import ClosureDocument, CustomerDocument


class Problem(BaseModel):
    """An RFC 9457 problem document (``application/problem+json``). Extension members may follow,
    such as ``field`` (the input at fault, on 422) or ``checks`` (on a failed health check)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str | None = None


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


class CustomerOut(CustomerDocument):
    """A customer as the administration routes answer it: its document and its id."""

    id: str


class CustomerList(BaseModel):
    """Every customer, in one page (``cursor`` is always null)."""

    items: list[CustomerOut]
    cursor: None


class ClosureOut(ClosureDocument):
    """A closure period as the administration routes answer it: its document and its id."""

    id: str


class ClosureChangeOut(ClosureOut):
    """A closure period as it is after ``PUT`` (or was, after ``DELETE``), with the escalation
    checkpoints of open tickets the change moved to another instant (``replanned_checkpoints``, one
    per running clock at most) and the clocks whose re-plan failed (``replan_failures``: they keep
    their checkpoints as they were, and are logged; repeating the change re-plans again)."""

    replanned_checkpoints: int
    replan_failures: int


class ClosureList(BaseModel):
    """Every closure period, in one page (``cursor`` is always null)."""

    items: list[ClosureOut]
    cursor: None


class AuditRecordOut(BaseModel):
    """``actor`` (in ``role``) did ``action`` on ``ticket`` at ``at``."""

    ticket: str
    at: datetime
    actor: str
    role: str
    action: str


class AuditList(BaseModel):
    """A ticket's audit trail, oldest first, up to ``?limit=`` records (``cursor`` is always null)."""

    items: list[AuditRecordOut]
    cursor: None


class FailedNotificationOut(BaseModel):
    """A notification that failed for good: its id (``IZ-2026-000123.4.0``), ticket, kind,
    recipient, attempts and last error."""

    id: str
    ticket: str
    kind: str
    recipient: str
    attempts: int
    last_error: str
    state: Literal["failed"]


class FailedNotificationList(BaseModel):
    """The notifications that failed for good (``cursor`` is always null)."""

    items: list[FailedNotificationOut]
    cursor: None


class RetryOut(BaseModel):
    """A retried notification and its state after one new attempt."""

    id: str
    state: Literal["pending", "sent", "failed"]


class InboundMailOut(BaseModel):
    """A received mail and its outcome (``GET /api/admin/inbound``)."""

    id: str
    outcome: Literal["created", "appended", "ignored", "held", "quarantined", "duplicate"]
    received_at: datetime
    reason: str
    blob: str
    message_id: str
    sender: str
    subject: str
    customer_id: str | None
    ticket_id: str | None
    duplicate_of: str | None
    released_by: str | None


class InboundMailList(BaseModel):
    """Received mail, newest first."""

    items: list[InboundMailOut]
    cursor: str | None


class OpenApiDocument(RootModel[dict[str, object]]):
    """An OpenAPI 3.1 document."""


class PrioritySla(BaseModel):
    """What a priority promises: charge taking within ``take_charge_hours`` working hours,
    resolution within ``resolution_days`` working days."""

    priority: Literal[1, 2, 3, 4]
    take_charge_hours: int
    resolution_days: int


class CategoryClocks(BaseModel):
    """A category a request can be opened with and the SLA clocks it runs."""

    category: str
    clocks: list[Literal["take_charge", "resolution"]]


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
