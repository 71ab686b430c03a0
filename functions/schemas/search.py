"""Search's answer (``GET /api/search``): a page of the views' rows, with the mapper from what the
search found.

A row has the shape of a view's row; what the search index does not carry is said in the field's
description (``docs/console.md``, Search, says how stale each field may be).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.domain.sla.policy import Clock
from shared.usecases.search import Found


class RowSla(BaseModel):
    """The SLA badge: the clock that matters (charge taking until it stops, then resolution; null
    when none was started), its deadline and its working time left (negative once breached; null
    while paused or stopped), whether it is paused, whether a clock is breached, the ticket's escalation level."""

    clock: Clock | None
    due: datetime | None
    working_seconds_left: int | None
    paused: bool
    breached: bool
    escalation_level: int | None


class SearchRow(BaseModel):
    """A ticket as a view's row shows it."""

    id: str
    subject: str
    customer_id: str
    customer_name: str
    contact_email: str
    priority: int
    category: str
    status: str
    assignee: str | None
    assignee_name: str | None
    last_activity: datetime = Field(description="The ticket's last change of state (a message alone does not move it).")
    unread: bool = Field(description="Always false here: read marks are the views' (search keeps no reads).")
    sla: RowSla


class SearchList(BaseModel):
    """The newest matches first; ``cursor`` continues after the last (null on the last page)."""

    items: list[SearchRow]
    cursor: str | None


def search_row(found: Found) -> SearchRow:
    """The row of one ticket the search found."""
    ticket, clock = found.ticket, found.clock
    running = clock is not None and not clock.paused
    return SearchRow(
        id=ticket.id,
        subject=ticket.subject,
        customer_id=ticket.customer_id,
        customer_name=ticket.customer_name,
        contact_email=ticket.contact_email,
        priority=int(ticket.priority),
        category=ticket.category.value,
        status=ticket.status.value,
        assignee=ticket.assignee,
        assignee_name=ticket.assignee_name,
        last_activity=ticket.updated_at,
        unread=False,
        sla=RowSla(
            clock=None if clock is None else clock.clock,
            due=None if clock is None else clock.due,
            working_seconds_left=int(clock.remaining.total_seconds()) if running and clock else None,
            paused=found.paused,
            breached=found.breached,
            escalation_level=None if clock is None else ticket.escalation_level,
        ),
    )
