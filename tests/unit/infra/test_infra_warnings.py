"""What the Bicep compiler would warn about, checked in the templates' source since it cannot run
here: reading a conditional resource or module without the safe-dereference operator (BCP318:
"may be null at the start of the deployment"), and a suppressed diagnostic without its reason; and
the one form the offline parser reads wrongly.

pycep parses ``a.?b`` as ``a.b``, so these rules read the source text; the symbols come from the
parsed templates.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.unit.infra.bicep_names import parse

INFRA = Path(__file__).resolve().parents[3] / "infra"
BICEP_FILES = sorted(INFRA.rglob("*.bicep"))

#: The diagnostics a template may suppress, each for the reason written beside it in the template.
SUPPRESSIBLE = {
    # The type published for Microsoft.Web/connections@2016-06-01 lacks parameterValueSet, which
    # the managed-identity Blob Storage connection needs (mailbox-connector.bicep).
    "BCP037",
}

DISABLE = re.compile(r"#disable-next-line\s+(?P<codes>[A-Za-z0-9-]+(?:\s+[A-Za-z0-9-]+)*)\s*(?://\s*(?P<why>.*))?$")


def _conditional_symbols(path: Path) -> list[str]:
    tree = parse(path)
    return [
        symbol
        for kind in ("resources", "modules")
        for symbol, declared in tree.get(kind, {}).items()
        if declared["config"].get("condition") and "loop_type" not in declared["config"]
    ]


def _code(path: Path) -> list[tuple[int, str]]:
    """(line number, line without its // comment and its string literals' contents)."""
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        code = re.sub(r"'(?:\\.|[^'\\])*'", "''", line)
        lines.append((number, code.split("//", 1)[0]))
    return lines


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda path: str(path.relative_to(INFRA)))
def test_a_conditional_resource_or_module_is_read_only_through_safe_dereference(path: Path) -> None:
    misses = [
        f"{path.name}:{number}: {symbol}.{code.split(symbol + '.', 1)[1][:30]} (write {symbol}.?...)"
        for symbol in _conditional_symbols(path)
        for number, code in _code(path)
        if re.search(rf"(?<![\w.]){re.escape(symbol)}\.(?!\?)", code)
    ]
    assert misses == []


def test_the_rule_sees_the_conditional_module_of_main() -> None:
    assert "mailboxConnector" in _conditional_symbols(INFRA / "main.bicep")


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda path: str(path.relative_to(INFRA)))
def test_every_suppressed_diagnostic_is_a_known_one_with_its_reason(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if "#disable-next-line" not in line:
            continue
        match = DISABLE.search(line.strip())
        assert match, f"{path.name}:{number}: write '#disable-next-line CODE // why'"
        unknown = set(match["codes"].split()) - SUPPRESSIBLE
        assert unknown == set(), f"{path.name}:{number}: {sorted(unknown)} is not among the suppressible diagnostics"
        assert len((match["why"] or "").strip()) >= 20, f"{path.name}:{number}: say why, in a sentence"


def test_the_blob_connection_s_parameter_value_set_carries_its_bcp037_suppression() -> None:
    lines = (INFRA / "modules" / "mailbox-connector.bicep").read_text(encoding="utf-8").splitlines()
    [index] = [number for number, line in enumerate(lines) if line.strip().startswith("parameterValueSet:")]
    assert DISABLE.search(lines[index - 1].strip()), "the line above parameterValueSet must disable BCP037"
    assert "BCP037" in lines[index - 1]


NEGATED_LEFT_OPERAND = re.compile(r"!\s*[\w.]+(?:\([^()]*\))?\s*(?:&&|\|\|)")


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda path: str(path.relative_to(INFRA)))
def test_no_negated_left_operand_of_and_or_or_which_pycep_misreads(path: Path) -> None:
    """pycep parses ``!a && b`` as ``!(a && b)`` (Bicep binds ``!`` first), so every offline check
    that evaluates a condition would read it wrongly: write ``b && !a`` or ``(!a) && b``."""
    found = [
        f"{path.name}:{number}: {code.strip()}" for number, code in _code(path) if NEGATED_LEFT_OPERAND.search(code)
    ]
    assert found == []
