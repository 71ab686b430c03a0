"""A template evaluated as far as it can be before deployment, and checked as it goes.

An :class:`Instance` is one template with its parameters bound: a root template (``main.bicep``,
``eventgrid.bicep``) with the values its parameters file gives (azd's ``${VAR}`` is a value not
known before deployment), else the defaults; a module with what its caller passes, else its
defaults. A parameter with ``@allowed`` values is one of them, whatever is passed.

Every declaration is evaluated: the variables and outputs (so every read of a resource's
properties is checked), each resource's body (checked against its type by :mod:`rules`), each
module's parameters (and the module, as an instance of its own). Both branches of a condition are
values to check; a loop's body is checked for each item of a known array, once for an unknown item
otherwise.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.azure_types import bicep, functions, reads
from infra.azure_types.rules import Problem, Rules, Tally
from infra.azure_types.typedata import WRITE_ONLY, TypeData, TypeRef
from infra.azure_types.values import (
    ComputedKey,
    Kind,
    ModuleRef,
    OneOf,
    ResourceRef,
    Unknown,
    alternatives,
    declared_kind,
    describe,
    is_known,
    lift,
    one_of,
)

#: Keys of a resource body that are Bicep's, not the type's.
BICEP_KEYS = frozenset({"parent", "scope", "dependsOn"})
#: Keys an ``existing`` resource may have.
EXISTING_KEYS = frozenset({"name", "parent", "scope"})
#: At most this many items of a known array are checked one by one; past it, one of them.
MOST_ITEMS = 50


@dataclass(frozen=True)
class Issue:
    """A finding or a skip, where it is: ``where`` is the declaration (``resource site``,
    ``output endpoint``), ``path`` the property in its body or the chain it reads."""

    kind: str
    file: str
    line: int
    where: str
    path: str
    message: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.kind, self.file, self.where, self.path)


@dataclass
class Run:
    """What a check of a folder of templates shares: the types, the issues, the tally."""

    folder: Path
    types: TypeData
    #: Parsed templates by path (a test's planted copy instead of the file).
    trees: dict[Path, dict[str, Any]] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)
    issues: dict[tuple[str, str, str, str], Issue] = field(default_factory=dict)

    def add(self, issue: Issue) -> None:
        self.issues.setdefault(issue.key, issue)

    @property
    def rules(self) -> Rules:
        return Rules(self.types, self.tally)


@dataclass(frozen=True)
class Site:
    """The declaration being evaluated, for the issues found there."""

    where: str
    line: int


class Instance:
    def __init__(self, run: Run, path: Path, given: dict[str, Any] | None) -> None:
        self.run = run
        self.path = path
        self.file = path.relative_to(run.folder).as_posix()
        self.tree = run.trees[path] if path in run.trees else bicep.parse_file(path)
        self.given = given
        self.from_file = _parameters_file(path) if given is None else {}
        self.resources = {declaration.symbol: declaration for declaration in bicep.resources(self.tree)}
        self.modules = {declaration.symbol: declaration for declaration in bicep.modules(self.tree, path.parent)}
        self._memo: dict[str, Any] = {}
        self._children: dict[str, Instance] = {}

    # -- the walk ---------------------------------------------------------------------------------

    def check(self) -> None:
        """Evaluate and check every declaration of the template, and of the modules it calls."""
        for name in self.tree.get("parameters", {}):
            self.symbol(name, {}, Site(f"parameter {name}", 0))
        for name in self.tree.get("variables", {}):
            self.symbol(name, {}, Site(f"variable {name}", 0))
        for declaration in self.resources.values():
            self._check_resource(declaration)
        for symbol in self.modules:
            self.child(symbol).check()
        for name in self.tree.get("outputs", {}):
            self.output(name)

    def _check_resource(self, declaration: bicep.ResourceDeclaration) -> None:
        site = Site(f"resource {declaration.symbol}", declaration.line)
        for scope in self._loop_scopes(declaration.loop, site):
            if declaration.condition is not None:
                self.value(declaration.condition, scope, site)
            body = {key: self.value(node, scope, site) for key, node in declaration.body.items()}
            self.run.tally.resources += 1
            type_body = self.run.types.resource_body(declaration.type_name)
            if type_body is None:
                self._report(
                    site, Problem("skipped", "", f"{_undefined(declaration.type_name)}: its body is not checked")
                )
                continue
            written = {key: item for key, item in body.items() if key not in BICEP_KEYS}
            if declaration.existing:
                for key in set(written) - EXISTING_KEYS:
                    self._report(
                        site, Problem("unknown", key, f"an existing resource takes only name, parent, scope: {key!r}")
                    )
                written = {key: item for key, item in written.items() if key in EXISTING_KEYS}
                problems = self._check_existing(written, type_body)
            else:
                problems = self.run.rules.check(written, type_body, "")
            for problem in problems:
                self._report(site, problem)

    def _check_existing(self, written: dict[str, Any], body: TypeRef) -> list[Problem]:
        """An existing resource is only named: its name is checked against the type's."""
        found = self.run.types.get(body)
        if found["$type"] != "ObjectType" or "name" not in written:
            return []
        name_type = self.run.types.ref(body, found["properties"]["name"]["type"])
        return self.run.rules.check(written["name"], name_type, "name")

    def _loop_scopes(self, declared: bicep.Loop | None, site: Site) -> list[dict[str, Any]]:
        """The loop variables of each pass to check (one empty scope without a loop)."""
        if declared is None:
            return [{}]
        source = self.value(declared.source, {}, site)
        items = self._items(source, declared, f"an item of {describe(source)}")
        return [
            {declared.item: item, **({declared.index: number} if declared.index else {})}
            for number, item in enumerate(items)
        ]

    def _items(self, source: Any, declared: bicep.Loop, origin: str) -> list[Any]:
        if declared.over_object:
            source = functions.call("items", [source])
        known = [option for option in alternatives(source) if isinstance(option, list)]
        items = [item for option in known for item in option]
        if items and len(known) == len(alternatives(source)):
            return items if len(items) <= MOST_ITEMS else [one_of(items, origin)]
        return [*items, Unknown("any", origin)]

    def child(self, symbol: str) -> Instance:
        """The instance of the module ``symbol`` calls, its parameters evaluated here."""
        if symbol not in self._children:
            declaration = self.modules[symbol]
            site = Site(f"module {symbol}", declaration.line)
            scopes = self._loop_scopes(declaration.loop, site)
            scope = {name: one_of([s[name] for s in scopes], name) for name in scopes[0]}
            if declaration.condition is not None:
                self.value(declaration.condition, scope, site)
            for key in ("name", "scope", "dependsOn"):
                if key in declaration.body:
                    self.value(declaration.body[key], scope, site)
            given = {key: self.value(node, scope, site) for key, node in declaration.body.get("params", {}).items()}
            self._children[symbol] = Instance(self.run, declaration.path, given)
        return self._children[symbol]

    def output(self, name: str) -> Any:
        key = f"output {name}"
        if key not in self._memo:
            declared = self.tree["outputs"][name]
            site = Site(key, int(declared.get("__start_line__", 0)))
            self._memo[key] = self.value(declared["value"], {}, site)
        return self._memo[key]

    # -- symbols ----------------------------------------------------------------------------------

    def symbol(self, name: str, scope: dict[str, Any], site: Site) -> Any:
        if name in scope:
            return scope[name]
        if name in self.resources:
            return ResourceRef(self, name, collection=self.resources[name].loop is not None)
        if name in self.modules:
            return ModuleRef(self, name)
        if name in self._memo:
            return self._memo[name]
        if name in self.tree.get("parameters", {}):
            self._memo[name] = Unknown("any", f"parameter {name}, which depends on itself")
            self._memo[name] = self._parameter(name)
        elif name in self.tree.get("variables", {}):
            self._memo[name] = Unknown("any", f"variable {name}, which depends on itself")
            declared = self.tree["variables"][name]
            self._memo[name] = self.value(
                declared["value"], {}, Site(f"variable {name}", int(declared.get("__start_line__", 0)))
            )
        else:
            self._report(site, Problem("unknown-read", name, f"{name} is declared nowhere in {self.file}"))
            return Unknown("any", f"the undeclared {name}")
        return self._memo[name]

    def _parameter(self, name: str) -> Any:
        declared = self.tree["parameters"][name]
        kind = declared_kind(declared.get("type"))
        site = Site(f"parameter {name}", int(declared.get("__start_line__", 0)))
        if self.given is not None and name in self.given:
            value = self.given[name]
        elif name in self.from_file:
            value = self.from_file[name]
            if isinstance(value, str) and value.startswith("${"):
                value = Unknown(kind, f"parameter {name} (azd fills it from {value})")
        elif declared.get("default") is not None:
            value = self.value(declared["default"], {}, site)
        else:
            value = Unknown(kind, f"parameter {name}")
        allowed = bicep.allowed_values(declared)
        if allowed is not None and not is_known(value):
            value = one_of(allowed, f"parameter {name}")
        return value

    # -- expressions ------------------------------------------------------------------------------

    def value(self, node: Any, scope: dict[str, Any], site: Site) -> Any:
        """What ``node`` evaluates to, every read in it checked."""
        if node is None or isinstance(node, bool | int):
            return node
        if bicep.is_name(node):
            return self.symbol(str(node), scope, site)
        if isinstance(node, str):
            return self._string(bicep.string_parts(node), scope, site)
        if isinstance(node, list):
            return [self.value(item, scope, site) for item in node]
        if (declared_loop := bicep.loop(node)) is not None:
            source = self.value(declared_loop.source, scope, site)
            items = self._items(source, declared_loop, f"an item of {describe(source)}")
            result = []
            for number, item in enumerate(items):
                inner = {**scope, declared_loop.item: item}
                if declared_loop.index:
                    inner[declared_loop.index] = number
                if declared_loop.condition is not None:
                    self.value(declared_loop.condition, inner, site)
                result.append(self.value(declared_loop.body, inner, site))
            return result
        if (found := bicep.operator(bicep.reassociate(node))) is not None:
            return self._operator(bicep.reassociate(node), found[0], found[1], scope, site)
        if (called := bicep.function(node)) is not None:
            name, arguments = called
            return functions.call(name, [self.value(argument, scope, site) for argument in arguments])
        if isinstance(node, dict) and node.get("type") == "lambda_expression":
            return Unknown("any", "a lambda")
        if isinstance(node, dict):
            return {self._key(key, scope, site): self.value(item, scope, site) for key, item in node.items()}
        return Unknown("any", f"an expression the check does not model: {node!r}")

    def _string(self, parts: list[str | bicep.Hole], scope: dict[str, Any], site: Site) -> Any:
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]
        pieces = [part if isinstance(part, str) else self.value(part.expression, scope, site) for part in parts]

        def glue(*values: Any) -> Any:
            if all(isinstance(value, str | int | bool) for value in values):
                return "".join(functions.call("string", [value]) for value in values)
            unknown = [
                value.origin if isinstance(value, Unknown) else describe(value)
                for value in values
                if not isinstance(value, str | int | bool)
            ]
            return Unknown("string", "a string built from " + ", ".join(unknown))

        return lift(glue, pieces, "an interpolated string")

    def _key(self, key: str, scope: dict[str, Any], site: Site) -> str | ComputedKey:
        text = self._string(bicep.key_parts(key), scope, site)
        return text if isinstance(text, str) else ComputedKey(describe(text))

    def _operator(self, node: Any, kind: str, operands: dict[str, Any], scope: dict[str, Any], site: Site) -> Any:
        if kind in ("property_accessor", "nested_resource_accessor", "index_accessor", "function_accessor"):
            head, steps = bicep.chain(node)
            return self._access(head, steps, scope, site)
        values = {name: self.value(operand, scope, site) for name, operand in operands.items()}
        if kind == "conditional":
            return one_of([values["true_value"], values["false_value"]], "a condition")
        if kind == "coalesce":
            return one_of([value for value in values.values() if value is not None], "??")
        arguments = list(values.values())
        compute = _OPERATORS.get(kind)
        if compute is None:
            return Unknown("any", f"the operator {kind}")
        operation, result_kind = compute

        def apply(*known: Any) -> Any:
            if all(isinstance(value, str | int | bool) or value is None for value in known):
                return operation(*known)
            return Unknown(result_kind, f"{kind} of values not known before deployment")

        return lift(apply, arguments, kind)

    # -- reads ------------------------------------------------------------------------------------

    def _access(self, head: Any, steps: list[bicep.Step], scope: dict[str, Any], site: Site) -> Any:
        base = self.value(head, scope, site)
        label = str(head) if bicep.is_name(head) else "(...)"
        return self._follow(base, label, steps, scope, site)

    def _follow(self, base: Any, label: str, steps: list[bicep.Step], scope: dict[str, Any], site: Site) -> Any:
        for number, step in enumerate(steps):
            if isinstance(base, OneOf):
                return one_of([self._follow(o, label, steps[number:], scope, site) for o in base.options], label)
            if isinstance(base, ResourceRef):
                return base.instance._read(base, label, steps[number:], scope, site)
            if isinstance(base, ModuleRef):
                return base.instance._module_read(base, label, steps[number:], scope, site)
            index = self.value(step.node, scope, site) if step.how == "index" else None
            label = bicep.dotted(label, [step])
            base = _element(base, step, index, label)
        return base

    def _module_read(
        self, ref: ModuleRef, label: str, steps: list[bicep.Step], scope: dict[str, Any], site: Site
    ) -> Any:
        child = self.child(ref.symbol)
        first = steps[0]
        if first.how == "prop" and first.name == "outputs" and len(steps) > 1:
            name = steps[1].name
            if name not in child.tree.get("outputs", {}):
                self._report(
                    site,
                    Problem("unknown-read", bicep.dotted(label, steps[:2]), f"{child.file} has no output {name!r}"),
                )
                return Unknown("any", bicep.dotted(label, steps[:2]))
            return self._follow(child.output(name), bicep.dotted(label, steps[:2]), steps[2:], scope, site)
        if first.how == "prop" and first.name == "name":
            name_value = self.value(self.modules[ref.symbol].body.get("name"), {}, site)
            return self._follow(name_value, f"{label}.name", steps[1:], scope, site)
        return Unknown("any", bicep.dotted(label, steps))

    def _read(self, ref: ResourceRef, label: str, steps: list[bicep.Step], scope: dict[str, Any], site: Site) -> Any:
        """A read of the resource ``ref``'s ``steps``, each property checked against its type."""
        first = steps[0]
        if first.how == "index" and ref.collection:
            self.value(first.node, scope, site)
            return self._follow(ResourceRef(self, ref.symbol), f"{label}[...]", steps[1:], scope, site)
        if first.how == "child":
            nested = f"{ref.symbol}__{first.name}"
            if nested not in self.resources:
                self._report(
                    site,
                    Problem("unknown-read", bicep.dotted(label, steps[:1]), f"{ref.symbol} has no nested {first.name}"),
                )
                return Unknown("any", bicep.dotted(label, steps[:1]))
            return self._follow(ResourceRef(self, nested), bicep.dotted(label, steps[:1]), steps[1:], scope, site)
        declaration = self.resources[ref.symbol]
        if first.how == "prop" and first.name == "name":
            return self._follow(self._name(declaration, site), f"{label}.name", steps[1:], scope, site)
        self.run.tally.reads += 1
        body = self.run.types.resource_body(declaration.type_name)
        if body is None:
            path = bicep.dotted(label, steps)
            self._report(
                site, Problem("skipped", path, f"{_undefined(declaration.type_name)}: the read is not checked")
            )
            return Unknown("any", path)
        current: TypeRef | None = self._select(body, declaration)
        path = label
        for step in steps:
            if current is None:
                break
            if step.how == "call":
                return Unknown("any", f"{bicep.dotted(path, [step])}")
            if step.how == "index":
                index = self.value(step.node, scope, site)
                path = bicep.dotted(path, [step])
                current = reads.item_type(self.run.types, current, index)
                continue
            path = bicep.dotted(path, [step])
            found = reads.property_type(self.run.types, current, step.name)
            if isinstance(found, str):
                return Unknown("any", path)
            if found is None:
                owner = reads.type_name(self.run.types, current)
                self._report(site, Problem("unknown-read", path, f"{owner} has no property {step.name!r}"))
                return Unknown("any", path)
            prop_ref, flags = found
            if flags & WRITE_ONLY:
                self._report(
                    site, Problem("write-only-read", path, f"{step.name!r} is write-only: Azure never returns it")
                )
            current = prop_ref
        if current is None:
            return Unknown("any", path)
        return reads.typed_unknown(self.run.types, current, path)

    def _name(self, declaration: bicep.ResourceDeclaration, site: Site) -> Any:
        """The name of a declared resource (a loop's resources: a string not known here)."""
        if declaration.loop is not None:
            return Unknown("string", f"the name of an item of {declaration.symbol}")
        return self.value(declaration.body.get("name"), {}, site)

    def _select(self, body: TypeRef, declaration: bicep.ResourceDeclaration) -> TypeRef:
        """The shape of a resource whose type is chosen by its name (``sites/config``)."""
        found = self.run.types.get(body)
        if found["$type"] == "DiscriminatedObjectType" and found["discriminator"] == "name":
            name = self._name(declaration, Site(f"resource {declaration.symbol}", declaration.line))
            element = found["elements"].get(name) if isinstance(name, str) else None
            if element is not None:
                return self.run.types.ref(body, element)
        return body

    # -- issues -----------------------------------------------------------------------------------

    def _report(self, site: Site, problem: Problem) -> None:
        self.run.add(Issue(problem.kind, self.file, site.line, site.where, problem.path, problem.message))


def _undefined(type_name: str) -> str:
    return f"no Azure type definition of {type_name}"


def _element(base: Any, step: bicep.Step, index: Any, label: str) -> Any:
    """``base.name`` or ``base[index]`` of a value that is no resource or module."""
    if step.how == "prop" and isinstance(base, dict):
        match = next((key for key in base if isinstance(key, str) and key.lower() == step.name.lower()), None)
        return base[match] if match is not None else Unknown("any", label)
    if step.how == "index" and isinstance(base, list) and isinstance(index, int) and 0 <= index < len(base):
        return base[index]
    if step.how == "index" and isinstance(base, dict) and isinstance(index, str) and index in base:
        return base[index]
    return Unknown("any", label)


_OPERATORS: dict[str, tuple[Any, Kind]] = {
    "not": (lambda value: not value, "bool"),
    "and": (lambda left, right: bool(left and right), "bool"),
    "or": (lambda left, right: bool(left or right), "bool"),
    "equals": (lambda left, right: left == right, "bool"),
    "not_equals": (lambda left, right: left != right, "bool"),
    "equals_case_insensitive": (lambda left, right: str(left).lower() == str(right).lower(), "bool"),
    "not_equals_case_insensitive": (lambda left, right: str(left).lower() != str(right).lower(), "bool"),
    "greater_than": (lambda left, right: left > right, "bool"),
    "greater_than_or_equals": (lambda left, right: left >= right, "bool"),
    "less_than": (lambda left, right: left < right, "bool"),
    "less_than_or_equals": (lambda left, right: left <= right, "bool"),
    "add": (lambda left, right: left + right, "int"),
    "substract": (lambda left, right: left - right, "int"),
    "multiply": (lambda left, right: left * right, "int"),
    "divide": (lambda left, right: left // right if right else None, "int"),
    "modulo": (lambda left, right: left % right if right else None, "int"),
    "minus": (lambda value: -value, "int"),
}


def _parameters_file(path: Path) -> dict[str, Any]:
    """The values of ``<template>.parameters.json`` beside a root template (azd's), if any."""
    beside = path.with_name(f"{path.stem}.parameters.json")
    if not beside.is_file():
        return {}
    parameters = json.loads(beside.read_text(encoding="utf-8")).get("parameters", {})
    return {name: spec.get("value") for name, spec in parameters.items() if "value" in spec}


def check_folder(folder: Path, types: TypeData, texts: dict[str, str] | None = None) -> Run:
    """Check every template under ``folder``: each root (a template no other calls as a module)
    as an instance of its own, each module through its callers. ``texts`` replaces the text of
    some templates (relative name -> text), as the tests plant errors."""
    run = Run(folder.resolve(), types)
    paths = sorted(run.folder.rglob("*.bicep"))
    for path in paths:
        name = path.relative_to(run.folder).as_posix()
        run.trees[path] = bicep.parse_text(texts[name]) if texts and name in texts else bicep.parse_file(path)
    called = {declaration.path for path, tree in run.trees.items() for declaration in bicep.modules(tree, path.parent)}
    for path in paths:
        if path not in called:
            Instance(run, path, None).check()
    return run
