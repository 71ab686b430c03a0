"""The staff directory's rules: who a member of staff is, and who may be assigned a ticket.

Token roles authorise; the directory names people and routes mail. A member is named for good by
the token's issuer and the person's directory object id (``oid``, else ``sub``: see
:class:`shared.domain.access.Principal`), never by the address, which a tenant may let users edit.

The storage key (:func:`staff_key`) is ``s`` followed by the 64 lower-case hex digits of the
SHA-256 of ``<length of issuer>:<issuer><object id>`` (UTF-8). An issuer is a URL full of ``/``,
which Table Storage forbids in a key (as it forbids ``\\``, ``#``, ``?`` and control characters);
a hash has none of them, is the same length for every member, and is safe in a URL path; the
length prefix keeps ``(a, bc)`` and ``(ab, c)`` apart. The key is not secret: it only names.

A member holds staff roles only (operator, supervisor, security, admin; never customer), speaks
Italian or English, and is active or not. An inactive member is refused on every authenticated
route and cannot be assigned a ticket; a ``vulnerability`` ticket goes only to a member with the
``security`` role (:func:`assignment_refusal`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from shared.domain.errors import InvalidInput
from shared.domain.language import Language
from shared.domain.lifecycle import Role
from shared.domain.sla.policy import Category

__all__ = [
    "STAFF_ROLES",
    "StaffChange",
    "StaffMember",
    "assignment_refusal",
    "is_staff_key",
    "staff_key",
    "staff_member",
]

#: The roles a member of the directory may hold.
STAFF_ROLES = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.SECURITY, Role.ADMIN})

_KEY = re.compile(r"s[0-9a-f]{64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MAX_NAME = 200
_MAX_EMAIL = 254
_MAX_IDENTITY = 1024


@dataclass(frozen=True)
class StaffMember:
    """A member of staff as the directory knows them. Build one with :func:`staff_member`."""

    issuer: str
    object_id: str
    name: str
    email: str
    roles: frozenset[Role]
    language: Language
    active: bool

    @property
    def key(self) -> str:
        """The member's storage key (:func:`staff_key`)."""
        return staff_key(self.issuer, self.object_id)


@dataclass(frozen=True)
class StaffChange:
    """What a patch changes: each field left None stays as it is."""

    name: str | None = None
    email: str | None = None
    roles: frozenset[str] | None = None
    language: str | None = None
    active: bool | None = None

    def applied_to(self, member: StaffMember) -> StaffMember:
        """``member`` with this change, validated as :func:`staff_member` validates."""
        return staff_member(
            member.issuer,
            member.object_id,
            name=member.name if self.name is None else self.name,
            email=member.email if self.email is None else self.email,
            roles=member.roles if self.roles is None else self.roles,
            language=member.language if self.language is None else self.language,
            active=member.active if self.active is None else self.active,
        )


def staff_key(issuer: str, object_id: str) -> str:
    """The storage key of the member ``object_id`` of ``issuer`` (see the module's docstring)."""
    named = f"{len(issuer)}:{issuer}{object_id}".encode()
    return "s" + hashlib.sha256(named).hexdigest()


def is_staff_key(value: str) -> bool:
    """``value`` has the shape of a key :func:`staff_key` makes."""
    return _KEY.fullmatch(value) is not None


def staff_member(
    issuer: str,
    object_id: str,
    *,
    name: str,
    email: str,
    roles: frozenset[str] | frozenset[Role],
    language: str,
    active: bool,
) -> StaffMember:
    """A validated member; :class:`InvalidInput` names the first field at fault. The name is
    trimmed to one line; the address is lower-cased."""
    _identity("issuer", issuer)
    _identity("object_id", object_id)
    shown = " ".join(name.split())
    if not shown or len(shown) > _MAX_NAME:
        raise InvalidInput("name", f"must be 1 to {_MAX_NAME} characters on one line")
    address = email.strip().lower()
    if len(address) > _MAX_EMAIL or _EMAIL.fullmatch(address) is None:
        raise InvalidInput("email", "must be an email address")
    try:
        held = frozenset(Role(role) for role in roles)
    except ValueError:
        raise InvalidInput("roles", f"must be among {', '.join(sorted(STAFF_ROLES))}") from None
    if not held or not held <= STAFF_ROLES:
        raise InvalidInput("roles", f"must be one or more of {', '.join(sorted(STAFF_ROLES))}")
    try:
        spoken = Language(language)
    except ValueError:
        raise InvalidInput("language", "must be it or en") from None
    if not isinstance(active, bool):
        raise InvalidInput("active", "must be true or false")
    return StaffMember(issuer, object_id, shown, address, held, spoken, active)


def assignment_refusal(members: list[StaffMember], category: Category) -> str | None:
    """Why the address the directory lists as ``members`` may not be assigned a ticket of
    ``category``, or None when it may: it must name exactly one member, who is active and holds
    a staff role that works tickets, and the ``security`` role for a ``vulnerability`` ticket."""
    if not members:
        return "is not a member of the staff directory"
    if len(members) > 1:
        return "names more than one member of the staff directory"
    member = members[0]
    if not member.active:
        return "is not an active member of the staff directory"
    if not member.roles & {Role.OPERATOR, Role.SUPERVISOR, Role.SECURITY}:
        return "does not work tickets"
    if category == Category.VULNERABILITY and Role.SECURITY not in member.roles:
        return "lacks the security role a vulnerability ticket needs"
    return None


def _identity(field: str, value: str) -> None:
    if not value or len(value) > _MAX_IDENTITY or any(unicodedata.category(char) == "Cc" for char in value):
        raise InvalidInput(field, f"must be 1 to {_MAX_IDENTITY} characters without control characters")
