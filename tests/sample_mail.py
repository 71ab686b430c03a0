"""One mail of the desk's, as a sender receives it, for the senders' tests: a receipt in Italian
(accented text, an em dash), threaded, marked as automatic."""

from __future__ import annotations

from shared.domain.outgoing_mail import OutgoingMail

RECEIPT = OutgoingMail(
    message_id="<iz-2026-000123.3.received@desk.example>",
    sender="assistenza@desk.example",
    sender_name="Assistenza Clienti",
    to=(("anna@acme.example", "Anna Bianchi"),),
    reply_to="iz-2026-000123@desk.example",
    subject="[IZ-2026-000123] Richiesta ricevuta: perché il login non funziona?",
    text="Gentile Anna,\nabbiamo ricevuto la sua richiesta. Città: Pescara — così è, più o meno.\n",
    html="<p>Gentile Anna,</p><p>abbiamo ricevuto la sua richiesta. Città: Pescara — così è.</p>",
    headers={
        "In-Reply-To": "<CAB123@mail.acme.example>",
        "References": "<CAB123@mail.acme.example>",
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
    },
)
