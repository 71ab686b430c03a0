"""The demo canned replies of ``make run``: three in Italian and English, one in English only (so
that inserting it into an Italian ticket shows the console's "not in the ticket's language"
warning). :func:`seed_replies` adds each one the desk lacks and leaves the others as an
administrator made them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from shared.domain.canned import CannedReply, canned_reply
from shared.domain.language import Language
from shared.usecases.ports import CannedReplies

LOG = logging.getLogger(__name__)

IT, EN = Language.ITALIAN, Language.ENGLISH

DEMO_REPLIES: tuple[CannedReply, ...] = (
    canned_reply(
        "taken-in-charge",
        title="Taken in charge / Presa in carico",
        tags=("greeting", "accepted"),
        bodies={
            IT: "Gentile {{contact_name}},\n\nabbiamo preso in carico la sua richiesta {{ticket}} e la "
            "risolveremo entro {{resolution_due}}.\n\nCordiali saluti,\n{{operator}}",
            EN: "Dear {{contact_name}},\n\nwe have taken your request {{ticket}} in charge and will resolve it "
            "by {{resolution_due}}.\n\nKind regards,\n{{operator}}",
        },
    ),
    canned_reply(
        "logs-please",
        title="Ask for logs and screenshots / Richiesta di log",
        tags=("clarification", "logs"),
        bodies={
            IT: "Gentile {{contact_name}},\n\nper analizzare la richiesta {{ticket}} ci servono i log "
            "dell'applicazione e una schermata dell'errore. Può allegarli rispondendo a questa mail?\n\n"
            "Grazie,\n{{operator}}",
            EN: "Dear {{contact_name}},\n\nto look into request {{ticket}} we need the application's logs and a "
            "screenshot of the error. Could you attach them in your reply to this mail?\n\nThank you,\n{{operator}}",
        },
    ),
    canned_reply(
        "resolved-check",
        title="Resolved: please confirm / Risolto: conferma",
        tags=("resolution",),
        bodies={
            IT: "Gentile {{contact_name}},\n\nla richiesta {{ticket}} risulta risolta. Se il problema si "
            "ripresenta, risponda a questa mail e la riapriremo.\n\nCordiali saluti,\n{{operator}}",
            EN: "Dear {{contact_name}},\n\nrequest {{ticket}} is resolved. Should the problem come back, reply "
            "to this mail and we will reopen it.\n\nKind regards,\n{{operator}}",
        },
    ),
    canned_reply(
        "clear-browser-cache",
        title="Clear the browser cache",
        tags=("browser", "helpdesk"),
        bodies={
            EN: "Dear {{contact_name}},\n\nplease clear your browser's cache and sign in again; most display "
            "problems after an update go away then. If this one does not, reply with the browser you use.\n\n"
            "Kind regards,\n{{operator}}",
        },
    ),
)


def seed_replies(replies: CannedReplies, demo: Sequence[CannedReply] = DEMO_REPLIES) -> int:
    """Add each of ``demo`` the desk lacks; one already there is left as an administrator made
    it. How many were added (one point read each, one write each added)."""
    added = 0
    for reply in demo:
        if replies.get(reply.id) is None:
            replies.create(reply)
            added += 1
    LOG.info("demo canned replies: %d, %d added", len(demo), added)
    return added
