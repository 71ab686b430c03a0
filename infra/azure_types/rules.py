"""The rules: a value written into a resource body against the Azure type of that place.

The kinds of finding:

- ``unknown``: a property the type does not have (and no ``additionalProperties`` to take it);
- ``read-only``: a property Azure sets itself, written;
- ``required``: a required property missing from an object that is written;
- ``enum``: a string that is none of the literals the type lists (the SDK's models do not say
  whether a set is closed, so Azure may still take it: a finding to allow-list with its reason);
- ``type``: a value of the wrong primitive type (an int for a string, a string for an object...);
- ``constraint``: a known value outside the type's length, pattern or range.

And ``skipped``: what the check cannot read statically (a value of kind ``any``, an unknown
string where only one literal is allowed, an object or array not known before deployment),
with the reason. An unknown value of the right kind where the type only constrains its length,
pattern or range (a name made with ``uniqueString()``) is counted as an unverified constraint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from infra.azure_types.typedata import READ_ONLY, REQUIRED, TypeData, TypeRef
from infra.azure_types.values import ComputedKey, ModuleRef, OneOf, ResourceRef, Unknown, describe, kind_of

#: The kinds of value each kind of Azure type takes.
ACCEPTS: dict[str, frozenset[str]] = {
    "StringType": frozenset({"string"}),
    "StringLiteralType": frozenset({"string"}),
    "IntegerType": frozenset({"int"}),
    "BooleanType": frozenset({"bool"}),
    "NullType": frozenset({"null"}),
    "ArrayType": frozenset({"array"}),
    "ObjectType": frozenset({"object"}),
    "DiscriminatedObjectType": frozenset({"object"}),
}


@dataclass(frozen=True)
class Problem:
    """A finding (or a skip) at ``path`` inside the value checked."""

    kind: str
    path: str
    message: str


@dataclass
class Tally:
    """What the check read, for its summary line."""

    resources: int = 0
    properties: int = 0
    reads: int = 0
    unverified_constraints: int = 0
    unverified: list[str] = field(default_factory=list)


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class Rules:
    def __init__(self, types: TypeData, tally: Tally) -> None:
        self.types = types
        self.tally = tally

    def check(self, value: Any, ref: TypeRef, path: str) -> list[Problem]:
        """Every problem of ``value`` written where the type ``ref`` is expected."""
        if isinstance(value, OneOf):
            return [problem for option in value.options for problem in self.check(option, ref, path)]
        found = self.types.get(ref)
        kind = found["$type"]
        if kind == "AnyType":
            return []
        if isinstance(value, Unknown):
            return self._unknown(value, ref, path)
        if isinstance(value, ResourceRef | ModuleRef):
            return [Problem("type", path, f"{describe(value)} is given where a value is expected")]
        if kind == "UnionType":
            return self._union(value, ref, path)
        if kind == "DiscriminatedObjectType":
            return self._discriminated(value, ref, path)
        if kind not in ACCEPTS:
            return [Problem("skipped", path, f"the type check does not model Azure's {kind}")]
        if kind_of(value) not in ACCEPTS[kind]:
            return [Problem("type", path, f"{_expected(found)} expected, {describe(value)} given")]
        if kind == "StringLiteralType" and value != found["value"]:
            return [Problem("enum", path, f"{value!r} given where only {found['value']!r} is allowed")]
        if kind == "ObjectType":
            return self._object(value, ref, path)
        if kind == "ArrayType":
            problems = self._constraints(value, found, path)
            item = self.types.ref(ref, found["itemType"])
            for number, element in enumerate(value):
                problems += self.check(element, item, f"{path}[{number}]")
            return problems
        return self._constraints(value, found, path)

    # -- unknown values ---------------------------------------------------------------------------

    def _unknown(self, value: Unknown, ref: TypeRef, path: str) -> list[Problem]:
        found = self.types.get(ref)
        kind = found["$type"]
        if value.kind == "any":
            return [Problem("skipped", path, f"its value is not known statically: {value.origin}")]
        accepted = self._accepted(ref)
        if value.kind not in accepted:
            return [Problem("type", path, f"{_expected(found)} expected, {describe(value)} given")]
        if kind == "UnionType":
            members = [self.types.ref(ref, element) for element in found["elements"]]
            candidates = [self._unknown(value, m, path) for m in members if value.kind in self._accepted(m)]
            return min(candidates, key=len, default=[])
        if kind == "StringLiteralType":
            return [Problem("skipped", path, f"{value.origin} is not known statically; only {found['value']!r} is")]
        if kind in ("StringType", "IntegerType") and _constrained(found):
            self.tally.unverified_constraints += 1
            self.tally.unverified.append(f"{path}: {value.origin}")
        if kind == "ArrayType" and self.types.get(self.types.ref(ref, found["itemType"]))["$type"] != "AnyType":
            return [Problem("skipped", path, f"an array not known statically ({value.origin}): its items are unread")]
        if kind in ("ObjectType", "DiscriminatedObjectType"):
            addition = found.get("additionalProperties")
            open_object = addition is not None and self.types.get(self.types.ref(ref, addition))["$type"] == "AnyType"
            if not (open_object and not _required(found)):
                return [Problem("skipped", path, f"an object not known statically ({value.origin})")]
        return []

    def _accepted(self, ref: TypeRef) -> frozenset[str]:
        found = self.types.get(ref)
        if found["$type"] == "AnyType":
            return frozenset({"string", "int", "bool", "array", "object", "null", "any"})
        if found["$type"] == "UnionType":
            return frozenset().union(*(self._accepted(self.types.ref(ref, m)) for m in found["elements"]))
        return ACCEPTS.get(found["$type"], frozenset())

    # -- unions, objects ---------------------------------------------------------------------------

    def _union(self, value: Any, ref: TypeRef, path: str) -> list[Problem]:
        found = self.types.get(ref)
        members = [self.types.ref(ref, element) for element in found["elements"]]
        literals = [self.types.get(m)["value"] for m in members if self.types.get(m)["$type"] == "StringLiteralType"]
        others = [m for m in members if self.types.get(m)["$type"] != "StringLiteralType"]
        if isinstance(value, str) and literals:
            if value in literals:
                return []
            listed = ", ".join(repr(literal) for literal in literals)
            case = next((literal for literal in literals if literal.lower() == value.lower()), None)
            differs = f" (it differs from {case!r} in case only)" if case else ""
            return [Problem("enum", path, f"{value!r} is none of the values the API lists: {listed}{differs}")]
        outcomes = [self.check(value, member, path) for member in others]
        if any(not outcome for outcome in outcomes):
            return []
        skips = [o for o in outcomes if all(problem.kind == "skipped" for problem in o)]
        if skips:
            return skips[0]
        kinds = " or ".join(sorted({_expected(self.types.get(m)) for m in members}))
        if len(outcomes) == 1:
            return outcomes[0]
        return [Problem("type", path, f"{describe(value)} is none of {kinds}")]

    def _object(
        self, value: dict[Any, Any], ref: TypeRef, path: str, extra: dict[str, Any] | None = None
    ) -> list[Problem]:
        found = self.types.get(ref)
        properties: dict[str, Any] = {**found.get("properties", {}), **(extra or {})}
        by_lower = {name.lower(): name for name in properties}
        addition = found.get("additionalProperties")
        problems: list[Problem] = []
        given: set[str] = set()
        computed = False
        for key, item in value.items():
            if isinstance(key, ComputedKey):
                computed = True
                if addition is not None:
                    problems += self.check(item, self.types.ref(ref, addition), join(path, "[computed]"))
                else:
                    problems.append(
                        Problem("skipped", join(path, "[computed]"), f"a key computed at deployment ({key.origin})")
                    )
                continue
            here = join(path, key)
            name = key if key in properties else by_lower.get(key.lower())
            if name is None:
                if addition is not None:
                    self.tally.properties += 1
                    problems += self.check(item, self.types.ref(ref, addition), here)
                else:
                    known = ", ".join(sorted(n for n, p in properties.items() if not p.get("flags", 0) & READ_ONLY))
                    problems.append(
                        Problem(
                            "unknown",
                            here,
                            f"{found.get('name', 'the object')} has no property {key!r}; it has: {known}",
                        )
                    )
                continue
            given.add(name)
            self.tally.properties += 1
            prop = properties[name]
            flags = prop.get("flags", 0)
            if flags & READ_ONLY:
                problems.append(
                    Problem("read-only", here, f"{name!r} is set by Azure (read-only); it cannot be written")
                )
            elif item is not None or flags & REQUIRED:
                problems += self.check(item, self.types.ref(ref, prop["type"]), here)
        for name, prop in properties.items():
            flags = prop.get("flags", 0)
            if flags & REQUIRED and not flags & READ_ONLY and name not in given:
                if computed:
                    problems.append(
                        Problem("skipped", join(path, name), "required, and keys are computed at deployment")
                    )
                else:
                    problems.append(
                        Problem("required", join(path, name), f"{found.get('name', 'the object')} requires {name!r}")
                    )
        return problems

    def _discriminated(self, value: Any, ref: TypeRef, path: str) -> list[Problem]:
        found = self.types.get(ref)
        if isinstance(value, Unknown):
            return self._unknown(value, ref, path)
        if not isinstance(value, dict):
            return [Problem("type", path, f"an object expected, {describe(value)} given")]
        key = found["discriminator"]
        chosen = next((k for k in value if isinstance(k, str) and k.lower() == key.lower()), None)
        if chosen is None:
            return [Problem("required", join(path, key), f"{found['name']} requires {key!r}, which chooses its shape")]
        elements = found["elements"]
        problems: list[Problem] = []
        for option in value[chosen].options if isinstance(value[chosen], OneOf) else (value[chosen],):
            if not isinstance(option, str):
                problems += [
                    Problem("skipped", join(path, key), f"{describe(option)} chooses the shape: not known statically")
                ]
                continue
            element = elements.get(option) or next(
                (e for n, e in elements.items() if n.lower() == option.lower()), None
            )
            if element is None:
                listed = ", ".join(repr(name) for name in elements)
                problems.append(Problem("enum", join(path, key), f"{option!r} is not allowed; allowed: {listed}"))
                continue
            alone = {**value, chosen: option}
            problems += self._object(alone, self.types.ref(ref, element), path, extra=found.get("baseProperties"))
        return problems

    # -- constraints -------------------------------------------------------------------------------

    def _constraints(self, value: Any, found: dict[str, Any], path: str) -> list[Problem]:
        problems = []
        if isinstance(value, str | list):
            if "minLength" in found and len(value) < found["minLength"]:
                problems.append(Problem("constraint", path, f"{len(value)} long, at least {found['minLength']} needed"))
            if "maxLength" in found and len(value) > found["maxLength"]:
                problems.append(Problem("constraint", path, f"{len(value)} long, at most {found['maxLength']} allowed"))
        if isinstance(value, str) and "pattern" in found:
            try:
                matches = re.search(found["pattern"], value) is not None
            except re.error:
                matches = True
                self.tally.unverified_constraints += 1
                self.tally.unverified.append(f"{path}: the pattern {found['pattern']!r} is not one Python reads")
            if not matches:
                problems.append(Problem("constraint", path, f"{value!r} does not match {found['pattern']!r}"))
        if isinstance(value, int) and not isinstance(value, bool):
            if "minValue" in found and value < found["minValue"]:
                problems.append(Problem("constraint", path, f"{value} is below the minimum {found['minValue']}"))
            if "maxValue" in found and value > found["maxValue"]:
                problems.append(Problem("constraint", path, f"{value} is above the maximum {found['maxValue']}"))
        return problems


def _constrained(found: dict[str, Any]) -> bool:
    return any(key in found for key in ("minLength", "maxLength", "pattern", "minValue", "maxValue"))


def _required(found: dict[str, Any]) -> bool:
    return any(prop.get("flags", 0) & REQUIRED for prop in found.get("properties", {}).values())


def _expected(found: dict[str, Any]) -> str:
    names = {
        "StringType": "a string",
        "StringLiteralType": f"the string {found.get('value')!r}",
        "IntegerType": "an int",
        "BooleanType": "a bool",
        "NullType": "null",
        "ArrayType": "an array",
        "ObjectType": "an object",
        "DiscriminatedObjectType": "an object",
        "UnionType": "one of a union",
        "AnyType": "any value",
    }
    return names.get(found["$type"], str(found["$type"]))
