"""Resource names derived from the parsed Bicep templates, character position by character position.

The Bicep compiler cannot run here, so this evaluates the part of Bicep that names resources: string
literals and ``${...}`` interpolation, parameters (given or defaulted), variables, array loops, module
parameters, conditional expressions on known values, and the functions the templates build names
with (``toLower``, ``toUpper``, ``uniqueString``, ``guid``, ``take``, ``replace``, ``concat``,
``string``, ``empty``). A value known only at deployment (a resource property, a module output,
``subscription().id``) stays ``Opaque``: a name that depends on one is reported as underivable,
never passed as valid.

A name is a ``Text``: for each position, the set of characters it can hold. A literal holds one
character per position; ``uniqueString(...)`` is 13 positions of ``[a-z0-9]`` (its documented
result: a deterministic 13-character hash); an environment name can be any string azd accepts, so
checking a ``Text`` against a naming rule checks every name the template can produce.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pycep import BicepParser
from pycep.models import BicepElement

LOWERCASE = frozenset(string.ascii_lowercase)
UPPERCASE = frozenset(string.ascii_uppercase)
DIGITS = frozenset(string.digits)
LETTERS = LOWERCASE | UPPERCASE
ALPHANUMERICS = LETTERS | DIGITS
HEX = frozenset("0123456789abcdef")

#: What ``uniqueString()`` returns: 13 characters, each a lowercase letter or a digit.
UNIQUE_STRING = (13, LOWERCASE | DIGITS)


@dataclass(frozen=True)
class Text:
    """A string known position by position: ``positions[i]`` is every character position i can be.
    Its length is exact (every name the templates build has a fixed length)."""

    positions: tuple[frozenset[str], ...]

    @classmethod
    def literal(cls, value: str) -> Text:
        return cls(tuple(frozenset(character) for character in value))

    @classmethod
    def any_of(cls, characters: Iterable[str], length: int) -> Text:
        chosen = frozenset(characters)
        return cls((chosen,) * length)

    def __add__(self, other: Text) -> Text:
        return Text(self.positions + other.positions)

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def concrete(self) -> str | None:
        """The one string this is, or None when a position can hold more than one character."""
        if all(len(position) == 1 for position in self.positions):
            return "".join(next(iter(position)) for position in self.positions)
        return None

    def mapped(self, change: Any) -> Text:
        return Text(tuple(frozenset(change(character) for character in position) for position in self.positions))

    def take(self, count: int) -> Text:
        return Text(self.positions[: max(count, 0)])

    def replace(self, old: str, new: str) -> Text | Opaque:
        """``replace()``: exact on a known string; on an unknown one only for one character by one."""
        known = self.concrete
        if known is not None:
            return Text.literal(known.replace(old, new))
        if len(old) != 1 or len(new) != 1:
            return Opaque(f"replace('{old}', '{new}') on a name not known in full")
        return Text(tuple((position - {old}) | {new} if old in position else position for position in self.positions))

    def __str__(self) -> str:
        """``st[a-z0-9]{13}``: literal runs as they are, runs of one character class counted."""
        pieces: list[str] = []
        index = 0
        while index < len(self.positions):
            position = self.positions[index]
            run = 1
            while index + run < len(self.positions) and self.positions[index + run] == position:
                run += 1
            if len(position) == 1:
                pieces.append(next(iter(position)) * run)
            else:
                pieces.append(_describe(position) + (f"{{{run}}}" if run > 1 else ""))
            index += run
        return "".join(pieces)


def _describe(characters: frozenset[str]) -> str:
    classes = [("a-z", LOWERCASE), ("A-Z", UPPERCASE), ("0-9", DIGITS)]
    named = [label for label, members in classes if members <= characters]
    rest = characters - frozenset().union(*(members for _, members in classes if members <= characters))
    return "[" + "".join(named) + "".join(sorted(rest)) + "]"


@dataclass(frozen=True)
class Opaque:
    """A value known only at deployment (or an expression this evaluator does not follow), and why."""

    why: str


@dataclass(frozen=True)
class DerivedName:
    """One resource's (or one module deployment's) name, as the templates build it."""

    where: str  # the template chain, for example "main.bicep > modules/storage.bicep"
    symbol: str  # the resource's or module's symbolic name (with the loop item when in a loop)
    kind: str  # the resource type; module deployments are Microsoft.Resources/deployments
    name: Text | Opaque


DEPLOYMENT = "Microsoft.Resources/deployments"


@cache
def parse(path: Path) -> dict[str, Any]:
    return dict(BicepParser().parse(file_path=path))


@cache
def _expression(source: str) -> Any:
    """The parsed form of the Bicep expression inside a ``${...}``."""
    return BicepParser().parse(text=f"var expression = {source}\n")["variables"]["expression"]["value"]


@dataclass
class Scope:
    """The symbols one template sees: its parameters (given, else defaulted), its variables, loop
    items; anything else it declares (resources, modules) is known only at deployment."""

    tree: dict[str, Any]
    given: Mapping[str, Any]
    items: dict[str, Any] = field(default_factory=dict)
    _variables: dict[str, Any] = field(default_factory=dict)

    def with_item(self, name: str, value: Any) -> Scope:
        return Scope(self.tree, self.given, {**self.items, name: value}, self._variables)

    def lookup(self, name: str) -> Any:
        if name in self.items:
            return self.items[name]
        parameters = self.tree.get("parameters", {})
        if name in parameters:
            if name in self.given:
                return self.given[name]
            default = parameters[name].get("default")
            return Opaque(f"parameter {name} has no value") if default is None else evaluate(default, self)
        variables = self.tree.get("variables", {})
        if name in variables:
            if name not in self._variables:
                self._variables[name] = Opaque(f"variable {name} refers to itself")
                self._variables[name] = evaluate(variables[name]["value"], self)
            return self._variables[name]
        return Opaque(f"{name} is known only at deployment")


def evaluate(node: Any, scope: Scope) -> Any:
    """The value of a parsed Bicep expression: a Text, a number, a bool, a list, a dict, None, or
    an Opaque."""
    if isinstance(node, BicepElement):
        return scope.lookup(str(node))
    if node is None or isinstance(node, bool | int):
        return node
    if isinstance(node, str):
        return _interpolate(node, scope)
    if isinstance(node, list):
        return [evaluate(item, scope) for item in node]
    if isinstance(node, dict):
        if "function" in node:
            return _call(node["function"], scope)
        if "operator" in node:
            return _operate(node["operator"], scope)
        return {key: evaluate(value, scope) for key, value in node.items()}
    return Opaque(f"an expression of shape {type(node).__name__}")


def _interpolate(raw: str, scope: Scope) -> Text | Opaque:
    """A string literal as pycep keeps it (escapes and ``${...}`` unresolved) made a Text."""
    result = Text(())
    index = 0
    while index < len(raw):
        if raw.startswith("${", index):
            end = _closing_brace(raw, index + 2)
            value = _as_text(evaluate(_expression(raw[index + 2 : end]), scope))
            if isinstance(value, Opaque):
                return value
            result += value
            index = end + 1
        elif raw[index] == "\\" and index + 1 < len(raw):
            result += Text.literal({"n": "\n", "t": "\t", "r": "\r"}.get(raw[index + 1], raw[index + 1]))
            index += 2
        else:
            result += Text.literal(raw[index])
            index += 1
    return result


def _closing_brace(raw: str, start: int) -> int:
    depth, index, quoted = 1, start, False
    while index < len(raw):
        character = raw[index]
        if character == "'" and raw[index - 1] != "\\":
            quoted = not quoted
        elif not quoted and character == "{":
            depth += 1
        elif not quoted and character == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ValueError(f"unterminated ${{ in {raw!r}")


def _as_text(value: Any) -> Text | Opaque:
    if isinstance(value, Text | Opaque):
        return value
    if isinstance(value, bool):
        return Text.literal(str(value).lower())
    if isinstance(value, int):
        return Text.literal(str(value))
    return Opaque(f"a {type(value).__name__} where a string is expected")


def _concrete(value: Any) -> Any:
    """A plain Python value for comparisons, or Opaque when it is not known in full."""
    if isinstance(value, Text):
        known = value.concrete
        return Opaque(f"{value} is not known in full") if known is None else known
    return value


def _call(function: dict[str, Any], scope: Scope) -> Any:
    kind, arguments = function["type"], function.get("parameters") or {}
    values = {key: evaluate(value, scope) for key, value in arguments.items()} if kind in _EVALUATES_ARGUMENTS else {}
    if kind == "unique_string":
        return Text.any_of(UNIQUE_STRING[1], UNIQUE_STRING[0])
    if kind == "guid":
        return Text(tuple(frozenset("-") if index in (8, 13, 18, 23) else HEX for index in range(36)))
    opaque = next((value for value in values.values() if isinstance(value, Opaque)), None)
    if opaque is not None:
        return opaque
    if kind in ("to_lower", "to_upper"):
        text = _as_text(values["string_to_change"])
        change = str.lower if kind == "to_lower" else str.upper
        return text.mapped(change) if isinstance(text, Text) else text
    if kind == "take":
        text, count = _as_text(values["original_value"]), _concrete(values["number_to_take"])
        return text.take(count) if isinstance(text, Text) and isinstance(count, int) else Opaque("take() of that")
    if kind == "replace":
        text, old, new = (_as_text(values[key]) for key in ("original_string", "old_string", "new_string"))
        old_known, new_known = _concrete(old), _concrete(new)
        if isinstance(text, Text) and isinstance(old_known, str) and isinstance(new_known, str):
            return text.replace(old_known, new_known)
        return Opaque("replace() with an unknown argument")
    if kind == "concat":
        pieces = [_as_text(value) for value in values.values()]
        return (
            sum((piece for piece in pieces if isinstance(piece, Text)), Text(()))
            if all(isinstance(piece, Text) for piece in pieces)
            else Opaque("concat() of non-strings")
        )
    if kind == "string":
        return _as_text(values["value_to_convert"])
    if kind == "empty":
        item = values["item_to_test"]
        return len(item) == 0 if isinstance(item, Text | str | list | dict) else item is None
    return Opaque(f"{kind}() is not evaluated here")


_EVALUATES_ARGUMENTS = {"to_lower", "to_upper", "take", "replace", "concat", "string", "empty"}


def _operate(operator: dict[str, Any], scope: Scope) -> Any:
    kind, operands = operator["type"], operator.get("operands", {})
    if kind == "conditional":
        condition = _concrete(evaluate(operands["condition"], scope))
        if not isinstance(condition, bool):
            return Opaque("a condition not known before deployment")
        return evaluate(operands["true_value" if condition else "false_value"], scope)
    if kind == "property_accessor":
        return _access(evaluate(operands["operand_1"], scope), operands["operand_2"])
    if kind in ("equals", "not_equals"):
        left, right = (_concrete(evaluate(operands[key], scope)) for key in ("operand_1", "operand_2"))
        if isinstance(left, Opaque) or isinstance(right, Opaque):
            return Opaque("a comparison of unknown values")
        return (left == right) == (kind == "equals")
    if kind in ("and", "or"):
        values = [_concrete(evaluate(value, scope)) for value in operands.values()]
        if not all(isinstance(value, bool) for value in values):
            return Opaque(f"{kind} of unknown values")
        return all(values) if kind == "and" else any(values)
    if kind == "not":
        value = _concrete(evaluate(operands.get("bool_value"), scope))
        return (not value) if isinstance(value, bool) else Opaque("not of an unknown value")
    return Opaque(f"the {kind} operator is not evaluated here")


def _access(base: Any, path: Any) -> Any:
    """``base.a.b``: pycep nests the chain to the right (``a`` then ``b``)."""
    if isinstance(base, Opaque):
        return base
    if isinstance(path, str):
        return base.get(str(path), Opaque(f"no property {path}")) if isinstance(base, dict) else Opaque("a property")
    if isinstance(path, dict) and path.get("operator", {}).get("type") == "property_accessor":
        operands = path["operator"]["operands"]
        return _access(_access(base, operands["operand_1"]), operands["operand_2"])
    return Opaque("an accessor not evaluated here")


def _bodies(config: dict[str, Any], scope: Scope, symbol: str) -> Iterator[tuple[str, dict[str, Any] | Opaque, Scope]]:
    """(label, body, scope) of each instance a declaration makes: one, or one per loop item (the
    body is Opaque when the loop is not followed). A condition does not matter here: a name must be
    valid whenever its resource is deployed."""
    if "loop_type" in config:
        loop = config["loop_type"]
        items = evaluate(loop["detail"].get("array_name"), scope) if loop["type"] == "array" else None
        if not isinstance(items, list):
            yield symbol, Opaque(f"a {loop['type']} loop over something not known in full"), scope
            return
        for index, item in enumerate(items):
            item_scope = scope.with_item(loop["detail"]["item_name"], item)
            yield from _bodies(config["config"], item_scope, f"{symbol}[{index}]")
    elif "condition" in config:
        yield from _bodies(config["config"], scope, symbol)
    else:
        yield symbol, config, scope


def _name(body: dict[str, Any] | Opaque, scope: Scope) -> Text | Opaque:
    return body if isinstance(body, Opaque) else _as_text(evaluate(body.get("name"), scope))


def derive_names(path: Path, given: Mapping[str, Any], where: str = "") -> Iterator[DerivedName]:
    """Every name that ``path`` (and the modules it deploys, with the parameters it gives them)
    creates, for the parameter values ``given`` (the others at their defaults). Resources declared
    ``existing`` are skipped: their names are checked where they are created."""
    tree = parse(path)
    where = f"{where} > {path.name}" if where else path.name
    scope = Scope(tree, given)
    for symbol, resource in tree.get("resources", {}).items():
        if resource.get("existing"):
            continue
        for label, body, body_scope in _bodies(resource["config"], scope, symbol):
            yield DerivedName(where, label, resource["type"], _name(body, body_scope))
    for symbol, module in tree.get("modules", {}).items():
        target = (path.parent / module["detail"]["path"]).resolve()
        for label, body, body_scope in _bodies(module["config"], scope, symbol):
            yield DerivedName(where, label, DEPLOYMENT, _name(body, body_scope))
            if not isinstance(body, Opaque):
                parameters = {key: evaluate(value, body_scope) for key, value in body.get("params", {}).items()}
                yield from derive_names(target, parameters, where)
