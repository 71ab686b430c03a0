"""The readers every settings loader shares: one per kind of value, each naming the setting at fault."""

from __future__ import annotations

from enum import StrEnum

import pytest

from shared.config.env import (
    SettingsError,
    address,
    flag,
    one_of,
    optional,
    optional_address,
    required,
    seconds,
    text,
    url,
    whole_number,
    whole_numbers,
)


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


def test_a_blank_setting_counts_as_unset_and_a_value_is_read_trimmed() -> None:
    assert optional({"X": "   "}, "X") is None
    assert optional({}, "X") is None
    assert optional({"X": " value "}, "X") == "value"
    assert text({"X": ""}, "X", default="fallback") == "fallback"
    assert whole_number({"X": " "}, "X", default=7) == 7


def test_a_required_setting_says_what_to_set() -> None:
    assert required({"X": " v "}, "X") == "v"
    with pytest.raises(SettingsError, match=r"^X is required$"):
        required({"X": " "}, "X")
    with pytest.raises(SettingsError, match=r"^set X \(the thing's address\)$"):
        required({}, "X", meaning="the thing's address")


@pytest.mark.parametrize(
    ("value", "minimum", "maximum", "message"),
    [
        ("0", 1, None, "X must be a positive whole number, not '0'"),
        ("1.5", 1, None, "X must be a positive whole number, not '1.5'"),
        ("-3", 0, None, "X must be a whole number of at least 0, not '-3'"),
        ("1", 2, None, "X must be a whole number of at least 2, not '1'"),
        ("5", 1, 4, "X must be a whole number from 1 to 4, not '5'"),
        ("١٠", 1, None, "X must be a positive whole number, not '١٠'"),
        ("１０", 1, None, "X must be a positive whole number, not '１０'"),
    ],
)
def test_a_whole_number_out_of_its_bounds_or_not_in_ascii_digits_is_refused(
    value: str, minimum: int, maximum: int | None, message: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        whole_number({"X": value}, "X", default=1, minimum=minimum, maximum=maximum)
    assert str(refused.value) == message


def test_a_whole_number_within_its_bounds_is_read() -> None:
    assert whole_number({"X": "0"}, "X", default=9, minimum=0) == 0
    assert whole_number({"X": "4"}, "X", default=1, maximum=4) == 4


def test_a_list_of_whole_numbers_keeps_its_order_and_refuses_an_empty_item() -> None:
    assert whole_numbers({"X": "150, 75,100"}, "X", default=(1,)) == (150, 75, 100)
    assert whole_numbers({}, "X", default=(1, 2)) == (1, 2)
    with pytest.raises(SettingsError, match=r"^X must be whole numbers from 1 to 9, separated by commas, not '1,,2'$"):
        whole_numbers({"X": "1,,2"}, "X", default=(1,), maximum=9)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf", "-inf", "1e999"])
def test_seconds_are_a_positive_finite_number(value: str) -> None:
    with pytest.raises(SettingsError, match=r"^X must be"):
        seconds({"X": value}, "X", default=1.0)


def test_seconds_may_be_a_fraction() -> None:
    assert seconds({"X": "0.25"}, "X", default=1.0) == 0.25
    assert seconds({}, "X", default=5.0) == 5.0


@pytest.mark.parametrize(("value", "meant"), [("true", True), ("FALSE", False), ("True", True), ("", True)])
def test_a_flag_is_true_or_false_in_any_case(value: str, meant: bool) -> None:
    assert flag({"X": value}, "X", default=True) is meant


@pytest.mark.parametrize("value", ["no", "0", "yes", "flase"])
def test_a_flag_that_is_neither_true_nor_false_is_refused_rather_than_guessed(value: str) -> None:
    with pytest.raises(SettingsError, match=f"^X must be true or false, not '{value}'$"):
        flag({"X": value}, "X", default=True)


def test_a_choice_is_returned_as_the_member_it_spells() -> None:
    chosen = one_of({"X": " green "}, "X", tuple(Colour), default=Colour.RED)
    assert chosen is Colour.GREEN
    assert one_of({}, "X", tuple(Colour), default=Colour.RED) is Colour.RED
    with pytest.raises(SettingsError, match=r"^X must be one of red, green, not 'Green'$"):
        one_of({"X": "Green"}, "X", tuple(Colour), default=Colour.RED)


def test_an_address_is_lower_cased_and_a_malformed_one_is_named() -> None:
    assert address({"X": " Team@Desk.Example "}, "X", default="a@b.example") == "team@desk.example"
    assert address({}, "X", default="Default@Desk.Example") == "default@desk.example"
    assert optional_address({"X": ""}, "X") is None
    with pytest.raises(SettingsError, match=r"^X must be an email address, not 'team'$"):
        optional_address({"X": "team"}, "X")


@pytest.mark.parametrize(
    ("value", "loopback_http", "accepted"),
    [
        ("https://desk.example/api/portal/", False, True),
        ("https://desk.example:8443", False, True),
        ("http://127.0.0.1:7071/api/portal/", True, True),
        ("http://localhost/x", True, True),
        ("http://[::1]:7071/x", True, True),
        ("http://127.0.0.1:7071/x", False, False),
        ("http://desk.example/x", True, False),
        ("https:///keys", False, False),
        ("desk.example/portal", True, False),
        ("javascript:alert(1)", True, False),
        ("https://user:secret@desk.example/", False, False),
        ("https://desk.example/a b", False, False),
        ("https://desk.example\t/x", False, False),
        ("https://desk.example:99999/", False, False),
        ("ftp://desk.example/", False, False),
    ],
)
def test_a_url_is_https_with_a_host_or_http_on_loopback_where_allowed(
    value: str, loopback_http: bool, accepted: bool
) -> None:
    if accepted:
        assert url({"X": value}, "X", loopback_http=loopback_http) == value
    else:
        with pytest.raises(SettingsError, match=r"^X must be an https:// URL"):
            url({"X": value}, "X", loopback_http=loopback_http)


def test_an_unset_url_is_none() -> None:
    assert url({"X": " "}, "X") is None
