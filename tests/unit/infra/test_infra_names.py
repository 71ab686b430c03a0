"""Every resource name the templates build keeps its resource type's naming rule, for the default
parameters and for the longest environment name azd accepts with every optional part switched on.

The names are derived from the parsed templates (tests/unit/infra/bicep_names.py), never copied here:
``uniqueString()`` counts as 13 characters of ``[a-z0-9]`` and the environment name as any string
azd accepts, so a rule that holds here holds for every name the templates can produce.

Each rule cites where it is written. Most rows are Microsoft's "Naming rules and restrictions for
Azure resources" (PAGE below, read in its 2023-11-20 revision); a type the page has no row for is
held to the constraint in its published type definition (the Azure/bicep-types-az index generated
from the REST specifications) or, where that has none, to the nearest row of the page, as said.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.unit.infra.bicep_names import (
    ALPHANUMERICS,
    DEPLOYMENT,
    DIGITS,
    HEX,
    LETTERS,
    LOWERCASE,
    DerivedName,
    Opaque,
    Text,
    derive_names,
    parse,
)

ROOT = Path(__file__).resolve().parents[3]
INFRA = ROOT / "infra"

PAGE = "learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules"
TYPES = "the type definition (Azure/bicep-types-az, generated from the REST specification)"
CONTROL = frozenset(chr(code) for code in range(32)) | {chr(127)}

#: What azd accepts as an environment name: ``^[a-zA-Z0-9-\(\)_\.]{1,64}$`` (Azure/azure-dev,
#: cli/azd/pkg/environment/environment.go, EnvironmentNameRegexp: "same restrictions as a
#: deployment name"); main.bicep's environmentName is @maxLength(64) to match.
AZD_ENVIRONMENT_CHARACTERS = ALPHANUMERICS | set("-()_.")
AZD_ENVIRONMENT_MAX_LENGTH = 64


@dataclass(frozen=True)
class NamingRule:
    """What a resource type accepts as a name, and where that is written."""

    source: str
    length: tuple[int, int]
    allowed: frozenset[str] | None = None  # None: anything but `forbidden` and control characters
    forbidden: frozenset[str] = frozenset()
    first: frozenset[str] | None = None
    last: frozenset[str] | None = None
    not_last: frozenset[str] = frozenset()
    no_consecutive_hyphens: bool = False
    fixed: frozenset[str] = frozenset()  # a child resource whose type admits only these names

    def breaches(self, name: Text) -> list[str]:
        """Every way some name ``name`` can be breaks this rule (empty: every such name keeps it)."""
        if self.fixed:
            known = name.concrete
            return [] if known in self.fixed else [f"must be one of {sorted(self.fixed)}"]
        found: list[str] = []
        low, high = self.length
        if not low <= len(name) <= high:
            found.append(f"{len(name)} characters, allowed {low}-{high}")
        bad = {
            index + 1: position - self.allowed if self.allowed is not None else position & (self.forbidden | CONTROL)
            for index, position in enumerate(name.positions)
        }
        if places := [place for place, characters in bad.items() if characters]:
            characters = "".join(sorted(frozenset().union(*bad.values())))
            found.append(f"characters {', '.join(map(str, places))} can be {characters!r}")
        if name.positions and self.first is not None and name.positions[0] - self.first:
            found.append(f"can start with {''.join(sorted(name.positions[0] - self.first))!r}")
        if name.positions and self.last is not None and name.positions[-1] - self.last:
            found.append(f"can end with {''.join(sorted(name.positions[-1] - self.last))!r}")
        if name.positions and name.positions[-1] & self.not_last:
            found.append(f"can end with {''.join(sorted(name.positions[-1] & self.not_last))!r}")
        if self.no_consecutive_hyphens and any(
            "-" in here and "-" in after for here, after in zip(name.positions, name.positions[1:], strict=False)
        ):
            found.append("can hold consecutive hyphens")
        return found


def _row(namespace: str, entity: str) -> str:
    return f"{PAGE}, {namespace}: {entity}"


SPACE_OR_PERIOD = frozenset(" .")  # "can't end with space or period"


def _monitor_rule(source: str, forbidden: str) -> NamingRule:
    """The page's Microsoft.Insights shape: 1-260 characters, none of ``forbidden`` nor a control
    character, not ending with a space or a period."""
    return NamingRule(source, (1, 260), forbidden=frozenset(forbidden), not_last=SPACE_OR_PERIOD)


#: Each resource type the templates create -> its naming rule (a new type fails until it has one).
RULES: dict[str, NamingRule] = {
    "Microsoft.Resources/resourceGroups": NamingRule(
        _row("Microsoft.Resources", "resourcegroups (ASCII part: letters, digits, _-.(); can't end with period)"),
        (1, 90),
        ALPHANUMERICS | set("_-.()"),
        not_last=frozenset("."),
    ),
    DEPLOYMENT: NamingRule(_row("Microsoft.Resources", "deployments"), (1, 64), ALPHANUMERICS | set("_()-.")),
    "Microsoft.ManagedIdentity/userAssignedIdentities": NamingRule(
        _row("Microsoft.ManagedIdentity", "userAssignedIdentities"),
        (3, 128),
        ALPHANUMERICS | set("-_"),
        first=ALPHANUMERICS,
    ),
    "Microsoft.OperationalInsights/workspaces": NamingRule(
        _row("Microsoft.OperationalInsights", "workspaces"),
        (4, 63),
        ALPHANUMERICS | {"-"},
        first=ALPHANUMERICS,
        last=ALPHANUMERICS,
    ),
    "Microsoft.Insights/components": _monitor_rule(_row("Microsoft.Insights", "components"), "%&\\?/"),
    "Microsoft.Insights/webtests": _monitor_rule(
        f"no row on the page, none in {TYPES}: held to the page's Microsoft.Insights components row", "%&\\?/"
    ),
    "Microsoft.Insights/actionGroups": _monitor_rule(_row("Microsoft.Insights", "actionGroups"), ":<>+/&%\\?"),
    "Microsoft.Insights/metricAlerts": _monitor_rule(_row("Microsoft.Insights", "metricAlerts"), "*#&+:<>?@%{}\\/"),
    "Microsoft.Insights/scheduledQueryRules": _monitor_rule(
        _row("Microsoft.Insights", "scheduledQueryRules"), "*<>%{}&:\\?/#"
    ),
    "Microsoft.Storage/storageAccounts": NamingRule(
        _row("Microsoft.Storage", "storageAccounts"), (3, 24), LOWERCASE | DIGITS
    ),
    "Microsoft.Storage/storageAccounts/blobServices": NamingRule(
        _row("Microsoft.Storage", "storageAccounts / blobServices (must be default)"),
        (7, 7),
        fixed=frozenset({"default"}),
    ),
    "Microsoft.Storage/storageAccounts/tableServices": NamingRule(
        f"{TYPES}: the name is the literal 'default'", (7, 7), fixed=frozenset({"default"})
    ),
    "Microsoft.Storage/storageAccounts/queueServices": NamingRule(
        f"{TYPES}: the name is the literal 'default'", (7, 7), fixed=frozenset({"default"})
    ),
    "Microsoft.Storage/storageAccounts/blobServices/containers": NamingRule(
        _row("Microsoft.Storage", "storageAccounts / blobServices / containers"),
        (3, 63),
        LOWERCASE | DIGITS | {"-"},
        first=LOWERCASE | DIGITS,
        no_consecutive_hyphens=True,
    ),
    "Microsoft.Storage/storageAccounts/tableServices/tables": NamingRule(
        _row("Microsoft.Storage", "table"), (3, 63), ALPHANUMERICS, first=LETTERS
    ),
    "Microsoft.Storage/storageAccounts/queueServices/queues": NamingRule(
        _row("Microsoft.Storage", "queue"),
        (3, 63),
        LOWERCASE | DIGITS | {"-"},
        first=LOWERCASE | DIGITS,
        last=LOWERCASE | DIGITS,
        no_consecutive_hyphens=True,
    ),
    "Microsoft.Communication/communicationServices": NamingRule(
        _row("Microsoft.Communication", "communicationServices"),
        (1, 63),
        ALPHANUMERICS | {"-"},
        first=ALPHANUMERICS,
        last=ALPHANUMERICS,
    ),
    "Microsoft.Communication/emailServices": NamingRule(
        f"no row on the page; {TYPES}: 1-63, ^[a-zA-Z0-9-]+$", (1, 63), ALPHANUMERICS | {"-"}
    ),
    "Microsoft.Communication/emailServices/domains": NamingRule(
        f"no row on the page; {TYPES}: 1-253; a domain name's letters, digits, hyphens and dots (RFC 1123)",
        (1, 253),
        ALPHANUMERICS | set("-."),
        first=ALPHANUMERICS,
        last=ALPHANUMERICS,
    ),
    "Microsoft.Communication/emailServices/domains/senderUsernames": NamingRule(
        f"no row on the page; {TYPES}: 1-253; an address's local part, kept to letters, digits and .-_",
        (1, 253),
        ALPHANUMERICS | set(".-_"),
        first=ALPHANUMERICS,
        last=ALPHANUMERICS,
    ),
    "Microsoft.KeyVault/vaults": NamingRule(
        _row("Microsoft.KeyVault", "vaults"),
        (3, 24),
        ALPHANUMERICS | {"-"},
        first=LETTERS,
        last=ALPHANUMERICS,
        no_consecutive_hyphens=True,
    ),
    "Microsoft.KeyVault/vaults/secrets": NamingRule(
        _row("Microsoft.KeyVault", "vaults / secrets"), (1, 127), ALPHANUMERICS | {"-"}
    ),
    "Microsoft.EventGrid/systemTopics": NamingRule(
        f"no row on the page, none in {TYPES}: held to the page's Microsoft.EventGrid topics row",
        (3, 50),
        ALPHANUMERICS | {"-"},
    ),
    "Microsoft.EventGrid/systemTopics/eventSubscriptions": NamingRule(
        _row("Microsoft.EventGrid", "eventSubscriptions"), (3, 64), ALPHANUMERICS | {"-"}
    ),
    "Microsoft.Authorization/roleAssignments": NamingRule(
        _row("Microsoft.Authorization", "roleAssignments (a GUID)"), (36, 36), HEX | set("ABCDEF-")
    ),
    "Microsoft.Web/serverfarms": NamingRule(
        _row("Microsoft.Web", "serverfarms (ASCII part)"), (1, 60), ALPHANUMERICS | {"-"}
    ),
    "Microsoft.Web/sites": NamingRule(
        _row("Microsoft.Web", "sites (ASCII part)"),
        (2, 60),
        ALPHANUMERICS | {"-"},
        first=ALPHANUMERICS,
        last=ALPHANUMERICS,
    ),
    "Microsoft.Web/sites/config": NamingRule(
        f"{TYPES}: a fixed set of names; the templates use appsettings only", (1, 20), fixed=frozenset({"appsettings"})
    ),
    "Microsoft.Web/sites/basicPublishingCredentialsPolicies": NamingRule(
        f"{TYPES}: 'ftp' or 'scm'", (3, 3), fixed=frozenset({"ftp", "scm"})
    ),
    "Microsoft.Web/connections": NamingRule(
        f"no row on the page, none in {TYPES}: held to 1-80 letters, digits and hyphens, starting with a letter",
        (1, 80),
        ALPHANUMERICS | {"-"},
        first=LETTERS,
        last=ALPHANUMERICS,
    ),
    "Microsoft.Logic/workflows": NamingRule(
        _row("Microsoft.Logic", "workflows"), (1, 43), ALPHANUMERICS | set("-_.()")
    ),
}

#: main.bicep's parameters without a default, with the values of a plain first deployment.
REQUIRED = {
    "environmentName": Text.literal("desk-prod"),
    "location": Text.literal("swedencentral"),
    "authIssuer": Text.literal("https://login.microsoftonline.com/tenant/v2.0"),
    "authAudience": Text.literal("api://desk"),
    "authJwksUrl": Text.literal("https://login.microsoftonline.com/tenant/discovery/v2.0/keys"),
    "supportMailboxAddress": Text.literal("support@example.com"),
    "mailReplyTokenKey": Opaque("a secret"),
}

#: The longest environment name azd accepts, any of its characters anywhere, and every optional
#: part on (custom mail domain verified with sender usernames, mailbox connector, alert mails).
EVERYTHING_ON = {
    **REQUIRED,
    "environmentName": Text.any_of(AZD_ENVIRONMENT_CHARACTERS, AZD_ENVIRONMENT_MAX_LENGTH),
    "customEmailDomain": Text.literal("mail.example.com"),
    "customEmailDomainVerified": True,
    "customEmailDomainSendingLimitsRaised": True,
    "mailFromUsername": Text.literal("support"),
    "deployMailboxConnector": True,
    "alertEmailAddress": Text.literal("oncall@example.com"),
}

SCENARIOS = {"default parameters": REQUIRED, "longest environment name, every option on": EVERYTHING_ON}


def _names(scenario: dict[str, object]) -> list[DerivedName]:
    """The names of main.bicep's deployment and of the Event Grid subscription the hook deploys
    (infra/eventgrid.bicep, with its defaults: the hook passes only existing resources' names)."""
    return [*derive_names(INFRA / "main.bicep", scenario), *derive_names(INFRA / "eventgrid.bicep", {})]


def _breaches(names: list[DerivedName]) -> list[str]:
    found = []
    for derived in names:
        label = f"{derived.where} {derived.symbol} ({derived.kind})"
        if isinstance(derived.name, Opaque):
            found.append(f"{label}: the name cannot be derived before deployment ({derived.name.why})")
        elif derived.kind not in RULES:
            found.append(f"{label}: no naming rule for this type; add one to RULES with its source")
        else:
            found.extend(f"{label} {derived.name}: {breach}" for breach in RULES[derived.kind].breaches(derived.name))
    return found


@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_every_resource_name_keeps_its_type_s_naming_rule(scenario: str) -> None:
    names = _names(SCENARIOS[scenario])
    assert len(names) > 40, "the derivation lost its way"
    assert _breaches(names) == []


def test_every_resource_type_the_templates_create_has_a_naming_rule_with_its_source() -> None:
    created = {derived.kind for derived in _names(EVERYTHING_ON)}
    assert created - set(RULES) == set()
    for kind, rule in RULES.items():
        assert PAGE in rule.source or TYPES in rule.source, f"{kind}: say where the rule is written"


def test_the_environment_parameter_admits_what_azd_admits_and_no_longer() -> None:
    decorators = {
        d["type"]: d.get("argument") for d in parse(INFRA / "main.bicep")["parameters"]["environmentName"]["decorators"]
    }
    assert decorators.get("max_length") == AZD_ENVIRONMENT_MAX_LENGTH


def test_unique_string_counts_as_thirteen_lowercase_letters_or_digits(tmp_path: Path) -> None:
    template = tmp_path / "token.bicep"
    template.write_text(
        "param environmentName string\n"
        "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {\n"
        "  name: 'kv-${toLower(uniqueString(subscription().id, environmentName))}'\n"
        "}\n",
        encoding="utf-8",
    )
    [derived] = derive_names(template, {"environmentName": Text.literal("x")})
    assert isinstance(derived.name, Text)
    assert str(derived.name) == "kv-[a-z0-9]{13}"
    assert len(derived.name) == 16


def test_the_check_finds_names_that_break_their_rules(tmp_path: Path) -> None:
    """A planted template: a storage account too long and with a hyphen, an Event Grid subscription
    with underscores, a resource group that ends with the environment's period, and a name known
    only at deployment. Each is reported; nothing passes unread."""
    template = tmp_path / "planted.bicep"
    template.write_text(
        "targetScope = 'subscription'\n"
        "param environmentName string\n"
        "param functionName string = 'ingest_inbound_mail'\n"
        "var token = uniqueString(subscription().id)\n"
        "resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {\n"
        "  name: 'rg-${environmentName}'\n"
        "}\n"
        "resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n"
        "  name: 'st-support-desk-${token}'\n"
        "}\n"
        "resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {\n"
        "  name: 'inbound-email-to-${functionName}'\n"
        "}\n"
        "resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {\n"
        "  name: account.properties.primaryEndpoints.blob\n"
        "}\n",
        encoding="utf-8",
    )
    environment = Text.any_of(AZD_ENVIRONMENT_CHARACTERS, 8)
    found = _breaches(list(derive_names(template, {"environmentName": environment})))
    assert any("resourceGroups" in line and "can end with '.'" in line for line in found), found
    assert any("storageAccounts" in line and "29 characters" in line for line in found), found
    assert any("storageAccounts" in line and "can be '-'" in line for line in found), found
    assert any("eventSubscriptions" in line and "can be '_'" in line for line in found), found
    assert any("vaults" in line and "cannot be derived" in line for line in found), found
    assert len(found) == 5, found


def test_a_resource_type_without_a_rule_is_reported(tmp_path: Path) -> None:
    template = tmp_path / "unknown.bicep"
    template.write_text(
        "resource thing 'Microsoft.Example/things@2024-01-01' = {\n  name: 'thing'\n}\n", encoding="utf-8"
    )
    assert _breaches(list(derive_names(template, {}))) == [
        "unknown.bicep thing (Microsoft.Example/things): no naming rule for this type; add one to RULES with its source"
    ]


def test_text_keeps_every_character_a_position_can_hold() -> None:
    token = Text.any_of(string.ascii_lowercase, 3)
    name = Text.literal("a.") + token
    assert str(name) == "a.[a-z]{3}"
    hyphenated = name.replace(".", "-")
    assert isinstance(hyphenated, Text)
    assert hyphenated.concrete is None
    assert str(hyphenated) == "a-[a-z]{3}"
    assert isinstance(name.replace("ab", "-"), Opaque)
    assert Text.literal("abc").replace("b", "xy") == Text.literal("axyc")
    assert str(name.take(3)) == "a.[a-z]"
