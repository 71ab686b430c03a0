"""A hand-written types file in the shape the type check reads (that of Azure/bicep-types, which
infra/azure_types/sdk makes from the Azure SDK's models), for its unit tests: two resource types
of a made-up provider, each kind of type and flag the rules read."""

from __future__ import annotations

from typing import Any

from infra.azure_types.typedata import TypeData

WIDGETS = "Test.Rp/widgets@2024-01-01"
GADGETS = "Test.Rp/gadgets@2024-01-01"
FILE = "test/test.rp/2024-01-01/types.json"


def _ref(index: int) -> dict[str, str]:
    return {"$ref": f"#/{index}"}


def _prop(index: int, flags: int = 0, description: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"type": _ref(index), "flags": flags}
    if description:
        found["description"] = description
    return found


#: 0 and 16 are resource types; 1 the widget's body; 6 its properties; 17 the gadget's body,
#: chosen by ``kind``.
TYPES: list[dict[str, Any]] = [
    {"$type": "ResourceType", "name": WIDGETS, "body": _ref(1), "readableScopes": 8, "writableScopes": 8},
    {
        "$type": "ObjectType",
        "name": "Test.Rp/widgets",
        "properties": {
            "id": _prop(2, 10, "The resource id"),
            "name": _prop(2, 9),
            "type": _prop(3, 10),
            "apiVersion": _prop(4, 10),
            "location": _prop(2, 1),
            "tags": _prop(5),
            "properties": _prop(6),
        },
    },
    {"$type": "StringType"},
    {"$type": "StringLiteralType", "value": "Test.Rp/widgets"},
    {"$type": "StringLiteralType", "value": "2024-01-01"},
    {"$type": "ObjectType", "name": "Tags", "properties": {}, "additionalProperties": _ref(2)},
    {
        "$type": "ObjectType",
        "name": "WidgetProperties",
        "description": "What a widget is made of.",
        "properties": {
            "size": _prop(7),
            "colour": _prop(8, 1, "Required, an enum."),
            "state": _prop(11),
            "endpoint": _prop(2, 2, "Set by the service."),
            "secret": _prop(2, 4),
            "enabled": _prop(12),
            "label": _prop(13),
            "description": _prop(2, 0, "A property named description."),
            "parts": _prop(14),
            "mode": _prop(24, 0, "A constant: one literal only."),
        },
    },
    {"$type": "IntegerType", "minValue": 1, "maxValue": 10},
    {"$type": "UnionType", "elements": [_ref(9), _ref(10), _ref(2)]},
    {"$type": "StringLiteralType", "value": "Red"},
    {"$type": "StringLiteralType", "value": "Blue"},
    {"$type": "UnionType", "elements": [_ref(15), _ref(23), _ref(2)]},
    {"$type": "BooleanType"},
    {"$type": "StringType", "maxLength": 5, "pattern": "^[a-z]+$"},
    {"$type": "ArrayType", "itemType": _ref(12)},
    {"$type": "StringLiteralType", "value": "On"},
    {"$type": "ResourceType", "name": GADGETS, "body": _ref(17), "readableScopes": 8, "writableScopes": 8},
    {
        "$type": "DiscriminatedObjectType",
        "name": "Test.Rp/gadgets",
        "discriminator": "kind",
        "baseProperties": {"name": _prop(2, 9), "id": _prop(2, 10)},
        "elements": {"small": _ref(18), "large": _ref(20)},
    },
    {"$type": "ObjectType", "name": "SmallGadget", "properties": {"kind": _prop(19, 1), "wheels": _prop(7)}},
    {"$type": "StringLiteralType", "value": "small"},
    {"$type": "ObjectType", "name": "LargeGadget", "properties": {"kind": _prop(21, 1), "crane": _prop(12, 1)}},
    {"$type": "StringLiteralType", "value": "large"},
    {"$type": "AnyType"},
    {"$type": "StringLiteralType", "value": "Off"},
    {"$type": "StringLiteralType", "value": "Fixed"},
]

RESOURCES = {WIDGETS: f"{FILE}#/0", GADGETS: f"{FILE}#/16"}


def fake_types() -> TypeData:
    return TypeData({FILE: TYPES}, RESOURCES)
