"""The Bicep templates, checked offline: they parse, they hang together, and they give the Function
App exactly the settings the code reads and the storage the code uses.

The Bicep CLI cannot be installed here, so ``pycep`` (a Bicep parser from PyPI) stands in for the
syntax check, and the rules below for a few of the semantic ones. What this does not catch (unknown
properties, wrong types, API versions, what Azure itself refuses) is listed in docs/deploy.md.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pycep import BicepParser

from shared import storage_layout

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
MAIN = INFRA / "main.bicep"
FUNCTION_APP = INFRA / "modules" / "function-app.bicep"
BICEP_FILES = sorted(INFRA.rglob("*.bicep"))

#: Settings in local.settings.sample.json that exist only for local runs, each with the settings
#: that take its place on Azure (empty: the platform takes its place, see the comment).
LOCAL_ONLY: dict[str, tuple[str, ...]] = {
    # The host's storage by connection string (Azurite) -> by identity.
    "AzureWebJobsStorage": (
        "AzureWebJobsStorage__blobServiceUri",
        "AzureWebJobsStorage__queueServiceUri",
        "AzureWebJobsStorage__tableServiceUri",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
    ),
    # The desk's tables by connection string -> by endpoint and managed identity.
    "TABLES_CONNECTION_STRING": ("TABLES_ENDPOINT", "AZURE_CLIENT_ID"),
    # The key set `devhost token` writes -> the identity provider's keys.
    "AUTH_LOCAL_JWKS_FILE": ("AUTH_JWKS_URL",),
    # The .eml file drop -> Azure Communication Services by identity.
    "MAIL_DROP_DIR": ("ACS_ENDPOINT",),
    # Flex Consumption takes the runtime from functionAppConfig.runtime.
    "FUNCTIONS_WORKER_RUNTIME": (),
    # Worker indexing is the Python v2 model's default on Azure.
    "AzureWebJobsFeatureFlags": (),
}

#: Settings for the host and the platform, not read by the app's code.
PLATFORM: frozenset[str] = frozenset(
    {
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    }
)

#: Settings Flex Consumption no longer accepts (functions-app-settings.md, Flex deprecations).
DEPRECATED_ON_FLEX = (
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "WEBSITE_RUN_FROM_PACKAGE",
    "WEBSITE_CONTENT",  # WEBSITE_CONTENTAZUREFILECONNECTIONSTRING, WEBSITE_CONTENTSHARE, ...
    "WEBSITE_TIME_ZONE",
    "WEBSITE_NODE_DEFAULT_VERSION",
)

#: The built-in roles the templates may assign: id -> name. A new role is a decision, made here.
ALLOWED_ROLES: dict[str, str] = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
    "09976791-48a7-449e-bb21-39d1a415f350": "Communication and Email Service Owner",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
}

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")


@cache
def _parse(path: Path) -> dict[str, Any]:
    tree: dict[str, Any] = BicepParser().parse(file_path=path)
    return tree


def _walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _resources(tree: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(symbolic name, type, body) of each resource; a loop's body is its item's."""
    for name, resource in tree.get("resources", {}).items():
        config = resource["config"]
        if "loop_type" in config:
            config = config["config"]
        yield name, resource["type"], config


def _function_app_settings() -> dict[str, Any]:
    tree = _parse(FUNCTION_APP)
    configs = [
        body
        for _, kind, body in _resources(tree)
        if kind == "Microsoft.Web/sites/config" and body.get("name") == "appsettings"
    ]
    assert len(configs) == 1, "function-app.bicep must set the app settings in one sites/config 'appsettings'"
    settings: dict[str, Any] = configs[0]["properties"]
    return settings


def _sample_settings() -> set[str]:
    values = json.loads((ROOT / "local.settings.sample.json").read_text(encoding="utf-8"))["Values"]
    return set(values)


def _code_strings() -> set[str]:
    """Every string constant in the app's code: the names it reads are among them."""
    strings: set[str] = set()
    sources = [ROOT / "function_app.py", *(ROOT / "shared").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    return strings


# -- syntax and structure -------------------------------------------------------------------------


def test_the_templates_exist() -> None:
    assert MAIN in BICEP_FILES
    assert FUNCTION_APP in BICEP_FILES
    assert (INFRA / "main.parameters.json").is_file()
    assert (ROOT / "azure.yaml").is_file()


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda path: str(path.relative_to(INFRA)))
def test_every_bicep_file_parses(path: Path) -> None:
    # A syntax error raises (lark's UnexpectedToken / UnexpectedCharacters): the test fails.
    tree = _parse(path)
    assert tree.get("resources") or tree.get("modules"), f"{path.name} declares nothing"


def _module_links() -> Iterator[tuple[Path, str, dict[str, Any], dict[str, Any]]]:
    """(file, symbolic name, module body, the target module's tree) for every local module."""
    for path in BICEP_FILES:
        for name, module in _parse(path).get("modules", {}).items():
            assert module["type"] == "local", f"{path.name}: module {name} is not a local file"
            target = (path.parent / module["detail"]["path"]).resolve()
            assert target.is_file(), f"{path.name}: module {name} points at a missing file {target}"
            yield path, name, module["config"], _parse(target)


def test_every_module_is_given_exactly_the_parameters_it_declares() -> None:
    for path, name, config, target in _module_links():
        declared = target.get("parameters", {})
        given = set(config.get("params", {}))
        required = {param for param, spec in declared.items() if spec.get("default") is None}
        assert given <= set(declared), f"{path.name}: module {name} is given unknown {sorted(given - set(declared))}"
        assert required <= given, f"{path.name}: module {name} misses required {sorted(required - given)}"


def test_every_module_output_used_exists() -> None:
    for path, name, _, target in _module_links():
        outputs = set(target.get("outputs", {}))
        for node in _walk(_parse(path)):
            if not (isinstance(node, dict) and node.get("operator", {}).get("type") == "property_accessor"):
                continue
            operands = node["operator"]["operands"]
            inner = operands["operand_2"]
            if operands["operand_1"] != name or not isinstance(inner, dict):
                continue
            accessed = inner.get("operator", {}).get("operands", {})
            if accessed.get("operand_1") == "outputs":
                output = accessed["operand_2"]
                output = output if isinstance(output, str) else output["operator"]["operands"]["operand_1"]
                assert output in outputs, f"{path.name}: {name}.outputs.{output} is not an output of the module"


def test_main_parameters_file_names_only_parameters_of_main() -> None:
    declared = _parse(MAIN)["parameters"]
    given = json.loads((INFRA / "main.parameters.json").read_text(encoding="utf-8"))["parameters"]
    assert set(given) <= set(declared), sorted(set(given) - set(declared))
    for name, spec in declared.items():
        generated = any(
            decorator["type"] == "metadata" and decorator["argument"].get("azd", {}).get("type") == "generate"
            for decorator in spec["decorators"]
        )
        if spec.get("default") is None and not generated:
            assert name in given, f"main.bicep parameter {name} has no default, no azd value, nothing generates it"


def test_outputs_are_upper_snake_case_for_azd() -> None:
    outputs = _parse(MAIN)["outputs"]
    assert outputs
    for name in outputs:
        assert UPPER_SNAKE.fullmatch(name), f"main.bicep output {name} is not UPPER_SNAKE_CASE"


# -- the Function App -----------------------------------------------------------------------------


def _site() -> dict[str, Any]:
    sites = [body for _, kind, body in _resources(_parse(FUNCTION_APP)) if kind == "Microsoft.Web/sites"]
    assert len(sites) == 1
    return sites[0]


def test_the_function_app_runs_python_3_11_on_flex_consumption() -> None:
    plans = [body for _, kind, body in _resources(_parse(FUNCTION_APP)) if kind == "Microsoft.Web/serverfarms"]
    assert [plan["sku"] for plan in plans] == [{"name": "FC1", "tier": "FlexConsumption"}]
    config = _site()["properties"]["functionAppConfig"]
    assert config["runtime"] == {"name": "python", "version": "3.11"}
    storage = config["deployment"]["storage"]
    assert storage["type"] == "blobContainer"
    assert storage["authentication"]["type"] == "UserAssignedIdentity"
    assert {"maximumInstanceCount", "instanceMemoryMB"} <= set(config["scaleAndConcurrency"])


def test_the_app_settings_are_exactly_the_settings_the_code_reads() -> None:
    sample = _sample_settings()
    assert set(LOCAL_ONLY) <= sample, f"local-only settings missing from the sample: {set(LOCAL_ONLY) - sample}"
    azure_counterparts = {name for names in LOCAL_ONLY.values() for name in names}
    expected = (sample - set(LOCAL_ONLY)) | azure_counterparts | PLATFORM
    deployed = set(_function_app_settings())
    assert deployed - expected == set(), f"Bicep sets settings the code does not read: {sorted(deployed - expected)}"
    assert expected - deployed == set(), f"Bicep misses settings the code reads: {sorted(expected - deployed)}"


def test_every_app_setting_the_template_sets_is_named_in_the_code() -> None:
    strings = _code_strings()
    for name in set(_function_app_settings()) - PLATFORM:
        if name.startswith("AzureWebJobsStorage__"):
            continue  # read by the host, not by the app
        assert name in strings or f"%{name}%" in strings, f"{name} is set by Bicep but no code names it"


def test_no_setting_deprecated_on_flex_consumption_appears_anywhere_in_infra() -> None:
    for path in [*BICEP_FILES, INFRA / "main.parameters.json"]:
        text = path.read_text(encoding="utf-8")
        for name in DEPRECATED_ON_FLEX:
            assert name not in text, f"{path.name} mentions {name}, which Flex Consumption does not accept"
    for name in _function_app_settings():
        assert not name.startswith(DEPRECATED_ON_FLEX), name
        assert name != "TZ", "SLA deadlines are computed in UTC in code; no time zone setting"


def test_the_reply_token_key_comes_from_key_vault_and_mail_goes_through_acs() -> None:
    settings = _function_app_settings()
    assert settings["MAIL_REPLY_TOKEN_KEY"].startswith("@Microsoft.KeyVault(SecretUri=")
    assert settings["MAIL_SENDER_KIND"] == "acs"
    assert settings["MAIL_FROM"].startswith("DoNotReply@")
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].endswith("Authorization=AAD")
    main = _parse(MAIN)["parameters"]
    secrets = [name for name, spec in main.items() if any(d["type"] == "secure" for d in spec["decorators"])]
    assert secrets == ["mailReplyTokenKey"]
    assert main["mailReplyTokenKey"]["default"] is None, "a secret must not have a default in a file"


# -- identity and roles ---------------------------------------------------------------------------


def test_every_role_id_is_an_allowed_role_named_in_a_comment() -> None:
    used: set[str] = set()
    for path in BICEP_FILES:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            for role_id in GUID.findall(line):
                role_id = role_id.lower()
                assert role_id in ALLOWED_ROLES, f"{path.name}:{number + 1}: {role_id} is not an allowed role"
                assert re.match(r"\s*var \w+RoleId = '", line), f"{path.name}:{number + 1}: role id not in a variable"
                comment = lines[number - 1].strip()
                assert comment.startswith(f"// {ALLOWED_ROLES[role_id]}:"), (
                    f"{path.name}:{number + 1}: the line above must name the role ({ALLOWED_ROLES[role_id]})"
                )
                used.add(role_id)
    assert used == set(ALLOWED_ROLES), f"allowed but unused roles: {sorted(set(ALLOWED_ROLES) - used)}"


def test_role_assignments_have_deterministic_names_and_a_service_principal() -> None:
    assignments = [
        (path, body)
        for path in BICEP_FILES
        for _, kind, body in _resources(_parse(path))
        if kind == "Microsoft.Authorization/roleAssignments"
    ]
    assert len(assignments) == len(ALLOWED_ROLES)
    for path, body in assignments:
        assert body["name"]["function"]["type"] == "guid", f"{path.name}: role assignment name is not guid(...)"
        assert body["properties"]["principalType"] == "ServicePrincipal"
        assert "scope" in body, f"{path.name}: a role assignment without a narrow scope"


def test_the_function_app_runs_as_the_user_assigned_identity_only() -> None:
    site = _site()
    assert site["identity"]["type"] == "UserAssigned"
    assert site["properties"]["keyVaultReferenceIdentity"] == "identityId"


# -- storage --------------------------------------------------------------------------------------


def _storage_account() -> dict[str, Any]:
    tree = _parse(INFRA / "modules" / "storage.bicep")
    accounts = [body for _, kind, body in _resources(tree) if kind == "Microsoft.Storage/storageAccounts"]
    assert len(accounts) == 1
    return accounts[0]


def test_the_storage_account_allows_no_shared_key_and_no_public_blob() -> None:
    properties = _storage_account()["properties"]
    assert properties["allowSharedKeyAccess"] is False
    assert properties["allowBlobPublicAccess"] is False
    assert properties["minimumTlsVersion"] == "TLS1_2"
    assert properties["supportsHttpsTrafficOnly"] is True


def test_the_storage_layout_is_created_by_the_templates() -> None:
    variables = _parse(MAIN)["variables"]
    assert variables["tableNames"]["value"] == list(storage_layout.TABLES)
    assert variables["blobContainerNames"]["value"] == list(storage_layout.BLOB_CONTAINERS)
    assert variables["queueNames"]["value"] == list(storage_layout.QUEUES)
    storage = _parse(INFRA / "modules" / "storage.bicep")
    loops = {
        kind: body
        for _, kind, body in _resources(storage)
        if kind.endswith(("/tables", "/containers", "/queues")) and body.get("name") != "deploymentContainerName"
    }
    assert set(loops) == {
        "Microsoft.Storage/storageAccounts/tableServices/tables",
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        "Microsoft.Storage/storageAccounts/queueServices/queues",
    }
    module = _parse(MAIN)["modules"]["storage"]["config"]["params"]
    assert (module["tableNames"], module["blobContainerNames"], module["queueNames"]) == (
        "tableNames",
        "blobContainerNames",
        "queueNames",
    )
    loop_arrays = {
        body_kind: resource["config"]["loop_type"]["detail"]["array_name"]
        for resource in storage["resources"].values()
        if "loop_type" in resource["config"]
        for body_kind in [resource["type"]]
    }
    assert loop_arrays == {
        "Microsoft.Storage/storageAccounts/tableServices/tables": "tableNames",
        "Microsoft.Storage/storageAccounts/blobServices/containers": "blobContainerNames",
        "Microsoft.Storage/storageAccounts/queueServices/queues": "queueNames",
    }


# -- monitoring -----------------------------------------------------------------------------------


def test_application_insights_takes_entra_id_only_and_sits_on_log_analytics() -> None:
    tree = _parse(INFRA / "modules" / "monitoring.bicep")
    kinds = {kind: body for _, kind, body in _resources(tree)}
    assert "Microsoft.OperationalInsights/workspaces" in kinds
    properties = kinds["Microsoft.Insights/components"]["properties"]
    assert properties["DisableLocalAuth"] is True
    assert "WorkspaceResourceId" in properties
