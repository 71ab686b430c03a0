"""Which model an Azure SDK for Python package writes to each resource type, read from the source
of its operations (with :mod:`ast`, never imported).

An operations module holds request builders (``build_create_or_update_request``: the HTTP
method, the URL template, the API version, each path parameter's length and pattern limits or
constant value) and operation classes whose methods call a builder and serialize the body as a
model (``self._serialize.body(site_envelope, "Site")``) or read the response as one
(``self._deserialize("Site", pipeline_response)``). A ``PUT`` of a resource URL
(``.../providers/Microsoft.Web/sites/{name}``) is a write of that resource type; the ``GET`` of
the same URL says what Azure returns, read-only properties included.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(-[a-z]+)?$")
#: Path parameter limits, by the name the types use.
NAME_LIMITS = {"min_length": "minLength", "max_length": "maxLength", "pattern": "pattern"}


@dataclass(frozen=True)
class Builder:
    """A request builder: what request it makes."""

    method: str
    url: str
    api_version: str
    #: Path parameter ({name} in the URL) -> its limits (minLength, maxLength, pattern) or its
    #: constant value (``value``).
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """An operation: the builder it calls, and the model it sends or reads back."""

    builder: Builder
    model: str


@dataclass(frozen=True)
class Resource:
    """The resource type and name a URL addresses."""

    type_name: str
    #: The last name segment: ``{name}`` (a parameter) or a literal (``appsettings``).
    name: str

    @property
    def literal_name(self) -> str | None:
        return None if self.name.startswith("{") else self.name


def resource_of(url: str) -> Resource | None:
    """The resource a URL template addresses, None when it is no resource (a list, an action)."""
    segments = url.strip("/").split("/")
    lower = [segment.lower() for segment in segments]
    if "providers" in lower:
        start = len(lower) - 1 - lower[::-1].index("providers")
        if start + 1 >= len(segments):
            return None
        namespace, rest = segments[start + 1], segments[start + 2 :]
    elif len(lower) == 4 and lower[0] == "subscriptions" and lower[2] == "resourcegroups":
        namespace, rest = "Microsoft.Resources", ["resourceGroups", segments[3]]
    else:
        return None
    if not rest or len(rest) % 2:
        return None
    kinds = rest[0::2]
    if any(kind.startswith("{") for kind in kinds) or namespace.startswith("{"):
        return None
    return Resource(f"{namespace}/{'/'.join(kinds)}", rest[-1])


#: Where a top-level statement starts, and where a method of a class starts.
_TOP_LEVEL = re.compile(r"^(?=def |class |@|async def )", re.MULTILINE)
_METHOD = re.compile(r"^(?=    (?:@|async def |def ))", re.MULTILINE)
_BUILDER_CALL = re.compile(r"\b(build_\w+)\(")
_ADJACENT_STRINGS = re.compile(r"([\"'])\s+\1")
_URL = re.compile(r"[\"'](/[^\"'\s]*)[\"']")


def _addresses(text: str, type_names: frozenset[str]) -> bool:
    """Whether ``text`` holds the URL of a resource of one of the (lower-case) ``type_names``
    (a URL may be written as adjacent string literals, which Python joins)."""
    joined = _ADJACENT_STRINGS.sub("", text)
    return any(
        (resource := resource_of(url)) is not None and resource.type_name.lower() in type_names
        for url in _URL.findall(joined)
    )


@cache
def read_operations(path: Path, type_names: frozenset[str]) -> tuple[list[Call], list[Call]]:
    """The writes (``PUT`` with a body model) and reads (``GET`` with a response model) of the
    resource types ``type_names`` (lower case) in one operations module. Only their builders and
    the methods that call them are parsed (an operations module can hold megabytes of others)."""
    text = path.read_text(encoding="utf-8")
    if not _addresses(text, type_names):
        return [], []
    builders: dict[str, Builder] = {}
    methods: list[str] = []
    for block in _TOP_LEVEL.split(text):
        if (
            block.startswith("def build_")
            and re.search(r"method=[\"'](PUT|GET)[\"']", block)
            and _addresses(block, type_names)
        ):
            node = ast.parse(block, filename=str(path)).body[0]
            if isinstance(node, ast.FunctionDef) and (built := _builder(node)) is not None:
                builders[node.name] = built
        elif block.startswith("class "):
            methods += _METHOD.split(block)[1:]
    writes: list[Call] = []
    reads: list[Call] = []
    for source in methods:
        called = [name for name in _BUILDER_CALL.findall(source) if name in builders]
        if source.startswith("    @") or not called or not ("_serialize.body(" in source or "_deserialize(" in source):
            continue
        method = ast.parse(textwrap.dedent(source), filename=str(path)).body[0]
        if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        _, sent, received = _uses(method)
        for name in called:
            builder = builders[name]
            if builder.method == "PUT" and sent:
                writes.append(Call(builder, sent))
            elif builder.method == "GET" and received:
                reads.append(Call(builder, received))
    return writes, reads


def _builder(node: ast.FunctionDef) -> Builder | None:
    method = url = api_version = None
    constants: dict[str, str] = {}
    arguments: dict[str, tuple[str, dict[str, Any]]] = {}
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and _name(inner.func) == "HttpRequest":
            method = next((_text(k.value) for k in inner.keywords if k.arg == "method"), method)
        elif isinstance(inner, ast.Call) and _is_pop(inner, "template_url"):
            url = _text(inner.args[1]) if len(inner.args) > 1 else None
        elif isinstance(inner, ast.Call) and _is_pop(inner, "api_version"):
            api_version = next((t for t in _strings(inner) if API_VERSION.match(t)), api_version)
        elif isinstance(inner, ast.AnnAssign) and isinstance(inner.target, ast.Name) and inner.value is not None:
            if "Literal[" in ast.unparse(inner.annotation) and (value := _popped_constant(inner.value)):
                constants[inner.target.id] = value
        elif (
            isinstance(inner, ast.Assign)
            and _targets(inner) == ["path_format_arguments"]
            and isinstance(inner.value, ast.Dict)
        ):
            arguments = _path_arguments(inner.value)
    if not (method and url and api_version):
        return None
    parameters = {
        placeholder: ({"value": constants[variable]} if variable in constants else limits)
        for placeholder, (variable, limits) in arguments.items()
    }
    return Builder(method.upper(), url, api_version, parameters)


def _path_arguments(node: ast.Dict) -> dict[str, tuple[str, dict[str, Any]]]:
    """``{"name": _SERIALIZER.url("name", name, "str", max_length=24)}`` -> name -> (variable, limits)."""
    found = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(value, ast.Call) and len(value.args) > 1):
            continue
        variable = value.args[1].id if isinstance(value.args[1], ast.Name) else ""
        limits = {
            NAME_LIMITS[keyword.arg]: ast.literal_eval(keyword.value)
            for keyword in value.keywords
            if keyword.arg in NAME_LIMITS
        }
        found[str(key.value)] = (variable, limits)
    return found


def _uses(method: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[list[str], str, str]:
    """The builders a method calls, the model it sends, the model it reads back."""
    called: list[str] = []
    sent = received = ""
    for inner in ast.walk(method):
        if not isinstance(inner, ast.Call):
            continue
        name = _name(inner.func)
        if name.startswith("build_"):
            called.append(name)
        elif name == "body" and _on_self(inner.func, "_serialize") and len(inner.args) > 1:
            sent = _text(inner.args[1]) or sent
        elif name == "_deserialize" and _on_self(inner.func) and inner.args:
            received = _text(inner.args[0]) or received
    return called, sent, received


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _on_self(node: ast.expr, *attributes: str) -> bool:
    """Whether ``node`` is ``self.<attributes...>.<x>``."""
    if not isinstance(node, ast.Attribute):
        return False
    owner = node.value
    for attribute in reversed(attributes):
        if not (isinstance(owner, ast.Attribute) and owner.attr == attribute):
            return False
        owner = owner.value
    return isinstance(owner, ast.Name) and owner.id == "self"


def _text(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _strings(node: ast.AST) -> list[str]:
    return [inner.value for inner in ast.walk(node) if isinstance(inner, ast.Constant) and isinstance(inner.value, str)]


def _is_pop(node: ast.Call, key: str) -> bool:
    """Whether ``node`` is ``kwargs.pop("<key>", ...)``."""
    return (
        isinstance(node.func, ast.Attribute)
        and node.func.attr == "pop"
        and _name(node.func.value) == "kwargs"
        and bool(node.args)
        and _text(node.args[0]) == key
    )


def _popped_constant(node: ast.expr) -> str:
    """The default of ``kwargs.pop("x", "default")``, or a plain string constant."""
    if isinstance(node, ast.Call) and _name(node.func) == "pop" and len(node.args) > 1:
        return _text(node.args[1])
    return _text(node)


def _targets(node: ast.Assign) -> list[str]:
    return [target.id for target in node.targets if isinstance(target, ast.Name)]
