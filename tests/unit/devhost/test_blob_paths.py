"""Blob trigger paths: which container is watched, and which blob names fire the function."""

from __future__ import annotations

import pytest

from devhost.blob_paths import parse_blob_path


@pytest.mark.parametrize(
    ("path", "container", "prefix"),
    [
        ("inbound-email/{name}", "inbound-email", ""),
        ("inbound-email/raw/{name}.eml", "inbound-email", "raw/"),
        ("/samples/", "samples", ""),
        ("samples/{folder}/{name}", "samples", ""),
    ],
)
def test_a_path_names_the_container_and_the_literal_prefix_to_list(path: str, container: str, prefix: str) -> None:
    parsed = parse_blob_path(path)
    assert (parsed.container, parsed.prefix) == (container, prefix)


@pytest.mark.parametrize(
    ("path", "blob", "fires"),
    [
        ("inbound-email/{name}", "a.eml", True),
        ("inbound-email/{name}", "2024/06/a.eml", True),
        ("inbound-email/raw/{name}.eml", "raw/a.eml", True),
        ("inbound-email/raw/{name}.eml", "raw/a.txt", False),
        ("inbound-email/raw/{name}.eml", "cooked/a.eml", False),
        ("inbound-email/raw/{name}.eml", "raw/.eml", False),
        ("samples", "anything/at/all", True),
        ("samples/{folder}/{name}", "x/y", True),
        ("samples/{folder}/{name}", "xy", False),
    ],
)
def test_a_blob_fires_the_trigger_only_when_its_name_fits_the_pattern(path: str, blob: str, fires: bool) -> None:
    assert parse_blob_path(path).matches(blob) is fires


@pytest.mark.parametrize("path", ["", "/", "{container}/{name}", "in{x}/{name}"])
def test_a_path_without_a_literal_container_is_refused(path: str) -> None:
    with pytest.raises(ValueError, match="container"):
        parse_blob_path(path)
