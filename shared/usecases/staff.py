"""The staff directory's use cases: administrators list, read, create or replace and patch
members; every authenticated request asks :class:`ActiveStaff` whether its caller is an inactive
member (refused, 403); the desk asks :func:`check_assignee` before it assigns a ticket.

A caller with staff roles but no entry is let in and named from the token: a fresh deployment
works before anyone is seeded, and administrators add entries as they go. A caller whose token
names no issuer and object id (none does today) is never looked up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.domain.access import Principal
from shared.domain.errors import Forbidden, InvalidInput, NotFound
from shared.domain.paging import Page
from shared.domain.sla.policy import Category
from shared.domain.staff import STAFF_ROLES, StaffChange, StaffMember, assignment_refusal, staff_key, staff_member
from shared.usecases.ports import StaffDirectory

__all__ = ["ActiveStaff", "NewMember", "StaffAdministration", "check_assignee"]


@dataclass(frozen=True)
class NewMember:
    """What creating or replacing a member needs (raw: :func:`staff_member` validates it)."""

    issuer: str
    object_id: str
    name: str
    email: str
    roles: frozenset[str]
    language: str
    active: bool = True


@dataclass
class ActiveStaff:
    """Whether a staff caller is an active member, each answer kept ``ttl`` seconds per worker.

    One point read per caller per ``ttl`` (0 while cached). A deactivation takes effect at once
    in the worker that made it (:meth:`forget`) and within ``ttl`` seconds in every other worker:
    until then a member deactivated elsewhere can still call for at most ``ttl`` seconds.
    """

    directory: StaffDirectory
    ttl: float
    clock: Callable[[], float]
    _known: dict[str, tuple[float, bool]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, caller: Principal) -> None:
        """Raise :class:`Forbidden` when ``caller`` holds a staff role and is an inactive member."""
        if not caller.roles & STAFF_ROLES or not caller.issuer or not caller.object_id:
            return
        key = staff_key(caller.issuer, caller.object_id)
        now = self.clock()
        with self._lock:
            known = self._known.get(key)
        if known is None or now - known[0] > self.ttl:
            member = self.directory.get(key)
            known = (now, member is None or member.active)
            with self._lock:
                self._known[key] = known
        if not known[1]:
            raise Forbidden("this member of staff is inactive")

    def forget(self, key: str) -> None:
        """Ask the directory again about ``key`` on its next call (after an administrator changed it)."""
        with self._lock:
            self._known.pop(key, None)


@dataclass
class StaffAdministration:
    """The administrators' use cases on the directory; ``changed`` hears of every member written."""

    directory: StaffDirectory
    changed: Callable[[str], None]

    def members(self, *, limit: int, cursor: str | None) -> Page[StaffMember]:
        """A page of members in key order: one query."""
        return self.directory.page(limit=limit, cursor=cursor)

    def member(self, key: str) -> StaffMember:
        """The member under ``key``, else :class:`NotFound`: one point read."""
        member = self.directory.get(key)
        if member is None:
            raise NotFound(f"no member of staff {key}")
        return member

    def put(self, new: NewMember) -> StaffMember:
        """Create or replace the member ``new`` names; its address must not be another
        member's (:class:`InvalidInput` naming ``email``): one query and one write."""
        member = staff_member(
            new.issuer,
            new.object_id,
            name=new.name,
            email=new.email,
            roles=new.roles,
            language=new.language,
            active=new.active,
        )
        return self._write(member)

    def patch(self, key: str, change: StaffChange) -> StaffMember:
        """Change some of the member's fields: one point read, then as :meth:`put`."""
        return self._write(change.applied_to(self.member(key)))

    def _write(self, member: StaffMember) -> StaffMember:
        if any(other.key != member.key for other in self.directory.with_email(member.email)):
            raise InvalidInput("email", "is another member's address")
        self.directory.put(member)
        self.changed(member.key)
        return member


def check_assignee(directory: StaffDirectory, assignee: str, category: Category) -> StaffMember:
    """The one active member the address names, who works tickets (with the ``security`` role
    for a ``vulnerability`` ticket); :class:`InvalidInput` naming ``assignee`` otherwise. One query."""
    members = directory.with_email(assignee)
    refusal = assignment_refusal(members, category)
    if refusal is not None:
        raise InvalidInput("assignee", refusal)
    return members[0]
