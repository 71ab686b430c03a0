"""Which tickets a mail points at, strongest sign first, and what does not count as a sign."""

from __future__ import annotations

import pytest

from shared.domain.inbound.message import InboundMessage, Mailbox
from shared.domain.inbound.threads import ThreadClue, thread_clues
from shared.domain.reply_token import reply_address

KEY = b"k" * 32
SUPPORT = "support@desk.example"


def message(
    *, recipients: tuple[str, ...] = (SUPPORT,), subject: str = "", in_reply_to: tuple[str, ...] = (),
    references: tuple[str, ...] = (),
) -> InboundMessage:  # fmt: skip
    return InboundMessage(
        message_id="<m@client.example>", derived_message_id=False, sender=Mailbox("anna@acme.example"),
        reply_to=(), recipients=recipients, subject=subject, date=None, in_reply_to=in_reply_to,
        references=references, text="", reply_text="", attachments=(), content_type="text/plain", size=0,
    )  # fmt: skip


def clues(mail: InboundMessage) -> list[ThreadClue]:
    return thread_clues(mail, support_address=SUPPORT, reply_key=KEY, message_domain="desk.example", ticket_prefix="IZ")


def test_the_reply_address_comes_first_then_references_then_the_subject() -> None:
    mail = message(
        recipients=(reply_address(SUPPORT, "IZ-2026-000001", KEY),),
        in_reply_to=("<iz-2026-000002.3.0.accepted@desk.example>",),
        references=("<iz-2026-000003.1.0.received@desk.example>", "<other@client.example>"),
        subject="Re: [IZ-2026-000004] Stampa",
    )
    assert clues(mail) == [
        ThreadClue("IZ-2026-000001", "reply-address"),
        ThreadClue("IZ-2026-000002", "references"),
        ThreadClue("IZ-2026-000003", "references"),
        ThreadClue("IZ-2026-000004", "subject"),
    ]


def test_a_ticket_named_twice_is_listed_once_by_its_strongest_sign() -> None:
    mail = message(recipients=(reply_address(SUPPORT, "IZ-2026-000001", KEY),), subject="Re: [IZ-2026-000001] x")
    assert clues(mail) == [ThreadClue("IZ-2026-000001", "reply-address")]


@pytest.mark.parametrize(
    "mail",
    [
        message(recipients=("support+iz-2026-000001.aaaaaaaaaa@desk.example",)),  # a forged token
        message(recipients=(reply_address("other@desk.example", "IZ-2026-000001", KEY),)),  # not our mailbox
        message(in_reply_to=("<iz-2026-000001.1.0.received@elsewhere.example>",)),  # not our message domain
        message(in_reply_to=("<iz-2026-000001@desk.example>",)),  # not the shape of our Message-IDs
        message(subject="Re: [XY-2026-000001] another desk's tag"),
        message(subject="Re: IZ-2026-000001 without brackets"),
        message(subject="Re: [IZ-2026-00001] too few digits"),
    ],
)
def test_what_is_not_a_sign_of_ours_names_no_ticket(mail: InboundMessage) -> None:
    assert clues(mail) == []


def test_a_mail_is_heard_on_a_few_clues_only() -> None:
    references = tuple(f"<iz-2026-{n:06d}.1.0.received@desk.example>" for n in range(1, 3001))
    subject = " ".join(f"[IZ-2026-{n:06d}]" for n in range(5001, 5101))
    mail = message(references=references, subject=subject)
    found = clues(mail)
    assert len(found) <= 8
    assert [clue.ticket_id for clue in found if clue.sign == "references"] == [
        "IZ-2026-003000",  # the latest references first: a long list is history
        "IZ-2026-002999",
        "IZ-2026-002998",
    ]
    assert [clue.sign for clue in found].count("subject") == 3
