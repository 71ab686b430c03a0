"""Two rules of a change seen from the console: a staff reply asks for the customer's ``reply``
mail (a note or the customer's own message for none), and an operator hands his own ticket over
but assigns no other (the ``assign`` row of the lifecycle's table)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from shared.domain.errors import Forbidden
from shared.domain.lifecycle import Action, Status
from shared.domain.notifications import CUSTOMER, NotificationKind
from tests.unit.domain.test_change import ANNA, OLGA, SARA, change_of, ticket_in


def test_a_staff_reply_asks_for_the_reply_mail_to_the_customer_naming_its_author_and_a_note_for_none() -> None:
    reply, note = change_of(SARA, ticket_in(Status.ACCEPTED)), change_of(SARA, ticket_in(Status.ACCEPTED))
    reply.write("Abbiamo rilasciato la correzione", internal=False)
    note.write("Da verificare con lo sviluppo", internal=True)

    assert [(n.kind, n.to, n.message, n.author) for n in reply.notices] == [
        (NotificationKind.REPLY, CUSTOMER, "Abbiamo rilasciato la correzione", "Sara Blu")
    ]
    assert note.notices == []


def test_a_customers_own_message_mails_nobody() -> None:
    change = change_of(ANNA, ticket_in(Status.ACCEPTED))
    change.write("Grazie, attendo", internal=False)

    assert change.notices == []


def test_an_operator_hands_his_ticket_over_and_may_not_assign_one_that_is_not_his() -> None:
    mine = change_of(OLGA, ticket_in(Status.ACCEPTED))
    mine.take(Action.ASSIGN, {"assignee": "otto@desk.example"})
    assert (mine.ticket.assignee, mine.ticket.assignee_name) == ("otto@desk.example", None)
    assert [(n.kind, n.to) for n in mine.notices] == [(NotificationKind.ASSIGNED_TO_YOU, "otto@desk.example")]

    others = replace(ticket_in(Status.ACCEPTED), assignee="otto@desk.example", assignee_name="Otto")
    for ticket in (others, ticket_in(Status.NEW)):
        with pytest.raises(Forbidden, match="only on a ticket assigned to you"):
            change_of(OLGA, ticket).take(Action.ASSIGN, {"assignee": "pia@desk.example"})
    with pytest.raises(Forbidden, match="not allowed for this role"):
        change_of(ANNA, ticket_in(Status.ACCEPTED)).take(Action.ASSIGN, {"assignee": "pia@desk.example"})
