"""The Bicep templates, checked offline: they parse, they hang together, and they give the Function
App exactly the settings the code reads and the storage the code uses; the Event Grid wiring, the
mailbox connector, the alerts and the azd hook say what docs/deploy.md says they do.

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
import yaml
from pycep import BicepParser

from shared.adapters import storage_layout

ROOT = Path(__file__).resolve().parents[3]
INFRA = ROOT / "infra"
MAIN = INFRA / "main.bicep"
FUNCTION_APP = INFRA / "modules" / "function-app.bicep"
EVENTGRID = INFRA / "eventgrid.bicep"
EVENTS = INFRA / "modules" / "events.bicep"
ALERTS = INFRA / "modules" / "alerts.bicep"
MAILBOX = INFRA / "modules" / "mailbox-connector.bicep"
HOOKS = INFRA / "hooks"
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
    "AUTH_STAFF_LOCAL_JWKS_FILE": ("AUTH_STAFF_JWKS_URL",),
    # The mail functions' storage (blob trigger, poison queue) by connection string -> by identity;
    # a blob trigger needs the queue endpoint as well as the blob one.
    "MailStorage": (
        "MailStorage__blobServiceUri",
        "MailStorage__queueServiceUri",
        "MailStorage__credential",
        "MailStorage__clientId",
    ),
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

#: Settings the code reads that Azure does without, each for a reason (besides ``LOCAL_ONLY``).
NOT_ON_AZURE: dict[str, str] = {
    "SMTP_HOST": "the SMTP sender; on Azure mail goes through ACS (MAIL_SENDER_KIND=acs)",
    "SMTP_PORT": "the SMTP sender",
    "SMTP_USERNAME": "the SMTP sender",
    "SMTP_PASSWORD": "the SMTP sender (a secret: never in a template)",
    "SMTP_STARTTLS": "the SMTP sender",
    "ACS_CONNECTION_STRING": "ACS by access key; on Azure ACS is reached by identity (ACS_ENDPOINT)",
    "WEBSITE_INSTANCE_ID": "set by the platform on every instance",
}

#: Settings Flex Consumption no longer accepts (functions-app-settings.md, Flex deprecations).
DEPRECATED_ON_FLEX = (
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "WEBSITE_RUN_FROM_PACKAGE",
    "WEBSITE_CONTENT",  # WEBSITE_CONTENTAZUREFILECONNECTIONSTRING, WEBSITE_CONTENTSHARE, ...
    "WEBSITE_TIME_ZONE",
    "WEBSITE_NODE_DEFAULT_VERSION",
)

#: Site properties listed among the Flex Consumption plan deprecations (functions-app-settings,
#: "Flex Consumption plan deprecations") that a template could still set under siteConfig. FTP is
#: off through the ftp basicPublishingCredentialsPolicies resource instead.
DEPRECATED_SITE_CONFIG_ON_FLEX = ("ftpsState",)

#: The built-in roles the templates may assign: id -> name. A new role is a decision, made here.
ALLOWED_ROLES: dict[str, str] = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
    "09976791-48a7-449e-bb21-39d1a415f350": "Communication and Email Service Owner",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
}

#: Every role assignment: (file, role) -> the resource it is scoped to (the scope expression's
#: symbolic name). Nothing at resource group or subscription scope.
ROLE_ASSIGNMENTS: dict[tuple[str, str], str] = {
    ("rbac.bicep", "Storage Blob Data Owner"): "storageAccount",
    ("rbac.bicep", "Storage Queue Data Contributor"): "storageAccount",
    ("rbac.bicep", "Storage Table Data Contributor"): "storageAccount",
    ("rbac.bicep", "Monitoring Metrics Publisher"): "appInsights",
    ("rbac.bicep", "Communication and Email Service Owner"): "communicationService",
    ("rbac.bicep", "Key Vault Secrets User"): "keyVault",
    # Event Grid's topic identity writes dead letters, to that one container.
    ("events.bicep", "Storage Blob Data Contributor"): "storageAccount::blobService::deadLetterContainer",
    # The mailbox connector writes .eml blobs, to inbound-email only.
    ("mailbox-connector.bicep", "Storage Blob Data Contributor"): "storageAccount::blobService::inboundContainer",
}

#: The messages the app logs at WARNING for the alerts to count (each alert query names its token).
ALERT_LOG_TOKENS = ("sla_breached ", "mail_quarantined ", "mail_send_failed ")

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
UPPER_SNAKE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")
SETTING_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


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


def _body(config: dict[str, Any]) -> dict[str, Any]:
    """The body of a resource or module: a loop's item's, a condition's guarded one."""
    while "loop_type" in config or "condition" in config:
        config = config["config"]
    return config


def _resources(tree: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(symbolic name, type, body) of each resource; a loop's body is its item's."""
    for name, resource in tree.get("resources", {}).items():
        yield name, resource["type"], _body(resource["config"])


def _one(path: Path, kind: str) -> dict[str, Any]:
    """The body of the one resource of ``kind`` that ``path`` declares (not an existing one)."""
    bodies = [
        body
        for name, found, body in _resources(_parse(path))
        if found == kind and not _parse(path)["resources"][name].get("existing")
    ]
    assert len(bodies) == 1, f"{path.name}: {len(bodies)} resources of type {kind}"
    return bodies[0]


def _plain_keys(node: Any) -> Any:
    """``node`` with quoted object keys (``'$connections'``, as pycep keeps them) unquoted."""
    if isinstance(node, dict):
        return {key.strip("'") if isinstance(key, str) else key: _plain_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain_keys(value) for value in node]
    return node


def _default(path: Path, parameter: str) -> Any:
    return _parse(path)["parameters"][parameter]["default"]


def _is_secure(path: Path, parameter: str) -> bool:
    return any(d["type"] == "secure" for d in _parse(path)["parameters"][parameter]["decorators"])


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


def _code_sources() -> list[Path]:
    return [ROOT / "function_app.py", *(ROOT / "shared").rglob("*.py"), *(ROOT / "functions").rglob("*.py")]


def _settings_the_code_reads() -> set[str]:
    """The settings the app's code reads, found in its syntax: a setting-like name given to a
    call that is handed the environment (``_optional(environ, "X")``, ``os.getenv("X")``,
    ``environ.get("X")``) or to a bare ``get("X")`` (the readers' closures over it), an
    ``environ["X"]``, a binding's ``connection="X"`` and a ``"%X%"`` binding expression."""
    names: set[str] = set()
    for source in _code_sources():
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                handed_environ = "environ" in ast.unparse(node.func) or any(
                    "environ" in ast.unparse(argument)
                    for argument in node.args
                    if not isinstance(argument, ast.Constant)
                )
                bare_get = isinstance(node.func, ast.Name) and node.func.id == "get"
                getenv = isinstance(node.func, ast.Attribute) and node.func.attr == "getenv"
                if handed_environ or bare_get or getenv:
                    names |= {
                        argument.value
                        for argument in node.args
                        if isinstance(argument, ast.Constant)
                        and isinstance(argument.value, str)
                        and SETTING_NAME.fullmatch(argument.value)
                    }
                names |= {
                    keyword.value.value
                    for keyword in node.keywords
                    if keyword.arg == "connection"
                    and isinstance(keyword.value, ast.Constant)
                    and isinstance(keyword.value.value, str)
                }
            elif isinstance(node, ast.Subscript) and "environ" in ast.unparse(node.value):
                if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                    names.add(node.slice.value)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and (match := re.fullmatch(r"%(\w+)%", node.value))
            ):
                names.add(match.group(1))
    return names


def _sample_settings() -> set[str]:
    values = json.loads((ROOT / "local.settings.sample.json").read_text(encoding="utf-8"))["Values"]
    return set(values)


def _code_strings() -> set[str]:
    """Every string constant in the app's code: the names it reads are among them."""
    strings: set[str] = set()
    for source in _code_sources():
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
            yield path, name, _body(module["config"]), _parse(target)


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


def test_the_app_settings_are_the_sample_s_settings_both_ways() -> None:
    """Bicep sets every setting of local.settings.sample.json (a local-only one through its Azure
    counterparts) and nothing else but the host's own."""
    sample = _sample_settings()
    assert set(LOCAL_ONLY) <= sample, f"local-only settings missing from the sample: {set(LOCAL_ONLY) - sample}"
    azure_counterparts = {name for names in LOCAL_ONLY.values() for name in names}
    expected = (sample - set(LOCAL_ONLY)) | azure_counterparts | PLATFORM
    deployed = set(_function_app_settings())
    assert deployed - expected == set(), f"Bicep sets settings the sample lacks: {sorted(deployed - expected)}"
    assert expected - deployed == set(), f"Bicep misses settings of the sample: {sorted(expected - deployed)}"


def test_every_setting_the_code_reads_is_set_by_bicep_and_in_the_sample() -> None:
    read = _settings_the_code_reads()
    assert {"AUTH_ISSUER", "MAIL_SENDER_KIND", "OUTBOX_SCHEDULE", "TICKET_PREFIX"} <= read, "the finder lost its way"
    deployed = set(_function_app_settings())
    sample = _sample_settings()
    azure_counterparts = {name for names in LOCAL_ONLY.values() for name in names}
    for name in read - set(NOT_ON_AZURE):
        assert name in sample or name in azure_counterparts, (
            f"the code reads {name}; local.settings.sample.json must list it (or LOCAL_ONLY as an Azure counterpart)"
        )
        if name in LOCAL_ONLY:
            assert set(LOCAL_ONLY[name]) <= deployed, f"{name}'s Azure counterparts are missing from Bicep"
        else:
            # A binding connection may be set whole or as identity-based NAME__* settings.
            assert name in deployed or any(d.startswith(f"{name}__") for d in deployed), (
                f"the code reads {name}; Bicep does not set it"
            )


def test_every_app_setting_the_template_sets_is_named_in_the_code() -> None:
    strings = _code_strings()
    for name in set(_function_app_settings()) - PLATFORM:
        if name.startswith(("AzureWebJobsStorage__", "MailStorage__")):
            continue  # identity-based connections: read by the host (and by shared.config.inbound.load_mail_storage)
        assert name in strings or f"%{name}%" in strings, f"{name} is set by Bicep but no code names it"


def test_the_settings_without_a_code_default_worth_a_parameter_keep_the_sample_s_values() -> None:
    """The email-in, outbox and claim settings are main.bicep parameters whose defaults are the
    sample's values (which are the code's defaults)."""
    values = json.loads((ROOT / "local.settings.sample.json").read_text(encoding="utf-8"))["Values"]
    parameters = _parse(MAIN)["parameters"]
    settings = _function_app_settings()
    module = _body(_parse(MAIN)["modules"]["functionApp"]["config"])["params"]
    for name, value in settings.items():
        if not name.startswith(("INBOUND_", "OUTBOX_", "AUTH_CUSTOMER_CLAIM")):
            continue
        argument = value["function"]["parameters"]["value_to_convert"] if isinstance(value, dict) else value
        main_parameter = module[argument]
        assert str(parameters[main_parameter]["default"]) == values[name], f"{name}: default differs from the sample"


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
    assert settings["MAIL_FROM"] == "mailFrom", "MAIL_FROM comes from communication.bicep (test_infra_mail_sender.py)"
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


def _scope_name(scope: Any) -> str:
    """``storageAccount`` or ``storageAccount::blobService::container`` from a scope expression."""
    if isinstance(scope, str):
        return scope
    operands = scope["operator"]["operands"]
    return f"{operands['operand_1']}::{_scope_name(operands['operand_2'])}"


def test_role_assignments_have_deterministic_names_and_a_service_principal() -> None:
    found: dict[tuple[str, str], str] = {}
    for path in BICEP_FILES:
        variables = _parse(path).get("variables", {})
        for _, kind, body in _resources(_parse(path)):
            if kind != "Microsoft.Authorization/roleAssignments":
                continue
            assert body["name"]["function"]["type"] == "guid", f"{path.name}: role assignment name is not guid(...)"
            assert body["properties"]["principalType"] == "ServicePrincipal"
            assert "scope" in body, f"{path.name}: a role assignment without a narrow scope"
            role_variable = body["properties"]["roleDefinitionId"]["function"]["parameters"]["resource_name_1"]
            role = ALLOWED_ROLES[variables[role_variable]["value"]]
            assert (path.name, role) not in found, f"{path.name}: {role} assigned twice"
            found[(path.name, role)] = _scope_name(body["scope"])
    assert found == ROLE_ASSIGNMENTS


def test_the_app_identity_can_run_every_trigger_it_has() -> None:
    """Blob trigger (Event Grid source) and poison-queue trigger on MailStorage: Blob Data Owner and
    Queue Data Contributor on the account; the desk's tables: Table Data Contributor. MailStorage
    and the host's storage are the same account, the one these roles are scoped to."""
    settings = _function_app_settings()
    assert settings["MailStorage__blobServiceUri"] == "mailBlobEndpoint"
    assert settings["MailStorage__queueServiceUri"] == "mailQueueEndpoint"
    assert settings["MailStorage__credential"] == "managedidentity"
    assert settings["MailStorage__clientId"] == "identityClientId"
    module = _body(_parse(MAIN)["modules"]["functionApp"]["config"])["params"]
    for setting in ("mailBlobEndpoint", "blobEndpoint"):
        assert module[setting]["operator"]["operands"]["operand_1"] == "storage"
    for role in ("Storage Blob Data Owner", "Storage Queue Data Contributor", "Storage Table Data Contributor"):
        assert ROLE_ASSIGNMENTS[("rbac.bicep", role)] == "storageAccount"


def test_the_site_sets_no_site_property_flex_consumption_deprecates() -> None:
    site_config = _site()["properties"]["siteConfig"]
    assert set(site_config) & set(DEPRECATED_SITE_CONFIG_ON_FLEX) == set()
    ftp = [
        body
        for _, kind, body in _resources(_parse(FUNCTION_APP))
        if kind == "Microsoft.Web/sites/basicPublishingCredentialsPolicies" and body["name"] == "ftp"
    ]
    assert [policy["properties"]["allow"] for policy in ftp] == [False], "FTP must stay off through the policy"


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


def test_the_storage_layout_holds_the_email_in_resources() -> None:
    assert "InboundMail" in storage_layout.TABLES
    assert {"inbound-email", "inbound-quarantine", "ticket-attachments"} <= set(storage_layout.BLOB_CONTAINERS)
    assert storage_layout.EVENT_GRID_DEAD_LETTER_CONTAINER in storage_layout.BLOB_CONTAINERS
    assert "webjobs-blobtrigger-poison" in storage_layout.QUEUES
    variables = _parse(MAIN)["variables"]
    assert variables["eventGridDeadLetterContainerName"]["value"] == storage_layout.EVENT_GRID_DEAD_LETTER_CONTAINER
    assert variables["inboundContainerName"]["value"] == "inbound-email"


# -- Event Grid -----------------------------------------------------------------------------------


def test_the_system_topic_watches_the_storage_account_with_its_own_identity() -> None:
    topic = _one(EVENTS, "Microsoft.EventGrid/systemTopics")
    assert topic["properties"]["topicType"] == "Microsoft.Storage.StorageAccounts"
    assert topic["properties"]["source"]["operator"]["operands"] == {"operand_1": "storageAccount", "operand_2": "id"}
    assert topic["identity"]["type"] == "SystemAssigned"
    module = _body(_parse(MAIN)["modules"]["events"]["config"])["params"]
    assert module["deadLetterContainerName"] == "eventGridDeadLetterContainerName"


def test_the_subscription_delivers_blob_created_in_inbound_email_to_the_blob_trigger() -> None:
    subscription = _one(EVENTGRID, "Microsoft.EventGrid/systemTopics/eventSubscriptions")["properties"]
    assert subscription["filter"]["includedEventTypes"] == ["Microsoft.Storage.BlobCreated"]
    assert subscription["filter"]["subjectBeginsWith"] == "/blobServices/default/containers/${inboundContainerName}/"
    assert _default(EVENTGRID, "inboundContainerName") == "inbound-email"
    assert _default(EVENTGRID, "functionName") == "ingest_inbound_mail"
    destination = subscription["destination"]
    assert destination["endpointType"] == "WebHook"
    assert destination["properties"]["endpointUrl"] == "webhookUrl"
    url = _parse(EVENTGRID)["variables"]["webhookUrl"]["value"]
    assert url == (
        "https://${site.properties.defaultHostName}/runtime/webhooks/blobs"
        "?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}"
    )


def test_the_webhook_key_is_a_secure_parameter_that_no_output_shows() -> None:
    assert _is_secure(EVENTGRID, "blobsExtensionKey")
    assert _default(EVENTGRID, "blobsExtensionKey") is None
    for name, output in _parse(EVENTGRID).get("outputs", {}).items():
        assert "blobsExtensionKey" not in json.dumps(output), f"output {name} shows the key"
        assert "webhookUrl" not in json.dumps(output), f"output {name} shows the key"


def test_failed_deliveries_are_retried_then_dead_lettered_with_an_identity() -> None:
    subscription = _one(EVENTGRID, "Microsoft.EventGrid/systemTopics/eventSubscriptions")["properties"]
    assert set(subscription["retryPolicy"]) == {"maxDeliveryAttempts", "eventTimeToLiveInMinutes"}
    dead_letter = subscription["deadLetterWithResourceIdentity"]
    assert dead_letter["identity"]["type"] == "SystemAssigned"
    assert dead_letter["deadLetterDestination"]["endpointType"] == "StorageBlob"
    assert dead_letter["deadLetterDestination"]["properties"]["blobContainerName"] == "deadLetterContainerName"
    assert _default(EVENTGRID, "deadLetterContainerName") == storage_layout.EVENT_GRID_DEAD_LETTER_CONTAINER


# -- the azd hook ---------------------------------------------------------------------------------


def test_azd_runs_the_postdeploy_hook_on_every_platform() -> None:
    azure = yaml.safe_load((ROOT / "azure.yaml").read_text(encoding="utf-8"))
    hook = azure["hooks"]["postdeploy"]
    assert (hook["posix"]["shell"], hook["posix"]["run"]) == ("sh", "./infra/hooks/postdeploy.sh")
    assert (hook["windows"]["shell"], hook["windows"]["run"]) == ("pwsh", "./infra/hooks/postdeploy.ps1")
    for platform in ("posix", "windows"):
        assert (ROOT / hook[platform]["run"]).is_file()
        assert hook[platform]["continueOnError"] is False


def _deployment_command(script: str) -> str:
    """The hook's ``az deployment group create`` command with its continuation lines."""
    command = []
    for line in script[script.index("az deployment group create") :].splitlines():
        command.append(line)
        if not line.rstrip().endswith(("\\", "`")):
            break
    return "\n".join(command)


def test_the_powershell_hook_keeps_the_posix_hook_s_exit_codes_and_settings() -> None:
    """PowerShell cannot run here (tests/unit/infra/test_postdeploy_hook.py runs the sh hook only): the
    .ps1 must at least fail with the same codes and read the same settings."""
    posix = (HOOKS / "postdeploy.sh").read_text(encoding="utf-8")
    windows = (HOOKS / "postdeploy.ps1").read_text(encoding="utf-8")
    codes = {int(code) for code in re.findall(r"\b(?:fail|until_listed \"\$\w+\") (\d+) ", posix)}
    assert codes == {2, 3, 4, 5, 6, 7}
    assert {int(code) for code in re.findall(r"\bFail (\d+) ", windows)} == codes
    settings = set(re.findall(r"\b(POSTDEPLOY_[A-Z_]+|BLOBS_KEY_ATTEMPTS)\b", posix))
    assert settings == set(re.findall(r"\b(POSTDEPLOY_[A-Z_]+|BLOBS_KEY_ATTEMPTS)\b", windows))
    for script in (posix, windows):
        assert "code=" in script, "an error's key is masked"
        assert script.count("az deployment group create") == 1


@pytest.mark.parametrize("script", ["postdeploy.sh", "postdeploy.ps1"])
def test_the_hook_reads_the_key_and_deploys_eventgrid_bicep_with_its_parameters(script: str) -> None:
    text = (HOOKS / script).read_text(encoding="utf-8")
    assert "systemKeys.blobs_extension" in text
    assert "eventgrid.bicep" in text
    deployment = _deployment_command(text)
    declared = set(_parse(EVENTGRID)["parameters"])
    given = set(re.findall(r"\b([a-zA-Z]+)=[$\"]", deployment))
    assert given, "no parameters found"
    assert given <= declared, sorted(given - declared)
    required = {name for name, spec in _parse(EVENTGRID)["parameters"].items() if spec.get("default") is None}
    assert required - given == {"blobsExtensionKey"}
    # The key goes through a parameters file: never on a command line (process lists, shell history).
    assert "blobsExtensionKey" in text
    assert "blobsExtensionKey=" not in text
    # Every azd variable the hook needs is an output of main.bicep.
    outputs = set(_parse(MAIN)["outputs"])
    for variable in set(re.findall(r"\b((?:AZURE|EVENT_GRID|INBOUND)_[A-Z_]+)\b", text)):
        assert variable in outputs, f"{script} reads {variable}, which main.bicep does not output"


# -- the mailbox connector ------------------------------------------------------------------------


def test_the_mailbox_connector_is_off_unless_asked_for() -> None:
    module = _parse(MAIN)["modules"]["mailboxConnector"]
    assert module["config"]["condition"] == "deployMailboxConnector"
    assert _default(MAIN, "deployMailboxConnector") is False


def test_the_mailbox_connector_exports_each_new_mail_as_an_eml_blob() -> None:
    workflow = _plain_keys(_one(MAILBOX, "Microsoft.Logic/workflows"))
    definition = workflow["properties"]["definition"]
    trigger = definition["triggers"]["When_a_new_email_arrives_(V3)"]
    assert trigger["inputs"]["fetch"]["pathTemplate"]["template"] == "/v3/Mail/OnNewEmail"
    actions = definition["actions"]
    assert actions["Export_email_(V2)"]["inputs"]["path"].endswith("/$value")
    create = actions["Create_blob_(V2)"]
    assert create["runAfter"] == {"Export_email_(V2)": ["Succeeded"]}
    # pycep keeps Bicep's escapes: \' stands for a quote inside a string.
    queries = {
        key: value.replace("\\'", "'")
        for key, value in create["inputs"]["queries"].items()
        if key != "queryParametersSingleEncoded"
    }
    assert queries["folderPath"] == "/${inboundContainerName}/@{formatDateTime(utcNow(), 'yyyy/MM/dd')}"
    assert queries["name"].startswith("@{formatDateTime(utcNow(), 'yyyyMMddTHHmmssfffZ')}-")
    assert queries["name"].endswith(".eml")
    assert create["inputs"]["body"].replace("\\'", "'") == "@body('Export_email_(V2)')"
    blob = workflow["properties"]["parameters"]["$connections"]["value"]["azureblob"]
    assert blob["connectionProperties"]["authentication"]["type"] == "ManagedServiceIdentity"
    connections = {
        name: body for name, kind, body in _resources(_parse(MAILBOX)) if kind == "Microsoft.Web/connections"
    }
    assert connections["blobConnection"]["properties"]["parameterValueSet"]["name"] == "managedIdentityAuth"
    assert workflow["identity"]["type"] == "SystemAssigned"


# -- alerts ---------------------------------------------------------------------------------------


def _action_group_id() -> dict[str, Any]:
    return {"operator": {"type": "property_accessor", "operands": {"operand_1": "actionGroup", "operand_2": "id"}}}


def test_an_availability_test_calls_the_health_route() -> None:
    test = _one(ALERTS, "Microsoft.Insights/webtests")
    assert test["kind"] == "standard"
    assert test["properties"]["Request"]["RequestUrl"] == "https://${functionAppHostName}/api/health"
    assert test["properties"]["ValidationRules"]["ExpectedHttpStatusCode"] == 200
    assert len(test["properties"]["Locations"]) >= 3
    alert = _plain_keys(_one(ALERTS, "Microsoft.Insights/metricAlerts"))["properties"]
    assert alert["criteria"]["odata.type"] == "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria"
    assert alert["actions"][0]["actionGroupId"] == _action_group_id()
    module = _body(_parse(MAIN)["modules"]["alerts"]["config"])["params"]
    assert module["functionAppHostName"]["operator"]["operands"]["operand_1"] == "functionApp"


def test_log_alerts_count_failures_and_the_app_s_warning_tokens() -> None:
    queries = [alert["query"] for alert in _parse(ALERTS)["variables"]["logAlerts"]["value"]]
    assert any(query.startswith("requests | where success == false") for query in queries)
    for token in ALERT_LOG_TOKENS:
        matching = [query for query in queries if f'message startswith "{token}"' in query]
        assert len(matching) == 1, f"one log alert must count the {token.strip()} warnings"
        assert matching[0].startswith("traces | where severityLevel >= 2")
    rules = _one(ALERTS, "Microsoft.Insights/scheduledQueryRules")
    assert rules["kind"] == "LogAlert"
    assert rules["properties"]["actions"]["actionGroups"] == [_action_group_id()]
    criterion = rules["properties"]["criteria"]["allOf"][0]
    assert (criterion["operator"], criterion["threshold"]) == ("GreaterThan", 0)


def test_the_action_group_mails_the_alert_address() -> None:
    group = _one(ALERTS, "Microsoft.Insights/actionGroups")
    assert len(group["properties"]["groupShortName"]) <= 12
    receivers = _parse(ALERTS)["variables"]["emailReceivers"]["value"]
    assert receivers[0]["emailAddress"] == "alertEmailAddress"
    module = _body(_parse(MAIN)["modules"]["alerts"]["config"])["params"]
    assert module["alertEmailAddress"] == "alertEmailAddress"


# -- checkov suppressions -------------------------------------------------------------------------


def test_every_checkov_suppression_gives_its_reason() -> None:
    skip = re.compile(r"checkov:skip=([A-Z_0-9]+)(:?)(.*)")
    for path in BICEP_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if match := skip.search(line):
                check, colon, reason = match.groups()
                assert colon, f"{path.name}:{number}: {check} skipped without a reason"
                assert len(reason.strip()) >= 20, f"{path.name}:{number}: {check}: say why, in a sentence"
