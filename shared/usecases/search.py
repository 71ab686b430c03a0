"""Search: the staff's one box that finds tickets by id, contact address, customer or subject word.

Three parts, each on the search index (:class:`~shared.usecases.ports.SearchIndex`, terms and keys
in :mod:`shared.domain.search`):

* :class:`IndexedTickets` keeps the index with the tickets: it is the ticket store as the desk sees
  it, and around each commit that changes what a search row carries it records an intent (and,
  for a change that narrows who may see the ticket, writes its rows as nobody's), commits, writes
  the rows and drops the intent. Every ticket is written so, whichever way it opened (the API, a
  mail, the switchboard), since they all open through the desk.
* :class:`IndexRepair` is the safety net: it writes the rows of every intent left behind (a worker
  that died between the commit and the rows, a storage error) from the ticket as it is now, drops
  the intents of changes that never committed, and indexes the tickets opened before the index.
* :class:`Search` answers a term: the newest matches the caller may see, a page at a time.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.access import Caller, StaffFilter, can_see, handle_of, staff_filter
from shared.domain.change import role_of
from shared.domain.errors import Forbidden, InvalidInput
from shared.domain.history import HistoryEvent
from shared.domain.lifecycle import STAFF, Status
from shared.domain.notifications import Notification
from shared.domain.paging import Page, cursor_field, encode_cursor
from shared.domain.search import (
    BACKFILL_DONE,
    IndexedTicket,
    clock_that_matters,
    indexed,
    newest_first,
    search_term,
)
from shared.domain.sla.calendar import SlaCalendar
from shared.domain.sla.clock import ClockState, clock_state
from shared.domain.sla.policy import Clock, SlaPolicy
from shared.domain.ticket import Ticket, TicketId
from shared.usecases.ports import Audit, SearchIndex, Tickets
from shared.usecases.stored import CreationToken, IndexIntent, MailClaim, ScreenRead, StoredTicket

__all__ = ["MAX_QUERIES", "REPAIR_GRACE", "Found", "IndexRepair", "IndexedTickets", "Search", "write_newest"]

logger = logging.getLogger(__name__)

#: The most index queries one page of search costs: a page the caller's visibility thins out
#: answers what these found, with a cursor where they stopped.
MAX_QUERIES = 4
#: How old an intent is before the repair takes it for left behind (a change writes its rows
#: within a second of its commit).
REPAIR_GRACE = timedelta(seconds=60)
#: The backfill's pages per repair run, and the tickets a page holds (the store's most).
BACKFILL_PAGES = 5
BACKFILL_PAGE = 100
#: A staff list that holds every ticket (a supervisor's with the security role).
_EVERY_TICKET = StaffFilter(assignee_in=None, exclude_category=None)
#: How often a writer re-reads the ticket to catch a later change whose rows it may have written over.
_CONFIRMATIONS = 3
#: A cursor where a thinned-out page stopped names no row the caller was not shown: its position
#: is rounded back to a multiple of 10 ** this in ticket numbers (the rows read again are ones it
#: skipped). The numbers' digits of a row key (:func:`~shared.domain.search.newest_first`).
_ROUNDING_DIGITS = 2
_NUMBER_DIGITS = 13
_POSITION = re.compile(r"[0-9]{13}(\|[A-Z]{2,5}-[0-9]{4}-[0-9]{6,9})?")


@dataclass
class IndexedTickets:
    """The ticket store with the search index kept alongside: :meth:`add` and :meth:`save` write
    the ticket's rows when the change alters what they carry (see
    :meth:`~shared.domain.search.IndexedTicket.shows_as`); every other call is the store's.

    A change that alters them costs, besides its own requests: the intent (1 write, before the
    commit), one write per term after it (and one more per term before it when the change narrows
    who may see the ticket: :meth:`~shared.domain.search.IndexedTicket.guarded`), a read of the
    ticket's revision (a later change's rows may have been written over: then the ticket is read
    and its rows written again, and the revision read again, up to 3 times), and the intent's
    delete (1). A failure after the commit leaves the intent for :class:`IndexRepair` and does not
    fail the change."""

    tickets: Tickets
    index: SearchIndex
    now: Callable[[], datetime]

    def add(
        self,
        ticket: Ticket,
        events: Sequence[HistoryEvent],
        notifications: Sequence[Notification] = (),
        claim: MailClaim | None = None,
        token: CreationToken | None = None,
    ) -> StoredTicket:
        intent = self.index.intend(ticket.customer_id, ticket.id, self.now())
        stored = self.tickets.add(ticket, events, notifications, claim, token)
        self._write(stored.ticket, intent)
        return stored

    def save(
        self,
        stored: StoredTicket,
        changed: Ticket,
        events: Sequence[HistoryEvent],
        notifications: Sequence[Notification] = (),
        claim: MailClaim | None = None,
    ) -> StoredTicket:
        before, after = indexed(stored.ticket), indexed(changed)
        if after.shows_as(before):
            return self.tickets.save(stored, changed, events, notifications, claim)
        intent = self.index.intend(changed.customer_id, changed.id, self.now())
        if after.narrows(before):  # nobody who is about to lose the ticket may find it meanwhile
            self.index.put(after.guarded(before))
        saved = self.tickets.save(stored, changed, events, notifications, claim)
        self._write(saved.ticket, intent)
        return saved

    def _write(self, ticket: Ticket, intent: IndexIntent) -> None:
        """Write the committed ``ticket``'s rows, then make sure no later change's were written
        over (re-reading the ticket), then drop the intent."""
        try:
            write_newest(self.tickets, self.index, ticket)
            self.index.drop_intent(intent)
        except Exception:  # the change is committed: the repair writes what this could not
            logger.exception("search rows of %s not written; the repair will write them", ticket.id)

    # --- the store's own, unchanged -----------------------------------------------------------------

    def allocate_id(self, prefix: str, year: int, customer_id: str) -> TicketId:
        return self.tickets.allocate_id(prefix, year, customer_id)

    def customer_of(self, ticket_id: TicketId) -> str | None:
        return self.tickets.customer_of(ticket_id)

    def get(self, customer_id: str, ticket_id: TicketId) -> StoredTicket | None:
        return self.tickets.get(customer_id, ticket_id)

    def change_by_mail(self, customer_id: str, mail_id: str) -> tuple[TicketId, str] | None:
        return self.tickets.change_by_mail(customer_id, mail_id)

    def revision_of(self, customer_id: str, ticket_id: TicketId) -> int | None:
        return self.tickets.revision_of(customer_id, ticket_id)

    def list_for_customer(
        self, customer_id: str, *, status: Status | None, limit: int, cursor: str | None
    ) -> Page[Ticket]:
        return self.tickets.list_for_customer(customer_id, status=status, limit=limit, cursor=cursor)

    def list_all(self, *, status: Status | None, visible: StaffFilter, limit: int, cursor: str | None) -> Page[Ticket]:
        return self.tickets.list_all(status=status, visible=visible, limit=limit, cursor=cursor)

    def events(self, ticket: Ticket, *, public_only: bool, limit: int, cursor: str | None) -> Page[HistoryEvent]:
        return self.tickets.events(ticket, public_only=public_only, limit=limit, cursor=cursor)

    def screen(self, customer_id: str, ticket_id: TicketId) -> ScreenRead | None:
        return self.tickets.screen(customer_id, ticket_id)


def write_newest(tickets: Tickets, index: SearchIndex, ticket: Ticket) -> None:
    """Write ``ticket``'s rows as read, then read its revision: when a later change committed
    meanwhile (whose rows ours may have written over), read the ticket and write its rows again,
    up to 3 times. Whoever writes last reads last, so the rows end as the newest revision."""
    written = ticket
    index.put(indexed(written))
    for _ in range(_CONFIRMATIONS):
        revision = tickets.revision_of(ticket.customer_id, ticket.id)
        current = None if revision in (None, written.revision) else tickets.get(ticket.customer_id, ticket.id)
        if current is None:
            return
        written = current.ticket
        index.put(indexed(written))


@dataclass
class IndexRepair:
    """Writes the search rows that changes left unwritten: each intent older than
    :data:`REPAIR_GRACE` gets its ticket's rows from the ticket as it is now (a ticket that does
    not exist is a creation that never committed: nothing to write), then is dropped. Cost: the
    intents' query, then per intent a read of the ticket, its rows, a revision read, the intent's
    delete.

    It also indexes the tickets opened before the index existed: a few pages of every ticket per
    run (``backfill_pages`` of :data:`BACKFILL_PAGE`), from where the last run stopped, until
    none is left; then each run reads that it is done (1 point read). Per ticket: its rows and a
    revision read; per page: the list's query and the position's write."""

    tickets: Tickets
    index: SearchIndex
    now: Callable[[], datetime]
    backfill_pages: int = BACKFILL_PAGES

    def run(self) -> int:
        """Repair what was left behind; how many tickets' rows were written."""
        written = 0
        for intent in self.index.intents_before(self.now() - REPAIR_GRACE):
            try:
                stored = self.tickets.get(intent.customer_id, intent.ticket_id)
                if stored is not None:
                    write_newest(self.tickets, self.index, stored.ticket)
                    written += 1
                self.index.drop_intent(intent)
            except Exception:  # one ticket's failure must not stop the others'; the next run tries again
                logger.exception("search repair of %s failed; the next run will try again", intent.ticket_id)
        return written + self._backfill()

    def _backfill(self) -> int:
        """Index the next pages of every ticket (in the store's order) since the last run's
        position; how many tickets were written."""
        position = self.index.backfill_position()
        if position == BACKFILL_DONE:
            return 0
        cursor, written = position, 0
        for _ in range(self.backfill_pages):
            page = self.tickets.list_all(status=None, visible=_EVERY_TICKET, limit=BACKFILL_PAGE, cursor=cursor)
            for ticket in page.items:
                write_newest(self.tickets, self.index, ticket)
            written += len(page.items)
            cursor = page.cursor
            self.index.record_backfill(BACKFILL_DONE if cursor is None else cursor)
            if cursor is None:
                break
        return written


@dataclass(frozen=True)
class Found:
    """A ticket search found, with its SLA as of the search: the state of the clock its badge shows
    (None when no clock was started), and whether either clock is breached or paused."""

    ticket: IndexedTicket
    clock: ClockState | None
    breached: bool
    paused: bool


@dataclass
class Search:
    """Finds tickets for staff (customers and administrators: :class:`Forbidden`)."""

    index: SearchIndex
    audit: Audit
    calendar: Callable[[], SlaCalendar]
    policy: SlaPolicy
    now: Callable[[], datetime]

    def find(self, caller: Caller, text: str, *, limit: int, cursor: str | None) -> Page[Found]:
        """The newest ``limit`` tickets matching ``text`` that ``caller`` may see (the rule of
        :func:`~shared.domain.access.can_see`, ``vulnerability`` tickets included), and the cursor
        of the next page. The index is asked for what the caller's lists may hold
        (:func:`~shared.domain.access.staff_filter`), each row is checked against the term and
        :func:`can_see`; a page costs one query, or up to :data:`MAX_QUERIES` when checks thin it
        out (then it answers what it found, short, with a cursor), plus the audit's write."""
        if not caller.roles & STAFF:
            raise Forbidden("search is for staff")
        term = search_term(text)
        after = _position(cursor)
        found: list[IndexedTicket] = []
        next_key: str | None = None
        pages = self.index.pages(term.key, after, staff_filter(caller))
        for _ in range(MAX_QUERIES):
            page = next(pages, None)
            if page is None:
                next_key = None
                break
            rows, next_key = page
            for row in rows:
                if can_see(caller, row, self.policy) and term.matches(row.subject, row.customer_name, row.customer_id):
                    found.append(row)
                    if len(found) == limit:
                        return self._answer(caller, found, newest_first(row.id))
            if next_key is None:
                break
        resume = None if next_key is None else _resume(next_key, newest_first(found[-1].id) if found else after)
        return self._answer(caller, found, resume)

    def _answer(self, caller: Caller, found: list[IndexedTicket], resume: str | None) -> Page[Found]:
        if found:
            self.audit.record_list([row.id for row in found], self.now(), handle_of(caller), role_of(caller))
        calendar, at = self.calendar(), self.now()
        next_cursor = None if resume is None else encode_cursor({"after": resume})
        return Page([_found(row, calendar, at) for row in found], next_cursor)


def _resume(next_key: str, done: str) -> str:
    """Where the next page starts when this one stopped before ``next_key`` (the first row not
    read), every row up to ``done`` having been answered or skipped: ``next_key``'s number rounded
    back (see :data:`_ROUNDING_DIGITS`), unless that would not pass ``done`` (a scan of fewer
    numbers than the rounding: then the number of ``next_key`` itself)."""
    number = next_key[:_NUMBER_DIGITS]
    rounded = number[: _NUMBER_DIGITS - _ROUNDING_DIGITS] + "0" * _ROUNDING_DIGITS
    return rounded if rounded > done else max(number, done)


def _found(row: IndexedTicket, calendar: SlaCalendar, at: datetime) -> Found:
    take_charge, resolution = (clock_state(clock, row.clocks, calendar, at) for clock in Clock)
    return Found(
        ticket=row,
        clock=clock_that_matters(take_charge, resolution),
        breached=take_charge.breached or resolution.breached,
        paused=take_charge.paused or resolution.paused,
    )


def _position(cursor: str | None) -> str:
    """The row key a cursor continues after ("" for the first page); :class:`InvalidInput`
    naming ``cursor`` for anything a search did not answer."""
    if cursor is None:
        return ""
    after = cursor_field(cursor, "after")
    if not _POSITION.fullmatch(after):
        raise InvalidInput("cursor", "is not a cursor of this list")
    return after
