"""What a closure an administrator announces must be: a well-formed id, days within the years the
desk works in, and from one day to a year long; each fault names its field."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.sla.closures import Closure, check_closure, valid_closure_id


def closure(first: date, last: date, closure_id: str = "summer-2026") -> Closure:
    return Closure(closure_id, first, last, "Summer break")


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 8, 10), date(2026, 8, 10)),
        (date(2026, 8, 10), date(2027, 8, 11)),  # 366 days on
        (date(2000, 1, 1), date(2000, 1, 1)),
        (date(2999, 12, 31), date(2999, 12, 31)),
    ],
)
def test_a_closure_of_one_day_to_a_year_within_the_years_is_announced_as_given(first: date, last: date) -> None:
    given = closure(first, last)
    assert check_closure(given) is given


def test_a_closure_of_a_year_and_a_day_is_refused_naming_its_last_day() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_closure(closure(date(2026, 8, 10), date(2027, 8, 12)))
    assert (refused.value.field, refused.value.message) == ("last_day", "makes a closure longer than a year")


def test_a_closure_that_ends_before_it_starts_is_refused_naming_its_last_day() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_closure(closure(date(2026, 8, 21), date(2026, 8, 10)))
    assert (refused.value.field, refused.value.message) == ("last_day", "is before first_day")


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        (date(1999, 12, 31), date(2000, 1, 2), "first_day"),
        (date(2999, 12, 30), date(3000, 1, 1), "last_day"),
        (date(1999, 8, 21), date(1999, 8, 10), "first_day"),
    ],
)
def test_a_day_outside_the_years_2000_to_2999_is_refused_before_the_span_is_looked_at(
    first: date, last: date, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_closure(closure(first, last))
    assert (refused.value.field, refused.value.message) == (field, "must fall in the years 2000 to 2999")


@pytest.mark.parametrize("closure_id", ["", "Summer", "-summer", "summer 2026", "summer_2026", "é", "a" * 64])
def test_an_id_that_is_not_lower_case_letters_digits_or_dashes_is_refused_first(closure_id: str) -> None:
    assert not valid_closure_id(closure_id)
    with pytest.raises(InvalidInput) as refused:
        check_closure(closure(date(2026, 8, 21), date(2026, 8, 10), closure_id))
    assert (refused.value.field, refused.value.message) == ("id", "must be lower-case letters, digits or dashes")


@pytest.mark.parametrize("closure_id", ["a", "7", "summer-2026", "a" * 63, "x-"])
def test_ids_of_one_to_63_lower_case_letters_digits_or_dashes_are_well_formed(closure_id: str) -> None:
    assert valid_closure_id(closure_id)
