"""Azure's resource types from the Azure SDK for Python's management packages, as pinned in
``requirements-azure-sdk.txt`` and installed by ``make azure-sdk-deps`` into their own virtualenv
(``.tools/azure-sdk``). The packages are only read, never imported.

For each ``type@version`` a template declares, :func:`load` finds the packages' ``PUT`` of that
resource type at that API version (:mod:`sdk_operations`) and makes its body from the model the
SDK sends, with the read-only properties of the model the ``GET`` of the same URL returns
(:mod:`sdk_models`), as Bicep's own type definitions are made from the same specifications:

- ``name`` is required, with the limits (or the constant value) of the URL's last path parameter;
  a type written under fixed names (``sites/config/appsettings``, ``.../web``) is chosen by name,
  like Bicep's: one shape per name;
- ``id``, ``type`` and ``apiVersion`` are read-only.

A multi-API package (``azure/mgmt/storage/v2023_05_01/``) is read only in the folders of the API
versions wanted; a package of one API version is read whole (each builder names its version).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from infra.azure_types.sdk_models import Attribute, Model, Shapes, read_package, ref
from infra.azure_types.sdk_operations import Builder, Resource, read_operations, resource_of
from infra.azure_types.typedata import READ_ONLY, REQUIRED, TypeData

#: The virtualenv make azure-sdk-deps installs the pinned packages into.
VENV = Path(__file__).resolve().parents[2] / ".tools" / "azure-sdk"
REQUIREMENTS = "requirements-azure-sdk.txt"
_VERSION_FOLDER = re.compile(r"^v(\d{4})_(\d{2})_(\d{2})(_[a-z]+)?$")


@dataclass(frozen=True)
class Release:
    """An installed ``azure-mgmt-*`` distribution and the folder of its package."""

    name: str
    version: str
    folder: Path

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


@dataclass(frozen=True)
class Write:
    """A ``PUT`` of a resource type at an API version in one package, with what a ``GET`` of the
    same URL returns."""

    release: Release
    models: Path
    resource: Resource
    builder: Builder
    body: str
    returned: str | None = None


@dataclass
class Source:
    """The types of the wanted ``type@version``s, and where each came from."""

    types: TypeData
    releases: list[Release]
    #: type@version -> "azure-mgmt-web 8.0.0, azure.mgmt.web.v2024_04_01 (Site)".
    found: dict[str, str] = field(default_factory=dict)
    #: The wanted type@versions no pinned package writes.
    missing: list[str] = field(default_factory=list)


def site_packages(venv: Path) -> Path | None:
    return next(iter(sorted(venv.glob("lib/python*/site-packages"))), None)


def releases(venv: Path) -> list[Release]:
    """The ``azure-mgmt-*`` distributions installed in ``venv`` that have operations (not
    ``azure-mgmt-core``, their runtime), with their package folders."""
    root = site_packages(venv)
    if root is None:
        return []
    found = []
    for info in sorted(root.glob("azure_mgmt_*.dist-info")):
        metadata = (info / "METADATA").read_text(encoding="utf-8")
        name = re.search(r"^Name: (.+)$", metadata, re.MULTILINE)
        version = re.search(r"^Version: (.+)$", metadata, re.MULTILINE)
        packages = {
            "/".join(line.split("/")[:3]) for line in (info / "RECORD").read_text(encoding="utf-8").splitlines()
        }
        folders = sorted(root / package for package in packages if package.startswith("azure/mgmt/"))
        if name and version and folders and next(folders[0].rglob("operations"), None) is not None:
            found.append(Release(name.group(1).strip(), version.group(1).strip(), folders[0]))
    return found


def api_version_of(folder: str) -> str | None:
    """The API version of a multi-API package's folder (``v2022_08_01_preview``), else None."""
    match = _VERSION_FOLDER.match(folder)
    if match is None:
        return None
    year, month, day, suffix = match.groups()
    return f"{year}-{month}-{day}" + (suffix.replace("_", "-") if suffix else "")


def _operations_folders(release: Release, versions: set[str]) -> list[tuple[Path, Path]]:
    """(operations folder, models folder) of a release worth reading for ``versions``: not the
    asynchronous copies (``aio``), nor the folders of other API versions."""
    found = []
    for folder in sorted(release.folder.rglob("operations")):
        relative = folder.relative_to(release.folder).parts
        if "aio" in relative or not (folder.parent / "models").is_dir():
            continue
        pinned = [version for part in relative if (version := api_version_of(part)) is not None]
        if pinned and pinned[-1] not in versions:
            continue
        found.append((folder, folder.parent / "models"))
    return found


def _writes(installed: list[Release], keys: set[tuple[str, str]]) -> dict[str, list[Write]]:
    """The writes of each wanted (lower-case) ``type@version``, with the model the ``GET`` of
    the same URL returns."""
    versions = {version for _, version in keys}
    type_names = frozenset(type_name for type_name, _ in keys)
    writes: dict[str, list[Write]] = {}
    returned: dict[tuple[str, str], str] = {}
    for release in installed:
        for operations, models in _operations_folders(release, versions):
            for path in sorted(operations.glob("_*.py")):
                sends, reads = read_operations(path, type_names)
                for call in reads:
                    returned[(call.builder.url.lower(), call.builder.api_version)] = call.model
                for call in sends:
                    resource = resource_of(call.builder.url)
                    if resource is None or (resource.type_name.lower(), call.builder.api_version) not in keys:
                        continue
                    key = f"{resource.type_name}@{call.builder.api_version}".lower()
                    writes.setdefault(key, []).append(Write(release, models, resource, call.builder, call.model))
    return {
        key: [replace(w, returned=returned.get((w.builder.url.lower(), w.builder.api_version))) for w in found]
        for key, found in writes.items()
    }


def load(venv: Path, wanted: Iterable[str]) -> Source:
    """The types of the ``wanted`` ``Provider/type@version``s from the packages in ``venv``."""
    names = {name.lower(): name for name in wanted}
    installed = releases(venv)
    writes = _writes(installed, {(type_name, version) for type_name, _, version in (n.rpartition("@") for n in names)})
    files: dict[str, Shapes] = {}
    resources: dict[str, str] = {}
    source = Source(TypeData({}, {}), installed)
    for key, name in sorted(names.items()):
        found = writes.get(key, [])
        if not found:
            source.missing.append(name)
            continue
        folders = sorted({write.models for write in found})
        if len(folders) > 1:
            raise ValueError(f"{name} is written by more than one package: {', '.join(map(str, folders))}")
        label = ".".join(folders[0].relative_to(found[0].release.folder.parents[2]).parts)
        shapes = files.setdefault(label, Shapes(read_package(folders[0])))
        body = _resource(shapes, name, found)
        resources[name] = f"{label}#/{shapes.add({'$type': 'ResourceType', 'name': name, 'body': ref(body)})}"
        source.found[name] = f"{found[0].release}, {label} ({', '.join(sorted({w.body for w in found}))})"
    source.types = TypeData({label: shapes.types for label, shapes in files.items()}, resources)
    return source


def _resource(shapes: Shapes, name: str, writes: list[Write]) -> int:
    """The body of the resource type ``name`` from its writes: one shape, or one per fixed name."""
    type_name, version = name.rsplit("@", 1)
    named = sorted((w for w in writes if w.resource.literal_name is not None), key=lambda w: w.resource.name)
    if not named or len(named) < len(writes):
        free = next(w for w in writes if w.resource.literal_name is None)
        return shapes.add(_body(shapes, free, _name_type(shapes, free), type_name, version))
    elements = {}
    for write in named:
        literal = str(write.resource.literal_name)
        elements[literal] = ref(shapes.add(_body(shapes, write, shapes.literal(literal), type_name, version)))
    return shapes.add(
        {
            "$type": "DiscriminatedObjectType",
            "name": name,
            "discriminator": "name",
            "baseProperties": {},
            "elements": elements,
        }
    )


def _name_type(shapes: Shapes, write: Write) -> int:
    parameter = write.builder.parameters.get(write.resource.name.strip("{}"), {})
    if "value" in parameter:
        return shapes.literal(str(parameter["value"]))
    return shapes.simple("StringType", **parameter)


def _body(shapes: Shapes, write: Write, name_type: int, type_name: str, version: str) -> dict[str, object]:
    """The model sent, with the read-only properties of the model returned, keyed by JSON path."""
    package = shapes.package
    attributes: dict[str, Attribute] = {}
    returned: Model | None = package.model(write.returned) if write.returned else None
    body = package.model(write.body)
    if body is None:
        raise ValueError(f"{write.release}: {write.body}, the body of {type_name}@{version}, is no model")
    sent = list(body.attributes.values())
    back = list(returned.attributes.values()) if returned is not None and returned is not body else []
    for attribute in back:
        if not any(_overlap(attribute, other) for other in sent):
            attributes[attribute.key] = replace(attribute, validation={**attribute.validation, "readonly": True})
    for attribute in sent:
        never_returned = bool(back) and not any(_overlap(attribute, other) for other in back)
        flagged = {**attribute.validation, "writeonly": True} if never_returned else attribute.validation
        attributes[attribute.key] = replace(attribute, validation=flagged)
    string = shapes.simple("StringType")
    envelope = {
        "name": (name_type, REQUIRED),
        "id": (string, READ_ONLY),
        "type": (shapes.literal(type_name), READ_ONLY),
        "apiVersion": (shapes.literal(version), READ_ONLY),
    }
    return shapes.object(type_name, attributes, envelope)


def _overlap(one: Attribute, other: Attribute) -> bool:
    """Whether two attributes are the same JSON value or one lies inside the other (a flattened
    property of an object the other model holds whole)."""
    shorter = min(len(one.path), len(other.path))
    return one.path[:shorter] == other.path[:shorter]
