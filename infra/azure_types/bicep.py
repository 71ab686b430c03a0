"""Bicep as pycep parses it, read for the type check: which string is a literal and which a name,
the text and holes of an interpolated string, the steps of an accessor chain, and the shapes
(operator, function call, loop, condition) the parser gives expressions.

pycep hands back plain JSON-like data with one distinction this module relies on: a name
(``location``) is a ``BicepElement``, a quoted literal (``'location'``) a plain ``str`` with
its quotes removed and its escapes (``\\'``) and ``${...}`` holes still in it. Object keys are
always plain strings, quoted keys with their quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pycep import BicepParser
from pycep.models import BicepElement

#: What pycep gives for an expression: a name, a literal, a number, a bool, null, a list, a dict.
Node = Any


@cache
def _parser() -> BicepParser:
    return BicepParser(add_line_numbers=True)


def parse_file(path: Path) -> dict[str, Any]:
    """The parsed template (pycep's tree), with line numbers on its declarations."""
    tree: dict[str, Any] = dict(_parser().parse(file_path=path))
    return tree


def parse_text(text: str) -> dict[str, Any]:
    """The parsed template of ``text`` (a copy of a template, as the tests plant errors in)."""
    tree: dict[str, Any] = dict(_parser().parse(text=text))
    return tree


@cache
def parse_expression(text: str) -> Node:
    """The expression ``text`` (the inside of a ``${...}`` hole), parsed."""
    return parse_text(f"var hole = {text}\n")["variables"]["hole"]["value"]


def bicep_name(pycep_name: str) -> str:
    """A function's Bicep name from pycep's (``load_json_content`` -> ``loadJsonContent``)."""
    head, *rest = pycep_name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def is_name(node: Node) -> bool:
    """True for a name (a parameter, variable, resource, module or loop item), not a literal."""
    return isinstance(node, BicepElement)


def operator(node: Node) -> tuple[str, dict[str, Node]] | None:
    """(kind, operands) when ``node`` is an operator (``a.b``, ``c ? x : y``, ``!d``...)."""
    inner = node.get("operator") if isinstance(node, dict) and len(node) == 1 else None
    if isinstance(inner, dict) and "type" in inner and "operands" in inner:
        return str(inner["type"]), inner["operands"]
    return None


def function(node: Node) -> tuple[str, list[Node]] | None:
    """(name, arguments in order) when ``node`` is a function call. pycep names the functions it
    knows in snake case (``subscription_resource_id``) and fills absent optional arguments with
    None, which are dropped here."""
    inner = node.get("function") if isinstance(node, dict) and len(node) == 1 else None
    if isinstance(inner, dict) and "type" in inner:
        arguments = [value for value in inner.get("parameters", {}).values() if value is not None]
        return str(inner["type"]), arguments
    return None


@dataclass(frozen=True)
class Loop:
    """``[for item in source: body]`` or ``[for (item, index) in source: if (condition) body]``."""

    item: str
    index: str | None
    source: Node
    over_object: bool
    condition: Node
    body: Node


def loop(node: Node) -> Loop | None:
    if not (isinstance(node, dict) and "loop_type" in node and "config" in node):
        return None
    kind = node["loop_type"]
    detail = kind["detail"]
    over_object = kind["type"] == "object"
    source = BicepElement(detail["object_name"]) if over_object else detail["array_name"]
    return Loop(
        item=str(detail["item_name"]),
        index=detail.get("index_name"),
        source=source,
        over_object=over_object,
        condition=node.get("condition"),
        body=node["config"],
    )


def condition(node: Node) -> tuple[Node, Node] | None:
    """(condition, body) of ``if (condition) body``."""
    if isinstance(node, dict) and set(node) == {"condition", "config"}:
        return node["condition"], node["config"]
    return None


# -- strings --------------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "r": "\r", "t": "\t", "$": "$"}
_UNICODE_ESCAPE = re.compile(r"u\{([0-9a-fA-F]{1,6})\}")


@dataclass(frozen=True)
class Hole:
    """A ``${...}`` of an interpolated string: its expression, parsed."""

    expression: Node


def string_parts(raw: str) -> list[str | Hole]:
    """The parts of a quoted Bicep string as pycep keeps it: text (unescaped) and, for each
    ``${...}`` hole, its expression. A string without holes is one text part."""
    parts: list[str | Hole] = []
    text: list[str] = []
    position = 0
    while position < len(raw):
        char = raw[position]
        if char == "\\" and position + 1 < len(raw):
            following = raw[position + 1]
            if following in _ESCAPES:
                text.append(_ESCAPES[following])
                position += 2
                continue
            if match := _UNICODE_ESCAPE.match(raw, position + 1):
                text.append(chr(int(match.group(1), 16)))
                position = match.end()
                continue
        if raw.startswith("${", position):
            end = _hole_end(raw, position + 2)
            if text:
                parts.append("".join(text))
                text = []
            parts.append(Hole(parse_expression(raw[position + 2 : end])))
            position = end + 1
            continue
        text.append(char)
        position += 1
    if text or not parts:
        parts.append("".join(text))
    return parts


def _hole_end(raw: str, start: int) -> int:
    """The index of the ``}`` that closes the hole whose expression starts at ``start``
    (braces of objects and quoted strings inside the expression skipped)."""
    depth = 0
    position = start
    quoted = False
    while position < len(raw):
        char = raw[position]
        if quoted:
            if char == "\\":
                position += 1
            elif char == "'":
                quoted = False
        elif char == "'":
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return position
            depth -= 1
        position += 1
    raise ValueError(f"an interpolation hole is not closed in {raw!r}")


def key_parts(key: str) -> list[str | Hole]:
    """The parts of an object key: a bare key is its own text, a quoted one a string's parts."""
    if len(key) >= 2 and key.startswith("'") and key.endswith("'"):
        return string_parts(key[1:-1])
    return [key]


# -- accessor chains ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of an accessor chain: ``.name`` (prop), ``::name`` (child), ``[node]`` (index),
    ``.name(arguments)`` (call)."""

    how: str
    name: str = ""
    node: Node = None


#: Binary operators pycep may nest inside the right of an accessor, and their left operand.
_LEFT_OPERAND = {
    "coalesce": "operand_1",
    "conditional": "condition",
    **dict.fromkeys(
        (
            "and",
            "or",
            "equals",
            "not_equals",
            "equals_case_insensitive",
            "not_equals_case_insensitive",
            "greater_than",
            "greater_than_or_equals",
            "less_than",
            "less_than_or_equals",
            "add",
            "substract",
            "multiply",
            "divide",
            "modulo",
        ),
        "operand_1",
    ),
}
_DOTS = ("property_accessor", "nested_resource_accessor")


def _operator_node(kind: str, operands: dict[str, Node]) -> Node:
    return {"operator": {"type": kind, "operands": operands}}


def reassociate(node: Node) -> Node:
    """``node`` with what follows a chain given back its place: pycep parses ``a.b ?? c`` as
    ``a.(b ?? c)`` (and ``a.b == x && y`` alike); this makes it ``(a.b) ?? c``."""
    found = operator(node)
    if found is None or found[0] not in _DOTS:
        return node
    kind, operands = found
    rest = reassociate(operands["operand_2"])
    inner = operator(rest)
    if inner is not None and inner[0] in _LEFT_OPERAND:
        inner_kind, inner_operands = inner
        key = _LEFT_OPERAND[inner_kind]
        left = reassociate(_operator_node(kind, {**operands, "operand_2": inner_operands[key]}))
        return _operator_node(inner_kind, {**inner_operands, key: left})
    return node if rest is operands["operand_2"] else _operator_node(kind, {**operands, "operand_2": rest})


def chain(node: Node) -> tuple[Node, list[Step]]:
    """(head, steps) of an accessor chain: ``a::b.properties.c[0]`` is ``a`` and
    child b, prop properties, prop c, index 0. Anything else is its own head, with no step."""
    found = operator(node)
    if found is None:
        return node, []
    kind, operands = found
    if kind == "property_accessor":
        head, steps = chain(operands["operand_1"])
        return head, steps + _rest(operands["operand_2"], "prop")
    if kind == "nested_resource_accessor":
        head, steps = chain(operands["operand_1"])
        return head, steps + _rest(operands["operand_2"], "child")
    if kind == "index_accessor":
        head, steps = chain(operands["operand_1"])
        return head, [*steps, Step("index", node=operands["operand_2"])]
    if kind == "function_accessor":
        head, steps = chain(operands["operand_1"])
        return head, [*steps, Step("call", name=str(operands["func_name"]))]
    return node, []


def _rest(node: Node, how: str) -> list[Step]:
    """The steps after a ``.`` or ``::`` (pycep nests the rest of a chain to the right)."""
    found = operator(node)
    if found is None:
        return [Step(how, name=str(node))]
    kind, operands = found
    if kind == "property_accessor":
        return _rest(operands["operand_1"], how) + _rest(operands["operand_2"], "prop")
    if kind == "nested_resource_accessor":
        return _rest(operands["operand_1"], how) + _rest(operands["operand_2"], "child")
    if kind == "index_accessor":
        return [*_rest(operands["operand_1"], how), Step("index", node=operands["operand_2"])]
    if kind == "function_accessor":
        return [*_rest(operands["operand_1"], how), Step("call", name=str(operands["func_name"]))]
    raise ValueError(f"an accessor chain goes on with {kind}")


def dotted(head: str, steps: list[Step]) -> str:
    """``head`` and ``steps`` written back as Bicep, for messages and allow-list paths."""
    text = head
    for step in steps:
        if step.how == "prop":
            text += f".{step.name}"
        elif step.how == "child":
            text += f"::{step.name}"
        elif step.how == "call":
            text += f".{step.name}()"
        else:
            text += f"[{step.node!r}]" if not is_name(step.node) else f"[{step.node}]"
    return text


# -- declarations ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Declaration:
    """A ``resource`` or ``module`` of a template, its loop and condition taken off its body."""

    symbol: str
    line: int
    body: dict[str, Any]
    loop: Loop | None
    condition: Node


@dataclass(frozen=True)
class ResourceDeclaration(Declaration):
    type: str
    api_version: str
    existing: bool

    @property
    def type_name(self) -> str:
        return f"{self.type}@{self.api_version}"


def _unwrap(config: Node) -> tuple[dict[str, Any], Loop | None, Node]:
    """(body, loop, condition) of a resource's or module's declaration:
    ``[for x in xs: if (c) body]``, ``if (c) body`` or ``body``."""
    declared_loop = loop(config)
    if declared_loop is not None:
        config = declared_loop.body
    declared_condition: Node = declared_loop.condition if declared_loop else None
    if (guarded := condition(config)) is not None:
        declared_condition, config = guarded
    return config, declared_loop, declared_condition


def resources(tree: dict[str, Any]) -> list[ResourceDeclaration]:
    """Every resource the template declares, nested ones included (pycep lifts them to the top,
    named ``parent__child``, and gives them a ``depends_on`` of its own, dropped here)."""
    found = []
    for symbol, resource in tree.get("resources", {}).items():
        kind, api_version = str(resource["type"]), str(resource["api_version"])
        if "@" in kind:  # a nested resource that names its own API version
            kind, api_version = kind.split("@", 1)
        config, declared_loop, declared_condition = _unwrap(resource["config"])
        body = {key: value for key, value in config.items() if not ("__" in symbol and key == "depends_on")}
        found.append(
            ResourceDeclaration(
                symbol=symbol,
                type=kind,
                api_version=api_version,
                existing=bool(resource.get("existing")),
                line=int(resource.get("__start_line__", 0)),
                body=body,
                loop=declared_loop,
                condition=declared_condition,
            )
        )
    return found


@dataclass(frozen=True)
class ModuleDeclaration(Declaration):
    path: Path


def modules(tree: dict[str, Any], folder: Path) -> list[ModuleDeclaration]:
    """Every local module the template calls (``folder`` is the template's own)."""
    found = []
    for symbol, module in tree.get("modules", {}).items():
        if module.get("type") != "local":
            raise ValueError(f"module {symbol} is not a local file: the type check reads local modules only")
        config, declared_loop, declared_condition = _unwrap(module["config"])
        found.append(
            ModuleDeclaration(
                symbol=symbol,
                path=(folder / module["detail"]["path"]).resolve(),
                line=int(module.get("__start_line__", 0)),
                body=config,
                loop=declared_loop,
                condition=declared_condition,
            )
        )
    return found


def allowed_values(parameter: dict[str, Any]) -> list[Any] | None:
    """The ``@allowed`` list of a parameter, or None."""
    for decorator in parameter.get("decorators", []):
        if decorator.get("type") == "allowed":
            return list(decorator["argument"])
    return None


def types_used(folder: Path) -> set[str]:
    """Every resource ``type@version`` the templates under ``folder`` declare."""
    return {declaration.type_name for path in folder.rglob("*.bicep") for declaration in resources(parse_file(path))}
