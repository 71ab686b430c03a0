"""The staff directory's use cases on an in-memory directory: the administration, the per-worker
check that refuses inactive members (and what it reads), and the assignment check."""

from __future__ import annotations

import pytest

from shared.domain.access import Principal
from shared.domain.errors import Forbidden, InvalidInput, NotFound
from shared.domain.lifecycle import Role
from shared.domain.paging import Page
from shared.domain.sla.policy import Category
from shared.domain.staff import StaffChange, StaffMember, staff_key
from shared.usecases.staff import ActiveStaff, NewMember, StaffAdministration, check_assignee

ISSUER = "https://login.example/tenant/v2.0"


class Directory:
    """The staff directory in a dict, counting its reads."""

    def __init__(self) -> None:
        self.rows: dict[str, StaffMember] = {}
        self.reads = 0

    def get(self, key: str) -> StaffMember | None:
        self.reads += 1
        return self.rows.get(key)

    def put(self, member: StaffMember) -> None:
        self.rows[member.key] = member

    def page(self, *, limit: int, cursor: str | None) -> Page[StaffMember]:
        keys = sorted(key for key in self.rows if cursor is None or key > cursor)
        following = keys[limit - 1] if len(keys) > limit else None
        return Page([self.rows[key] for key in keys[:limit]], following)

    def with_email(self, email: str) -> list[StaffMember]:
        self.reads += 1
        return [member for member in self.rows.values() if member.email == email]


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def new(object_id: str, email: str, *roles: str, active: bool = True) -> NewMember:
    return NewMember(ISSUER, object_id, object_id.title(), email, frozenset(roles or {"operator"}), "en", active)


def caller(object_id: str, *roles: Role) -> Principal:
    return Principal(object_id, None, None, frozenset(roles), None, issuer=ISSUER, object_id=object_id)


@pytest.fixture
def directory() -> Directory:
    return Directory()


def test_an_administrator_creates_reads_pages_and_patches_members(directory: Directory) -> None:
    changed: list[str] = []
    admin = StaffAdministration(directory, changed.append)
    olga = admin.put(new("olga", "olga@desk.example"))
    admin.put(new("otto", "otto@desk.example"))
    admin.put(new("sam", "sam@desk.example", "security", "operator"))
    assert admin.member(olga.key) == olga
    first = admin.members(limit=2, cursor=None)
    rest = admin.members(limit=2, cursor=first.cursor)
    assert len(first.items) == 2
    assert first.cursor is not None
    assert (len(rest.items), rest.cursor) == (1, None)
    patched = admin.patch(olga.key, StaffChange(active=False, name="Olga C."))
    assert (patched.active, patched.name, patched.email) == (False, "Olga C.", "olga@desk.example")
    assert changed == [olga.key, staff_key(ISSUER, "otto"), staff_key(ISSUER, "sam"), olga.key]


def test_an_unknown_key_is_not_found(directory: Directory) -> None:
    with pytest.raises(NotFound):
        StaffAdministration(directory, lambda key: None).member(staff_key(ISSUER, "nobody"))


def test_an_address_of_another_member_is_refused_naming_email(directory: Directory) -> None:
    admin = StaffAdministration(directory, lambda key: None)
    admin.put(new("olga", "olga@desk.example"))
    admin.put(new("olga", "olga@desk.example", "supervisor"))  # the same member again: replaced
    with pytest.raises(InvalidInput) as refused:
        admin.put(new("other", "olga@desk.example"))
    assert refused.value.field == "email"
    assert len(directory.rows) == 1


def test_an_inactive_member_is_refused_and_the_answer_is_kept_for_the_ttl(directory: Directory) -> None:
    ticks = Ticks()
    gate = ActiveStaff(directory, 60.0, ticks)
    StaffAdministration(directory, gate.forget).put(new("olga", "olga@desk.example", active=False))
    reads = directory.reads
    with pytest.raises(Forbidden):
        gate.admit(caller("olga", Role.OPERATOR))
    with pytest.raises(Forbidden):
        gate.admit(caller("olga", Role.OPERATOR))
    assert directory.reads == reads + 1  # the second answer came from the cache
    directory.rows[staff_key(ISSUER, "olga")] = new_member_active(directory, "olga")
    ticks.now = 59.0
    with pytest.raises(Forbidden):
        gate.admit(caller("olga", Role.OPERATOR))  # stale for up to the ttl
    ticks.now = 61.0
    gate.admit(caller("olga", Role.OPERATOR))
    assert directory.reads == reads + 2


def new_member_active(directory: Directory, object_id: str) -> StaffMember:
    return StaffChange(active=True).applied_to(directory.rows[staff_key(ISSUER, object_id)])


def test_a_change_in_this_worker_is_seen_at_once(directory: Directory) -> None:
    gate = ActiveStaff(directory, 60.0, Ticks())
    admin = StaffAdministration(directory, gate.forget)
    olga = admin.put(new("olga", "olga@desk.example"))
    gate.admit(caller("olga", Role.OPERATOR))
    admin.patch(olga.key, StaffChange(active=False))
    with pytest.raises(Forbidden):
        gate.admit(caller("olga", Role.OPERATOR))


def test_a_staff_caller_without_an_entry_is_let_in_and_customers_are_never_looked_up(directory: Directory) -> None:
    gate = ActiveStaff(directory, 60.0, Ticks())
    gate.admit(caller("newcomer", Role.SUPERVISOR))
    assert directory.reads == 1
    gate.admit(caller("acme-user", Role.CUSTOMER))
    gate.admit(Principal("x", None, None, frozenset({Role.OPERATOR}), None))  # no issuer, no object id
    assert directory.reads == 1


@pytest.mark.parametrize(
    ("email", "category", "refused"),
    [
        ("olga@desk.example", Category.BUG, False),
        ("olga@desk.example", Category.VULNERABILITY, True),
        ("sam@desk.example", Category.VULNERABILITY, False),
        ("gone@desk.example", Category.BUG, True),
        ("nobody@desk.example", Category.BUG, True),
    ],
)
def test_the_assignment_check_names_assignee(
    directory: Directory, email: str, category: Category, refused: bool
) -> None:
    admin = StaffAdministration(directory, lambda key: None)
    admin.put(new("olga", "olga@desk.example"))
    admin.put(new("sam", "sam@desk.example", "security"))
    admin.put(new("gone", "gone@desk.example", active=False))
    if refused:
        with pytest.raises(InvalidInput) as refusal:
            check_assignee(directory, email, category)
        assert refusal.value.field == "assignee"
    else:
        check_assignee(directory, email, category)
