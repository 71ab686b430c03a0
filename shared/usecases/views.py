"""The console's views: reading a page, and keeping the view index in step with the tickets.

:class:`ConsoleViews` answers a page of a view from the index alone (one query, two where a view
spans the queue and the caller's own tickets), its SLA badges brought up to the read's instant on
the calendar (no storage read).

:class:`ViewKeeper` keeps the index: a ticket change writes an intent before it commits
(:meth:`ViewKeeper.intend`) and places the ticket's rows after (:meth:`ViewKeeper.place`); a
crash in between leaves the intent, which the repair sweep (:meth:`ViewKeeper.repair`) finds and
places. A change of closures re-keys the deadline-sorted rows of the open tickets whose deadline
it may move (:meth:`ViewKeeper.rekey`). Where each row is, is the ticket's *placement*: the
rows a change no longer wants are deleted from it. ``docs/console.md`` ("The view index") has the
design and the costs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from shared.domain.access import Caller, StaffFilter, handle_of
from shared.domain.change import role_of
from shared.domain.errors import Conflict, InvalidInput
from shared.domain.lifecycle import Status
from shared.domain.paging import Page, cursor_field, encode_cursor
from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.escalation import DEFAULT_MATRIX, EscalationMatrix
from shared.domain.ticket import Ticket
from shared.domain.views import (
    BadgeNow,
    IndexKey,
    Slice,
    Sort,
    Source,
    View,
    ViewRow,
    badge_now,
    deadline_key,
    no_deadline_key,
    prefix,
    row_keys,
    row_sla,
    sources_of,
    view_row,
)
from shared.usecases.desk import sla_view
from shared.usecases.ports import Audit, Tickets, ViewIndex
from shared.usecases.view_records import IndexedRow, Placement, ViewIntent

__all__ = ["ConsoleViews", "ShownRow", "ViewKeeper"]

LOG = logging.getLogger(__name__)

_PLACE_ATTEMPTS = 8  # placements lost to concurrent changes of one ticket before leaving it to the sweep
#: The rows a re-key reads: every open ticket's, by deadline, in the security clearance (which
#: holds every ticket) and the whole list.
_EVERY_OPEN_BY_DEADLINE = Source("open", prefix("s", Sort.DEADLINE, Slice()))


@dataclass(frozen=True)
class ShownRow:
    """A row of a page, with its badge as of the read."""

    row: ViewRow
    badge: BadgeNow


@dataclass
class ConsoleViews:
    """Pages of the views, read from the index (:class:`ViewIndex`); staff lists are audited as
    the ticket lists are (one write a page)."""

    index: ViewIndex
    audit: Audit
    calendar: Callable[[], SlaCalendar]
    now: Callable[[], datetime]

    def page(
        self, caller: Caller, view: View, *, sort: Sort | None, wanted: Slice, limit: int, cursor: str | None
    ) -> Page[ShownRow]:
        """A page of ``view`` for ``caller``, sorted by ``sort`` (None: the view's own order),
        filtered by ``wanted``. :class:`Forbidden` for a view the caller's roles may not read;
        :class:`InvalidInput` naming an unsupported filter or a cursor of another list. Costs one
        query per range :func:`shared.domain.views.sources_of` names (one or two), and the audit
        write."""
        _, sources = sources_of(view, caller.roles, handle_of(caller), sort, wanted)
        after = None
        if cursor is not None:
            after = cursor_field(cursor, "rk")
            if not after.startswith(sources[0].prefix):
                raise InvalidInput("cursor", "is not a cursor of this list")
        found: list[IndexedRow] = []
        more = False
        for source in sources:
            rows, more_here = self.index.page(source, after, limit)
            found += rows
            more = more or more_here
        found.sort(key=lambda indexed: indexed.key.row)
        more = more or len(found) > limit
        shown = found[:limit]
        at, calendar = self.now(), self.calendar()
        items = [ShownRow(indexed.row, badge_now(indexed.row.sla, calendar, at)) for indexed in shown]
        self.audit.record_list([item.row.id for item in items], at, handle_of(caller), role_of(caller))
        next_cursor = encode_cursor({"rk": shown[-1].key.row}) if shown and more else None
        return Page(items, next_cursor)


@dataclass
class ViewKeeper:
    """Keeps the view index in step with the tickets (see the module's docstring). ``tickets`` is
    read when a placement must start again from the ticket as it now is (a concurrent change, the
    sweep, a re-key)."""

    index: ViewIndex
    tickets: Tickets
    calendar: Callable[[], SlaCalendar]
    now: Callable[[], datetime]
    matrix: EscalationMatrix = DEFAULT_MATRIX

    # --- the ticket change path ---------------------------------------------------------------------

    def intend(self, ticket: Ticket, *, customer_wrote: bool) -> ViewIntent:
        """Before ``ticket``'s change commits: record that its rows may lag (one write)."""
        intent = ViewIntent(ticket.customer_id, ticket.id, self.now(), customer_wrote)
        self.index.intend(intent)
        return intent

    def place(self, ticket: Ticket, intent: ViewIntent) -> None:
        """After the change committed: place ``ticket``'s rows, then drop ``intent``. A failure
        is logged and leaves the intent to the repair sweep; the change stands."""
        try:
            self._place(ticket, customer_wrote=intent.customer_wrote)
        except Exception:
            LOG.warning(
                "the view rows of %s were not placed; the repair sweep will place them", ticket.id, exc_info=True
            )
            return
        self.index.drop_intent(intent)

    def opened(self, handle: str, ticket: Ticket) -> None:
        """``handle`` opened ``ticket``: when it is the assignee's, its unread mark is cleared.
        Costs nothing for anyone else; for the assignee one read of the placement, and when the
        mark was set one transaction per list and one write."""
        if ticket.assignee != handle:
            return
        placed = self.index.placement(ticket.customer_id, ticket.id)
        if placed is None or not placed.unread:
            return
        self.index.mark_unread(placed.keys, False)
        try:
            self.index.put_placement(replace(placed, unread=False))
        except Conflict:
            return  # a change placed the ticket meanwhile; its rows say what it saw

    # --- repair -------------------------------------------------------------------------------------

    def repair(self, grace: timedelta) -> int:
        """Place the tickets whose intent is older than ``grace`` (a change that crashed after its
        commit, or failed before it), then drop the intents: one query, and per intent a ticket
        read and a placement. How many intents it settled."""
        settled = 0
        for intent in self.index.intents_before(self.now() - grace):
            stored = self.tickets.get(intent.customer_id, intent.ticket_id)
            if stored is not None:
                self._place(stored.ticket, customer_wrote=intent.customer_wrote)
            self.index.drop_intent(intent)
            settled += 1
        return settled

    def rekey_later(self, first_day: date) -> None:
        """After a change of closures that changed working time from ``first_day`` on: ask the
        next repair sweep to :meth:`rekey` (one write; a closure's administrator does not wait for
        every open ticket to be placed anew)."""
        self.index.intend_rekey(first_day)

    def rekey_due(self) -> int:
        """Do the re-keys :meth:`rekey_later` asked for: one query, and when there are some one
        :meth:`rekey` from the earliest first day, then a delete each. How many there were."""
        days = self.index.rekeys_due()
        if days:
            self.rekey(min(days))
        for day in days:
            self.index.drop_rekey(day)
        return len(days)

    def rekey(self, first_day: date) -> int:
        """After a change of closures that changed working time from ``first_day`` on (in the
        calendar's zone): place anew every open ticket whose deadline lies from then on, on the
        calendar as it now is. One query (a request per 1,000 tickets), and per ticket its read
        and a placement (the reads alone when its deadline did not move). How many it read."""
        start = datetime.combine(first_day, time(0), tzinfo=self.calendar().zone)
        # read them all first: a row moved later in the range would be met again
        due = dict.fromkeys(self.index.tickets_between(_EVERY_OPEN_BY_DEADLINE, deadline_key(start), no_deadline_key()))
        for customer_id, ticket_id in due:
            stored = self.tickets.get(customer_id, ticket_id)
            if stored is not None:
                self._place(stored.ticket, customer_wrote=False)
        return len(due)

    def backfill(self) -> int:
        """Place the open tickets that were never placed (a desk that had tickets before the
        index): a scan of the tickets across customers, once (a query per page of 100 open
        tickets), a placement read each, and a placement for each one not there. How many it
        placed."""
        placed = 0
        for ticket in self._open_tickets():
            if self.index.placement(ticket.customer_id, ticket.id) is None:
                self._place(ticket, customer_wrote=False)
                placed += 1
        return placed

    def _open_tickets(self) -> Iterator[Ticket]:
        everyone = StaffFilter(assignee_in=None, exclude_category=None)
        for status in (status for status in Status if status.is_open):
            cursor: str | None = None
            while True:
                page = self.tickets.list_all(status=status, visible=everyone, limit=100, cursor=cursor)
                yield from page.items
                if page.cursor is None:
                    break
                cursor = page.cursor

    # --- placing ------------------------------------------------------------------------------------

    def _place(self, ticket: Ticket, *, customer_wrote: bool) -> None:
        """Make the index hold exactly ``ticket``'s rows. The placement is written first with the
        rows to come added to those there were (so a concurrent placement knows every row that may
        exist), then the rows, then the placement with the new rows only, each placement write
        under the ETag of the one before. A placement that loses to another starts again from the
        ticket as it now is, deleting what it wrote that the ticket no longer wants."""
        written: frozenset[IndexKey] = frozenset()
        for _ in range(_PLACE_ATTEMPTS):
            placed = self.index.placement(ticket.customer_id, ticket.id)
            if placed is not None and placed.revision > ticket.revision:
                fresh = self.tickets.get(ticket.customer_id, ticket.id)
                if fresh is None:
                    return
                ticket = fresh.ticket
                continue
            unread = customer_wrote or (placed is not None and placed.unread)
            rows = self.rows(ticket, unread=unread)
            wanted = frozenset(rows)
            settled = placed is not None and (placed.revision, placed.keys, placed.unread) == (
                ticket.revision,
                wanted,
                unread,
            )
            if settled and not written:
                return  # placed already (a sweep after a lost intent delete, a re-key that moved nothing)
            before = (placed.keys if placed is not None else frozenset()) | written
            etag = None if placed is None else placed.etag
            try:
                etag = self.index.put_placement(
                    Placement(ticket.customer_id, ticket.id, ticket.revision, before | wanted, unread, etag)
                )
            except Conflict:
                continue
            self.index.write(rows, before - wanted)
            try:
                self.index.put_placement(
                    Placement(ticket.customer_id, ticket.id, ticket.revision, wanted, unread, etag)
                )
            except Conflict:
                written = wanted
                fresh = self.tickets.get(ticket.customer_id, ticket.id)
                if fresh is None:
                    return
                ticket = fresh.ticket
                continue
            return
        raise Conflict(f"ticket {ticket.id} kept changing while its view rows were placed")

    def rows(self, ticket: Ticket, *, unread: bool) -> Mapping[IndexKey, ViewRow]:
        """Every index row of ``ticket`` as of now, with its unread mark (none once it is done)."""
        sla = sla_view(ticket, self.calendar(), self.now(), self.matrix)
        badge = row_sla(sla.take_charge, sla.resolution, sla.escalation_level, sla.breached)
        row = view_row(ticket, badge, unread=unread)
        return dict.fromkeys(row_keys(ticket, badge), row)
