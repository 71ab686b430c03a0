"""The staff directory's rules: a member's validation, its storage key, who may be assigned."""

from __future__ import annotations

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.lifecycle import Role
from shared.domain.sla.policy import Category
from shared.domain.staff import StaffChange, StaffMember, assignment_refusal, is_staff_key, staff_key, staff_member

ISSUER = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"


def member(**overrides: object) -> StaffMember:
    fields: dict[str, object] = {
        "name": "Olga Conti",
        "email": "olga@desk.example",
        "roles": frozenset({"operator"}),
        "language": "it",
        "active": True,
    }
    fields.update(overrides)
    return staff_member(ISSUER, "oid-olga", **fields)  # type: ignore[arg-type]


def test_a_valid_member_is_trimmed_to_one_line_and_its_address_lower_cased() -> None:
    made = member(name="  Olga \n Conti ", email=" Olga@Desk.Example ")
    assert (made.name, made.email, made.roles, made.language.value) == (
        "Olga Conti",
        "olga@desk.example",
        frozenset({Role.OPERATOR}),
        "it",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": "olga"}, "email"),
        ({"email": "olga@desk"}, "email"),
        ({"roles": frozenset()}, "roles"),
        ({"roles": frozenset({"customer"})}, "roles"),
        ({"roles": frozenset({"operator", "customer"})}, "roles"),
        ({"roles": frozenset({"root"})}, "roles"),
        ({"language": "de"}, "language"),
        ({"active": "yes"}, "active"),
    ],
)
def test_an_invalid_field_is_refused_naming_it(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        member(**overrides)
    assert refused.value.field == field


@pytest.mark.parametrize(("issuer", "object_id", "field"), [("", "oid", "issuer"), (ISSUER, "", "object_id")])
def test_an_empty_identity_is_refused_naming_it(issuer: str, object_id: str, field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        staff_member(issuer, object_id, name="A", email="a@b.example", roles={"operator"}, language="en", active=True)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_an_identity_with_a_control_character_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        staff_member(
            ISSUER, "oid\x00", name="A", email="a@b.example", roles=frozenset({"admin"}), language="en", active=True
        )
    assert refused.value.field == "object_id"


def test_the_key_of_an_issuer_url_holds_no_character_table_storage_forbids() -> None:
    key = staff_key("https://a/b\\c#d?e", "x/y\tz")
    assert len(key) == 65
    assert not set(key) & set("/\\#?")
    assert key.isprintable()
    assert is_staff_key(key)


def test_the_key_is_the_same_for_the_same_person_and_differs_where_the_split_differs() -> None:
    assert staff_key(ISSUER, "oid") == staff_key(ISSUER, "oid")
    assert staff_key("ab", "c") != staff_key("a", "bc")
    assert staff_key(ISSUER, "oid") != staff_key(ISSUER + "/", "oid")


@pytest.mark.parametrize("value", ["", "s" + "0" * 63, "S" + "0" * 64, "t" + "0" * 64, "s" + "g" * 64])
def test_a_value_of_another_shape_is_no_key(value: str) -> None:
    assert not is_staff_key(value)


def test_a_change_keeps_the_fields_it_leaves_out_and_validates_the_rest() -> None:
    changed = StaffChange(active=False, roles=frozenset({"operator", "security"})).applied_to(member())
    assert (changed.active, changed.roles, changed.name, changed.key) == (
        False,
        frozenset({Role.OPERATOR, Role.SECURITY}),
        "Olga Conti",
        member().key,
    )
    with pytest.raises(InvalidInput) as refused:
        StaffChange(language="fr").applied_to(member())
    assert refused.value.field == "language"


@pytest.mark.parametrize(
    ("members", "category", "refusal"),
    [
        ([], Category.BUG, "is not a member of the staff directory"),
        ([member(active=False)], Category.BUG, "is not an active member of the staff directory"),
        ([member(), member()], Category.BUG, "names more than one member of the staff directory"),
        ([member(roles=frozenset({"admin"}))], Category.BUG, "does not work tickets"),
        ([member()], Category.VULNERABILITY, "lacks the security role a vulnerability ticket needs"),
        ([member()], Category.BUG, None),
        ([member(roles=frozenset({"security"}))], Category.VULNERABILITY, None),
    ],
)
def test_who_may_be_assigned_a_ticket(members: list[StaffMember], category: Category, refusal: str | None) -> None:
    assert assignment_refusal(members, category) == refusal
