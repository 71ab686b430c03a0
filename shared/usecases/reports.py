"""What supervisors see: the tickets at risk of missing their SLA, and the SLA report of a period.

Two use cases of :class:`Reports`, over the desk's tickets, with the desk's clock and calendar:

* :meth:`Reports.at_risk`: the open tickets (new, accepted, waiting for the customer) the caller
  may see, the nearest deadline first. Staff only; customers are refused (they follow their own
  tickets' deadlines in the ticket list). It reads every open ticket the caller may see, a page
  at a time, up to ``pages`` pages per open status, and sorts in memory: the answer says whether
  the read was ``complete``. (The escalation schedule, keyed by due time, will give a cheaper view.)
* :meth:`Reports.sla_report`: the figures of :mod:`shared.domain.sla.stats` over the tickets
  opened in a period, per customer and priority. Supervisors and administrators see every customer (or one); a
  customer only its own, and naming another company is answered like a ticket it may not see:
  :class:`NotFound`.

The cost of each is in ``docs/reports.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.domain.access import Caller, can_see, handle_of, staff_filter
from shared.domain.change import role_of
from shared.domain.errors import Forbidden, InvalidInput, NotFound
from shared.domain.lifecycle import STAFF, Role, Status
from shared.domain.paging import Page
from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.clock import ClockState, clock_state
from shared.domain.sla.policy import Clock, SlaPolicy
from shared.domain.sla.stats import SlaRow, summarise
from shared.domain.ticket import Ticket
from shared.usecases.ports import Audit, OpenedTickets, Tickets

__all__ = ["AtRisk", "AtRiskTicket", "ReportPeriod", "Reports", "SlaReport"]

#: The statuses of the tickets the desk still owes work on, in the order they are read.
OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.WAITING_CUSTOMER)
#: Tickets per page read by the at-risk view (the most the service answers per request).
SCAN_PAGE = 1000
#: Pages read per open status by default: 3 × 5 requests, 15,000 open tickets at most.
SCAN_PAGES = 5
#: The longest report period, in days.
MAX_PERIOD_DAYS = 366
#: The earliest day a report period may start.
EARLIEST_DAY = date(1970, 1, 1)


# --- at risk -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtRiskTicket:
    """An open ticket and its two clocks as of the read."""

    ticket: Ticket
    take_charge: ClockState
    resolution: ClockState

    @property
    def nearest_due(self) -> datetime | None:
        """The earliest deadline of its running clocks (in the past once breached); None when no
        clock runs (paused, stopped or never started)."""
        return min((state.due for state in self._clocks() if state.running and state.due), default=None)

    def sort_key(self) -> tuple[int, float, str]:
        """Running clocks first, by nearest deadline; then the rest (paused, or no clock running)
        by the least working time left on a clock not stopped; ties by ticket id."""
        due = self.nearest_due
        if due is not None:
            return 0, due.timestamp(), self.ticket.id
        left = [
            state.remaining.total_seconds() for state in self._clocks() if state.started_at and not state.stopped_at
        ]
        return 1, min(left, default=float("inf")), self.ticket.id

    def _clocks(self) -> tuple[ClockState, ClockState]:
        return self.take_charge, self.resolution


@dataclass(frozen=True)
class AtRisk:
    """The at-risk view: up to ``limit`` tickets, most urgent first; ``scanned`` open tickets the
    caller may see were read; ``complete`` is False when the page bound stopped the read short (the
    view then ranks only what was read)."""

    items: list[AtRiskTicket]
    scanned: int
    complete: bool


# --- the SLA report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportPeriod:
    """The days ``first_day`` (included) to ``end_day`` (excluded), in the calendar's zone.
    Refused with :class:`InvalidInput` naming ``from`` or ``to`` (the query's names) unless
    1970-01-01 ≤ first_day < end_day and the period is at most :data:`MAX_PERIOD_DAYS` days."""

    first_day: date
    end_day: date

    def __post_init__(self) -> None:
        if self.first_day < EARLIEST_DAY:
            raise InvalidInput("from", f"must be on or after {EARLIEST_DAY.isoformat()}")
        if self.end_day <= self.first_day:
            raise InvalidInput("to", "must be after from")
        if self.end_day - self.first_day > timedelta(days=MAX_PERIOD_DAYS):
            raise InvalidInput("to", f"must be at most {MAX_PERIOD_DAYS} days after from")

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as instants: midnight of ``first_day`` and of ``end_day`` in ``zone``."""
        return datetime.combine(self.first_day, time(0), zone), datetime.combine(self.end_day, time(0), zone)


@dataclass(frozen=True)
class SlaReport:
    """The report of ``period`` (of ``customer_id`` alone, or of every customer when None), as of
    ``as_of``: one row per customer and priority with tickets opened in the period."""

    period: ReportPeriod
    customer_id: str | None
    as_of: datetime
    zone: ZoneInfo
    rows: list[SlaRow]


# --- the use cases -----------------------------------------------------------------------------------


@dataclass
class Reports:
    """The supervisors' views over the desk's tickets (``tickets``, ``opened`` for the report's
    query), auditing what staff are shown in ``audit``, with the desk's ``calendar``, ``policy``
    and clock ``now``."""

    tickets: Tickets
    opened: OpenedTickets
    audit: Audit
    calendar: Callable[[], SlaCalendar]
    policy: SlaPolicy
    now: Callable[[], datetime]

    def at_risk(
        self,
        caller: Caller,
        *,
        customer_id: str | None = None,
        limit: int = 25,
        pages: int = SCAN_PAGES,
        page_size: int = SCAN_PAGE,
    ) -> AtRisk:
        """The open tickets ``caller`` may see (of ``customer_id`` only, when given), ordered by
        :meth:`AtRiskTicket.sort_key`, the first ``limit``. Reads up to ``pages`` pages of
        ``page_size`` tickets per open status, one query each, and audits the tickets shown with one
        write (like every staff list)."""
        if Role.CUSTOMER in caller.roles or not caller.roles & STAFF:
            raise Forbidden("the at-risk view is for staff")
        if pages < 1 or page_size < 1:
            raise ValueError(f"pages and page_size must be at least 1: {pages}, {page_size}")
        calendar, now = self.calendar(), self.now()
        visible: list[AtRiskTicket] = []
        complete = True
        for status in OPEN_STATUSES:
            cursor: str | None = None
            for _ in range(pages):
                page = self._open_page(caller, status, customer_id, page_size, cursor)
                visible += [
                    AtRiskTicket(
                        ticket,
                        clock_state(Clock.TAKE_CHARGE, ticket.clocks, calendar, now),
                        clock_state(Clock.RESOLUTION, ticket.clocks, calendar, now),
                    )
                    for ticket in page.items
                    if can_see(caller, ticket, self.policy)
                ]
                cursor = page.cursor
                if cursor is None:
                    break
            complete = complete and cursor is None
        items = sorted(visible, key=AtRiskTicket.sort_key)[:limit]
        if items:
            self.audit.record_list([item.ticket.id for item in items], now, handle_of(caller), role_of(caller))
        return AtRisk(items, len(visible), complete)

    def sla_report(self, caller: Caller, period: ReportPeriod, customer_id: str | None = None) -> SlaReport:
        """The SLA figures of the tickets opened in ``period`` that ``caller`` may report on, on
        the calendar, as of now. Reads the tickets opened in the period once."""
        scope = _report_scope(caller, customer_id)
        calendar, now = self.calendar(), self.now()
        start, end = period.bounds(calendar.zone)
        rows = summarise(self.opened.opened_between(start, end, scope), calendar, now)
        return SlaReport(period, scope, now, calendar.zone, rows)

    def _open_page(
        self, caller: Caller, status: Status, customer_id: str | None, size: int, cursor: str | None
    ) -> Page[Ticket]:
        """One page of the tickets in ``status`` that the caller's lists may hold: the customer's
        partition, or what a staff list holds (:func:`shared.domain.access.staff_filter`)."""
        if customer_id is not None:
            return self.tickets.list_for_customer(customer_id, status=status, limit=size, cursor=cursor)
        return self.tickets.list_all(status=status, visible=staff_filter(caller), limit=size, cursor=cursor)


def _report_scope(caller: Caller, customer_id: str | None) -> str | None:
    """The customer the report is limited to (None: every customer). A customer reports on its own
    company only; supervisors and administrators on any; other roles on none."""
    if Role.CUSTOMER in caller.roles:
        if caller.customer_id is None:
            raise Forbidden("a customer without a company has no report")
        if customer_id is not None and customer_id != caller.customer_id:
            raise NotFound(f"customer {customer_id} not found")
        return caller.customer_id
    if caller.roles & {Role.SUPERVISOR, Role.ADMIN}:
        return customer_id
    raise Forbidden("the SLA report is for supervisors, administrators and customers")
