"""The staff directory's documents (``/api/admin/staff``), with the mapper from a member.

A member is created or replaced by ``PUT /api/admin/staff`` with its ``issuer`` and ``object_id``
in the body (what names the person for good); it answers the member's ``key``, which
``GET``/``PATCH /api/admin/staff/{key}`` take (:func:`shared.domain.staff.staff_key`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from functions.schemas.common import Body, Email, OneLine
from shared.domain.language import Language
from shared.domain.staff import StaffMember

StaffRole = Literal["operator", "supervisor", "security", "admin"]
Roles = Annotated[list[StaffRole], Field(min_length=1, max_length=4)]
Identity = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class StaffDocument(Body):
    """``PUT /api/admin/staff``: the member the token's issuer (``iss``) and object id (``oid``,
    else ``sub``) name, created or replaced."""

    issuer: Identity
    object_id: Identity
    name: OneLine
    email: Email
    roles: Roles
    language: Language
    active: bool = True


class StaffPatch(Body):
    """``PATCH /api/admin/staff/{key}``: the fields to change; those left out stay."""

    name: OneLine | None = None
    email: Email | None = None
    roles: Roles | None = None
    language: Language | None = None
    active: bool | None = None


class StaffOut(BaseModel):
    """A member as the directory routes answer it, with its key."""

    key: str
    issuer: str
    object_id: str
    name: str
    email: str
    roles: list[StaffRole]
    language: Language
    active: bool


class StaffList(BaseModel):
    """A page of members in key order, and the cursor of the next (null on the last)."""

    items: list[StaffOut]
    cursor: str | None


def staff_out(member: StaffMember) -> StaffOut:
    return StaffOut(
        key=member.key,
        issuer=member.issuer,
        object_id=member.object_id,
        name=member.name,
        email=member.email,
        roles=sorted(role.value for role in member.roles),  # type: ignore[misc]
        language=member.language,
        active=member.active,
    )
