"""Bicep's functions, as far as the type check needs them: the value when the arguments are
known and the function is pure (``toLower``, ``concat``, ``union``, ``empty``...), else the kind
of its result (``uniqueString`` is a string, ``subscription()`` an object of strings).

pycep names the functions it knows in snake case (``subscription_resource_id``); the names here
are pycep's. A function that is in neither table gives an unknown value of any kind, which the
check counts as skipped wherever its value matters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from infra.azure_types.bicep import bicep_name
from infra.azure_types.values import Kind, Unknown, is_known, kind_of, lift

#: The kind of the result of the functions whose value is not known before deployment.
RESULT_KINDS: dict[str, Kind] = {
    "guid": "string",
    "unique_string": "string",
    "new_guid": "string",
    "utc_now": "string",
    "resource_id": "string",
    "subscription_resource_id": "string",
    "tenant_resource_id": "string",
    "extension_resource_id": "string",
    "management_group_resource_id": "string",
    "base64": "string",
    "base64_to_string": "string",
    "data_uri": "string",
    "data_uri_to_string": "string",
    "date_time_add": "string",
    "date_time_from_epoch": "string",
    "date_time_to_epoch": "int",
    "load_text_content": "string",
    "load_file_as_base64": "string",
    "reference": "object",
    "list": "object",
    "environment": "object",
    "pick_zones": "array",
}

#: What the scope functions return: an object whose named properties are strings.
SCOPE_PROPERTIES: dict[str, tuple[str, ...]] = {
    "subscription": ("id", "subscriptionId", "tenantId", "displayName"),
    "tenant": ("tenantId", "countryCode", "displayName"),
    "resource_group": ("id", "name", "type", "location", "managedBy"),
    "management_group": ("id", "name", "type"),
    "deployment": ("name", "location"),
}


def _text(value: Any) -> str:
    """A scalar as Bicep writes it into a string (``string()``, interpolation)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _concat(*parts: Any) -> Any:
    if all(isinstance(part, list) for part in parts):
        return [item for part in parts for item in part]
    if all(isinstance(part, str | int | bool) and not isinstance(part, list) for part in parts):
        return "".join(_text(part) for part in parts)
    return None


def _union(*parts: Any) -> Any:
    if all(isinstance(part, dict) for part in parts):
        merged: dict[Any, Any] = {}
        for part in parts:
            merged.update(part)
        return merged
    if all(isinstance(part, list) for part in parts):
        merged_list: list[Any] = []
        for part in parts:
            merged_list.extend(item for item in part if item not in merged_list)
        return merged_list
    return None


def _empty(value: Any) -> Any:
    if isinstance(value, str | list | dict) or value is None:
        return not value
    return None


def _take(value: Any, count: Any) -> Any:
    return value[: max(count, 0)] if isinstance(value, str | list) and isinstance(count, int) else None


def _skip(value: Any, count: Any) -> Any:
    return value[max(count, 0) :] if isinstance(value, str | list) and isinstance(count, int) else None


def _contains(container: Any, item: Any) -> Any:
    if isinstance(container, str) and isinstance(item, str):
        return item.lower() in container.lower()
    if isinstance(container, list | dict):
        return item in container
    return None


def _string(value: Any) -> Any:
    return _text(value) if isinstance(value, str | int | bool) else None


def _scalar(convert: Callable[..., Any]) -> Callable[..., Any]:
    def apply(*arguments: Any) -> Any:
        return convert(*arguments) if all(isinstance(argument, str | int) for argument in arguments) else None

    return apply


#: Functions computed when their arguments are known: pycep name -> (compute, kind of result).
#: A computation that does not apply to its arguments (None) gives an unknown of that kind.
PURE: dict[str, tuple[Callable[..., Any], Kind]] = {
    "concat": (_concat, "any"),
    "union": (_union, "any"),
    "empty": (_empty, "bool"),
    "length": (lambda value: len(value) if isinstance(value, str | list | dict) else None, "int"),
    "string": (_string, "string"),
    "to_lower": (_scalar(lambda text: str(text).lower()), "string"),
    "to_upper": (_scalar(lambda text: str(text).upper()), "string"),
    "trim": (_scalar(lambda text: str(text).strip()), "string"),
    "take": (_take, "any"),
    "skip": (_skip, "any"),
    "first": (lambda value: value[0] if isinstance(value, str | list) and value else None, "any"),
    "last": (lambda value: value[-1] if isinstance(value, str | list) and value else None, "any"),
    "contains": (_contains, "bool"),
    "replace": (_scalar(lambda text, old, new: str(text).replace(str(old), str(new))), "string"),
    "split": (_scalar(lambda text, separator: str(text).split(str(separator))), "array"),
    "starts_with": (_scalar(lambda text, prefix: str(text).lower().startswith(str(prefix).lower())), "bool"),
    "ends_with": (_scalar(lambda text, suffix: str(text).lower().endswith(str(suffix).lower())), "bool"),
    "bool": (lambda value: value if isinstance(value, bool) else None, "bool"),
    "int": (
        lambda value: int(value) if isinstance(value, int | str) and str(value).lstrip("-").isdigit() else None,
        "int",
    ),
    "range": (lambda start, count: list(range(start, start + count)) if isinstance(start, int) else None, "array"),
    "array": (lambda value: value if isinstance(value, list) else [value], "array"),
}


#: Functions whose result is of the kind of their arguments (an array's, a string's, an object's).
SHAPE_KEEPING = frozenset({"concat", "union", "take", "skip"})


def call(name: str, arguments: list[Any]) -> Any:
    """The value of ``name(arguments)``, the arguments already evaluated."""
    origin = f"{bicep_name(name)}()"
    if name in SCOPE_PROPERTIES:
        return {prop: Unknown("string", f"{origin}.{prop}") for prop in SCOPE_PROPERTIES[name]}
    if name in RESULT_KINDS:
        return Unknown(RESULT_KINDS[name], origin)
    if name == "items":
        return lift(_items, arguments, origin) if arguments else Unknown("array", origin)
    if name in PURE:
        compute, kind = PURE[name]

        def apply(*values: Any) -> Any:
            result = None
            if all(is_known(value) or isinstance(value, dict | list) for value in values):
                result = compute(*values)
            if result is None:
                unknown = [value.origin for value in values if isinstance(value, Unknown)]
                why = f"{origin} of {', '.join(unknown)}" if unknown else origin
                return Unknown(_guess(values, name) if name in SHAPE_KEEPING else kind, why)
            return result

        return lift(apply, arguments, origin)
    return Unknown("any", f"{origin}, which the check does not model")


def _items(value: Any) -> Any:
    if isinstance(value, dict):
        return [{"key": key, "value": item} for key, item in sorted(value.items(), key=lambda pair: str(pair[0]))]
    return Unknown("array", "items() of an object not known before deployment")


def _guess(values: tuple[Any, ...], name: str) -> Kind:
    """The kind of ``concat``/``union`` of ``values`` (that of all its arguments), or of
    ``take``/``skip`` (that of the first)."""
    kinds = {kind_of(value) for value in (values if name in ("concat", "union") else values[:1])}
    return kinds.pop() if len(kinds) == 1 else "any"
