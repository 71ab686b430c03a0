"""Azure's resource types in the shape the Bicep compiler's own definitions have (those of
``Azure/bicep-types``), which :mod:`sdk` makes from the Azure SDK for Python's models.

A types file is a list of types; a type refers to another by ``{"$ref": "#/N"}`` (the N-th of the
same file). The kinds: ``ResourceType`` (a type@version and its body), ``ObjectType`` (named
``properties``, each with a ``type`` and ``flags``, and maybe ``additionalProperties``),
``DiscriminatedObjectType`` (one of ``elements`` chosen by the value of ``discriminator``, plus
``baseProperties``), ``UnionType``, ``StringLiteralType``, ``StringType``, ``IntegerType``,
``BooleanType``, ``ArrayType``, ``AnyType``; strings, integers and arrays may carry
``minLength``/``maxLength``, ``pattern``, ``minValue``/``maxValue``. The resources map each
``type@version`` to its ``file#/N``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Property flags (bicep-types' ObjectTypePropertyFlags).
REQUIRED = 1
READ_ONLY = 2
WRITE_ONLY = 4


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

    def get(self, ref: TypeRef) -> dict[str, Any]:
        found: dict[str, Any] = self._files[ref.file][ref.index]
        return found

    def ref(self, base: TypeRef, pointer: dict[str, Any]) -> TypeRef:
        """The type ``pointer`` (``{"$ref": "#/N"}``) names, from the file of ``base``."""
        target: str = pointer["$ref"]
        if not target.startswith("#/"):
            raise ValueError(f"a reference out of its file: {target}")
        return TypeRef(base.file, int(target[2:]))
