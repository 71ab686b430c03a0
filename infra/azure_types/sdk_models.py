"""The model classes of an Azure SDK for Python package, read as Azure types.

The management SDKs are generated from Azure's REST API specifications; each model class carries
what the check needs, as literals in its source (read with :mod:`ast`, never imported):

- ``_attribute_map``: each attribute's JSON ``key`` (``properties.serverFarmId``: a flattened
  property of the ``properties`` object; ``odata\\.type``: one key with a dot; ``""``: the
  object takes additional properties) and its ``type`` (``str``, ``int``, ``bool``, ``object``,
  ``[T]`` an array, ``{T}`` a map, or another model's name);
- ``_validation``: ``readonly``, ``required``, ``constant`` (its value is the class attribute of
  the same name), length, pattern, range and item-count limits;
- ``_subtype_map``: the discriminator of a polymorphic model and the subclass of each value;
- ``__init__``'s annotations: the enum class of a string attribute (``Union[str, "_models.X"]``),
  whose members are the values the API lists.

:class:`Shapes` turns them into the types :mod:`typedata` describes (the shape of
``Azure/bicep-types``: ``ObjectType``, ``DiscriminatedObjectType``, ``UnionType``...). The models
do not say whether an enum is closed: every enum is an open set (a ``UnionType`` of its literals
and ``StringType``).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from infra.azure_types.typedata import READ_ONLY, REQUIRED, WRITE_ONLY

#: Attribute types that are strings in JSON (dates, durations, bytes are sent as text).
STRINGS = frozenset({"str", "iso-8601", "rfc-1123", "date", "time", "duration", "base64", "bytearray"})
#: Numbers: Bicep has integers only, so a float is read as one.
NUMBERS = frozenset({"int", "long", "float", "decimal", "unix-time"})
#: _validation's limits, by the name the types use.
LIMITS = {
    "min_length": "minLength",
    "max_length": "maxLength",
    "pattern": "pattern",
    "minimum": "minValue",
    "maximum": "maxValue",
}
ITEM_LIMITS = {"min_items": "minLength", "max_items": "maxLength"}
_UNESCAPED_DOT = re.compile(r"(?<!\\)\.")


@dataclass(frozen=True)
class Attribute:
    """One attribute of a model class."""

    key: str
    type: str
    validation: dict[str, Any] = field(default_factory=dict)
    #: The source text of its ``__init__`` annotation ("" for a read-only attribute).
    annotation: str = ""
    #: The value of a ``constant`` attribute.
    constant: str | None = None

    @property
    def path(self) -> list[str]:
        """The JSON keys from the model's object to the value (more than one when flattened)."""
        return [part.replace("\\.", ".") for part in _UNESCAPED_DOT.split(self.key)] if self.key else []

    @property
    def flags(self) -> int:
        """REQUIRED, READ_ONLY, and WRITE_ONLY for what :mod:`sdk` marks ``writeonly``."""
        if self.validation.get("readonly"):
            return READ_ONLY
        required = REQUIRED if self.validation.get("required") else 0
        return required | (WRITE_ONLY if self.validation.get("writeonly") else 0)


@dataclass(frozen=True)
class Model:
    name: str
    attributes: dict[str, Attribute]
    #: Discriminator attribute -> value -> subclass name.
    subtypes: dict[str, dict[str, str]] = field(default_factory=dict)


_CLASS = re.compile(r"^(?=class )", re.MULTILINE)
_HEADER = re.compile(r"class (\w+)")


class Package:
    """The models and enums of one models package (``azure/mgmt/web/v2024_04_01/models``), each
    class parsed when first asked for (a package can hold megabytes of them). A class that does not
    write its ``_attribute_map`` or ``_validation`` has its base's; ``_subtype_map`` is a class's
    own (a subclass is one of its base's choices, not a choice itself)."""

    def __init__(self, sources: dict[str, str]) -> None:
        #: Class name -> the source of its definition.
        self.sources = sources
        self._classes: dict[str, _Class] = {}
        self._models: dict[str, Model | None] = {}

    def enum(self, name: str) -> list[str] | None:
        """The values of the enum class ``name``, None when it is no enum."""
        found = self._class(name)
        return found.values if found is not None and "Enum" in found.bases else None

    def model(self, name: str) -> Model | None:
        """The model class ``name``, None when there is none."""
        if name not in self._models:
            self._models[name] = self._model(name)
        return self._models[name]

    def _class(self, name: str) -> _Class | None:
        if name not in self._classes:
            if name not in self.sources:
                return None
            node = ast.parse(self.sources[name]).body[0]
            if not isinstance(node, ast.ClassDef):
                return None
            self._classes[name] = _class(node)
        return self._classes[name]

    def _lineage(self, name: str) -> list[_Class]:
        """The class and its bases in the package, nearest first."""
        found: list[_Class] = []
        while (current := self._class(name)) is not None and len(found) < 50:
            found.append(current)
            name = next((base for base in current.bases if base in self.sources), "")
        return found

    def _model(self, name: str) -> Model | None:
        lineage = self._lineage(name)
        if not lineage or "Enum" in lineage[0].bases:
            return None

        def inherited(key: str) -> Any:
            return next((c.literals[key] for c in lineage if key in c.literals), None)

        attribute_map: dict[str, dict[str, str]] | None = inherited("_attribute_map")
        if attribute_map is None:
            return None
        validation: dict[str, dict[str, Any]] = inherited("_validation") or {}
        constants = {key: value for c in reversed(lineage) for key, value in c.constants.items()}
        annotations = next((c.annotations for c in lineage if c.annotations is not None), None) or {}
        attributes = {
            attribute: Attribute(
                key=spec["key"],
                type=spec["type"],
                validation=validation.get(attribute, {}),
                annotation=annotations.get(attribute, ""),
                constant=constants.get(attribute) if validation.get(attribute, {}).get("constant") else None,
            )
            for attribute, spec in attribute_map.items()
        }
        return Model(name, attributes, lineage[0].literals.get("_subtype_map", {}))


@dataclass(frozen=True)
class _Class:
    """A class as written: its bases and what it defines itself."""

    bases: list[str]
    literals: dict[str, Any]
    #: Its string class attributes (an enum's values, a model's constants).
    constants: dict[str, str]
    #: Its ``__init__``'s annotations, None without an ``__init__`` of its own.
    annotations: dict[str, str] | None

    @property
    def values(self) -> list[str]:
        return list(self.constants.values())


@cache
def read_package(folder: Path) -> Package:
    """The classes defined in the ``*.py`` files of ``folder``, by name (not parsed yet)."""
    sources: dict[str, str] = {}
    for path in sorted(folder.glob("*.py")):
        for block in _CLASS.split(path.read_text(encoding="utf-8")):
            header = _HEADER.match(block)
            if header is not None:
                sources[header.group(1)] = block
    return Package(sources)


def _base_names(node: ast.expr) -> list[str]:
    """The names a base class expression gives: ``Enum``, ``_serialization.Model``, and the
    arguments of the older packages' ``with_metaclass(CaseInsensitiveEnumMeta, str, Enum)``."""
    if isinstance(node, ast.Call):
        return [name for argument in node.args for name in _base_names(argument)]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    return [node.id] if isinstance(node, ast.Name) else []


def _class(node: ast.ClassDef) -> _Class:
    literals: dict[str, Any] = {}
    constants: dict[str, str] = {}
    annotations: dict[str, str] | None = None
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if not isinstance(target, ast.Name):
                continue
            if target.id in ("_attribute_map", "_validation", "_subtype_map"):
                literals[target.id] = ast.literal_eval(statement.value)
            elif isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str):
                constants[target.id] = statement.value.value
        elif isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
            arguments = statement.args
            annotations = {
                argument.arg: ast.unparse(argument.annotation)
                for argument in [*arguments.args, *arguments.kwonlyargs]
                if argument.annotation is not None
            }
    return _Class([name for base in node.bases for name in _base_names(base)], literals, constants, annotations)


class Shapes:
    """Azure types made from one package's models, appended to ``types`` (one types file)."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.types: list[dict[str, Any]] = []
        self._memo: dict[str, int] = {}
        self._simple: dict[str, int] = {}

    def add(self, found: dict[str, Any]) -> int:
        self.types.append(found)
        return len(self.types) - 1

    def simple(self, kind: str, **details: Any) -> int:
        """A type without name or members (``StringType``...), written once per file."""
        key = repr((kind, sorted(details.items())))
        if key not in self._simple:
            self._simple[key] = self.add({"$type": kind, **details})
        return self._simple[key]

    def literal(self, value: str) -> int:
        return self.simple("StringLiteralType", value=value)

    # -- models ------------------------------------------------------------------------------------

    def model(self, name: str) -> int:
        """The type of the model ``name``, made once; a polymorphic model (one with subtypes) is
        the choice among its subclasses."""
        found = self.package.model(name)
        if found is None:
            raise ValueError(f"no model {name!r} in the package")
        if name in self._memo:
            return self._memo[name]
        index = self.add({})
        self._memo[name] = index
        self.types[index] = self._discriminated(found) if found.subtypes else self.object(found.name, found.attributes)
        return index

    def object(
        self, name: str, attributes: dict[str, Attribute], overrides: dict[str, tuple[int, int]] | None = None
    ) -> dict[str, Any]:
        """An ``ObjectType`` of ``attributes``, flattened keys nested as objects of their own.
        ``overrides`` replaces the (type, flags) of top-level keys."""
        tree: dict[str, Any] = {}
        additional: Attribute | None = None
        for attribute in attributes.values():
            path = attribute.path
            if not path:
                additional = attribute
                continue
            node = tree
            for part in path[:-1]:
                node = node.setdefault(part, {})
                if isinstance(node, Attribute):
                    raise ValueError(f"{name}: {attribute.key} nests under a property that is not an object")
            if isinstance(node.get(path[-1]), dict):
                raise ValueError(f"{name}: {attribute.key} is also an object of flattened properties")
            node[path[-1]] = attribute
        found = self._node(name, tree)
        for key, (type_index, flags) in (overrides or {}).items():
            found["properties"][key] = {"type": ref(type_index), "flags": flags}
        if additional is not None:
            value = additional.type[1:-1] if additional.type.startswith("{") else "object"
            found["additionalProperties"] = ref(self.attribute_type(Attribute("", value)))
        return found

    def _node(self, name: str, tree: dict[str, Any]) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for key, item in tree.items():
            if isinstance(item, Attribute):
                properties[key] = {"type": ref(self.attribute_type(item)), "flags": item.flags}
                continue
            inner = self._node(f"{name}.{key}", item)
            properties[key] = {"type": ref(self.add(inner)), "flags": _container_flags(inner)}
        return {"$type": "ObjectType", "name": name, "properties": properties}

    def _discriminated(self, found: Model) -> dict[str, Any]:
        (attribute_name, choices), *_ = found.subtypes.items()
        discriminator = found.attributes[attribute_name].path[-1]
        base = self.object(found.name, found.attributes)
        elements = {}
        for value, subclass in sorted(choices.items()):
            model = self.package.model(subclass)
            if model is None:
                raise ValueError(f"{found.name}'s subtype {subclass!r} is no model of the package")
            element = self.object(subclass, model.attributes)
            element["properties"][discriminator] = {"type": ref(self.literal(value)), "flags": REQUIRED}
            elements[value] = ref(self.add(element))
        base_properties = {key: prop for key, prop in base["properties"].items() if key != discriminator}
        return {
            "$type": "DiscriminatedObjectType",
            "name": found.name,
            "discriminator": discriminator,
            "baseProperties": base_properties,
            "elements": elements,
        }

    # -- attribute types ---------------------------------------------------------------------------

    def attribute_type(self, attribute: Attribute) -> int:
        """The type of an attribute: its ``type`` text, its limits, its enum, its constant."""
        if attribute.constant is not None:
            return self.literal(attribute.constant)
        return self._of(attribute.type, attribute)

    def _of(self, text: str, attribute: Attribute) -> int:
        if text.startswith("[") and text.endswith("]"):
            limits = _limits(attribute.validation, ITEM_LIMITS)
            return self.add({"$type": "ArrayType", "itemType": ref(self._of(text[1:-1], attribute)), **limits})
        if text.startswith("{") and text.endswith("}"):
            value = self._of(text[1:-1], attribute)
            return self.add(
                {"$type": "ObjectType", "name": "map", "properties": {}, "additionalProperties": ref(value)}
            )
        if text == "bool":
            return self.simple("BooleanType")
        if text == "object":
            return self.simple("AnyType")
        if text in NUMBERS:
            return self.simple("IntegerType", **_limits(attribute.validation, LIMITS))
        if text in STRINGS:
            string = self.simple("StringType", **_limits(attribute.validation, LIMITS))
            values = self._enum(attribute.annotation)
            if not values:
                return string
            elements = [ref(self.literal(value)) for value in values]
            return self.add({"$type": "UnionType", "elements": [*elements, ref(string)]})
        if self.package.model(text) is not None:
            return self.model(text)
        raise ValueError(f"an attribute type the models do not define: {text!r}")

    def _enum(self, annotation: str) -> list[str]:
        """The values of the enum an annotation names (``Union[str, "_models.PublicAccess"]``)."""
        for name in re.findall(r"[A-Za-z_]\w*", annotation):
            if (values := self.package.enum(name)) is not None:
                return values
        return []


def _container_flags(inner: dict[str, Any]) -> int:
    """The flags of an object made of flattened properties: read-only (or write-only) when all
    of them are, required when one is."""
    flags = [prop["flags"] for prop in inner["properties"].values()]
    if flags and all(flag & READ_ONLY for flag in flags):
        return READ_ONLY
    required = REQUIRED if any(flag & REQUIRED for flag in flags) else 0
    return required | (WRITE_ONLY if flags and all(flag & WRITE_ONLY for flag in flags) else 0)


def ref(index: int) -> dict[str, str]:
    """A reference to the ``index``-th type of the same file."""
    return {"$ref": f"#/{index}"}


def _limits(validation: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {names[key]: value for key, value in validation.items() if key in names}
