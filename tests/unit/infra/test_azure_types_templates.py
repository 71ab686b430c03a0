"""The type check on the real templates against the types of the pinned Azure SDK packages
(requirements-azure-sdk.txt, installed into .tools/azure-sdk by make azure-sdk-deps, which
make lint and make test run first): today's templates pass (every finding and skip is
allow-listed, no entry is stale), and one error of each kind planted in a copy of a template is
caught. Without the packages these tests fail, as make lint does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from infra.azure_types import allowlist, bicep, sdk
from infra.azure_types.__main__ import main
from infra.azure_types.evaluate import Issue, check_folder
from infra.azure_types.typedata import TypeData

INFRA = Path(__file__).resolve().parents[3] / "infra"


@pytest.fixture(scope="module")
def types() -> TypeData:
    assert sdk.releases(sdk.VENV), f"no Azure SDK packages in {sdk.VENV}: run make azure-sdk-deps"
    source = sdk.load(sdk.VENV, bicep.types_used(INFRA))
    assert source.missing == ["Microsoft.Web/connections@2016-06-01"]
    return source.types


def _planted(types: TypeData, template: str, old: str, new: str) -> dict[tuple[str, str, str], Issue]:
    """The issues of the templates with ``old`` replaced by ``new`` in a copy of ``template``,
    less those of today's templates: what the planted error alone causes."""
    text = (INFRA / template).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {template}"
    today = set(check_folder(INFRA, types).issues)
    run = check_folder(INFRA, types, {template: text.replace(old, new)})
    return {(i.kind, i.where, i.path): i for key, i in run.issues.items() if key not in today}


def test_today_s_templates_have_no_issue_outside_the_allow_list(types: TypeData) -> None:
    run = check_folder(INFRA, types)
    verdict = allowlist.judge(list(run.issues.values()), allowlist.load())
    assert verdict.refused == []
    assert verdict.stale == []
    assert verdict.unreasoned == []
    assert run.tally.resources > 60
    assert run.tally.reads > 50


@pytest.mark.parametrize(
    ("template", "old", "new", "expected"),
    [
        pytest.param(
            "modules/storage.bicep",
            "    accessTier: 'Hot'",
            "    accessTier: 'Hot'\n    immutableStorage: true",
            ("unknown", "resource account", "properties.immutableStorage"),
            id="unknown property",
        ),
        pytest.param(
            "modules/storage.bicep",
            "    accessTier: 'Hot'",
            "    accessTier: 'Hot'\n    primaryLocation: 'westeurope'",
            ("read-only", "resource account", "properties.primaryLocation"),
            id="read-only property written",
        ),
        pytest.param(
            "modules/keyvault.bicep",
            "    sku: {\n      family: 'A'\n      name: 'standard'\n    }\n",
            "",
            ("required", "resource vault", "properties.sku"),
            id="required property missing",
        ),
        pytest.param(
            "modules/storage.bicep",
            "resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {\n"
            "  parent: blobService\n  name: deploymentContainerName\n  properties: {\n    publicAccess: 'None'",
            "resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {\n"
            "  parent: blobService\n  name: deploymentContainerName\n  properties: {\n    publicAccess: 'Private'",
            ("enum", "resource deploymentContainer", "properties.publicAccess"),
            id="wrong enum literal",
        ),
        pytest.param(
            "eventgrid.bicep",
            "maxDeliveryAttempts: maxDeliveryAttempts",
            "maxDeliveryAttempts: string(maxDeliveryAttempts)",
            ("type", "resource subscription", "properties.retryPolicy.maxDeliveryAttempts"),
            id="wrong primitive type",
        ),
        pytest.param(
            "modules/function-app.bicep",
            "output defaultHostName string = site.properties.defaultHostName",
            "output defaultHostName string = site.properties.defaultHostNme",
            ("unknown-read", "output defaultHostName", "site.properties.defaultHostNme"),
            id="unknown property read",
        ),
        pytest.param(
            "modules/communication.bicep",
            "output endpoint string = 'https://${communicationService.properties.hostName}'",
            "output endpoint string = 'https://${communicationService.properties.hostname.value}'",
            ("unknown-read", "output endpoint", "communicationService.properties.hostname.value"),
            id="unknown property read in an interpolation",
        ),
        pytest.param(
            "modules/alerts.bicep",
            "            operator: 'GreaterThan'",
            "            operator: 'Greater'",
            ("enum", "resource logAlertRules", "properties.criteria.allOf[0].operator"),
            id="wrong enum literal in a loop's body",
        ),
        pytest.param(
            "modules/communication.bicep",
            "    domainManagement: 'CustomerManaged'\n    userEngagementTracking: 'Disabled'",
            "    domainManagement: 'CustomerManaged'\n    userEngagementTracking: false",
            ("type", "resource ownDomain", "properties.userEngagementTracking"),
            id="wrong type in a conditional resource",
        ),
        pytest.param(
            "main.bicep",
            "    instanceMemoryMB: instanceMemoryMB\n    alwaysReady",
            "    instanceMemoryMB: '2048'\n    alwaysReady",
            ("type", "resource site", "properties.functionAppConfig.scaleAndConcurrency.instanceMemoryMB"),
            id="a module's parameter from its caller",
        ),
    ],
)
def test_a_planted_error_in_a_copy_of_a_template_is_caught(
    types: TypeData, template: str, old: str, new: str, expected: tuple[str, str, str]
) -> None:
    found = _planted(types, template, old, new)
    assert expected in found, f"expected {expected}, found {sorted(found)}"


def _copy(tmp_path: Path) -> Path:
    """A copy of the templates (and main's parameters file), to plant errors in."""
    copy = tmp_path / "infra"
    shutil.copytree(INFRA, copy, ignore=shutil.ignore_patterns("azure_types", "hooks", "*.py", "*.md", "__pycache__"))
    return copy


def _plant(folder: Path, template: str, old: str, new: str) -> None:
    path = folder / template
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_lint_check_passes_on_today_s_templates_and_prints_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    printed = capsys.readouterr().out
    assert "reads in" in printed
    assert printed.rstrip().endswith("azure types: passed")


def test_a_planted_skip_fails_the_check_until_the_allow_list_names_it(
    types: TypeData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(tmp_path)
    _plant(
        copy,
        "modules/monitoring.bicep",
        "retentionInDays: retentionInDays",
        "retentionInDays: loadJsonContent('days.json')",
    )
    assert main(["--infra", str(copy)]) == 1
    printed = capsys.readouterr().out
    assert "FAILED   skipped" in printed
    assert "resource workspace properties.retentionInDays: its value is not known statically" in printed
    allowed = tmp_path / "allowed.toml"
    allowed.write_text(
        allowlist.ALLOWED.read_text(encoding="utf-8")
        + '\n[[allow]]\nkind = "skipped"\nfile = "modules/monitoring.bicep"\nwhere = "resource workspace"\n'
        + 'path = "properties.retentionInDays"\nreason = "read from a file the check does not load"\n',
        encoding="utf-8",
    )
    assert main(["--infra", str(copy), "--allowed", str(allowed)]) == 0


def test_an_allow_list_entry_whose_issue_is_gone_fails_as_stale(
    types: TypeData, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(tmp_path)
    _plant(copy, "modules/mailbox-connector.bicep", "            connectionId: blobConnection.id\n", "")
    assert main(["--infra", str(copy)]) == 1
    assert (
        "stale allow-list entry, it names no issue: skipped modules/mailbox-connector.bicep resource workflow "
        "blobConnection.id" in capsys.readouterr().out
    )


def test_a_type_at_a_version_no_pinned_package_models_is_skipped_and_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(tmp_path)
    _plant(copy, "modules/identity.bicep", "userAssignedIdentities@2023-01-31", "userAssignedIdentities@2024-11-30")
    assert main(["--infra", str(copy)]) == 1
    printed = capsys.readouterr().out
    assert "  no model Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30\n" in printed
    assert (
        "FAILED   skipped         modules/identity.bicep:12 resource identity (body): no Azure type definition of "
        "Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30: its body is not checked"
    ) in printed


def test_the_check_fails_without_the_sdk_packages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sdk", str(tmp_path)]) == 1
    assert "FAILED, no Azure SDK packages in" in capsys.readouterr().out
