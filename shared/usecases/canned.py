"""The canned replies' use cases: administrators list, read, create or replace, patch and delete
them (:class:`ReplyAdministration`); staff search them from the composer and have one filled for
a ticket (:class:`ReplyComposer`). The rules are :mod:`shared.domain.canned`'s.

A reply's revision is its ETag: with ``if_match``, a write to a reply at another revision is
:class:`PreconditionFailed` (412); two writers racing past that check lose to the reply's
storage ETag (:class:`~shared.domain.errors.Conflict`, 409).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.domain.access import Caller, display_name_of, handle_of
from shared.domain.canned import (
    MAX_REPLIES,
    CannedReply,
    FilledReply,
    ReplyChange,
    Variable,
    canned_reply,
    filled,
    matches,
)
from shared.domain.errors import Conflict, Forbidden, NotFound, PreconditionFailed
from shared.domain.language import Language
from shared.domain.staff import STAFF_ROLES
from shared.domain.text_limits import one_line
from shared.usecases.desk import TicketView
from shared.usecases.ports import CannedReplies, InstantWords
from shared.usecases.stored import StoredReply

__all__ = ["NewReply", "ReplyAdministration", "ReplyComposer", "TicketReader"]


@dataclass(frozen=True)
class NewReply:
    """What creating or replacing a reply needs (raw: :func:`canned_reply` validates it); without
    an id, a new reply under a new id."""

    title: str
    tags: tuple[str, ...]
    bodies: Mapping[Language, str | None]
    id: str | None = None


@dataclass
class ReplyAdministration:
    """The administrators' use cases on the canned replies; ``new_id`` names a reply created without an id."""

    replies: CannedReplies
    new_id: Callable[[], str]

    def all(self) -> list[CannedReply]:
        """Every reply, by id: one query."""
        return [stored.reply for stored in self.replies.all()]

    def reply(self, reply_id: str) -> CannedReply:
        """The reply ``reply_id``, else :class:`NotFound`: one point read."""
        return self._stored(reply_id).reply

    def put(self, new: NewReply, if_match: int | None = None) -> CannedReply:
        """Create the reply, or replace the one with its id (at ``if_match``'s revision, when
        given): one query (every reply, to count them) and one write. A new reply beyond
        :data:`MAX_REPLIES` is :class:`Conflict`."""
        reply = canned_reply(new.id or self.new_id(), title=new.title, tags=new.tags, bodies=new.bodies)
        found = {stored.reply.id: stored for stored in self.replies.all()}
        old = found.get(reply.id)
        if old is None:
            if if_match is not None:
                raise PreconditionFailed(f"there is no canned reply {reply.id} at revision {if_match}")
            if len(found) >= MAX_REPLIES:
                raise Conflict(f"the desk keeps at most {MAX_REPLIES} canned replies")
            self.replies.create(reply)
            return reply
        _hold_to(if_match, old.reply)
        replaced = dataclasses.replace(reply, revision=old.reply.revision + 1)
        self.replies.replace(replaced, old.etag)
        return replaced

    def patch(self, reply_id: str, change: ReplyChange, if_match: int | None = None) -> CannedReply:
        """Change some of the reply's fields: one point read and one write."""
        old = self._stored(reply_id)
        _hold_to(if_match, old.reply)
        reply = change.applied_to(old.reply)
        self.replies.replace(reply, old.etag)
        return reply

    def delete(self, reply_id: str, if_match: int | None = None) -> None:
        """Remove the reply: one point read and one delete."""
        old = self._stored(reply_id)
        _hold_to(if_match, old.reply)
        self.replies.delete(reply_id, old.etag)

    def _stored(self, reply_id: str) -> StoredReply:
        stored = self.replies.get(reply_id)
        if stored is None:
            raise NotFound(f"no canned reply {reply_id}")
        return stored


class TicketReader(Protocol):
    """Reads a ticket as its caller may (:meth:`shared.usecases.desk.Desk.get`: :class:`NotFound`
    unless the caller may see it; a staff read is audited as ``reading``)."""

    def get(self, caller: Caller, ticket_id: str, *, reading: str = "read") -> TicketView: ...


@dataclass
class ReplyComposer:
    """What the composer asks of the canned replies: a search, and one reply filled for a ticket.
    Staff only (any staff role); a customer, or a caller with no role, is :class:`Forbidden`."""

    replies: CannedReplies
    tickets: TicketReader
    say_instant: InstantWords

    def search(self, caller: Caller, query: str, *, limit: int) -> list[CannedReply]:
        """The first ``limit`` replies, by id, whose words the query's words start
        (:func:`shared.domain.canned.matches`): one query of the replies' partition."""
        _hold_to_staff(caller)
        found = (stored.reply for stored in self.replies.all())
        return [reply for reply in found if matches(reply, query)][:limit]

    def fill(self, caller: Caller, ticket_id: str, reply_id: str) -> FilledReply:
        """The reply filled for the ticket, in its language or else the other: the ticket's read
        (:class:`NotFound` unless the caller may see it; audited as ``canned reply``), then one
        point read of the reply."""
        _hold_to_staff(caller)
        view = self.tickets.get(caller, ticket_id, reading="canned reply")
        stored = self.replies.get(reply_id)
        if stored is None:
            raise NotFound(f"no canned reply {reply_id}")
        return filled(stored.reply, view.ticket.language, lambda language: self._values(caller, view, language))

    def _values(self, caller: Caller, view: TicketView, language: Language) -> dict[Variable, str]:
        """What each variable says about ``view``'s ticket, a deadline in ``language``'s words."""
        ticket = view.ticket
        return {
            Variable.CONTACT_NAME: one_line(ticket.contact_name or ""),
            Variable.TICKET: ticket.id,
            Variable.OPERATOR: display_name_of(caller) or handle_of(caller),
            Variable.TAKE_CHARGE_DUE: self._said(language, view.sla.take_charge.due),
            Variable.RESOLUTION_DUE: self._said(language, view.sla.resolution.due),
        }

    def _said(self, language: Language, at: datetime | None) -> str:
        return "" if at is None else self.say_instant(language, at)


def _hold_to(if_match: int | None, reply: CannedReply) -> None:
    """:class:`PreconditionFailed` unless ``if_match`` is None or the reply's revision."""
    if if_match is not None and if_match != reply.revision:
        raise PreconditionFailed(f"the canned reply is at revision {reply.revision}, not {if_match}")


def _hold_to_staff(caller: Caller) -> None:
    if not caller.roles & STAFF_ROLES:
        raise Forbidden("canned replies are for staff")
