"""A ticket's files: who may download one, and which file an id names.

An attachment's id is ``<mail id>.<index>``: the mail that brought it and its place in that mail.
A file is handed out only to a caller who may see the ticket (:meth:`shared.usecases.desk.Desk.get`, which
audits staff) and only when that mail is the one that changed this very ticket (its claim row
in the ticket's partition), so an id copied from another ticket, of the same customer or not,
downloads nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.domain.access import Caller
from shared.domain.errors import NotFound
from shared.domain.inbound.record import MAIL_ID

if TYPE_CHECKING:
    from shared.usecases.desk import Desk
    from shared.usecases.ports import Attachments, Tickets
    from shared.usecases.stored import StoredFile

__all__ = ["TicketFiles"]

_ATTACHMENT_ID = re.compile(rf"(?P<mail>{MAIL_ID})\.(?P<index>[0-9]{{1,3}})")


@dataclass
class TicketFiles:
    """Downloads of the files that came with customers' mail: the desk reads the ticket (and
    audits staff), the tickets tell which mail changed it, the store holds the files."""

    desk: Desk
    tickets: Tickets
    store: Attachments

    def download(self, caller: Caller, ticket_id: str, attachment_id: str) -> StoredFile:
        """The file, or :class:`NotFound` (unknown, not this ticket's, or a ticket the caller may
        not see: the same answer for each)."""
        match = _ATTACHMENT_ID.fullmatch(attachment_id)
        if match is None:
            raise NotFound("no such attachment")
        ticket = self.desk.get(caller, ticket_id, reading=f"attachment:{attachment_id}").ticket
        change = self.tickets.change_by_mail(ticket.customer_id, match["mail"])
        stored = None
        if change is not None and change[0] == ticket.id:
            stored = self.store.get(ticket.customer_id, match["mail"], int(match["index"]))
        if stored is None:
            raise NotFound("no such attachment")
        return stored
