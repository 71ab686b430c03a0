"""Azure's resource type definitions, as the Bicep compiler embeds them (the ``Azure/bicep-types-az``
repository's generated ``types.json`` files), trimmed by ``refresh.py`` to the types the templates
use.

A types file is a JSON list of types; a type refers to another by ``{"$ref": "#/N"}`` (the N-th
of the same file). The kinds: ``ResourceType`` (a type@version and its body), ``ObjectType``
(named ``properties``, each with a ``type`` and ``flags``, and maybe ``additionalProperties``),
``DiscriminatedObjectType`` (one of ``elements`` chosen by the value of ``discriminator``, plus
``baseProperties``), ``UnionType``, ``StringLiteralType``, ``StringType``, ``IntegerType``,
``BooleanType``, ``ArrayType``, ``AnyType``. The index (``index.json``, written by refresh) maps
each ``type@version`` to its ``file#/N``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Property flags (bicep-types' ObjectTypePropertyFlags).
REQUIRED = 1
READ_ONLY = 2
WRITE_ONLY = 4
DEPLOY_TIME_CONSTANT = 8

INDEX = "index.json"
LICENSE = "LICENSE"


@dataclass(frozen=True)
class TypeRef:
    """The ``index``-th type of the types file ``file``."""

    file: str
    index: int


class TypeData:
    """Types files in memory, and which resource type@version is where."""

    def __init__(self, files: dict[str, list[dict[str, Any]]], resources: dict[str, str]) -> None:
        self._files = files
        self._resources = {name.lower(): self._pointer(pointer) for name, pointer in resources.items()}

    @classmethod
    def load(cls, folder: Path) -> TypeData:
        """The types refresh wrote to ``folder``."""
        index = json.loads((folder / INDEX).read_text(encoding="utf-8"))
        files = {
            name: json.loads((folder / name).read_text(encoding="utf-8"))
            for name in sorted({pointer.split("#", 1)[0] for pointer in index["resources"].values()})
        }
        return cls(files, index["resources"])

    @staticmethod
    def _pointer(pointer: str) -> TypeRef:
        file, _, fragment = pointer.partition("#/")
        return TypeRef(file, int(fragment))

    def resource_body(self, type_name: str) -> TypeRef | None:
        """The body of the resource type ``Provider/type@version``, None when there is none.
        Azure's type names are case-insensitive."""
        resource = self._resources.get(type_name.lower())
        if resource is None:
            return None
        return self.ref(resource, self.get(resource)["body"])

    def resource_names(self) -> set[str]:
        return {self.get(ref)["name"] for ref in self._resources.values()}

    def get(self, ref: TypeRef) -> dict[str, Any]:
        found: dict[str, Any] = self._files[ref.file][ref.index]
        return found

    def ref(self, base: TypeRef, pointer: dict[str, Any]) -> TypeRef:
        """The type ``pointer`` (``{"$ref": "#/N"}``) names, from the file of ``base``."""
        target: str = pointer["$ref"]
        if not target.startswith("#/"):
            raise ValueError(f"a reference out of its file: {target}")
        return TypeRef(base.file, int(target[2:]))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_problems(folder: Path, expected: dict[str, str]) -> list[str]:
    """What differs between the files in ``folder`` and ``expected`` (name -> sha256): the types
    in use must be exactly those refresh wrote from the commit the manifest names."""
    if not (folder / INDEX).is_file():
        return [f"no Azure type definitions in {folder}: make them with infra/azure_types/refresh.py"]
    present = {path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()}
    problems = [f"{name} is missing" for name in sorted(set(expected) - present)]
    problems += [f"{name} is not one refresh wrote" for name in sorted(present - set(expected))]
    problems += [
        f"{name} differs from what refresh wrote"
        for name in sorted(set(expected) & present)
        if digest(folder / name) != expected[name]
    ]
    return problems
