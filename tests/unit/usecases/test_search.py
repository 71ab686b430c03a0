"""Search's paging over an index that thins pages out: at most four queries a page, a cursor that
names no ticket the caller was not shown, and progress from one page to the next. The index here
behaves as Table Storage does with a filter: each query reads up to a fixed number of rows and
answers those that pass, with where it stopped."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from shared.domain.access import Principal, StaffFilter
from shared.domain.lifecycle import Role, Status
from shared.domain.search import IndexedTicket, newest_first
from shared.domain.sla.calendar import default_calendar
from shared.domain.sla.policy import Category, Priority, SlaPolicy
from shared.usecases.search import MAX_QUERIES, Search
from shared.usecases.stored import AuditRecord

AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
OLGA = Principal("olga@desk.example", "olga@desk.example", "Olga", frozenset({Role.OPERATOR}), None)
SUE = Principal("sue@desk.example", "sue@desk.example", "Sue", frozenset({Role.SUPERVISOR}), None)
READ_PER_QUERY = 100  # what the service reads of a partition at most per query (it reads up to 1,000)


def ticket(number: int, *, assignee: str | None = None, subject: str = "Stampante ferma") -> IndexedTicket:
    return IndexedTicket(
        id=f"IZ-2026-{number:06d}",
        customer_id="acme",
        customer_name="ACME",
        contact_email="anna@acme.example",
        subject=subject,
        category=Category.HELPDESK,
        priority=Priority.MEDIUM,
        status=Status.ACCEPTED if assignee else Status.NEW,
        assignee=assignee,
        assignee_name=None,
        created_at=AT,
        updated_at=AT,
        clocks=(),
        escalation_level=0,
        revision=1,
    )


@dataclass
class FilteringIndex:
    """One term's rows, answered as the service answers a filtered query."""

    rows: list[IndexedTicket]
    queries: int = 0

    def pages(self, key: str, after: str, visible: StaffFilter) -> Iterator[tuple[list[IndexedTicket], str | None]]:
        ordered = sorted((row for row in self.rows if newest_first(row.id) > after), key=lambda r: newest_first(r.id))
        for start in range(0, len(ordered), READ_PER_QUERY):
            self.queries += 1
            read = ordered[start : start + READ_PER_QUERY]
            passing = [
                row for row in read if visible.assignee_in is None or (row.assignee or "") in visible.assignee_in
            ]
            following = ordered[start + READ_PER_QUERY : start + READ_PER_QUERY + 1]
            yield passing, newest_first(following[0].id) if following else None
        if not ordered:
            self.queries += 1
            yield [], None


@dataclass
class Trail:
    shown: list[list[str]] = field(default_factory=list)

    def record(self, ticket_id: str, at: datetime, actor: str, role: str, action: str) -> None:
        raise AssertionError("search records lists only")

    def record_list(self, ticket_ids: list[str], at: datetime, actor: str, role: str) -> None:
        self.shown.append(ticket_ids)

    def for_ticket(self, ticket_id: str, limit: int) -> list[AuditRecord]:
        return []


def search_on(index: FilteringIndex, trail: Trail | None = None) -> Search:
    calendar = default_calendar()
    return Search(index, trail or Trail(), lambda: calendar, SlaPolicy(), lambda: AT)  # type: ignore[arg-type]


def position(cursor: str) -> str:
    return str(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["after"])


def test_a_full_page_costs_one_query_and_continues_after_its_last_row() -> None:
    index = FilteringIndex([ticket(n) for n in range(1, 8)])
    trail = Trail()
    page = search_on(index, trail).find(OLGA, "stamp", limit=3, cursor=None)
    assert [found.ticket.id for found in page.items] == ["IZ-2026-000007", "IZ-2026-000006", "IZ-2026-000005"]
    assert index.queries == 1
    assert page.cursor is not None
    assert position(page.cursor) == newest_first("IZ-2026-000005")
    assert trail.shown == [["IZ-2026-000007", "IZ-2026-000006", "IZ-2026-000005"]]
    rest = search_on(index).find(OLGA, "stamp", limit=10, cursor=page.cursor)
    assert ([found.ticket.id for found in rest.items], rest.cursor) == (
        [f"IZ-2026-{n:06d}" for n in range(4, 0, -1)],
        None,
    )


def test_a_page_thinned_out_stops_after_four_queries_with_a_cursor_that_names_no_hidden_ticket() -> None:
    hidden = [ticket(n, assignee="otto@desk.example") for n in range(2, 1000)]  # Otto's: not Olga's to see
    index = FilteringIndex([ticket(1), *hidden])
    first = search_on(index).find(OLGA, "stamp", limit=5, cursor=None)
    assert (first.items, index.queries) == ([], MAX_QUERIES)
    assert first.cursor is not None
    after = position(first.cursor)
    assert "|" not in after  # no ticket id
    assert after.endswith("00")  # a round number of tickets, not one of Otto's tickets' positions

    cursor, pages, found = first.cursor, 1, []
    while cursor is not None:
        queries_before = index.queries
        page = search_on(index).find(OLGA, "stamp", limit=5, cursor=cursor)
        assert index.queries - queries_before <= MAX_QUERIES
        found += [item.ticket.id for item in page.items]
        cursor, pages = page.cursor, pages + 1
        assert pages < 10, "the cursor makes no progress"
    assert found == ["IZ-2026-000001"]


def test_the_supervisor_sees_every_match_and_the_term_s_other_words_still_filter() -> None:
    rows = [ticket(1, subject="Stampante ferma"), ticket(2, subject="Stampante accesa", assignee="otto@desk.example")]
    index = FilteringIndex(rows)
    assert [f.ticket.id for f in search_on(index).find(SUE, "stamp", limit=5, cursor=None).items] == [
        "IZ-2026-000002",
        "IZ-2026-000001",
    ]
    assert [f.ticket.id for f in search_on(index).find(SUE, "stampante ferma", limit=5, cursor=None).items] == [
        "IZ-2026-000001"
    ]
