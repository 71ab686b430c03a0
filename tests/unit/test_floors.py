"""The import contracts of ``.importlinter`` stay complete as the code grows: the domain's and the
settings' contracts forbid every runtime dependency the app declares (but ``holidays``, which the
domain may use), and the edges' contract holds every module of ``functions/`` but the composition
root. ``lint-imports`` checks the contracts; this checks that they name everything they must."""

from __future__ import annotations

import configparser
import re
from importlib.metadata import distribution
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: The one module of ``functions/`` that may build adapters.
COMPOSITION_ROOT = "functions.dependencies"


def _contract(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(inline_comment_prefixes=None, comment_prefixes=(";", "#"))
    parser.read(ROOT / ".importlinter", encoding="utf-8")
    return parser[f"importlinter:contract:{name}"]


def _listed(contract: configparser.SectionProxy, key: str) -> set[str]:
    return {line.strip() for line in contract[key].splitlines() if line.strip()}


def _runtime_imports() -> set[str]:
    """The top-level import names of every distribution ``requirements.txt`` pins: the first
    folder (or the module) of each Python file the distribution installed."""
    names: set[str] = set()
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if not requirement:
            continue
        files = distribution(re.split(r"[\[=<>!~ ]", requirement, maxsplit=1)[0]).files or []
        names |= {
            file.parts[0].removesuffix(".py")
            for file in files
            if file.suffix == ".py" and ".dist-info" not in file.parts[0] and file.parts[0] != ".."
        }
    assert {"azure", "jinja2"} <= names, names
    return names


@pytest.mark.parametrize(("contract", "allowed"), [("domain", {"holidays"}), ("config", set()), ("pure", {"holidays"})])
def test_a_pure_floor_forbids_every_runtime_dependency_but_those_it_may_use(contract: str, allowed: set[str]) -> None:
    forbidden = _listed(_contract(contract), "forbidden_modules")
    missing = _runtime_imports() - allowed - forbidden
    assert missing == set(), f"add {sorted(missing)} to the forbidden modules of contract {contract!r}"


def test_the_edges_contract_holds_every_module_of_functions_but_the_composition_root() -> None:
    functions = ROOT / "functions"
    modules = {f"functions.{path.stem}" for path in functions.glob("*.py") if path.stem != "__init__"}
    packages = {f"functions.{path.parent.name}" for path in functions.glob("*/__init__.py")}
    expected = (modules | packages) - {COMPOSITION_ROOT}
    assert _listed(_contract("edges"), "source_modules") == expected


def test_the_composition_root_is_no_source_of_the_edges_contract() -> None:
    assert COMPOSITION_ROOT not in _listed(_contract("edges"), "source_modules")
