"""The console's views and the index rows they read: pure rules, no storage.

A view is a list of open tickets: the unassigned **queue**, **mine** (assigned to the caller),
**waiting** for the customer, **at risk** (the nearest working-time deadline first),
**all open** (supervisors) and **vulnerabilities** (the security role). Each page of a view is
read from an index kept beside the tickets, so that a page costs the same whatever the number of
tickets (``docs/console.md``, "The view index"):

* a ticket is a member of **lists** (:func:`lists_of`): ``queue``, ``mine|<assignee>``,
  ``waiting|<assignee>``, ``waiting`` and ``open``. A list is one partition of the index;
* in each list it has one row per **clearance** (``g``: for callers without the security role,
  never a ``vulnerability`` ticket; ``s``: for the security role, every ticket), per **sort**
  (``d``: deadline, ``a``: last activity) and per **slice** (``-``: the whole list, or one
  filter's value: ``customer=…``, ``priority=…``, ``category=…``, ``status=…``);
* the row key is ``<clearance>|<sort>|<slice>|<sort key>|<ticket id>``: the rows of one view page
  are one range of one partition, in the order the page shows them.

A view reads one list, or two for a caller who is not a supervisor where the view spans the queue
and his own tickets (at risk, vulnerabilities), merged by row key (:func:`sources_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from shared.domain.errors import Forbidden, InvalidInput
from shared.domain.lifecycle import Role, Status
from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.clock import ClockState
from shared.domain.sla.policy import Category, Clock
from shared.domain.ticket import Ticket

__all__ = [
    "FILTERS",
    "SUPPORTED_FILTERS",
    "BadgeNow",
    "IndexKey",
    "RowSla",
    "Slice",
    "Sort",
    "Source",
    "View",
    "ViewRow",
    "badge_now",
    "clock_that_matters",
    "deadline_key",
    "key_part",
    "lists_of",
    "no_deadline_key",
    "prefix",
    "row_keys",
    "row_sla",
    "sources_of",
    "view_row",
]


class View(StrEnum):
    QUEUE = "queue"
    MINE = "mine"
    WAITING = "waiting"
    AT_RISK = "at_risk"
    ALL_OPEN = "all_open"
    VULNERABILITIES = "vulnerabilities"


class Sort(StrEnum):
    """``deadline``: the nearest working-time deadline first (a breached one is past, so first;
    a paused clock, which has none, last). ``activity``: the last change first."""

    DEADLINE = "deadline"
    ACTIVITY = "activity"


_SORT_CODE = {Sort.DEADLINE: "d", Sort.ACTIVITY: "a"}

#: The filters a view may take, one at a time; each has its own slice of the list's rows.
FILTERS = ("customer", "priority", "category", "status")

#: Which filters each view supports. ``waiting`` is one status already; ``vulnerabilities`` is one
#: category already, read through that category's slice, so it takes no other filter.
SUPPORTED_FILTERS: Mapping[View, frozenset[str]] = {
    View.QUEUE: frozenset(FILTERS),
    View.MINE: frozenset(FILTERS),
    View.WAITING: frozenset({"customer", "priority", "category"}),
    View.AT_RISK: frozenset(FILTERS),
    View.ALL_OPEN: frozenset(FILTERS),
    View.VULNERABILITIES: frozenset(),
}

#: A sort key that sorts after every instant: a clock paused short of its budget has no deadline.
_NO_DEADLINE = "99999999T999999"
_ACTIVITY_ORIGIN = 10**13  # milliseconds; inverted so that the latest activity sorts first

_KEY_FORBIDDEN = frozenset("/\\#?|%")


def key_part(text: str) -> str:
    """``text`` made safe inside a Table Storage key and between ``|`` separators: ``%``, ``|``,
    ``/``, ``\\``, ``#``, ``?`` and control characters become ``%XX`` (``%`` first, so the mapping
    is one to one)."""
    return "".join(
        f"%{ord(char):02X}" if char in _KEY_FORBIDDEN or ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 else char
        for char in text
    )


@dataclass(frozen=True)
class Slice:
    """The rows of a list that one filter's value selects (``name`` None: the whole list)."""

    name: str | None = None
    value: str = ""

    @property
    def code(self) -> str:
        return "-" if self.name is None else f"{self.name}={key_part(self.value)}"


@dataclass(frozen=True)
class RowSla:
    """The SLA badge of a row, as of when it was written: the clock that matters (None: no clock
    runs), its due instant (None while paused short of its budget), the working time it had left
    then (what stays true while it is paused), paused, breached, the escalation level."""

    clock: Clock | None
    due: datetime | None
    left: timedelta | None
    paused: bool
    breached: bool
    escalation_level: int


def clock_that_matters(take_charge: ClockState, resolution: ClockState) -> ClockState | None:
    """The charge-taking clock until it stops, then the resolution clock; None when neither has
    started, or both stopped."""
    for state in (take_charge, resolution):
        if state.started_at is not None and state.stopped_at is None:
            return state
    return None


@dataclass(frozen=True)
class IndexKey:
    """Where one row of the index lives."""

    partition: str
    row: str


def lists_of(ticket: Ticket) -> tuple[str, ...]:
    """The lists (partitions) ``ticket`` is a member of: none once resolved or closed."""
    if not ticket.status.is_open:
        return ()
    owner = key_part(ticket.assignee) if ticket.assignee else None
    lists = ["open", f"mine|{owner}" if owner else "queue"]
    if ticket.status is Status.WAITING_CUSTOMER:
        lists.append("waiting")
        if owner:
            lists.append(f"waiting|{owner}")
    return tuple(lists)


def clearances_of(ticket: Ticket) -> tuple[str, ...]:
    """``s`` (the security role's rows) always, ``g`` unless the ticket is a vulnerability."""
    return ("s",) if ticket.category is Category.VULNERABILITY else ("g", "s")


def slices_of(ticket: Ticket) -> tuple[Slice, ...]:
    """The whole list and one slice per filter."""
    return (
        Slice(),
        Slice("customer", ticket.customer_id),
        Slice("priority", str(int(ticket.priority))),
        Slice("category", ticket.category.value),
        Slice("status", ticket.status.value),
    )


def deadline_key(due: datetime | None) -> str:
    """The deadline sort key: the due instant in UTC to the second (None: after every instant)."""
    return _NO_DEADLINE if due is None else f"{due.astimezone(UTC):%Y%m%dT%H%M%S}"


def no_deadline_key() -> str:
    """The deadline sort key of a clock that has no due instant (paused, or none running)."""
    return _NO_DEADLINE


def activity_key(at: datetime) -> str:
    """The activity sort key: milliseconds inverted, so that the latest change sorts first."""
    return f"{_ACTIVITY_ORIGIN - int(at.timestamp() * 1000):013d}"


def prefix(clearance: str, sort: Sort, piece: Slice) -> str:
    """The row-key prefix of one clearance's rows of one sort and slice."""
    return f"{clearance}|{_SORT_CODE[sort]}|{piece.code}|"


def row_keys(ticket: Ticket, sla: RowSla) -> list[IndexKey]:
    """Every index row ``ticket`` has, with its SLA badge ``sla`` (the deadline sort key comes
    from ``sla.due``, the activity sort key from ``ticket.updated_at``)."""
    sort_keys = {Sort.DEADLINE: deadline_key(sla.due), Sort.ACTIVITY: activity_key(ticket.updated_at)}
    return [
        IndexKey(name, f"{prefix(clearance, sort, piece)}{sort_keys[sort]}|{ticket.id}")
        for name in lists_of(ticket)
        for clearance in clearances_of(ticket)
        for sort in Sort
        for piece in slices_of(ticket)
    ]


@dataclass(frozen=True)
class Source:
    """One range a view page reads: the list (partition) and the rows' key prefix."""

    partition: str
    prefix: str


def sources_of(
    view: View, roles: frozenset[Role], handle: str, sort: Sort | None, wanted: Slice
) -> tuple[Sort, tuple[Source, ...]]:
    """The sort and the ranges (one or two) a page of ``view`` reads for a caller with ``roles``
    named ``handle``, filtered by ``wanted``. :class:`Forbidden` for a view the roles may not
    read; :class:`InvalidInput` naming the filter a view does not support."""
    staff = roles & {Role.OPERATOR, Role.SUPERVISOR, Role.SECURITY}
    if not staff:
        raise Forbidden("the views are for staff")
    supervisor = Role.SUPERVISOR in roles
    if view is View.ALL_OPEN and not supervisor:
        raise Forbidden("all open tickets are for supervisors")
    if view is View.VULNERABILITIES and Role.SECURITY not in roles:
        raise Forbidden("vulnerabilities are for the security role")
    if wanted.name is not None and wanted.name not in SUPPORTED_FILTERS[view]:
        raise InvalidInput(wanted.name, f"is not a filter of the {view.value} view")
    chosen = sort or (Sort.DEADLINE if view in (View.AT_RISK, View.VULNERABILITIES) else Sort.ACTIVITY)
    clearance = "s" if Role.SECURITY in roles else "g"
    piece = Slice("category", Category.VULNERABILITY.value) if view is View.VULNERABILITIES else wanted
    own = f"mine|{key_part(handle)}"
    lists: Iterable[str]
    if view is View.QUEUE:
        lists = ("queue",)
    elif view is View.MINE:
        lists = (own,)
    elif view is View.WAITING:
        lists = ("waiting",) if supervisor else (f"waiting|{key_part(handle)}",)
    elif supervisor:  # at risk, all open, vulnerabilities: every open ticket
        lists = ("open",)
    else:  # at risk, vulnerabilities: what an operator may see, the queue and his own
        lists = ("queue", own)
    return chosen, tuple(Source(name, prefix(clearance, chosen, piece)) for name in lists)


@dataclass(frozen=True)
class ViewRow:
    """What a view shows of a ticket, as its index rows hold it (a page reads no ticket)."""

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
    sla: RowSla


def view_row(ticket: Ticket, sla: RowSla, *, unread: bool) -> ViewRow:
    """The row of ``ticket`` with its badge ``sla`` and its unread mark."""
    return ViewRow(
        id=ticket.id,
        subject=ticket.subject,
        customer_id=ticket.customer_id,
        customer_name=ticket.customer_name or ticket.customer_id,
        contact_email=ticket.contact_email,
        priority=int(ticket.priority),
        category=ticket.category,
        status=ticket.status,
        assignee=ticket.assignee,
        assignee_name=ticket.assignee_name,
        last_activity=ticket.updated_at,
        unread=unread,
        sla=sla,
    )


def row_sla(take_charge: ClockState, resolution: ClockState, escalation_level: int, breached: bool) -> RowSla:
    """The badge of a ticket whose clocks are ``take_charge`` and ``resolution`` (as of the
    write), at ``escalation_level``, ``breached`` as the ticket's SLA says."""
    state = clock_that_matters(take_charge, resolution)
    if state is None:
        return RowSla(None, None, None, paused=False, breached=breached, escalation_level=escalation_level)
    return RowSla(state.clock, state.due, state.remaining, state.paused, breached, escalation_level)


@dataclass(frozen=True)
class BadgeNow:
    """A row's badge as of the read: the working time left (negative past the due instant; None
    when no clock runs) and whether the clock is breached."""

    working_time_left: timedelta | None
    breached: bool


def badge_now(sla: RowSla, calendar: SlaCalendar, now: datetime) -> BadgeNow:
    """What ``sla``, written earlier, says at ``now``: a running clock's time left is counted on
    ``calendar`` from ``now`` to its due instant (no storage read: the index row carries the due
    instant); a paused clock keeps what it had left when it paused."""
    if sla.clock is None or sla.paused or sla.due is None:
        return BadgeNow(sla.left, sla.breached)
    return BadgeNow(calendar.working_time_between(now, sla.due), sla.breached or now > sla.due)
