"""Which tickets a received mail says it belongs to, strongest sign first.

1. The per-ticket reply address of our outgoing mail among the recipients (its HMAC token must
   match: :func:`shared.domain.reply_token.ticket_of_reply_address`).
2. ``In-Reply-To`` then ``References``: a Message-ID of ours (``<iz-2026-000123.4.0.received@
   desk.example>``, on our message domain) names its ticket.
3. The ticket's tag in the subject (``[IZ-2026-000123]``), with the desk's own prefix.

These are claims, not proof: the intake threads a mail only onto a ticket of the sender's own
customer, so a forged or foreign reference threads nothing (:mod:`shared.usecases.intake`).
Each clue costs the intake a read, so a mail is heard on at most :data:`MAX_CLUES` of them: the
first reply addresses, ``In-Reply-To`` and the latest ``References``, the first tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.domain.inbound.message import InboundMessage
from shared.domain.reply_token import ticket_of_reply_address
from shared.domain.ticket import TICKET_ID_IN_TEXT, TicketId, parse_ticket_id

__all__ = ["MAX_CLUES", "ThreadClue", "thread_clues"]

#: The most tickets one mail may point at (a long References list is history, not news).
MAX_CLUES = 8
_PER_SIGN = 3

_OUR_MESSAGE_ID = re.compile(rf"<(?P<ticket>{TICKET_ID_IN_TEXT})\.[0-9]+\.[0-9]+\.[a-z_]+@(?P<domain>[^>\s]+)>")
_SUBJECT_TAG = re.compile(rf"\[(?P<ticket>{TICKET_ID_IN_TEXT})\]")


@dataclass(frozen=True)
class ThreadClue:
    """A ticket the mail points at, and by which sign (``reply-address``, ``references``,
    ``subject``)."""

    ticket_id: TicketId
    sign: str


def thread_clues(
    message: InboundMessage, *, support_address: str, reply_key: bytes, message_domain: str, ticket_prefix: str
) -> list[ThreadClue]:
    """Every ticket the mail points at, strongest sign first, each ticket once."""
    by_address = (ticket_of_reply_address(address, support_address, reply_key) for address in message.recipients)
    clues = [ThreadClue(ticket_id, "reply-address") for ticket_id in by_address if ticket_id][:_PER_SIGN]
    references = (*message.in_reply_to[:1], *reversed(message.references[-_PER_SIGN * 3 :]))
    ours = (_OUR_MESSAGE_ID.fullmatch(reference.strip().lower()) for reference in references)
    clues += [
        ThreadClue(match["ticket"].upper(), "references")
        for match in ours
        if match is not None and match["domain"] == message_domain.lower()
    ][:_PER_SIGN]
    tagged = (match["ticket"].upper() for match in _SUBJECT_TAG.finditer(message.subject[:1000]))
    clues += [
        ThreadClue(ticket_id, "subject") for ticket_id in tagged if ticket_id.startswith(f"{ticket_prefix.upper()}-")
    ][:_PER_SIGN]
    seen: set[TicketId] = set()
    unique = []
    for clue in clues:
        if clue.ticket_id not in seen and parse_ticket_id(clue.ticket_id) is not None:
            seen.add(clue.ticket_id)
            unique.append(clue)
    return unique[:MAX_CLUES]
