"""The sender the desk's mail goes out as on Azure (infra/modules/communication.bicep), evaluated
from the parsed templates for each kind of mail domain.

Microsoft allows sender usernames (the MailFrom addresses that carry a display name) only on a
custom domain whose sending limits are raised above the default, never on the Azure-managed domain
(learn.microsoft.com/azure/communication-services/quickstarts/email/add-multiple-senders: "Sender
usernames cannot be enabled for Azure Managed Domains or custom domains with default sending
limits"). So MAIL_FROM_NAME shows only there; elsewhere the sender is DoNotReply, the one username
every domain has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.infra.bicep_names import Opaque, Scope, Text, evaluate, parse

INFRA = Path(__file__).resolve().parents[3] / "infra"
COMMUNICATION = INFRA / "modules" / "communication.bicep"
SENDER_USERNAMES = "Microsoft.Communication/emailServices/domains/senderUsernames"

BASE = {
    "communicationServiceName": Text.literal("acs-x"),
    "emailServiceName": Text.literal("ecs-x"),
    "dataLocation": Text.literal("Europe"),
    "senderUsername": Text.literal("support"),
    "senderDisplayName": Text.literal("Interzen Support"),
}
DOMAINS: dict[str, tuple[dict[str, Any], bool, str | None]] = {
    # case: (parameters, sender username deployed, MAIL_FROM (None: the managed domain's, known at deployment))
    "the Azure-managed domain": ({}, False, None),
    "a custom domain not yet verified": (
        {"customDomain": Text.literal("mail.example.com")},
        False,
        None,
    ),
    "a verified custom domain with the default sending limits": (
        {"customDomain": Text.literal("mail.example.com"), "customDomainVerified": True},
        False,
        "DoNotReply@mail.example.com",
    ),
    "a verified custom domain with raised sending limits": (
        {
            "customDomain": Text.literal("mail.example.com"),
            "customDomainVerified": True,
            "customDomainSendingLimitsRaised": True,
        },
        True,
        "support@mail.example.com",
    ),
}


def _sender_username() -> dict[str, Any]:
    [resource] = [r for r in parse(COMMUNICATION)["resources"].values() if r["type"] == SENDER_USERNAMES]
    return resource


@pytest.mark.parametrize("case", DOMAINS, ids=list(DOMAINS))
def test_the_sender_username_is_deployed_only_where_microsoft_allows_it(case: str) -> None:
    parameters, deployed, _ = DOMAINS[case]
    scope = Scope(parse(COMMUNICATION), {**BASE, **parameters})
    config = _sender_username()["config"]
    assert evaluate(config["condition"], scope) is deployed
    body = config["config"]
    assert evaluate(body["name"], scope) == Text.literal("support")
    assert evaluate(body["properties"]["username"], scope) == Text.literal("support")
    assert evaluate(body["properties"]["displayName"], scope) == Text.literal("Interzen Support")


@pytest.mark.parametrize("case", DOMAINS, ids=list(DOMAINS))
def test_mail_from_is_the_sender_username_there_and_do_not_reply_elsewhere(case: str) -> None:
    parameters, _, expected = DOMAINS[case]
    scope = Scope(parse(COMMUNICATION), {**BASE, **parameters})
    mail_from = evaluate(parse(COMMUNICATION)["outputs"]["mailFrom"]["value"], scope)
    if expected is None:
        assert isinstance(mail_from, Opaque), "the managed domain's sender domain is known only at deployment"
        local_part = evaluate(parse(COMMUNICATION)["variables"]["senderLocalPart"]["value"], scope)
        assert local_part == Text.literal("DoNotReply")
    else:
        assert mail_from == Text.literal(expected)


def test_main_sends_the_display_name_and_takes_mail_from_from_the_communication_module() -> None:
    main = parse(INFRA / "main.bicep")
    communication = main["modules"]["communication"]["config"]["params"]
    assert communication["senderDisplayName"] == "mailFromName"
    assert communication["senderUsername"] == "mailFromUsername"
    assert communication["customDomainSendingLimitsRaised"] == "customEmailDomainSendingLimitsRaised"
    assert main["parameters"]["mailFromUsername"]["default"] == "DoNotReply"
    assert main["parameters"]["customEmailDomainSendingLimitsRaised"]["default"] is False
    function_app = main["modules"]["functionApp"]["config"]["params"]["mailFrom"]
    assert function_app["operator"]["operands"]["operand_1"] == "communication"
    assert main["outputs"]["MAIL_FROM"]["value"] == function_app
