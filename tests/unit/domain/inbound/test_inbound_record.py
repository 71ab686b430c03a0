"""A received mail's id: one per blob name, always of the same shape, and nothing else has it."""

from __future__ import annotations

import pytest

from shared.domain.inbound.record import is_mail_id, mail_id_of


def test_a_blob_always_maps_to_the_same_mail_id_and_two_blobs_to_two() -> None:
    first = mail_id_of("2026/11/26/0001.eml")

    assert mail_id_of("2026/11/26/0001.eml") == first
    assert mail_id_of("2026/11/26/0002.eml") != first
    assert is_mail_id(first)


@pytest.mark.parametrize(
    "text",
    ["", "0123456789abcdef0123456", "0123456789abcdef012345678", "0123456789ABCDEF01234567", "../../etc/passwd"],
)
def test_anything_not_made_by_the_rule_is_not_a_mail_id(text: str) -> None:
    assert not is_mail_id(text)
