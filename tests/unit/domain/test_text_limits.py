"""Text is measured the way Table Storage measures it: UTF-16 code units."""

from __future__ import annotations

import pytest

from functions.schemas.tickets import NewMessage, OpenTicket
from shared.domain.text_limits import LONG_TEXT_UNITS, clipped, one_line, utf16_units


def test_units_count_an_emoji_twice() -> None:
    assert utf16_units("abc") == 3
    assert utf16_units("😀") == 2
    assert utf16_units("città") == 5


@pytest.mark.parametrize(
    ("text", "units", "expected"),
    [("short", 10, "short"), ("abcdef", 4, "abc…"), ("😀😀😀", 5, "😀😀…"), ("😀😀😀", 4, "😀…")],
)
def test_clipping_keeps_whole_characters_within_the_units(text: str, units: int, expected: str) -> None:
    assert clipped(text, units) == expected
    assert utf16_units(clipped(text, units)) <= units


def test_the_api_refuses_a_description_a_table_property_could_not_hold() -> None:
    assert OpenTicket.model_validate({"subject": "x", "description": "😀" * (LONG_TEXT_UNITS // 2)})
    with pytest.raises(ValueError, match="too long to keep"):
        OpenTicket.model_validate({"subject": "x", "description": "😀" * (LONG_TEXT_UNITS // 2 + 1)})
    with pytest.raises(ValueError, match="too long to keep"):
        NewMessage.model_validate({"body": "😀" * 20_000})


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Anna\r\nBcc: x@evil.example", "Anna Bcc: x@evil.example"),
        ("  Anna\tBianchi  ", "Anna Bianchi"),
        ("Anna\u2028Bianchi\u0085x", "Anna Bianchi x"),
        ("Anna\u202eBianchi", "Anna Bianchi"),
        ("Anna Bianchi", "Anna Bianchi"),
        ("\r\n", ""),
    ],
)
def test_a_value_typed_on_several_lines_is_kept_on_one(typed: str, kept: str) -> None:
    assert one_line(typed) == kept
