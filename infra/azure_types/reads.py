"""Reading a resource's properties through its Azure type: the type of ``x.properties.y``, and
what such a read gives (a value of the type's kind, not known before deployment)."""

from __future__ import annotations

from typing import Any

from infra.azure_types.typedata import TypeData, TypeRef
from infra.azure_types.values import Kind, Unknown


def property_type(types: TypeData, ref: TypeRef, name: str) -> tuple[TypeRef, int] | str | None:
    """The type and flags of the property ``name`` of ``ref``, "any" when the type takes
    anything, None when it has no such property."""
    found = types.get(ref)
    kind = found["$type"]
    if kind == "AnyType":
        return "any"
    if kind == "UnionType":
        for member in found["elements"]:
            if (inside := property_type(types, types.ref(ref, member), name)) is not None:
                return inside
        return None
    properties: dict[str, Any] = {}
    if kind == "ObjectType":
        properties = found.get("properties", {})
    elif kind == "DiscriminatedObjectType":
        properties = dict(found.get("baseProperties", {}))
        for element in found["elements"].values():
            element_type = types.get(types.ref(ref, element))
            properties = {**element_type.get("properties", {}), **properties}
    match = properties.get(name) or next((p for n, p in properties.items() if n.lower() == name.lower()), None)
    if match is not None:
        return types.ref(ref, match["type"]), int(match.get("flags", 0))
    if kind == "ObjectType" and "additionalProperties" in found:
        return types.ref(ref, found["additionalProperties"]), 0
    return None


def item_type(types: TypeData, ref: TypeRef, index: Any) -> TypeRef | None:
    found = types.get(ref)
    if found["$type"] == "ArrayType":
        return types.ref(ref, found["itemType"])
    if found["$type"] == "ObjectType" and isinstance(index, str):
        inside = property_type(types, ref, index)
        return inside[0] if isinstance(inside, tuple) else None
    return None


def type_name(types: TypeData, ref: TypeRef) -> str:
    found = types.get(ref)
    return str(found.get("name", found["$type"]))


def typed_unknown(types: TypeData, ref: TypeRef, origin: str) -> Any:
    found = types.get(ref)
    if found["$type"] == "StringLiteralType":
        return found["value"]
    kinds: dict[str, Kind] = {
        "StringType": "string",
        "IntegerType": "int",
        "BooleanType": "bool",
        "ArrayType": "array",
        "ObjectType": "object",
        "DiscriminatedObjectType": "object",
    }
    if found["$type"] == "UnionType":
        members = {typed_unknown(types, types.ref(ref, m), origin) for m in found["elements"]}
        kinds_found: set[Kind] = {m.kind if isinstance(m, Unknown) else "string" for m in members}
        return Unknown(kinds_found.pop() if len(kinds_found) == 1 else "any", origin)
    return Unknown(kinds.get(found["$type"], "any"), origin)
