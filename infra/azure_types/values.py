"""What the type check knows of a Bicep value before deployment.

A value is either known (a ``str``, ``int``, ``bool``, ``None``, a ``list`` or a ``dict`` of
values, which may hold unknown parts), or :class:`Unknown` (its kind only, and where it comes
from: ``uniqueString()``, a parameter azd fills, a property Azure sets), or :class:`OneOf` several
(the two branches of a condition, the ``@allowed`` values of a parameter), or a reference to a
resource or module of a template.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from infra.azure_types.evaluate import Instance

Kind = Literal["string", "int", "bool", "array", "object", "null", "any"]

#: More alternatives than this (a product of conditions) are not enumerated: the value is unknown.
MOST_ALTERNATIVES = 64


@dataclass(frozen=True)
class Unknown:
    """A value of ``kind`` that is not known before deployment; ``origin`` says why, in words."""

    kind: Kind
    origin: str


@dataclass(frozen=True)
class OneOf:
    """One of ``options``, each to be checked."""

    options: tuple[Any, ...]


@dataclass(frozen=True)
class ComputedKey:
    """An object key computed at deployment (``'${identityId}'``)."""

    origin: str


@dataclass(frozen=True, eq=False)
class ResourceRef:
    """A resource of a template instance (``collection``: a loop's resources, before ``[i]``)."""

    instance: Instance
    symbol: str
    collection: bool = False


@dataclass(frozen=True, eq=False)
class ModuleRef:
    instance: Instance
    symbol: str


def kind_of(value: Any) -> Kind:
    """The kind of a value as Bicep names its types."""
    if isinstance(value, Unknown):
        return value.kind
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "any"


def declared_kind(declared: Any) -> Kind:
    """The kind of a parameter or output declared as ``declared`` (pycep's type)."""
    names: dict[str, Kind] = {"string": "string", "int": "int", "bool": "bool", "array": "array", "object": "object"}
    if isinstance(declared, str):
        return names.get(declared, "any")
    if isinstance(declared, dict) and declared.get("type") == "array":
        return "array"
    return "any"


def describe(value: Any) -> str:
    """``value`` in a message."""
    if isinstance(value, Unknown):
        return f"a {value.kind} not known before deployment ({value.origin})"
    if isinstance(value, OneOf):
        return " or ".join(describe(option) for option in value.options)
    if isinstance(value, ResourceRef | ModuleRef):
        return f"the symbol {value.symbol}"
    if isinstance(value, str | int | bool) or value is None:
        return repr(value) if value is not None else "null"
    return f"an {kind_of(value)}" if kind_of(value) in ("array", "object") else kind_of(value)


def one_of(options: Iterable[Any], origin: str) -> Any:
    """The value that is one of ``options`` (duplicates dropped; a single option is itself)."""
    unique: list[Any] = []
    for option in options:
        for alternative in option.options if isinstance(option, OneOf) else (option,):
            if not any(_same(alternative, seen) for seen in unique):
                unique.append(alternative)
    if len(unique) == 1:
        return unique[0]
    if len(unique) > MOST_ALTERNATIVES:
        kinds = {kind_of(option) for option in unique}
        return Unknown(kinds.pop() if len(kinds) == 1 else "any", f"more than {MOST_ALTERNATIVES} cases of {origin}")
    return OneOf(tuple(unique))


def _same(left: Any, right: Any) -> bool:
    return type(left) is type(right) and left == right


def alternatives(value: Any) -> tuple[Any, ...]:
    return value.options if isinstance(value, OneOf) else (value,)


def lift(compute: Callable[..., Any], arguments: Sequence[Any], origin: str) -> Any:
    """``compute`` over every combination of the arguments' alternatives (a function or operator
    applied to values that are one of several)."""
    combinations = list(itertools.islice(itertools.product(*map(alternatives, arguments)), MOST_ALTERNATIVES + 1))
    if len(combinations) > MOST_ALTERNATIVES:
        return Unknown("any", f"more than {MOST_ALTERNATIVES} cases of {origin}")
    return one_of((compute(*combination) for combination in combinations), origin)


def is_known(value: Any) -> bool:
    """True when nothing in ``value`` is unknown (a literal, or a list or object of literals)."""
    if isinstance(value, list):
        return all(is_known(item) for item in value)
    if isinstance(value, dict):
        return all(not isinstance(key, ComputedKey) and is_known(item) for key, item in value.items())
    return isinstance(value, str | int | bool) or value is None
