"""The staff directory in Table Storage: table ``StaffDirectory``, partition ``member``, row = the member's
key (:func:`shared.domain.staff.staff_key`), with ``Issuer``, ``ObjectId``, ``Name``, ``Email``,
``Roles`` (comma-separated), ``Language`` and ``Active``. A directory of staff stays small (one
partition, hundreds of rows), so finding members by address is one filtered query of it."""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import ResourceNotFoundError
from azure.data.tables import TableClient, TableServiceClient, UpdateMode

from shared.adapters.storage_layout import STAFF_TABLE
from shared.domain.errors import InvalidInput
from shared.domain.paging import Page, cursor_field, encode_cursor
from shared.domain.staff import StaffMember, is_staff_key, staff_member

_PARTITION = "member"


class StaffStore:
    """The staff directory. Each method states its storage round trips."""

    def __init__(self, service: TableServiceClient) -> None:
        self._table: TableClient = service.get_table_client(STAFF_TABLE)

    def get(self, key: str) -> StaffMember | None:
        """One point read (none for a value that is not a key)."""
        if not is_staff_key(key):
            return None
        try:
            return _member_from(self._table.get_entity(_PARTITION, key))
        except ResourceNotFoundError:
            return None

    def put(self, member: StaffMember) -> None:
        """Create or replace: one write."""
        self._table.upsert_entity(_entity(member), mode=UpdateMode.REPLACE)

    def page(self, *, limit: int, cursor: str | None) -> Page[StaffMember]:
        """Members in key order: one query a page."""
        after = ""
        if cursor is not None:
            after = cursor_field(cursor, "rk")
            if not is_staff_key(after):
                raise InvalidInput("cursor", "is not a cursor of this list")
        pager: Any = self._table.query_entities(
            "PartitionKey eq @pk and RowKey gt @after",
            parameters={"pk": _PARTITION, "after": after},
            results_per_page=limit,
        ).by_page()
        rows: list[Any] = []
        for page in pager:
            rows = list(page)
            if rows or pager.continuation_token is None:
                break
        more = pager.continuation_token is not None
        following = encode_cursor({"rk": rows[-1]["RowKey"]}) if rows and more else None
        return Page([_member_from(row) for row in rows], following)

    def with_email(self, email: str) -> list[StaffMember]:
        """Members whose address is ``email``: one filtered query of the partition."""
        rows = self._table.query_entities(
            "PartitionKey eq @pk and Email eq @email", parameters={"pk": _PARTITION, "email": email.lower()}
        )
        return [_member_from(row) for row in rows]


def _entity(member: StaffMember) -> dict[str, Any]:
    return {
        "PartitionKey": _PARTITION,
        "RowKey": member.key,
        "Issuer": member.issuer,
        "ObjectId": member.object_id,
        "Name": member.name,
        "Email": member.email,
        "Roles": ",".join(sorted(member.roles)),
        "Language": member.language.value,
        "Active": member.active,
    }


def _member_from(entity: Any) -> StaffMember:
    return staff_member(
        entity["Issuer"],
        entity["ObjectId"],
        name=entity["Name"],
        email=entity["Email"],
        roles=frozenset(entity["Roles"].split(",")),
        language=entity["Language"],
        active=bool(entity["Active"]),
    )
