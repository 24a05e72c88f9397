"""verify proves more than "a token came back": at Entra the app-only token's `aud` must be the resource asked
for and its `roles` the application permissions the inventory lists (crafted tokens, no network)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

import wizard.providers.entra.msal_calls as msal_calls
from wizard.inventory import load, save
from wizard.model import CredentialKind, Permission, ServicePrincipal, Workspace, new_workspace
from wizard.providers.entra.msal_calls import TokenResult
from wizard.providers.entra.signin_config import SigninConfig, signin_config_from
from wizard.providers.entra.token_claims import expected_roles, judge_app_token, token_payload
from wizard.providers.entra.verify import verify_and_record

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
APP_ID = "11111111-2222-3333-4444-555555555555"
GRAPH = "https://graph.microsoft.com/.default"
ISSUED = "token issued (valid 3599 s)"


def jwt(claims: dict[str, Any]) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'typ': 'JWT', 'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


def principal(*permissions: Permission) -> ServicePrincipal:
    return ServicePrincipal(
        name="svc-roles",
        tool="n8n",
        purpose="roles",
        credential_kind=CredentialKind.SECRET,
        owner="ola@fjord.example",
        app_id=APP_ID,
        secret_ref="env:SVC_ROLES_SECRET",
        permissions=list(permissions),
    )


SITES = Permission(resource="Microsoft Graph", name="Sites.Selected")
MAIL = Permission(resource="Microsoft Graph", name="Mail.Send")
DELEGATED = Permission(resource="Microsoft Graph", name="User.Read", type="delegated")
OTHER_API = Permission(resource="api://fjord-orders", name="Orders.Read")


def test_the_payload_is_read_without_the_signature() -> None:
    assert token_payload(jwt({"aud": "x", "roles": ["a"]})) == {"aud": "x", "roles": ["a"]}
    assert token_payload("opaque-token") is None
    assert token_payload("a.!!!.c") is None


def test_only_application_permissions_for_the_resource_are_expected() -> None:
    sp = principal(SITES, DELEGATED, OTHER_API, MAIL)
    assert expected_roles(sp, "https://graph.microsoft.com") == ["Sites.Selected", "Mail.Send"]
    assert expected_roles(sp, "api://fjord-orders") == ["Orders.Read"]


def test_no_roles_claim_fails_naming_the_missing_consent() -> None:
    verdict = judge_app_token(
        jwt({"aud": "https://graph.microsoft.com"}), [GRAPH], principal(SITES, MAIL), ISSUED
    )
    assert not verdict.ok
    assert verdict.detail == (
        "a token came back but it carries no roles: admin consent is missing for Mail.Send, Sites.Selected"
    )


def test_a_missing_role_fails_and_extra_roles_warn() -> None:
    token = jwt({"aud": "https://graph.microsoft.com", "roles": ["Sites.Selected"]})
    missing = judge_app_token(token, [GRAPH], principal(SITES, MAIL), ISSUED)
    assert not missing.ok and "without the roles Mail.Send" in missing.detail
    extra = jwt(
        {"aud": "00000003-0000-0000-c000-000000000000", "roles": ["Sites.Selected", "Directory.Read.All"]}
    )
    verdict = judge_app_token(extra, [GRAPH], principal(SITES), ISSUED)
    assert verdict.ok
    assert verdict.detail == (
        f"{ISSUED}; audience https://graph.microsoft.com, roles Sites.Selected; warning: the token also carries "
        "roles the inventory does not list: Directory.Read.All"
    )


def test_another_audience_fails() -> None:
    token = jwt({"aud": "https://management.azure.com", "roles": ["Sites.Selected"]})
    verdict = judge_app_token(token, [GRAPH], principal(SITES), ISSUED)
    assert (
        not verdict.ok
        and "audience https://management.azure.com, not https://graph.microsoft.com" in verdict.detail
    )


def test_nothing_expected_and_nothing_granted_is_fine_and_opaque_tokens_are_said_so() -> None:
    assert judge_app_token(jwt({"aud": "https://graph.microsoft.com/"}), [GRAPH], principal(), ISSUED).ok
    opaque = judge_app_token("not-a-jwt", [GRAPH], principal(SITES), ISSUED)
    assert opaque.ok and "not a readable JWT" in opaque.detail


def workspace(*permissions: Permission) -> Workspace:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.home_tenant = TENANT
    ws.service_principals.append(principal(*permissions))
    return ws


@pytest.fixture
def issue(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The IdP issues the token in the list's first entry (no network)."""
    tokens: list[str] = []

    def grant(config: SigninConfig, secret: str, scopes: list[str]) -> TokenResult:
        return TokenResult(True, expires_in=3599, access_token=tokens[0])

    monkeypatch.setattr(msal_calls, "client_credentials", grant)
    return tokens


def run_verify(path: Path, oidc: bool = False) -> Any:
    def signin_for(client_id: str, tenant: str) -> SigninConfig:
        if oidc:
            return SigninConfig(client_id=client_id, oidc_authority="https://idp.example/oidc")
        return signin_config_from(client_id, tenant, environ={})

    return verify_and_record(
        load(path),
        "svc-roles",
        signin_for=signin_for,
        resolve_secret=lambda ref: "not-a-real-secret-value",
        scopes=[GRAPH],
        path=path,
    )


def test_verify_records_a_token_without_roles_as_failed(issue: list[str], tmp_path: Path) -> None:
    token = jwt({"aud": "https://graph.microsoft.com", "tid": TENANT, "appid": APP_ID})
    issue.append(token)
    path = tmp_path / "idspine.toml"
    save(workspace(SITES), path, expected_digest=None)
    outcome = run_verify(path)
    assert not outcome.verification.ok
    assert "carries no roles: admin consent is missing for Sites.Selected" in outcome.verification.detail
    recorded = load(path).service_principal("svc-roles")
    assert recorded is not None and recorded.verification is not None and not recorded.verification.ok
    text = path.read_text()
    assert token not in text and token.split(".")[1] not in text


def test_verify_passes_with_the_expected_roles(issue: list[str], tmp_path: Path) -> None:
    issue.append(jwt({"aud": "https://graph.microsoft.com", "roles": ["Sites.Selected"]}))
    path = tmp_path / "idspine.toml"
    save(workspace(SITES), path, expected_digest=None)
    outcome = run_verify(path)
    assert outcome.verification.ok and "roles Sites.Selected" in outcome.verification.detail


def test_an_openid_issuers_token_is_not_judged_by_entras_claims(issue: list[str], tmp_path: Path) -> None:
    issue.append(jwt({"aud": "some-other-audience"}))  # oidc-provider's JWT has no roles
    path = tmp_path / "idspine.toml"
    save(workspace(SITES), path, expected_digest=None)
    outcome = run_verify(path, oidc=True)
    assert outcome.verification.ok and outcome.verification.detail == ISSUED
