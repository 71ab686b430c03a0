"""Azure's types made from the Azure SDK for Python's models (infra/azure_types/sdk), on a
hand-written virtualenv of made-up packages in the generated style (fake_azure_sdk): which model a
PUT sends becomes the resource body, what the GET returns adds read-only properties, and every
part of a model the check reads (flattened keys, validation, enums, constants, subtypes, maps,
path parameters) is checked through templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.azure_types import bicep, sdk
from infra.azure_types.evaluate import Issue, check_folder
from infra.azure_types.sdk_operations import resource_of
from tests.unit.infra.fake_azure_sdk import fake_sdk

WIDGET = """
resource widget 'Test.Rp/widgets@2024-01-01' = {{
  name: 'wid'
  location: 'westeurope'
  properties: {{
{properties}
  }}
}}
"""


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fake_sdk(tmp_path_factory.mktemp("sdk"))


def _check(venv: Path, folder: Path, text: str) -> dict[tuple[str, str], Issue]:
    """The issues of one template, by (kind, path), against the fake packages' types."""
    (folder / "main.bicep").write_text(text, encoding="utf-8")
    source = sdk.load(venv, bicep.types_used(folder))
    run = check_folder(folder, source.types)
    return {(issue.kind, issue.path): issue for issue in run.issues.values()}


def _widget(venv: Path, folder: Path, *properties: str, after: str = "") -> dict[tuple[str, str], Issue]:
    lines = "\n".join(f"    {line}" for line in ("colour: 'Red'", *properties))
    return _check(venv, folder, WIDGET.format(properties=lines) + after)


def test_the_installed_management_packages_are_the_releases_and_the_runtime_is_not_one(venv: Path) -> None:
    assert [str(release) for release in sdk.releases(venv)] == ["azure-mgmt-gizmos 2.0.0", "azure-mgmt-widgets 1.0.0"]
    assert sdk.releases(venv / "nothing") == []


def test_each_type_comes_from_the_model_its_put_sends_and_a_missing_one_is_listed(venv: Path) -> None:
    wanted = ["Test.Rp/widgets@2024-01-01", "Test.Gz/gizmos@2022-06-15", "Test.Gz/gizmos@2020-01-01"]
    source = sdk.load(venv, wanted)
    assert source.found == {
        "Test.Rp/widgets@2024-01-01": "azure-mgmt-widgets 1.0.0, azure.mgmt.widgets.v2024_01_01.models "
        "(WidgetCreateParameters)",
        "Test.Gz/gizmos@2022-06-15": "azure-mgmt-gizmos 2.0.0, azure.mgmt.gizmos.models (Gizmo)",
    }
    assert source.missing == ["Test.Gz/gizmos@2020-01-01"]


def test_a_body_that_matches_the_model_has_no_issue(venv: Path, tmp_path: Path) -> None:
    properties = (
        "size: 3",
        "label: 'abc'",
        "when: '2024-01-01T00:00:00Z'",
        "parts: [\n      {\n        kind: 'Part'\n        enabled: true\n      }\n    ]",
    )
    assert _widget(venv, tmp_path, *properties, after="output e string = widget.properties.endpoint\n") == {}


def test_a_flattened_property_the_model_lacks_is_unknown_and_names_what_it_has(venv: Path, tmp_path: Path) -> None:
    found = _widget(venv, tmp_path, "colur: 'Red'")
    message = found[("unknown", "properties.colur")].message
    assert message == (
        "Test.Rp/widgets.properties has no property 'colur'; it has: colour, criteria, label, parts, secret, size, when"
    )


def test_a_property_only_the_get_returns_is_read_only(venv: Path, tmp_path: Path) -> None:
    found = _widget(venv, tmp_path, "endpoint: 'https://example.com'")
    assert set(found) == {("read-only", "properties.endpoint")}


def test_a_property_the_put_sends_and_the_get_never_returns_is_write_only(venv: Path, tmp_path: Path) -> None:
    found = _widget(venv, tmp_path, after="output s string = widget.properties.secret\n")
    assert set(found) == {("write-only-read", "widget.properties.secret")}


def test_the_validation_s_required_and_limits_are_checked(venv: Path, tmp_path: Path) -> None:
    found = _check(venv, tmp_path, WIDGET.format(properties="    size: 11\n    label: 'toolong'"))
    assert set(found) == {
        ("required", "properties.colour"),
        ("constraint", "properties.size"),
        ("constraint", "properties.label"),
    }
    assert found[("constraint", "properties.size")].message == "11 is above the maximum 10"


def test_an_enum_s_members_are_the_values_the_api_lists(venv: Path, tmp_path: Path) -> None:
    found = _check(venv, tmp_path, WIDGET.format(properties="    colour: 'Green'"))
    assert found[("enum", "properties.colour")].message == "'Green' is none of the values the API lists: 'Red', 'Blue'"


def test_an_enum_of_the_older_packages_is_read_too(venv: Path, tmp_path: Path) -> None:
    template = "resource gizmo 'Test.Gz/gizmos@2022-06-15' = {\n  name: 'g'\n  properties: {\n    state: 'Of'\n  }\n}\n"
    found = _check(venv, tmp_path, template)
    assert found[("enum", "properties.state")].message == "'Of' is none of the values the API lists: 'On', 'Off'"


def test_a_constant_a_date_an_item_of_a_list_and_a_map_have_their_types(venv: Path, tmp_path: Path) -> None:
    parts = "parts: [\n      {\n        kind: 'Whole'\n        enabled: 'yes'\n      }\n    ]"
    found = _widget(venv, tmp_path, parts, "when: 3")
    assert set(found) == {
        ("enum", "properties.parts[0].kind"),
        ("type", "properties.parts[0].enabled"),
        ("type", "properties.when"),
    }
    tags = WIDGET.replace("location: 'westeurope'", "location: 'westeurope'\n  tags: {{\n    team: 1\n  }}")
    assert set(_check(venv, tmp_path, tags.format(properties="    colour: 'Red'"))) == {("type", "tags.team")}


def test_a_polymorphic_model_is_the_shape_its_discriminator_chooses(venv: Path, tmp_path: Path) -> None:
    single = "criteria: {\n      'odata.type': 'Test.Single'\n      extra: true\n    }"
    found = _widget(venv, tmp_path, single)
    assert set(found) == {("required", "properties.criteria.metric")}
    many = "criteria: {\n      'odata.type': 'Test.Many'\n    }"
    assert _widget(venv, tmp_path, many) == {}
    other = "criteria: {\n      'odata.type': 'Test.Other'\n    }"
    message = _widget(venv, tmp_path, other)[("enum", "properties.criteria.odata.type")].message
    assert message == "'Test.Other' is not allowed; allowed: 'Test.Many', 'Test.Single'"


def test_the_name_takes_the_limits_of_the_url_s_path_parameter(venv: Path, tmp_path: Path) -> None:
    found = _check(venv, tmp_path, WIDGET.replace("'wid'", "'Widget-1'").format(properties="    colour: 'Red'"))
    assert set(found) == {("constraint", "name")}
    assert found[("constraint", "name")].message == "'Widget-1' does not match '^[a-z]+$'"


def test_a_child_whose_url_names_a_constant_takes_only_that_name(venv: Path, tmp_path: Path) -> None:
    template = WIDGET.format(properties="    colour: 'Red'") + (
        "resource settings 'Test.Rp/widgets/settings@2024-01-01' = {\n  parent: widget\n  name: 'custom'\n"
        "  properties: {\n    retentionDays: 7\n  }\n}\n"
    )
    found = _check(venv, tmp_path, template)
    assert set(found) == {("enum", "name")}
    assert found[("enum", "name")].message == "'custom' given where only 'default' is allowed"


def test_a_type_written_under_fixed_names_has_one_shape_per_name(venv: Path, tmp_path: Path) -> None:
    configs = WIDGET.format(properties="    colour: 'Red'") + "".join(
        f"resource {symbol} 'Test.Rp/widgets/config@2024-01-01' = {{\n  parent: widget\n  name: '{name}'\n"
        f"  properties: {{\n    {body}\n  }}\n}}\n"
        for symbol, name, body in [
            ("web", "web", "alwaysOn: true"),
            ("app", "appsettings", "SETTING: 'value'"),
            ("wrong", "appsettings", "SETTING: false"),
            ("other", "logs", "level: 1"),
        ]
    )
    found = _check(venv, tmp_path, configs)
    assert set(found) == {("type", "properties.SETTING"), ("enum", "name")}
    assert found[("type", "properties.SETTING")].where == "resource wrong"
    assert found[("enum", "name")].message == "'logs' is not allowed; allowed: 'appsettings', 'web'"


def test_a_resource_group_is_read_from_a_url_without_a_provider(venv: Path, tmp_path: Path) -> None:
    template = "targetScope = 'subscription'\n"
    template += "resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {\n  name: 'rg'\n}\n"
    found = _check(venv, tmp_path, template)
    assert set(found) == {("required", "location")}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/subscriptions/{s}/resourceGroups/{g}/providers/Test.Rp/widgets/{widgetName}",
            ("Test.Rp/widgets", "{widgetName}"),
        ),
        (
            "/subscriptions/{s}/resourceGroups/{g}/providers/Test.Rp/widgets/{w}/config/web",
            ("Test.Rp/widgets/config", "web"),
        ),
        ("/{scope}/providers/Test.Auth/roleAssignments/{name}", ("Test.Auth/roleAssignments", "{name}")),
        ("/subscriptions/{s}/resourcegroups/{g}", ("Microsoft.Resources/resourceGroups", "{g}")),
        ("/subscriptions/{s}/resourceGroups/{g}/providers/Test.Rp/widgets", None),
        ("/subscriptions/{s}/resourceGroups/{g}/providers/Test.Rp/widgets/{w}/restart", None),
        ("/{resourceId}", None),
    ],
)
def test_a_url_addresses_a_resource_type_and_name_or_none(url: str, expected: tuple[str, str] | None) -> None:
    found = resource_of(url)
    assert (None if found is None else (found.type_name, found.name)) == expected


def test_folders_of_api_versions_no_template_wants_and_async_copies_are_not_read(venv: Path) -> None:
    # v2023_01_01 and aio/ hold text that does not parse: reading them would raise.
    assert sdk.load(venv, ["Test.Rp/widgets@2024-01-01"]).missing == []
    with pytest.raises(SyntaxError):
        sdk.load(venv, ["Test.Rp/widgets@2023-01-01"])
