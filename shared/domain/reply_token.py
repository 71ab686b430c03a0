"""The per-ticket reply address: ``support+iz-2026-000123.k3j9x2qa7m@desk.example``.

Every customer mail about a ticket says "reply to this mail" and its ``Reply-To`` carries the
ticket's id and a token: the first 50 bits of HMAC-SHA256(key, ticket id) in base32. The inbound
side (:func:`ticket_of_reply_address`) trusts the ticket id only when the token matches, so a
guessed or edited address threads nothing; it still checks that the sender belongs to the ticket's
customer. The key is the app setting ``MAIL_REPLY_TOKEN_KEY`` (a secret; Key Vault on Azure).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from shared.domain.ticket import TICKET_ID_IN_TEXT, TicketId, parse_ticket_id

_TOKEN_CHARS = 10
_TAG = re.compile(
    rf"(?P<local>[^+@\s]+)\+(?P<ticket>{TICKET_ID_IN_TEXT})\.(?P<token>[a-z2-7]{{10}})@(?P<domain>[^@\s]+)"
)


def _token(key: bytes, ticket_id: TicketId) -> str:
    digest = hmac.new(key, ticket_id.upper().encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:_TOKEN_CHARS]


def reply_address(support_address: str, ticket_id: TicketId, key: bytes) -> str:
    """``support_address`` plus-addressed with the ticket's id and token."""
    local, domain = support_address.split("@", 1)
    return f"{local}+{ticket_id.lower()}.{_token(key, ticket_id)}@{domain}"


def ticket_of_reply_address(address: str, support_address: str, key: bytes) -> TicketId | None:
    """The ticket id a reply address names, when it is the support address's and its token is
    right; else None."""
    match = _TAG.fullmatch(address.strip().lower())
    if match is None or f"{match['local']}@{match['domain']}" != support_address.lower():
        return None
    ticket_id = match["ticket"].upper()
    if parse_ticket_id(ticket_id) is None:
        return None
    return ticket_id if hmac.compare_digest(match["token"], _token(key, ticket_id)) else None
