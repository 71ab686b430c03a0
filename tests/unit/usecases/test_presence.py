"""Presence on in-memory tickets and marks: who is refused before anything is read or written, what
a heartbeat writes and deletes, and that a look writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.access import Principal
from shared.domain.errors import Forbidden, NotFound
from shared.domain.language import Language
from shared.domain.lifecycle import Role, Status
from shared.domain.presence import PresenceMark
from shared.domain.sla.policy import Category, Priority, SlaPolicy
from shared.domain.ticket import Channel, Ticket
from shared.usecases.presence import Presence
from shared.usecases.stored import StoredMark, StoredTicket

AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
BEAT = timedelta(seconds=10)
TICKET = Ticket(
    id="IZ-2026-000001",
    customer_id="acme",
    contact_email="anna@acme.example",
    contact_name=None,
    subject="s",
    description="d",
    category=Category.BUG,
    priority=Priority.MEDIUM,
    status=Status.NEW,
    language=Language.ITALIAN,
    channel=Channel.WEB,
    assignee="otto@desk.example",
    created_at=AT,
    updated_at=AT,
    created_by="anna@acme.example",
    clocks=(),
)
OLGA = Principal("olga@desk.example", "olga@desk.example", "Olga", frozenset({Role.OPERATOR}), None)
SUE = Principal("sue@desk.example", "sue@desk.example", None, frozenset({Role.SUPERVISOR}), None)
ANNA = Principal("anna@acme.example", "anna@acme.example", "Anna", frozenset({Role.CUSTOMER}), "acme")


class Tickets:
    """One ticket, located and read as the ticket store would."""

    def __init__(self, ticket: Ticket) -> None:
        self.ticket, self.reads = ticket, 0

    def customer_of(self, ticket_id: str) -> str | None:
        self.reads += 1
        return self.ticket.customer_id if ticket_id == self.ticket.id else None

    def get(self, customer_id: str, ticket_id: str) -> StoredTicket | None:
        self.reads += 1
        found = customer_id == self.ticket.customer_id and ticket_id == self.ticket.id
        return StoredTicket(self.ticket, "etag") if found else None


class Board:
    """Marks by handle, with every write and deletion logged."""

    def __init__(self, *marks: PresenceMark) -> None:
        self.marks_by_handle = {mark.handle: mark for mark in marks}
        self.log: list[str] = []

    def marks(self, ticket_id: str) -> list[StoredMark]:
        return [StoredMark(mark, "etag") for mark in self.marks_by_handle.values() if mark.ticket_id == ticket_id]

    def leave(self, mark: PresenceMark) -> None:
        self.log.append(f"leave {mark.handle}")
        self.marks_by_handle[mark.handle] = mark

    def remove(self, marks: Sequence[StoredMark]) -> None:
        for stored in marks:
            self.log.append(f"remove {stored.mark.handle}")
            del self.marks_by_handle[stored.mark.handle]


def presence(tickets: Tickets, board: Board) -> Presence:
    return Presence(tickets, board, SlaPolicy(), BEAT, lambda: AT)


def mark(handle: str, seconds_ago: float) -> PresenceMark:
    seen = AT - timedelta(seconds=seconds_ago)
    return PresenceMark(TICKET.id, handle, handle.split("@")[0], False, seen, seen)


def test_a_customer_is_refused_before_anything_is_read() -> None:
    tickets, board = Tickets(TICKET), Board()

    with pytest.raises(Forbidden):
        presence(tickets, board).beat(ANNA, TICKET.id, composing=False)

    assert (tickets.reads, board.log) == (0, [])


@pytest.mark.parametrize("ticket", [TICKET, replace(TICKET, assignee=None, category=Category.VULNERABILITY)])
def test_an_operator_who_may_not_see_the_ticket_finds_no_presence_and_leaves_none(ticket: Ticket) -> None:
    board = Board(mark("otto@desk.example", 1))

    with pytest.raises(NotFound):
        presence(Tickets(ticket), board).beat(OLGA, ticket.id, composing=True)
    with pytest.raises(NotFound):
        presence(Tickets(ticket), board).look(OLGA, ticket.id)

    assert board.log == []


def test_a_heartbeat_replaces_its_own_mark_and_deletes_only_the_others_expired_ones() -> None:
    board = Board(mark("sue@desk.example", 60), mark("otto@desk.example", 25), mark("sam@desk.example", 24))

    others = presence(Tickets(TICKET), board).beat(SUE, TICKET.id, composing=True)

    assert [other.handle for other in others] == ["sam@desk.example"]
    assert board.log == ["leave sue@desk.example", "remove otto@desk.example"]
    assert board.marks_by_handle["sue@desk.example"] == PresenceMark(
        TICKET.id, "sue@desk.example", "sue@desk.example", True, AT, AT
    )  # named by the handle: Sue's token carries no name


def test_a_look_writes_nothing() -> None:
    board = Board(mark("otto@desk.example", 30), mark("sam@desk.example", 1))

    others = presence(Tickets(TICKET), board).look(SUE, TICKET.id)

    assert [other.handle for other in others] == ["sam@desk.example"]
    assert board.log == []
