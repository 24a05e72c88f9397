"""Audit rules that mirror the Entra baselines (issue 19): each fires on the problem it names, stays quiet on the
healthy inventory and never looks at retired entries."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.audit.test_audit import OWNER, TODAY, healthy
from wizard.audit import Severity, run_audit
from wizard.audit.rules import BASELINES, TAKEOVER_PERMISSIONS, TIER0_PERMISSIONS
from wizard.model import (
    Client,
    Credential,
    CredentialKind,
    FederatedCredential,
    Method,
    Permission,
    ServicePrincipal,
    Status,
    Workspace,
)

GITHUB = "https://token.actions.githubusercontent.com"


def hits(ws: Workspace, rule_id: str) -> list[tuple[str, Severity]]:
    return [(f.subject, f.severity) for f in run_audit(ws, TODAY) if f.rule_id == rule_id]


def sp(**kw: object) -> ServicePrincipal:
    base: dict[str, object] = {"name": "svc-x", "client": "acme", "owner": OWNER, "status": Status.ACTIVE}
    base.update(kw)
    return ServicePrincipal.model_validate(base)


def with_sp(*sps: ServicePrincipal) -> Workspace:
    ws = healthy()
    ws.service_principals.extend(sps)
    return ws


def retire(ws: Workspace) -> Workspace:
    for s in ws.service_principals:
        s.status = Status.RETIRED
    for c in ws.credentials:
        c.status = Status.RETIRED
    return ws


# 1. lifetimes


def test_secret_lifetime_over_180_days_fires_and_180_does_not() -> None:
    long = sp(secret_ref="env:X", secret_created=TODAY, secret_expires=TODAY + dt.timedelta(181))
    assert hits(with_sp(long), "secret-lifetime") == [("service-principal:svc-x", Severity.WARNING)]
    ok = sp(secret_ref="env:X", secret_created=TODAY, secret_expires=TODAY + dt.timedelta(180))
    assert hits(with_sp(ok), "secret-lifetime") == []
    assert hits(retire(with_sp(long)), "secret-lifetime") == []


def test_credential_client_secret_lifetime_is_checked_from_created_to_expires() -> None:
    ws = healthy()
    ws.credentials.append(
        Credential(
            id="vendor-app",
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            owner=OWNER,
            secret_ref="env:VENDOR",
            created=TODAY - dt.timedelta(100),
            expires=TODAY + dt.timedelta(200),
        )
    )
    assert hits(ws, "secret-lifetime") == [("credential:vendor-app", Severity.WARNING)]
    ws.credentials[-1].expires = TODAY + dt.timedelta(80)
    assert hits(ws, "secret-lifetime") == []
    ws.credentials[-1].expires = TODAY + dt.timedelta(200)
    assert hits(retire(ws), "secret-lifetime") == []


def test_certificate_lifetime_over_365_days_fires() -> None:
    cert = sp(
        credential_kind=CredentialKind.CERTIFICATE,
        secret_created=TODAY,
        secret_expires=TODAY + dt.timedelta(730),
    )
    assert hits(with_sp(cert), "certificate-lifetime") == [("service-principal:svc-x", Severity.WARNING)]
    year = sp(
        credential_kind=CredentialKind.CERTIFICATE,
        secret_created=TODAY,
        secret_expires=TODAY + dt.timedelta(365),
    )
    assert hits(with_sp(year), "certificate-lifetime") == []
    # A certificate is not held to the client secret's 180 days.
    assert hits(with_sp(year), "secret-lifetime") == []
    assert hits(retire(with_sp(cert)), "certificate-lifetime") == []


# 2. a secret where the tool could go keyless


@pytest.mark.parametrize(
    ("tool", "explainer"),
    [("github-actions", "workload-identity-federation"), ("azure-functions", "managed-identity")],
)
def test_secret_on_a_tool_that_can_go_keyless(tool: str, explainer: str) -> None:
    s = sp(tool=tool, secret_ref="env:X", secret_created=TODAY, secret_expires=TODAY + dt.timedelta(90))
    found = [f for f in run_audit(with_sp(s), TODAY) if f.rule_id == "secret-not-keyless"]
    assert [(f.subject, f.severity) for f in found] == [("service-principal:svc-x", Severity.WARNING)]
    assert found[0].explainer == explainer
    assert hits(retire(with_sp(s)), "secret-not-keyless") == []


def test_secret_on_a_tool_without_a_keyless_option_is_fine() -> None:
    s = sp(tool="n8n", secret_ref="env:X", secret_created=TODAY, secret_expires=TODAY + dt.timedelta(90))
    assert hits(with_sp(s), "secret-not-keyless") == []
    fed = sp(
        tool="github-actions",
        credential_kind=CredentialKind.FEDERATED,
        federated_credentials=[
            FederatedCredential(name="prod", issuer=GITHUB, subject="repo:o/r:environment:production")
        ],
    )
    assert hits(with_sp(fed), "secret-not-keyless") == []


# 3. owner


def test_service_principal_without_owner_links_the_app_ownership_explainer() -> None:
    s = sp(owner="", credential_kind=CredentialKind.NONE)
    found = [f for f in run_audit(with_sp(s), TODAY) if f.rule_id == "no-owner"]
    assert [(f.subject, f.explainer) for f in found] == [("service-principal:svc-x", "app-ownership")]
    assert hits(retire(with_sp(s)), "no-owner") == []


# 4. tenant takeover permissions


@pytest.mark.parametrize("name", sorted(TIER0_PERMISSIONS))
def test_takeover_application_permission_is_an_error(name: str) -> None:
    s = sp(
        credential_kind=CredentialKind.NONE, permissions=[Permission(resource="Microsoft Graph", name=name)]
    )
    assert hits(with_sp(s), "takeover-permission") == [("service-principal:svc-x", Severity.ERROR)]
    assert hits(retire(with_sp(s)), "takeover-permission") == []


def test_takeover_permission_is_matched_without_regard_to_case_and_only_as_application() -> None:
    upper = sp(
        credential_kind=CredentialKind.NONE,
        permissions=[Permission(resource="Microsoft Graph", name="directory.readwrite.all")],
    )
    assert hits(with_sp(upper), "takeover-permission") == [("service-principal:svc-x", Severity.ERROR)]
    delegated = sp(
        credential_kind=CredentialKind.NONE,
        permissions=[
            Permission(resource="Microsoft Graph", name="Directory.ReadWrite.All", type="delegated")
        ],
    )
    narrow = sp(
        credential_kind=CredentialKind.NONE,
        permissions=[
            Permission(resource="Microsoft Graph", name="Sites.Selected"),
            Permission(resource="Microsoft Graph", name="Application.Read.All"),
        ],
    )
    assert hits(with_sp(delegated), "takeover-permission") == []
    assert hits(with_sp(narrow), "takeover-permission") == []


def test_takeover_list_matches_the_explainer() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "explainers" / "dangerous-graph-permissions.md").read_text()
    for name in TAKEOVER_PERMISSIONS:
        assert name in text
    assert TAKEOVER_PERMISSIONS < TIER0_PERMISSIONS
    # Spot checks against Maester MT.1050's tier-0 table: a direct path and an indirect one are both in.
    assert {
        "RoleAssignmentSchedule.ReadWrite.Directory",
        "UserAuthenticationMethod.ReadWrite.All",
        "Domain.ReadWrite.All",
    } <= TIER0_PERMISSIONS
    assert (
        not {"Sites.Selected", "Mail.Send", "Application.Read.All", "Directory.Read.All"} & TIER0_PERMISSIONS
    )
    assert "MT.1050" in BASELINES["takeover-permission"]


# 5. one secret shared by two clients


def test_one_secret_reference_shared_by_two_clients_is_an_error() -> None:
    ws = healthy()
    ws.clients.append(Client(slug="globex", name="Globex"))
    ws.credentials.append(
        Credential(
            id="a-air",
            service="airtable",
            method=Method.PAT,
            client="acme",
            owner=OWNER,
            secret_ref="env:AIRTABLE",
            expires=TODAY + dt.timedelta(90),
        )
    )
    ws.credentials.append(
        Credential(
            id="g-air",
            service="airtable",
            method=Method.PAT,
            client="globex",
            owner=OWNER,
            secret_ref="env:AIRTABLE",
            expires=TODAY + dt.timedelta(90),
        )
    )
    assert sorted(hits(ws, "secret-shared-across-clients")) == [
        ("credential:a-air", Severity.ERROR),
        ("credential:g-air", Severity.ERROR),
    ]
    # Spelled differently, the same store entry (env names are normalised by store_key).
    ws.credentials[-1].secret_ref = "env:airtable"
    assert len(hits(ws, "secret-shared-across-clients")) == 2
    ws.credentials[-1].status = Status.RETIRED
    assert hits(ws, "secret-shared-across-clients") == []


def test_one_secret_within_one_client_is_not_cross_client() -> None:
    ws = healthy()  # the graph credential shares its service principal's secret, both for acme
    ws.credentials.append(
        Credential(
            id="a-air",
            service="airtable",
            method=Method.PAT,
            client="acme",
            owner=OWNER,
            secret_ref="env:AIRTABLE",
            expires=TODAY + dt.timedelta(90),
        )
    )
    ws.credentials.append(
        Credential(
            id="a-air2",
            service="airtable",
            method=Method.PAT,
            client="acme",
            owner=OWNER,
            secret_ref="env:AIRTABLE",
            expires=TODAY + dt.timedelta(90),
        )
    )
    assert hits(ws, "secret-shared-across-clients") == []


# 7. secret beside a federated credential


def test_secret_left_beside_a_federated_credential() -> None:
    fc = FederatedCredential(name="prod", issuer=GITHUB, subject="repo:o/r:environment:production")
    both = sp(
        tool="n8n",
        secret_ref="env:X",
        secret_created=TODAY,
        secret_expires=TODAY + dt.timedelta(90),
        federated_credentials=[fc],
    )
    assert hits(with_sp(both), "secret-beside-federation") == [("service-principal:svc-x", Severity.WARNING)]
    leftover_ref = sp(
        credential_kind=CredentialKind.FEDERATED, secret_ref="env:X", federated_credentials=[fc]
    )
    assert hits(with_sp(leftover_ref), "secret-beside-federation") == [
        ("service-principal:svc-x", Severity.WARNING)
    ]
    only_fed = sp(credential_kind=CredentialKind.FEDERATED, federated_credentials=[fc])
    assert hits(with_sp(only_fed), "secret-beside-federation") == []
    assert hits(retire(with_sp(both)), "secret-beside-federation") == []


def test_healthy_inventory_still_has_no_findings() -> None:
    assert run_audit(healthy(), TODAY) == []


def test_every_new_finding_names_an_existing_explainer() -> None:
    from wizard.explainer_library import exists

    fc = FederatedCredential(name="prod", issuer=GITHUB, subject="repo:o/r:environment:production")
    ws = with_sp(
        sp(
            name="svc-a",
            tool="github-actions",
            owner="",
            secret_ref="env:X",
            secret_created=TODAY,
            secret_expires=TODAY + dt.timedelta(400),
            federated_credentials=[fc],
            permissions=[Permission(resource="Microsoft Graph", name="Application.ReadWrite.All")],
        ),
        sp(
            name="svc-b",
            client="",
            credential_kind=CredentialKind.CERTIFICATE,
            secret_ref="env:X",
            secret_created=TODAY,
            secret_expires=TODAY + dt.timedelta(900),
        ),
    )
    new = {
        "secret-lifetime",
        "certificate-lifetime",
        "secret-not-keyless",
        "no-owner",
        "takeover-permission",
        "secret-shared-across-clients",
        "secret-beside-federation",
    }
    found = [f for f in run_audit(ws, TODAY) if f.rule_id in new]
    assert {f.rule_id for f in found} == new
    assert all(exists(f.explainer) for f in found)


def test_baselines_name_only_rules_that_exist_and_confirmed_maester_ids() -> None:
    import re

    fc = FederatedCredential(name="prod", issuer=GITHUB, subject="repo:o/r:environment:production")
    ws = with_sp(
        sp(
            name="svc-a",
            tool="github-actions",
            owner="",
            secret_ref="env:X",
            secret_created=TODAY,
            secret_expires=TODAY + dt.timedelta(400),
            federated_credentials=[fc],
            permissions=[Permission(resource="Microsoft Graph", name="Application.ReadWrite.All")],
        ),
        sp(
            name="svc-b",
            credential_kind=CredentialKind.CERTIFICATE,
            secret_created=TODAY,
            secret_expires=TODAY + dt.timedelta(900),
        ),
        sp(name="svc-c", credential_kind=CredentialKind.NONE, sign_in_audience="multi-tenant"),
    )
    fired = {f.rule_id for f in run_audit(ws, TODAY)}
    assert set(BASELINES) <= fired
    for source in BASELINES.values():
        assert re.fullmatch(
            r"Maester MT\.(1002|1050|1057|1075) \(https://maester\.dev/docs/(next/)?tests/MT\.\d{4}\)", source
        )


def test_json_findings_carry_the_baseline() -> None:
    s = sp(
        credential_kind=CredentialKind.NONE,
        permissions=[Permission(resource="Microsoft Graph", name="RoleManagement.ReadWrite.Directory")],
    )
    rows = [f.as_dict() for f in run_audit(with_sp(s), TODAY)]
    assert [r["baseline"] for r in rows if r["rule"] == "takeover-permission"] == [
        BASELINES["takeover-permission"]
    ]
    ws = healthy()
    ws.service_principals[0].owner = ""
    assert [r["baseline"] for r in (f.as_dict() for f in run_audit(ws, TODAY))] == [""]
