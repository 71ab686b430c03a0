"""The type check's rules, on small templates against a hand-written types file
(fake_azure_types): each kind of finding, what is evaluated before the check (conditions, loops,
parameters, modules, union()), what is skipped, and the allow-list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.azure_types import allowlist, bicep
from infra.azure_types.evaluate import Issue, check_folder
from tests.unit.infra.fake_azure_types import fake_types

WIDGET = """
resource widget 'Test.Rp/widgets@2024-01-01' = {{
  name: 'w'
  location: 'westeurope'
  properties: {{
{properties}
  }}
}}
"""


def _check(folder: Path, files: dict[str, str]) -> dict[tuple[str, str], Issue]:
    """The issues of the templates ``files`` (name -> text), by (kind, path)."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    run = check_folder(folder, fake_types())
    return {(issue.kind, issue.path): issue for issue in run.issues.values()}


def _widget(folder: Path, *properties: str, before: str = "") -> dict[tuple[str, str], Issue]:
    lines = "\n".join(f"    {line}" for line in ("colour: 'Red'", *properties))
    return _check(folder, {"main.bicep": before + WIDGET.format(properties=lines)})


def test_a_body_that_matches_its_type_has_no_issue(tmp_path: Path) -> None:
    found = _widget(tmp_path, "size: 3", "state: 'On'", "enabled: true", "label: 'abc'", "parts: [\n      true\n    ]")
    assert found == {}


def test_a_property_the_type_does_not_have_is_an_unknown_finding(tmp_path: Path) -> None:
    found = _widget(tmp_path, "colur: 'Red'")
    assert found[("unknown", "properties.colur")].message.startswith("WidgetProperties has no property 'colur'")


def test_writing_a_property_azure_sets_is_a_read_only_finding(tmp_path: Path) -> None:
    found = _widget(tmp_path, "endpoint: 'https://example.com'")
    assert set(found) == {("read-only", "properties.endpoint")}


def test_a_missing_required_property_is_a_required_finding(tmp_path: Path) -> None:
    found = _check(tmp_path, {"main.bicep": WIDGET.format(properties="    size: 2")})
    assert set(found) == {("required", "properties.colour")}


def test_a_literal_none_of_the_enum_s_values_is_an_enum_finding(tmp_path: Path) -> None:
    found = _check(tmp_path, {"main.bicep": WIDGET.format(properties="    colour: 'red'")})
    message = found[("enum", "properties.colour")].message
    assert message == "'red' is none of the values the API lists: 'Red', 'Blue' (it differs from 'Red' in case only)"
    found = _widget(tmp_path, "state: 'Of'")
    assert found[("enum", "properties.state")].message == "'Of' is none of the values the API lists: 'On', 'Off'"


@pytest.mark.parametrize(
    ("line", "path", "expected"),
    [
        ("label: 3", "properties.label", "a string expected, 3 given"),
        ("enabled: 'true'", "properties.enabled", "a bool expected, 'true' given"),
        ("size: '3'", "properties.size", "an int expected, '3' given"),
        ("parts: true", "properties.parts", "an array expected, True given"),
        ("parts: [\n      'yes'\n    ]", "properties.parts[0]", "a bool expected, 'yes' given"),
    ],
)
def test_a_value_of_the_wrong_primitive_type_is_a_type_finding(
    tmp_path: Path, line: str, path: str, expected: str
) -> None:
    found = _widget(tmp_path, line)
    assert found[("type", path)].message == expected


def test_a_known_value_outside_the_type_s_range_length_or_pattern_is_a_constraint_finding(tmp_path: Path) -> None:
    found = _widget(tmp_path, "size: 11", "label: 'toolong'")
    assert found[("constraint", "properties.size")].message == "11 is above the maximum 10"
    assert found[("constraint", "properties.label")].message == "7 long, at most 5 allowed"
    assert "does not match" in _widget(tmp_path, "label: 'A1'")[("constraint", "properties.label")].message


def test_a_read_of_a_property_the_type_lacks_is_an_unknown_read_finding(tmp_path: Path) -> None:
    template = WIDGET.format(properties="    colour: 'Red'") + "output one string = widget.properties.endpiont\n"
    found = _check(tmp_path, {"main.bicep": template})
    issue = found[("unknown-read", "widget.properties.endpiont")]
    assert (issue.where, issue.message) == ("output one", "WidgetProperties has no property 'endpiont'")


def test_a_read_of_a_write_only_property_is_a_finding_and_a_read_only_one_is_not(tmp_path: Path) -> None:
    template = WIDGET.format(properties="    colour: 'Red'") + (
        "output one string = widget.properties.endpoint\noutput two string = widget.properties.secret\n"
    )
    assert set(_check(tmp_path, {"main.bicep": template})) == {("write-only-read", "widget.properties.secret")}


def test_the_shape_a_discriminator_chooses_is_the_one_checked(tmp_path: Path) -> None:
    gadgets = """
resource small 'Test.Rp/gadgets@2024-01-01' = {
  name: 's'
  kind: 'small'
  crane: true
}
resource large 'Test.Rp/gadgets@2024-01-01' = {
  name: 'l'
  kind: 'large'
}
resource huge 'Test.Rp/gadgets@2024-01-01' = {
  name: 'h'
  kind: 'huge'
}
"""
    found = _check(tmp_path, {"main.bicep": gadgets})
    assert set(found) == {("unknown", "crane"), ("required", "crane"), ("enum", "kind")}
    assert found[("unknown", "crane")].where == "resource small"
    assert found[("required", "crane")].where == "resource large"
    assert found[("enum", "kind")].message == "'huge' is not allowed; allowed: 'small', 'large'"


def test_a_value_the_check_cannot_evaluate_is_skipped_with_its_reason(tmp_path: Path) -> None:
    found = _widget(tmp_path, "label: loadJsonContent('label.json')")
    issue = found[("skipped", "properties.label")]
    assert issue.message == "its value is not known statically: loadJsonContent(), which the check does not model"


def test_an_unknown_string_is_skipped_where_only_a_constant_is_allowed_and_elsewhere_checked(tmp_path: Path) -> None:
    properties = "    colour: shade\n    label: shade\n    size: shade\n    mode: shade"
    found = _check(tmp_path, {"main.bicep": "param shade string\n" + WIDGET.format(properties=properties)})
    assert found[("skipped", "properties.mode")].message == "parameter shade is not known statically; only 'Fixed' is"
    assert (
        found[("type", "properties.size")].message
        == "an int expected, a string not known before deployment (parameter shade) given"
    )
    assert set(found) == {("skipped", "properties.mode"), ("type", "properties.size")}


def test_both_branches_of_a_condition_are_checked(tmp_path: Path) -> None:
    template = "param dark bool = false\n" + WIDGET.format(properties="    colour: dark ? 'Black' : 'Red'")
    found = _check(tmp_path, {"main.bicep": template})
    assert found[("enum", "properties.colour")].message.startswith("'Black' is none of the values")


def test_every_allowed_value_of_a_parameter_is_checked(tmp_path: Path) -> None:
    template = "@allowed([\n  'Red'\n  'Pink'\n])\nparam shade string = 'Red'\n"
    template += "param given string\n" + WIDGET.format(properties="    colour: shade")
    (tmp_path / "main.parameters.json").write_text(
        json.dumps({"parameters": {"shade": {"value": "${SHADE}"}}}), encoding="utf-8"
    )
    found = _check(tmp_path, {"main.bicep": template})
    assert found[("enum", "properties.colour")].message.startswith("'Pink' is none of the values")


def test_a_parameter_azd_fills_is_a_value_of_its_declared_type(tmp_path: Path) -> None:
    template = "param count int = 3\n" + WIDGET.format(properties="    colour: 'Red'\n    label: count")
    (tmp_path / "main.parameters.json").write_text(
        json.dumps({"parameters": {"count": {"value": "${WIDGET_COUNT=3}"}}}), encoding="utf-8"
    )
    found = _check(tmp_path, {"main.bicep": template})
    assert "parameter count (azd fills it from ${WIDGET_COUNT=3})" in found[("type", "properties.label")].message


def test_a_loop_checks_every_item_of_a_known_array(tmp_path: Path) -> None:
    template = """
var colours = [
  'Red'
  'Mauve'
]
resource widgets 'Test.Rp/widgets@2024-01-01' = [for colour in colours: {
  name: 'w-${colour}'
  location: 'westeurope'
  properties: {
    colour: colour
  }
}]
"""
    found = _check(tmp_path, {"main.bicep": template})
    assert set(found) == {("enum", "properties.colour")}
    assert found[("enum", "properties.colour")].message.startswith("'Mauve' is none of the values")


def test_a_module_s_body_is_checked_with_its_caller_s_values_and_its_outputs_read_through(tmp_path: Path) -> None:
    module = "param shade string\n" + WIDGET.format(properties="    colour: shade")
    module += "output endpoint string = widget.properties.endpoint\noutput wrong string = widget.properties.nothing\n"
    main = """
module part 'modules/part.bicep' = {
  name: 'part'
  params: {
    shade: 'Teal'
  }
}
output endpoint string = part.outputs.endpoint
output missing string = part.outputs.missing
"""
    found = _check(tmp_path, {"main.bicep": main, "modules/part.bicep": module})
    assert found[("enum", "properties.colour")].file == "modules/part.bicep"
    assert found[("unknown-read", "widget.properties.nothing")].where == "output wrong"
    assert found[("unknown-read", "part.outputs.missing")].message == "modules/part.bicep has no output 'missing'"
    assert len(found) == 3


def test_reads_of_an_existing_resource_are_checked_and_it_takes_only_a_name(tmp_path: Path) -> None:
    template = """
resource widget 'Test.Rp/widgets@2024-01-01' existing = {
  name: 'w'
  location: 'westeurope'
}
output fine string = widget.properties.endpoint
output wrong string = widget.properties.endpoints
"""
    found = _check(tmp_path, {"main.bicep": template})
    assert set(found) == {("unknown", "location"), ("unknown-read", "widget.properties.endpoints")}


def test_union_of_objects_is_evaluated_and_checked_key_by_key(tmp_path: Path) -> None:
    template = WIDGET.replace(
        "location: 'westeurope'", "location: 'westeurope'\n  tags: union({{\n    a: 'x'\n  }}, {{\n    b: 1\n  }})"
    )
    found = _check(tmp_path, {"main.bicep": template.format(properties="    colour: 'Red'")})
    assert set(found) == {("type", "tags.b")}


def test_an_interpolated_key_is_checked_against_the_additional_properties(tmp_path: Path) -> None:
    template = "param suffix string\n" + WIDGET.replace(
        "location: 'westeurope'", "location: 'westeurope'\n  tags: {{\n    'x-${{suffix}}': true\n  }}"
    )
    found = _check(tmp_path, {"main.bicep": template.format(properties="    colour: 'Red'")})
    assert set(found) == {("type", "tags.[computed]")}


def test_the_body_and_reads_of_a_type_with_no_definition_are_skipped_not_passed(tmp_path: Path) -> None:
    template = (
        "resource thing 'Test.Rp/things@2024-01-01' = {\n  name: 't'\n}\noutput id string = thing.properties.id\n"
    )
    found = _check(tmp_path, {"main.bicep": template})
    assert set(found) == {("skipped", ""), ("skipped", "thing.properties.id")}
    assert (
        found[("skipped", "")].message
        == "no Azure type definition of Test.Rp/things@2024-01-01: its body is not checked"
    )
    assert found[("skipped", "thing.properties.id")].where == "output id"


def test_a_name_declared_nowhere_is_a_finding(tmp_path: Path) -> None:
    found = _widget(tmp_path, "label: nowhere")
    assert found[("unknown-read", "nowhere")].message == "nowhere is declared nowhere in main.bicep"


# -- reading Bicep ------------------------------------------------------------------------------


def test_an_interpolated_string_is_text_and_holes_with_its_escapes_undone() -> None:
    parts = bicep.string_parts("a\\'b${x}c${concat('}', y)}\\${z}")
    assert parts[0] == "a'b"
    assert isinstance(parts[1], bicep.Hole)
    assert bicep.is_name(parts[1].expression)
    assert parts[2] == "c"
    assert isinstance(parts[3], bicep.Hole)
    assert parts[4] == "${z}"


def test_an_accessor_chain_is_its_head_and_its_steps() -> None:
    head, steps = bicep.chain(bicep.parse_expression("a::b.properties.c[0].d"))
    assert str(head) == "a"
    assert [(step.how, step.name) for step in steps] == [
        ("child", "b"),
        ("prop", "properties"),
        ("prop", "c"),
        ("index", ""),
        ("prop", "d"),
    ]


# -- the allow-list -----------------------------------------------------------------------------


def _issue(kind: str = "unknown", path: str = "properties.x") -> Issue:
    return Issue(kind, "main.bicep", 3, "resource widget", path, "message")


def _entry(path: str = "properties.x", reason: str = "a reason of some length") -> allowlist.Entry:
    return allowlist.Entry("unknown", "main.bicep", "resource widget", path, reason)


def test_an_allow_list_entry_lets_exactly_its_issue_pass() -> None:
    verdict = allowlist.judge([_issue(), _issue(path="properties.y")], [_entry()])
    assert [issue.path for issue, _ in verdict.allowed] == ["properties.x"]
    assert [issue.path for issue in verdict.refused] == ["properties.y"]
    assert not verdict.passed


def test_an_allow_list_entry_that_names_no_issue_fails_as_stale() -> None:
    verdict = allowlist.judge([], [_entry()])
    assert verdict.stale == [_entry()]
    assert not verdict.passed


def test_an_allow_list_entry_without_a_reason_fails() -> None:
    verdict = allowlist.judge([_issue()], [_entry(reason="ok")])
    assert verdict.unreasoned == [_entry(reason="ok")]
    assert not verdict.passed


def test_the_allow_list_file_names_each_field_and_nothing_else(tmp_path: Path) -> None:
    listed = tmp_path / "allowed.toml"
    listed.write_text(
        '[[allow]]\nkind = "unknown"\nfile = "main.bicep"\nwhere = "resource widget"\npath = "p"\nreason = "why not"\n',
        encoding="utf-8",
    )
    assert allowlist.load(listed) == [allowlist.Entry("unknown", "main.bicep", "resource widget", "p", "why not")]
    listed.write_text(listed.read_text(encoding="utf-8") + 'line = "3"\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="unknown"):
        allowlist.load(listed)


def test_a_read_followed_by_a_coalesce_or_a_comparison_is_read_as_such(tmp_path: Path) -> None:
    # pycep nests `a.b ?? c` as a.(b ?? c); the read is `a.b`, the operator applies to it.
    template = WIDGET.format(properties="    colour: 'Red'") + (
        "output one string = widget.?properties.endpoint ?? ''\n"
        "output two string = widget.properties.endpiont ?? ''\n"
        "output three bool = widget.properties.label == 'x' && widget.properties.labl == 'y'\n"
    )
    found = _check(tmp_path, {"main.bicep": template})
    assert set(found) == {("unknown-read", "widget.properties.endpiont"), ("unknown-read", "widget.properties.labl")}
