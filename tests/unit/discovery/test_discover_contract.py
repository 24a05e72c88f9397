"""Every property discover asks Graph for ($select) exists in the published Graph types (tests/support/entra/
contracts, tests/support/contracts/graph-discovery-subset.json), so a typo cannot silently read nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.providers.entra import discover as d

SUPPORT = Path(__file__).parents[2] / "support"
TYPES = json.loads((SUPPORT / "entra" / "contracts" / "graph-v1.0-types-subset.json").read_text())["types"]
SHAPES = json.loads((SUPPORT / "contracts" / "graph-discovery-subset.json").read_text())["$defs"]


def properties(name: str) -> set[str]:
    t = TYPES[name]
    out = set(t["properties"])
    for parent in t["extends"]:
        out |= properties(parent)
    return out


@pytest.mark.parametrize(
    ("fields", "type_name"),
    [(d.APP_FIELDS, "Application"), (d.SP_FIELDS, "ServicePrincipal"), (d.GROUP_FIELDS, "Group")],
)
def test_selected_fields_are_published_properties(fields: str, type_name: str) -> None:
    assert set(fields.split(",")) <= properties(type_name)


def test_owner_fields_are_user_properties() -> None:
    assert set(d.OWNER_FIELDS.split(",")) <= set(SHAPES["User"]["properties"])


def test_sign_in_activity_fields_read_are_published() -> None:
    props = SHAPES["ServicePrincipalSignInActivity"]["properties"]
    assert {"appId", "applicationAuthenticationClientSignInActivity", "lastSignInActivity"} <= set(props)
    assert "lastSignInDateTime" in SHAPES["SignInActivity"]["properties"]


def test_credential_and_grant_fields_read_are_published() -> None:
    assert {"keyId", "displayName", "startDateTime", "endDateTime"} <= properties("PasswordCredential")
    assert {"keyId", "usage", "customKeyIdentifier"} <= properties("KeyCredential")
    assert {"name", "issuer", "subject", "audiences"} <= properties("FederatedIdentityCredential")
    assert {"resourceId", "resourceDisplayName", "appRoleId"} <= properties("AppRoleAssignment")
    assert {"redirectUris"} <= properties("WebApplication") & properties("SpaApplication") & properties(
        "PublicClientApplication"
    )
