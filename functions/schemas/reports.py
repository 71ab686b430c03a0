"""The report routes' answers: the at-risk view, and the SLA report in JSON or CSV.

The SLA report's rows are flat, so the CSV (a header row of the row's field names, one line per
customer and priority) carries exactly the JSON's values: numbers plain (``66.7``, ``3600``), an
absent figure (``null``) as an empty cell.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from functions.schemas.common import ClockOut, clock_out
from shared.domain.lifecycle import Status
from shared.domain.sla.policy import Category, Priority
from shared.domain.sla.stats import ClockFigures, SlaRow
from shared.usecases.reports import AtRisk, AtRiskTicket, SlaReport


class AtRiskTicketOut(BaseModel):
    """An open ticket in the at-risk view: ``nearest_due`` is the earliest deadline of its running
    clocks (null when none runs); each clock shows its working time left in ``remaining_seconds``."""

    id: str
    customer_id: str
    subject: str
    category: Category
    priority: Priority
    status: Status
    assignee: str | None
    created_at: datetime
    nearest_due: datetime | None
    take_charge: ClockOut
    resolution: ClockOut


class AtRiskList(BaseModel):
    """``GET /api/reports/at-risk``: the most urgent first; ``scanned`` open tickets were read, and
    ``complete`` is false when the read stopped at its page bound before the end."""

    items: list[AtRiskTicketOut]
    scanned: int
    complete: bool


class SlaReportRow(BaseModel):
    """One customer's tickets of one priority opened in the period. Times are working time in
    seconds; percentages have one decimal; null where nothing was measured."""

    customer_id: str
    priority: Priority
    opened: int
    take_charge_stopped: int
    take_charge_met: int
    take_charge_met_percent: float | None
    take_charge_breached: int
    take_charge_median_seconds: int | None
    take_charge_p90_seconds: int | None
    resolution_stopped: int
    resolution_met: int
    resolution_met_percent: float | None
    resolution_breached: int
    resolution_median_seconds: int | None
    resolution_p90_seconds: int | None
    paused_seconds: int


class SlaReportOut(BaseModel):
    """``GET /api/reports/sla``: the tickets opened from ``from`` (included) to ``to`` (excluded),
    days in ``zone``; ``customer`` is null for every customer; figures as of ``as_of``."""

    model_config = ConfigDict(serialize_by_alias=True)

    from_: date = Field(alias="from")
    to: date
    zone: str
    customer: str | None
    as_of: datetime
    rows: list[SlaReportRow]


def at_risk_out(view: AtRisk) -> AtRiskList:
    return AtRiskList(
        items=[_at_risk_ticket_out(item) for item in view.items], scanned=view.scanned, complete=view.complete
    )


def _at_risk_ticket_out(item: AtRiskTicket) -> AtRiskTicketOut:
    ticket = item.ticket
    return AtRiskTicketOut(
        id=ticket.id,
        customer_id=ticket.customer_id,
        subject=ticket.subject,
        category=ticket.category,
        priority=ticket.priority,
        status=ticket.status,
        assignee=ticket.assignee,
        created_at=ticket.created_at,
        nearest_due=item.nearest_due,
        take_charge=clock_out(item.take_charge),
        resolution=clock_out(item.resolution),
    )


def sla_report_out(report: SlaReport) -> SlaReportOut:
    return SlaReportOut.model_validate(
        {
            "from": report.period.first_day,
            "to": report.period.end_day,
            "zone": report.zone.key,
            "customer": report.customer_id,
            "as_of": report.as_of,
            "rows": [_row_out(row) for row in report.rows],
        }
    )


def _row_out(row: SlaRow) -> SlaReportRow:
    return SlaReportRow.model_validate(
        {
            "customer_id": row.customer_id,
            "priority": row.priority,
            "opened": row.opened,
            **_clock_columns("take_charge", row.take_charge),
            **_clock_columns("resolution", row.resolution),
            "paused_seconds": _seconds(row.paused),
        }
    )


def _clock_columns(prefix: str, figures: ClockFigures) -> dict[str, int | float | None]:
    return {
        f"{prefix}_stopped": figures.stopped,
        f"{prefix}_met": figures.met,
        f"{prefix}_met_percent": figures.met_percent,
        f"{prefix}_breached": figures.breached,
        f"{prefix}_median_seconds": None if figures.median is None else _seconds(figures.median),
        f"{prefix}_p90_seconds": None if figures.p90 is None else _seconds(figures.p90),
    }


def _seconds(duration: timedelta) -> int:
    """Whole seconds, rounded down."""
    return duration // timedelta(seconds=1)


def sla_report_csv(report: SlaReportOut) -> str:
    """The report's rows as CSV (RFC 4180: CRLF line ends), with a header row."""
    columns = list(SlaReportRow.model_fields)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in report.rows:
        values = row.model_dump(mode="json")
        writer.writerow(["" if values[name] is None else values[name] for name in columns])
    return out.getvalue()
