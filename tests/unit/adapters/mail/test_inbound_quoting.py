"""Stripping quoted history and signatures from replies, in English and Italian."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from shared.adapters.mail.parse import parse_message
from shared.adapters.mail.quoting import MAX_PATTERN_LINE_CHARS, strip_quoted

TALON = Path(__file__).parents[3] / "data" / "mail" / "talon" / "standard_replies"

ANSWER = "Yes, it happens on every order.\nThanks"
RISPOSTA = "Sì, succede con ogni ordine.\nGrazie"


@pytest.mark.parametrize(
    "history",
    [
        "On Tue, 3 Mar 2026 at 10:00, Support Desk <support@desk.example.com> wrote:\n> Which orders?",
        "On Tue, 3 Mar 2026 at 10:00, Support Desk\n<support@desk.example.com> wrote:\n> Which orders?",
        "On 3 Mar 2026, at 10:00, Support Desk <support@desk.example.com> wrote:\n\nWhich orders?",
        "Support Desk <support@desk.example.com> wrote:\n> Which orders?",
        "-----Original Message-----\nFrom: Support Desk\nSent: Tuesday, March 3, 2026 10:00 AM\nWhich orders?",
        "From: Support Desk <support@desk.example.com>\nSent: Tuesday, March 3, 2026 10:00 AM\n"
        "To: Anna\nSubject: RE: orders\n\nWhich orders?",
        "________________________________\nFrom: Support Desk <support@desk.example.com>\n"
        "Sent: Tuesday, March 3, 2026 10:00 AM\nWhich orders?",
        "*From:* Support Desk\n*Sent:* Tuesday, March 3, 2026 10:00 AM\nWhich orders?",
        "> Which orders?\n> Anything else?",
    ],
)
def test_english_quoted_history_is_removed(history: str) -> None:
    assert strip_quoted(f"{ANSWER}\n\n{history}\n") == ANSWER


@pytest.mark.parametrize(
    "history",
    [
        "Il giorno mar 3 mar 2026 alle ore 10:00 Assistenza <assistenza@desk.example.it> ha scritto:\n> Quali ordini?",
        "Il giorno mar 3 mar 2026 alle ore 10:00 Assistenza <assistenza@desk.example.it>\nha scritto:\n> Quali ordini?",
        "Il 03/03/2026 10:00, Assistenza ha scritto:\n> Quali ordini?",
        "Il giorno 3 mar 2026, alle ore 10:00, Assistenza <assistenza@desk.example.it> ha scritto:\n\nQuali ordini?",
        "-----Messaggio originale-----\nDa: Assistenza\nInviato: martedì 3 marzo 2026 10:00\nQuali ordini?",
        "Da: Assistenza <assistenza@desk.example.it>\nInviato: martedì 3 marzo 2026 10:00\nA: Anna\n"
        "Oggetto: ordini\n\nQuali ordini?",
        "________________________________\nDa: Assistenza <assistenza@desk.example.it>\n"
        "Inviato: martedì 3 marzo 2026 10:00\nQuali ordini?",
    ],
)
def test_italian_quoted_history_is_removed(history: str) -> None:
    assert strip_quoted(f"{RISPOSTA}\n\n{history}\n") == RISPOSTA


@pytest.mark.parametrize(
    "signature",
    [
        "-- \nAnna Bianchi\nACME S.p.A.",
        "--\nAnna Bianchi",
        "Sent from my iPhone",
        "Sent from my Galaxy",
        "Sent from Outlook for Android",
        "Get Outlook for iOS",
        "Inviato da iPhone",
        "Inviato dal mio smartphone Samsung Galaxy.",
    ],
)
def test_signatures_are_removed(signature: str) -> None:
    assert strip_quoted(f"{ANSWER}\n\n{signature}\n") == ANSWER


def test_a_signature_before_the_quote_goes_with_it() -> None:
    text = f"{RISPOSTA}\n\nInviato da iPhone\n\n> Il giorno 10 mar 2026, alle ore 20:00, Assistenza ha scritto:\n> ciao"
    assert strip_quoted(text) == RISPOSTA


def test_interleaved_answers_between_quoted_lines_are_kept() -> None:
    text = "> Which browser?\nFirefox.\n> Which version?\n140."
    assert strip_quoted(text) == "Firefox.\n140."


def test_a_bottom_posted_answer_below_the_quote_is_kept() -> None:
    text = "On 13/03/2026 14:00, Support Desk wrote:\n> Which model?\n\nThe LP-420.\n"
    assert strip_quoted(text) == "The LP-420."


@pytest.mark.parametrize(
    "text",
    [
        "The export fails every night.\n\nSteps:\n1. open Reports\n2. press Export\n\nThanks, Anna",
        "On Monday my colleague wrote: the report is empty.\nPlease check.",
        "Il cliente ha scritto: non funziona nulla.\nVerificate per favore.",
        "From: the warehouse dashboard\nthe totals are wrong.",
        "Data: 3 marzo\nOra: 10:00\nNessun errore visibile.",
    ],
)
def test_a_text_with_no_quote_is_unchanged(text: str) -> None:
    assert strip_quoted(text) == text


def test_a_text_that_is_all_quote_is_returned_trimmed() -> None:
    text = "\n> Only a quote\n> and nothing else\n\n"
    assert strip_quoted(text) == "> Only a quote\n> and nothing else"


def test_windows_line_ends_are_understood() -> None:
    assert strip_quoted("Grazie.\r\n\r\n-----Messaggio originale-----\r\nDa: x\r\n") == "Grazie."


@pytest.mark.parametrize(
    "name", ["gmail.eml", "outlook.eml", "aol.eml", "comcast.eml", "yahoo.eml", "apple_mail.eml", "iphone.eml"]
)
def test_the_reply_of_talons_standard_samples_is_just_hello(name: str) -> None:
    assert parse_message((TALON / name).read_bytes()).reply_text == "Hello"


def test_thunderbirds_bottom_posted_sample_keeps_the_answer() -> None:
    assert parse_message((TALON / "thunderbird.eml").read_bytes()).reply_text == "Hello"


# --- adversarial text: any sender writes it, so stripping must stay linear ----------------------

#: Seconds any adversarial input may take; the quadratic code these tests guard against took from
#: 10 s to hours on the same inputs, the linear one takes a few hundredths.
TIME_BOUND = 2.0


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


ADVERSARIAL_TEXTS = {
    "a 200 KB line of <a@a@a@": "<a@" + "a@" * 100_000,
    "a 200 KB line of >": ">" * 200_000,
    "50,000 lines quoted with >": "> x\n" * 50_000,
    "quoted lines between blank ones": "x\n>\n\n" * 40_000,
    "100,000 blank lines between words": "x\n\n" * 100_000,
    "100,000 lines that almost attribute": "On 1, A <a@b.co> wrote: x\n" * 100_000,
    "100,000 wrapped attributions that never end": "On 1 at 10:00\nA said\n" * 50_000,
    "100,000 Italian lines that almost attribute": "Il 1 A ha scritto: x\n" * 100_000,
    "1,000-character lines of <a@a@": ("<" + "a@" * 499 + "\n") * 200,
    "1,000-character lines of addresses and wrote": ("x <" + "a" * 60 + "@" + "b" * 250 + ">" + " wrote" * 110 + "\n")
    * 200,
    "Outlook header lines without Sent": "From: Anna\n" * 20_000,
    "underscore lines without From": ("_" * 20 + "\n") * 20_000,
    "dashes that never name the message": "-" * 200_000,
    "phone signature openings": "Sent from my" + " " * 200_000 + "x",
}


@pytest.mark.parametrize("text", ADVERSARIAL_TEXTS.values(), ids=ADVERSARIAL_TEXTS.keys())
def test_stripping_adversarial_text_takes_linear_time(text: str) -> None:
    assert seconds(lambda: strip_quoted(text)) < TIME_BOUND


@pytest.mark.parametrize("text", ADVERSARIAL_TEXTS.values(), ids=ADVERSARIAL_TEXTS.keys())
def test_parsing_a_mail_with_an_adversarial_body_takes_linear_time(text: str) -> None:
    raw = b"From: anna@acme.example\r\nSubject: x\r\n\r\n" + text.replace("\n", "\r\n").encode()
    assert seconds(lambda: parse_message(raw)) < TIME_BOUND


def test_a_line_too_long_to_be_an_attribution_is_text() -> None:
    padding = "x" * MAX_PATTERN_LINE_CHARS
    text = f"{ANSWER}\nOn 3 Mar 2026, Anna <anna@acme.example> said {padding} and wrote:\nmore"
    assert strip_quoted(text) == text


def test_an_attribution_of_ordinary_length_with_a_long_address_is_still_found() -> None:
    history = f"On 3 Mar 2026, Anna <{'a' * 64}@{'b' * 180}.example> wrote:\n> Which orders?"
    assert strip_quoted(f"{ANSWER}\n\n{history}\n") == ANSWER
    assert strip_quoted(f"{ANSWER}\n\nAnna <{'a' * 64}@{'b' * 180}.example> wrote:\nWhich orders?") == ANSWER


def test_a_quote_after_many_blank_lines_is_still_introduced() -> None:
    text = "Thanks.\n\nAnna wrote:" + "\n" * 50_000 + "> Which orders?\n"
    assert strip_quoted(text) == "Thanks."
