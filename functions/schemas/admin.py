"""The administration routes' documents: customers, closure periods, the audit trail, the mail
that failed for good and the mail received, with the mappers from the desk's values.

Every route answering them needs the ``admin`` role; the contract test
(``tests/e2e/test_api_contract.py``) checks every answer against the OpenAPI document.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from functions.schemas.common import Body, CustomerId, Email, OneLine
from shared.domain.customers import Customer
from shared.domain.inbound.record import InboundRecord, Outcome
from shared.domain.language import Language
from shared.domain.notifications import DeliveryState
from shared.domain.sla.closures import Closure

if TYPE_CHECKING:
    from shared.usecases.admin import ClosureChange
    from shared.usecases.stored import AuditRecord, FailedNotification


class ContactDocument(Body):
    email: Email
    name: OneLine


class ReleaseMail(Body):
    """``POST /api/admin/inbound/{id}/release``: take a held mail (or one quarantined as a
    suspected loop) in as this customer's."""

    customer_id: CustomerId


class CustomerDocument(Body):
    """``PUT /api/admin/customers/{id}`` and its answers."""

    name: OneLine
    entitled: bool
    email_domains: Annotated[list[Annotated[str, StringConstraints(max_length=253)]], Field(max_length=50)]
    contacts: Annotated[list[ContactDocument], Field(max_length=500)]
    language: Language


class ClosureDocument(Body):
    """``PUT /api/admin/closures/{id}``: the desk is closed from ``first_day`` to ``last_day``."""

    first_day: date
    last_day: date
    note: Annotated[str, StringConstraints(max_length=500)] = ""


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
    state: Literal[DeliveryState.FAILED]


class FailedNotificationList(BaseModel):
    """The notifications that failed for good (``cursor`` is always null)."""

    items: list[FailedNotificationOut]
    cursor: None


class RetryOut(BaseModel):
    """A retried notification and its state after one new attempt."""

    id: str
    state: DeliveryState


class InboundMailOut(BaseModel):
    """A received mail and its outcome (``GET /api/admin/inbound``)."""

    id: str
    outcome: Outcome
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


def customer_out(customer: Customer) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        name=customer.name,
        entitled=customer.entitled,
        email_domains=list(customer.email_domains),
        contacts=[ContactDocument(email=c.email, name=c.name) for c in customer.contacts],
        language=customer.language,
    )


def closure_out(closure: Closure) -> ClosureOut:
    return ClosureOut(id=closure.id, first_day=closure.first_day, last_day=closure.last_day, note=closure.note)


def closure_change_out(change: ClosureChange) -> ClosureChangeOut:
    return ClosureChangeOut(
        **closure_out(change.closure).model_dump(),
        replanned_checkpoints=change.replan.moved,
        replan_failures=change.replan.failed,
    )


def audit_record_out(record: AuditRecord) -> AuditRecordOut:
    return AuditRecordOut(
        ticket=record.subject, at=record.at, actor=record.actor, role=record.role, action=record.action
    )


def failed_notification_out(failure: FailedNotification) -> FailedNotificationOut:
    return FailedNotificationOut(
        id=failure.id,
        ticket=failure.ticket_id,
        kind=failure.kind.value,
        recipient=failure.recipient,
        attempts=failure.attempts,
        last_error=failure.last_error,
        state=DeliveryState.FAILED,
    )


def inbound_mail_out(record: InboundRecord) -> InboundMailOut:
    return InboundMailOut(
        id=record.id,
        outcome=record.outcome,
        received_at=record.received_at,
        reason=record.reason,
        blob=record.blob,
        message_id=record.message_id,
        sender=record.sender,
        subject=record.subject,
        customer_id=record.customer_id,
        ticket_id=record.ticket_id,
        duplicate_of=record.duplicate_of,
        released_by=record.released_by,
    )
