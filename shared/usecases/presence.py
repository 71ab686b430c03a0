"""Presence on a ticket's screen (:mod:`shared.domain.presence` holds the rules): a member of
staff's heartbeat records that they have the ticket open, and whether they are composing, and
answers who else is there; a look answers the same without recording.

Only staff who may see the ticket reach its presence (others: the ticket is not found; customers
are refused), so a ``vulnerability`` ticket's presence stays with the security role. Presence
lives in a table of its own and never writes the ticket, whose ETag it leaves alone. It is not
audited: it shows colleagues' names, not the ticket's contents, and a heartbeat every few seconds
would drown the trail.

Round trips: the ticket's visibility (the locator's read, none once the worker knows the id, and
one point read), one query of the ticket's marks, and for a heartbeat one write, plus one
transaction deleting the expired marks when it found any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.access import Caller, display_name_of, handle_of
from shared.domain.errors import Forbidden
from shared.domain.lifecycle import STAFF
from shared.domain.presence import PresenceMark, current_others, expired, heartbeat
from shared.domain.sla.policy import SlaPolicy
from shared.usecases.ports import PresenceBoard, Tickets
from shared.usecases.visibility import visible_ticket

__all__ = ["Presence"]


@dataclass(frozen=True)
class Presence:
    """Presence bound to the tickets (for who may see which), the board of marks, the SLA policy
    (whose category rules say who sees what), the heartbeat ``interval`` and the clock."""

    tickets: Tickets
    board: PresenceBoard
    policy: SlaPolicy
    interval: timedelta
    now: Callable[[], datetime]

    def beat(self, caller: Caller, ticket_id: str, *, composing: bool) -> list[PresenceMark]:
        """Record ``caller``'s heartbeat on the ticket, delete the expired marks found, and answer
        the others present (longest present first)."""
        ticket = self._ticket_seen_by(caller, ticket_id)
        marks, handle, at = self.board.marks(ticket), handle_of(caller), self.now()
        own = next((stored.mark for stored in marks if stored.mark.handle == handle), None)
        name = display_name_of(caller) or handle
        self.board.leave(heartbeat(own, ticket, handle, name, composing=composing, now=at, interval=self.interval))
        gone = set(expired((stored.mark for stored in marks), at, self.interval))
        self.board.remove([stored for stored in marks if stored.mark in gone and stored.mark.handle != handle])
        return current_others((stored.mark for stored in marks), handle, at, self.interval)

    def look(self, caller: Caller, ticket_id: str) -> list[PresenceMark]:
        """The others present on the ticket, without recording ``caller``."""
        ticket = self._ticket_seen_by(caller, ticket_id)
        marks = [stored.mark for stored in self.board.marks(ticket)]
        return current_others(marks, handle_of(caller), self.now(), self.interval)

    def _ticket_seen_by(self, caller: Caller, ticket_id: str) -> str:
        if not caller.roles & STAFF:
            raise Forbidden("presence is for staff")
        return visible_ticket(self.tickets, self.policy, caller, ticket_id).ticket.id
