"""Stripping quoted history and signatures from replies, in English and Italian."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.mail.inbound.parse import parse_message
from shared.mail.inbound.quoting import strip_quoted

TALON = Path(__file__).parents[1] / "data" / "mail" / "talon" / "standard_replies"

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
