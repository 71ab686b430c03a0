"""Search terms: how text becomes words, words become index keys, and a caller's term is read."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.lifecycle import Status
from shared.domain.search import (
    IN_CHANGE,
    MAX_KEY_CHARS,
    MAX_QUERY_CHARS,
    MAX_WORDS,
    IndexedTicket,
    SearchTerm,
    fold,
    key_of,
    newest_first,
    search_term,
    terms_of,
    words_of,
)
from shared.domain.sla.policy import Category, Priority

#: What Table Storage refuses in a key.
FORBIDDEN_IN_KEYS = re.compile(r"[/\\#?\x00-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Perché", "perche"), ("UNIVERSITÀ", "universita"), ("Straße", "strasse"), ("ﬁle", "file"), ("Ça", "ca")],
)
def test_folding_drops_case_and_accents(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_words_are_runs_of_letters_and_digits_of_two_or_more_each_once() -> None:
    assert words_of("L'errore è già noto: stampante HP-4200, errore #7!") == [
        "errore",
        "gia",
        "noto",
        "stampante",
        "hp",
        "4200",
    ]
    assert words_of("a_b c") == []  # underscores split; single letters are no words
    assert words_of("Città, città; CITTÀ") == ["citta"]


def test_a_ticket_is_found_by_its_id_contact_and_the_prefixes_of_its_words() -> None:
    keys = terms_of("IZ-2026-000123", " Anna@ACME.example ", "acme-srl", "ACME S.r.l.", "Stampante ko")
    assert keys[:2] == ["t|IZ-2026-000123", "c|anna@acme.example"]
    assert set(keys[2:]) == {
        "w|sta", "w|stam", "w|stamp", "w|stampa",  # prefixes of three to six characters
        "w|ko",  # a two-letter word as itself
        "w|acm", "w|acme",  # the customer's name and id, once
        "w|srl",
    }  # fmt: skip
    assert len(keys) == len(set(keys))


def test_a_subject_gives_at_most_its_first_words() -> None:
    pairs = [a + b for a in "bcdfg" for b in "hjklmnpq"]  # forty two-letter words, each its own key
    keys = terms_of("IZ-2026-000001", "a@b.example", "zz", "Zeta", " ".join(pairs))
    subject_keys = [key for key in keys if key.removeprefix("w|") in pairs]
    assert subject_keys == [f"w|{pair}" for pair in pairs[:MAX_WORDS]]


@pytest.mark.parametrize(
    "address", ["a/b@x.example", "a\\b@x.example", "a#b@x.example", "a?b@x.example", "a\x07b@x.example"]
)
def test_keys_carry_no_character_table_storage_refuses(address: str) -> None:
    key = key_of("c", address)
    assert not FORBIDDEN_IN_KEYS.search(key)
    assert key.startswith("c|a%")
    assert key.endswith("b@x.example")


def test_escaping_keeps_distinct_texts_distinct() -> None:
    assert key_of("c", "a%2Fb@x") != key_of("c", "a/b@x")
    assert key_of("c", "a/b@x") == "c|a%2Fb@x"
    assert key_of("c", "a%b@x") == "c|a%25b@x"
    assert key_of("c", "a\u0085b@x") == "c|a%C2%85b@x"  # a C1 control, as its UTF-8 bytes


def test_a_key_too_long_for_the_service_is_the_hash_of_its_text() -> None:
    long = "#" * 200 + "@x.example"
    key = key_of("c", long)
    assert len(key) <= MAX_KEY_CHARS
    assert re.fullmatch(r"c\|sha256:[0-9a-f]{64}", key)
    assert key == key_of("c", long) != key_of("c", long + "x")


def test_rows_sort_newest_first() -> None:
    keys = [
        newest_first(ticket) for ticket in ("IZ-2025-000999", "IZ-2026-000002", "IZ-2026-000010", "IZ-2026-1000000")
    ]
    assert sorted(keys) == list(reversed(keys))
    assert newest_first("IZ-2026-000123") == "7973999999876|IZ-2026-000123"


def test_a_term_is_read_as_an_id_an_address_or_words() -> None:
    assert search_term(" iz-2026-000123 ") == SearchTerm("t|IZ-2026-000123")
    assert search_term("Anna@Acme.Example") == SearchTerm("c|anna@acme.example")
    assert search_term("a#b@x.example").key == "c|a%23b@x.example"
    assert search_term("Stampa") == SearchTerm("w|stampa", ("stampa",))
    assert search_term("aggiornamento") == SearchTerm("w|aggior", ("aggiornamento",))  # cut to six for the key
    assert search_term("ko della STAMPANTE") == SearchTerm("w|stampa", ("ko", "della", "stampante"))


@pytest.mark.parametrize(
    ("text", "why"), [("", "empty"), ("   ", "empty"), ("x" * (MAX_QUERY_CHARS + 1), "longer"), ("a ? !", "no word")]
)
def test_an_unusable_term_is_refused_naming_q(text: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why) as refused:
        search_term(text)
    assert refused.value.field == "q"


def test_every_word_of_a_term_must_begin_a_word_of_the_ticket() -> None:
    term = search_term("aggiornamento stamp")
    assert term.matches("Stampante bloccata dopo l'aggiornamento", "ACME", "acme")
    assert not term.matches("Stampante bloccata dopo l'aggiornare", "ACME", "acme")  # shares the key's six letters only
    assert search_term("acme perche").matches("Perché?", "ACME S.p.A.", "acme-x")
    assert search_term("iz-2026-000001").matches("anything", "", "")


QUEUED = IndexedTicket(
    id="IZ-2026-000001",
    customer_id="acme",
    customer_name="ACME",
    contact_email="anna@acme.example",
    subject="Login",
    category=Category.HELPDESK,
    priority=Priority.MEDIUM,
    status=Status.NEW,
    assignee=None,
    assignee_name=None,
    created_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
    updated_at=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
    clocks=(),
    escalation_level=0,
    revision=1,
)


def test_a_change_narrows_who_sees_a_ticket_when_it_is_taken_handed_over_or_made_a_vulnerability() -> None:
    olgas = replace(QUEUED, assignee="olga@desk.example", status=Status.ACCEPTED, revision=2)
    assert olgas.narrows(QUEUED)
    assert replace(olgas, assignee="otto@desk.example").narrows(olgas)
    assert replace(olgas, category=Category.VULNERABILITY).narrows(olgas)
    assert not replace(olgas, status=Status.RESOLVED).narrows(olgas)
    assert not replace(olgas, category=Category.BUG, priority=Priority.HIGH).narrows(olgas)
    assert not olgas.narrows(replace(olgas, category=Category.VULNERABILITY))  # no longer one: nobody loses it


def test_while_it_narrows_a_row_is_nobody_s_and_a_vulnerability_if_either_state_is() -> None:
    vulnerable = replace(QUEUED, category=Category.VULNERABILITY)
    assert QUEUED.guarded(vulnerable) == replace(QUEUED, assignee=IN_CHANGE, category=Category.VULNERABILITY)
    olgas = replace(QUEUED, assignee="olga@desk.example")
    assert olgas.guarded(QUEUED) == replace(QUEUED, assignee=IN_CHANGE)
    assert "@" not in IN_CHANGE


def test_a_message_alone_leaves_what_search_shows_as_it_was() -> None:
    later = replace(QUEUED, updated_at=datetime(2026, 11, 27, 9, 0, tzinfo=UTC), revision=5)
    assert later.shows_as(QUEUED)
    assert not replace(later, status=Status.WAITING_CUSTOMER).shows_as(QUEUED)
    assert not replace(later, escalation_level=1).shows_as(QUEUED)
