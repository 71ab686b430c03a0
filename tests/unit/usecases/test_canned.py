"""The canned replies' use cases on an in-memory store: the administration (create, replace,
patch, delete, revisions and If-Match, the cap), and the composer (staff only, the search, a
reply filled for a ticket with its deadlines said in the body's language, what it reads)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.mail.catalogues import instant_in
from shared.domain.access import Caller, Principal
from shared.domain.canned import CannedReply, ReplyChange, canned_reply
from shared.domain.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from shared.domain.language import Language
from shared.domain.lifecycle import Role, Status
from shared.domain.sla.clock import ClockState
from shared.domain.sla.policy import Category, Clock, Priority
from shared.domain.ticket import Channel, Ticket
from shared.usecases.canned import NewReply, ReplyAdministration, ReplyComposer
from shared.usecases.desk import SlaView, TicketView
from shared.usecases.stored import StoredReply

IT, EN = Language.ITALIAN, Language.ENGLISH
AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
OLGA = Principal("olga@desk.example", "olga@desk.example", "Olga Conti", frozenset({Role.OPERATOR}), None)


class Replies:
    """The canned replies in a dict, each under an ETag that changes on every write; counts reads."""

    def __init__(self) -> None:
        self.rows: dict[str, StoredReply] = {}
        self.reads = 0
        self.writes = 0

    def all(self) -> list[StoredReply]:
        self.reads += 1
        return [self.rows[key] for key in sorted(self.rows)]

    def get(self, reply_id: str) -> StoredReply | None:
        self.reads += 1
        return self.rows.get(reply_id)

    def create(self, reply: CannedReply) -> None:
        if reply.id in self.rows:
            raise Conflict("exists")
        self._write(reply)

    def replace(self, reply: CannedReply, etag: str) -> None:
        if reply.id not in self.rows or self.rows[reply.id].etag != etag:
            raise Conflict("changed")
        self._write(reply)

    def delete(self, reply_id: str, etag: str) -> None:
        if self.rows[reply_id].etag != etag:
            raise Conflict("changed")
        self.writes += 1
        del self.rows[reply_id]

    def _write(self, reply: CannedReply) -> None:
        self.writes += 1
        self.rows[reply.id] = StoredReply(reply, f"etag-{self.writes}")


class Tickets:
    """One ticket, seen only by the callers listed; records what each read was audited as."""

    def __init__(self, view: TicketView, seen_by: set[str]) -> None:
        self.view, self.seen_by = view, seen_by
        self.readings: list[str] = []

    def get(self, caller: Caller, ticket_id: str, *, reading: str = "read") -> TicketView:
        if ticket_id != self.view.ticket.id or caller.subject not in self.seen_by:
            raise NotFound(f"no ticket {ticket_id}")
        self.readings.append(reading)
        return self.view


def view(language: Language, contact_name: str | None = "Anna Bianchi") -> TicketView:
    ticket = Ticket(
        id="IZ-2026-000123",
        customer_id="acme",
        contact_email="anna@acme.example",
        contact_name=contact_name,
        subject="Stampa bloccata",
        description="La stampa non parte",
        category=Category.BUG,
        priority=Priority.HIGH,
        status=Status.ACCEPTED,
        language=language,
        channel=Channel.WEB,
        assignee="olga@desk.example",
        created_at=AT,
        updated_at=AT,
        created_by="anna@acme.example",
        clocks=(),
    )
    take_charge = ClockState(Clock.TAKE_CHARGE, AT, timedelta(hours=4), timedelta(0), AT, False, None, AT, True)
    resolution = ClockState(
        Clock.RESOLUTION, AT, timedelta(hours=16), timedelta(hours=1), AT + timedelta(days=1), False, None, None, None
    )
    return TicketView(ticket, SlaView(take_charge, resolution))


def new(reply_id: str | None = "greeting", **bodies: str | None) -> NewReply:
    by_language = {Language(name): text for name, text in bodies.items()} or {IT: "Gentile {{contact_name}}"}
    return NewReply(title="Saluto", tags=("hello",), bodies=by_language, id=reply_id)


@pytest.fixture
def replies() -> Replies:
    return Replies()


@pytest.fixture
def admin(replies: Replies) -> ReplyAdministration:
    return ReplyAdministration(replies, lambda: "r-new")


def test_put_creates_then_replaces_at_the_next_revision_in_one_query_and_one_write(
    admin: ReplyAdministration, replies: Replies
) -> None:
    created = admin.put(new())
    assert (created.revision, replies.reads, replies.writes) == (1, 1, 1)
    replaced = admin.put(new(en="Hello"), if_match=1)
    assert (replaced.revision, dict(replaced.bodies), replies.reads, replies.writes) == (2, {EN: "Hello"}, 2, 2)
    assert admin.reply("greeting") == replaced


def test_a_reply_put_without_an_id_gets_a_new_one(admin: ReplyAdministration) -> None:
    assert admin.put(new(None)).id == "r-new"


def test_a_stale_if_match_is_refused_and_writes_nothing(admin: ReplyAdministration, replies: Replies) -> None:
    admin.put(new())
    admin.patch("greeting", ReplyChange(title="Nuovo"), if_match=1)
    writes = replies.writes
    for stale in (
        lambda: admin.put(new(), if_match=1),
        lambda: admin.patch("greeting", ReplyChange(title="Vecchio"), if_match=1),
        lambda: admin.delete("greeting", if_match=1),
        lambda: admin.put(new("other"), if_match=1),
    ):
        with pytest.raises(PreconditionFailed):
            stale()
    assert replies.writes == writes
    assert admin.reply("greeting").title == "Nuovo"


def test_a_bad_reply_is_refused_before_anything_is_read(admin: ReplyAdministration, replies: Replies) -> None:
    with pytest.raises(InvalidInput) as refused:
        admin.put(new(it="Gentile {{nome}}"))
    assert (refused.value.field, replies.reads) == ("bodies.it", 0)


def test_patch_and_delete_read_the_reply_once_and_write_once(admin: ReplyAdministration, replies: Replies) -> None:
    admin.put(new(it="Ciao", en="Hello"))
    replies.reads = replies.writes = 0
    patched = admin.patch("greeting", ReplyChange(bodies={IT: None}), if_match=1)
    assert (dict(patched.bodies), patched.revision, replies.reads, replies.writes) == ({EN: "Hello"}, 2, 1, 1)
    admin.delete("greeting", if_match=2)
    assert (replies.reads, replies.writes) == (2, 2)
    with pytest.raises(NotFound):
        admin.reply("greeting")
    with pytest.raises(NotFound):
        admin.delete("greeting")


def test_the_desk_keeps_at_most_max_replies(
    admin: ReplyAdministration, replies: Replies, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shared.usecases.canned.MAX_REPLIES", 2)
    admin.put(new("one"))
    admin.put(new("two"))
    with pytest.raises(Conflict):
        admin.put(new("three"))
    assert admin.put(new("two", en="Replaced")).revision == 2


def composer(replies: Replies, ticket: TicketView, seen_by: set[str]) -> tuple[ReplyComposer, Tickets]:
    tickets = Tickets(ticket, seen_by)
    return ReplyComposer(replies, tickets, instant_in), tickets


def test_a_reply_is_filled_in_the_tickets_language_deadlines_said_as_the_mails_say_them(replies: Replies) -> None:
    body = "{{contact_name}}|{{ticket}}|{{operator}}|{{take_charge_due}}|{{resolution_due}}"
    replies.create(canned_reply("all", title="All", tags=(), bodies={IT: body, EN: "EN " + body}))
    ticket = view(IT)
    made, tickets = composer(replies, ticket, {OLGA.subject})
    filled = made.fill(OLGA, ticket.ticket.id, "all")
    expected = "|".join(
        (
            "Anna Bianchi",
            "IZ-2026-000123",
            "Olga Conti",
            instant_in(IT, AT),
            instant_in(IT, AT + timedelta(days=1)),
        )
    )
    assert (filled.language, filled.text, filled.in_ticket_language) == (IT, expected, True)
    assert "giovedì 26 novembre 2026, 10:00" in filled.text
    assert tickets.readings == ["canned reply"]


def test_an_english_only_reply_on_an_italian_ticket_is_english_and_says_so(replies: Replies) -> None:
    replies.create(canned_reply("cache", title="Cache", tags=(), bodies={EN: "Due {{resolution_due}}"}))
    ticket = view(IT)
    filled = composer(replies, ticket, {OLGA.subject})[0].fill(OLGA, ticket.ticket.id, "cache")
    assert (filled.language, filled.in_ticket_language) == (EN, False)
    assert filled.text == f"Due {instant_in(EN, AT + timedelta(days=1))}"
    assert "Friday 27 November 2026" in filled.text


def test_a_contact_named_like_a_template_is_inserted_literally(replies: Replies) -> None:
    replies.create(canned_reply("hi", title="Hi", tags=(), bodies={EN: "Dear {{contact_name}}, {{ticket}}"}))
    name = "{{ticket}} {% if True %}{{ 7*7 }}{% endif %}"
    ticket = view(EN, contact_name=name)
    filled = composer(replies, ticket, {OLGA.subject})[0].fill(OLGA, ticket.ticket.id, "hi")
    assert filled.text == f"Dear {name}, IZ-2026-000123"


def test_filling_for_a_ticket_the_caller_may_not_see_is_not_found_and_reads_no_reply(replies: Replies) -> None:
    replies.create(canned_reply("hi", title="Hi", tags=(), bodies={EN: "Hello"}))
    ticket = view(EN)
    made, _ = composer(replies, ticket, set())
    replies.reads = 0
    with pytest.raises(NotFound):
        made.fill(OLGA, ticket.ticket.id, "hi")
    assert replies.reads == 0
    with pytest.raises(NotFound):
        composer(replies, ticket, {OLGA.subject})[0].fill(OLGA, ticket.ticket.id, "missing")


@pytest.mark.parametrize("roles", [frozenset({Role.CUSTOMER}), frozenset()])
def test_the_composer_is_for_staff(replies: Replies, roles: frozenset[Role]) -> None:
    customer = replace(OLGA, roles=roles, customer_id="acme" if roles else None)
    made, tickets = composer(replies, view(EN), {customer.subject})
    with pytest.raises(Forbidden):
        made.search(customer, "", limit=10)
    with pytest.raises(Forbidden):
        made.fill(customer, "IZ-2026-000123", "hi")
    assert tickets.readings == []


def test_the_search_is_one_query_and_answers_at_most_limit_by_id(replies: Replies) -> None:
    for reply_id, title in (("c", "Richiesta log"), ("a", "Richiesta schermata"), ("b", "Chiusura")):
        replies.create(canned_reply(reply_id, title=title, tags=(), bodies={IT: "Testo"}))
    made, _ = composer(replies, view(IT), {OLGA.subject})
    replies.reads = 0
    assert [reply.id for reply in made.search(OLGA, "rich", limit=10)] == ["a", "c"]
    assert [reply.id for reply in made.search(OLGA, "", limit=2)] == ["a", "b"]
    assert replies.reads == 2
