"""The console's view pages (``GET /api/views/{view}``): one row per ticket, its SLA badge as of
the read."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from shared.domain.lifecycle import Status
from shared.domain.sla.policy import Category, Clock
from shared.domain.views import View
from shared.usecases.views import ShownRow


class RowSlaOut(BaseModel):
    """The badge: the clock that matters (charge taking until it stops, then resolution; null
    when none runs), its due instant (null while paused short of it), the working seconds left
    (negative once past due; while paused, what was left when it paused), paused, breached, and
    the ticket's escalation level."""

    clock: Clock | None
    due: datetime | None
    working_seconds_left: int | None
    paused: bool
    breached: bool
    escalation_level: int | None


class ViewRowOut(BaseModel):
    """A ticket as a view lists it; ``unread``: a customer message came since its assignee last
    opened it."""

    id: str
    subject: str
    customer_id: str
    customer_name: str
    contact_email: str
    priority: int
    category: Category
    status: Status
    assignee: str | None
    assignee_name: str | None
    last_activity: datetime
    unread: bool
    sla: RowSlaOut


class ViewPageOut(BaseModel):
    """A page of a view, the cursor of the next one, and how often the console refreshes it."""

    view: View
    items: list[ViewRowOut]
    cursor: str | None
    refresh_seconds: int


def view_row_out(shown: ShownRow) -> ViewRowOut:
    row, badge = shown.row, shown.badge
    left = badge.working_time_left
    return ViewRowOut(
        id=row.id,
        subject=row.subject,
        customer_id=row.customer_id,
        customer_name=row.customer_name,
        contact_email=row.contact_email,
        priority=row.priority,
        category=row.category,
        status=row.status,
        assignee=row.assignee,
        assignee_name=row.assignee_name,
        last_activity=row.last_activity,
        unread=row.unread,
        sla=RowSlaOut(
            clock=row.sla.clock,
            due=row.sla.due,
            working_seconds_left=None if left is None else int(left.total_seconds()),
            paused=row.sla.paused,
            breached=badge.breached,
            escalation_level=row.sla.escalation_level,
        ),
    )
