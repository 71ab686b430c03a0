"""The demo staff of ``make run``: the people the local sign-in offers for the console, and the
members the demo seeds into the staff directory.

A member is named for good by the issuer and its directory object id (``oid``), as a real staff
tenant names them; the ids below are fixed so that a seeded directory and a local sign-in agree
across restarts. Roles are what the local staff issuer puts in the token's ``roles`` claim.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.lifecycle import Role


@dataclass(frozen=True)
class DemoStaffMember:
    """One demo staff member: directory object id, address, display name, roles and language."""

    object_id: str
    email: str
    name: str
    roles: frozenset[Role]
    language: str


DEMO_STAFF: tuple[DemoStaffMember, ...] = (
    DemoStaffMember(
        "00000000-0000-4000-8000-000000000011", "olga@desk.example", "Olga Conti", frozenset({Role.OPERATOR}), "it"
    ),
    DemoStaffMember(
        "00000000-0000-4000-8000-000000000012", "otto@desk.example", "Otto Berg", frozenset({Role.OPERATOR}), "en"
    ),
    DemoStaffMember(
        "00000000-0000-4000-8000-000000000013", "sue@desk.example", "Sue Palmer", frozenset({Role.SUPERVISOR}), "it"
    ),
    DemoStaffMember(
        "00000000-0000-4000-8000-000000000014",
        "sam@desk.example",
        "Sam Greco",
        frozenset({Role.SECURITY, Role.OPERATOR}),
        "en",
    ),
    DemoStaffMember(
        "00000000-0000-4000-8000-000000000015", "ada@desk.example", "Ada Ferri", frozenset({Role.ADMIN}), "it"
    ),
)
