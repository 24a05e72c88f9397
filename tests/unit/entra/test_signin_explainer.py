"""explainers/first-sign-in.md says what the code does, and each checked fact cites the page it was checked
against (the same rule as tests/unit/explainers/test_fact_check_fixes.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wizard import explainer_library as lib
from wizard.providers.entra.auth_code_flow import DEVICE_CODE_REFUSAL_CODES
from wizard.providers.entra.bootstrap import GRAPH_SCOPES, LOOPBACK_REDIRECT
from wizard.providers.entra.signin_chain import GRAPH_CLI_TOOLS_NOTICE
from wizard.providers.entra.signin_config import GRAPH_CLI_TOOLS_CLIENT_ID

AZ_DOC = (
    "https://github.com/MicrosoftDocs/azure-docs-cli/blob/main/docs-ref-conceptual/includes/refresh-token.md"
)
MG_AUTH = "https://learn.microsoft.com/en-us/powershell/microsoftgraph/authentication-commands"
MG_SDK = "https://github.com/microsoftgraph/msgraph-sdk-powershell"  # AuthContext.PowerShellClientId
CONSENT = "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-consent-single-user"
CODES = "https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes"
FLOWS = "https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-authentication-flows"
RFC8252 = "https://datatracker.ietf.org/doc/html/rfc8252"
ASSIGN = "https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignedto"


def text() -> str:
    e = lib.get("first-sign-in")
    return re.sub(r"\s+", " ", " ".join([e.summary, *e.sections.values()]))


FACTS = [
    (["az account get-access-token", "expires_on", "POSIX timestamp", "Azure CLI 2.54.0"], AZ_DOC),
    (
        ["Microsoft Graph Command Line Tools", GRAPH_CLI_TOOLS_CLIENT_ID, "Microsoft Graph PowerShell"],
        MG_AUTH,
    ),
    (["creates that app's service principal", "consents to the delegated Graph permissions"], CONSENT),
    (["AADSTS53003"], CODES),
    (['"device code flow"', "Conditional Access"], FLOWS),
    (["http://localhost", "any port"], RFC8252),
    (["AppRoleAssignment.ReadWrite.All", "assigning app roles to groups"], ASSIGN),
]


@pytest.mark.parametrize(("phrases", "source"), FACTS, ids=[f[1].rsplit("/", 1)[-1][:40] for f in FACTS])
def test_each_fact_is_said_and_its_source_cited(phrases: list[str], source: str) -> None:
    body = text()
    for phrase in phrases:
        assert phrase in body, f"first-sign-in should say {phrase!r} (see {source})"
    assert source in lib.get("first-sign-in").sources


def test_the_explainer_matches_the_code() -> None:
    body = text()
    assert "AADSTS53003" in DEVICE_CODE_REFUSAL_CODES
    assert LOOPBACK_REDIRECT == "http://localhost"
    for name, _why in GRAPH_SCOPES:  # every scope idspine's own app asks for is named, and no other
        assert name in body
    said = set(
        re.findall(r"\b(?:User|Application|Group|AppRoleAssignment|Directory)\.[A-Za-z.]+[A-Za-z]", body)
    )
    assert said == {name for name, _ in GRAPH_SCOPES}
    assert GRAPH_CLI_TOOLS_CLIENT_ID in GRAPH_CLI_TOOLS_NOTICE  # the CLI says the same as the explainer


def test_the_explainer_is_in_the_library_and_short() -> None:
    e = lib.get("first-sign-in")
    path = Path(__file__).resolve().parents[3] / "explainers" / "first-sign-in.md"
    assert 40 <= len(path.read_text(encoding="utf-8").splitlines()) <= 90
    assert e.sections["Pitfalls"].count("\n- ") >= 3
    assert lib.validate_library() == []
