"""Issue 19: multi-tenant apps without assignment required, and Google OAuth clients still in Testing mode used by a
production workflow. Each fires on a crafted inventory, stays quiet on its healthy twin, names its fix and an
explainer that exists, and keeps older inventories (without the new fields) valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.unit.audit.test_audit import OWNER, TODAY, healthy
from wizard.audit import Finding, Severity, run_audit
from wizard.audit.rules import BASELINES
from wizard.explainer_library import exists
from wizard.model import (
    Client,
    Credential,
    CredentialKind,
    Hat,
    Method,
    Placement,
    ServicePrincipal,
    Status,
    TenantModel,
    Workspace,
)

EXPLAINERS = Path(__file__).resolve().parents[3] / "explainers"


def found(ws: Workspace, rule_id: str) -> list[Finding]:
    return [f for f in run_audit(ws, TODAY) if f.rule_id == rule_id]


# 1. multi-tenant app without assignment required


def multi(**kw: object) -> Workspace:
    ws = healthy()
    base: dict[str, object] = {
        "name": "svc-reports-acme",
        "client": "acme",
        "owner": OWNER,
        "status": Status.ACTIVE,
        "credential_kind": CredentialKind.NONE,
    }
    base.update(kw)
    ws.service_principals.append(ServicePrincipal.model_validate(base))
    return ws


def test_recorded_multi_tenant_app_without_assignment_is_a_warning_with_fix_and_explainer() -> None:
    hits = found(multi(sign_in_audience="multi-tenant"), "multi-tenant-no-assignment")
    assert [(f.subject, f.severity) for f in hits] == [
        ("service-principal:svc-reports-acme", Severity.WARNING)
    ]
    f = hits[0]
    assert "not recorded as on" in f.message
    assert "Assignment required?" in f.fix and "appRoleAssignmentRequired" in f.fix
    assert "Users and groups" in f.fix
    assert f.explainer == "b2b-and-multi-tenant" and exists(f.explainer)
    assert (EXPLAINERS / f"{f.explainer}.md").is_file()
    assert "MT.1075" in f.baseline and "maester.dev/docs/tests/MT.1075" in f.baseline


def test_assignment_switched_off_says_so() -> None:
    hits = found(
        multi(sign_in_audience="multi-tenant", assignment_required=False), "multi-tenant-no-assignment"
    )
    assert len(hits) == 1 and "is off" in hits[0].message


def test_multi_tenant_by_placement_fires_too() -> None:
    # Not recorded by the IdP: the app placed multi-tenant (per app, or by the client's app placement) counts.
    assert len(found(multi(tenant=Placement.MULTI_TENANT), "multi-tenant-no-assignment")) == 1
    ws = multi()
    client = ws.client("acme")
    assert client is not None
    client.app_placement = Placement.MULTI_TENANT
    subjects = {f.subject for f in found(ws, "multi-tenant-no-assignment")}
    assert "service-principal:svc-reports-acme" in subjects


def test_assignment_required_or_single_tenant_does_not_fire() -> None:
    assert (
        found(multi(sign_in_audience="multi-tenant", assignment_required=True), "multi-tenant-no-assignment")
        == []
    )
    assert (
        found(multi(tenant=Placement.MULTI_TENANT, assignment_required=True), "multi-tenant-no-assignment")
        == []
    )
    # What the IdP reports wins over the planned placement.
    assert (
        found(
            multi(tenant=Placement.MULTI_TENANT, sign_in_audience="single-tenant"),
            "multi-tenant-no-assignment",
        )
        == []
    )
    assert found(multi(), "multi-tenant-no-assignment") == []
    assert (
        found(multi(sign_in_audience="multi-tenant", status=Status.RETIRED), "multi-tenant-no-assignment")
        == []
    )


# 2. Google OAuth client in Testing mode used by a production workflow


def google(ws: Workspace | None = None, **kw: object) -> Workspace:
    ws = ws or healthy()
    base: dict[str, object] = {
        "id": "acme-sheets",
        "service": "google-workspace",
        "method": Method.OAUTH_USER,
        "client": "acme",
        "owner": OWNER,
        "label": "Sheets from n8n",
        "scopes": ["https://www.googleapis.com/auth/spreadsheets"],
        "secret_ref": "env:ACME_SHEETS",
        "used_by": ["n8n:Weekly report"],
        "google_publishing_status": "testing",
    }
    base.update(kw)
    ws.credentials.append(Credential.model_validate(base))
    return ws


def test_testing_mode_client_in_a_client_workflow_is_an_error_with_fix_and_explainer() -> None:
    hits = found(google(), "google-oauth-testing")
    assert [(f.subject, f.severity) for f in hits] == [("credential:acme-sheets", Severity.ERROR)]
    f = hits[0]
    assert "7 days" in f.message and "n8n:Weekly report" in f.message
    assert (
        "Audience" in f.fix and "In production" in f.fix and "Internal" in f.fix and "in-production" in f.fix
    )
    assert f.explainer == "google-oauth-verification" and exists(f.explainer)
    assert (EXPLAINERS / f"{f.explainer}.md").is_file()
    assert f.baseline == ""  # no Maester or ScubaGear check covers Google consent screens


def test_own_production_hat_makes_it_a_warning() -> None:
    ws = healthy()
    ws.consultancy.hats = [Hat.OWN_PRODUCTION]
    hits = found(google(ws, client=""), "google-oauth-testing")
    assert [(f.subject, f.severity) for f in hits] == [("credential:acme-sheets", Severity.WARNING)]


@pytest.mark.parametrize(
    "change",
    [
        {"google_publishing_status": "in-production"},
        {"google_publishing_status": None},
        {"used_by": ["laptop:notebooks"]},  # a person at a keyboard re-consents; no workflow breaks
        {"used_by": []},
        {"scopes": ["openid", "https://www.googleapis.com/auth/userinfo.email"]},  # Google's exception
        {"client": ""},  # a prototype: no client, no production hat
        {"status": Status.RETIRED},
    ],
)
def test_testing_mode_does_not_fire_outside_production(change: dict[str, object]) -> None:
    assert found(google(**change), "google-oauth-testing") == []


def test_a_service_account_key_is_not_an_oauth_client() -> None:
    ws = google(method=Method.SERVICE_ACCOUNT_KEY)
    assert found(ws, "google-oauth-testing") == []


# the model: optional, defaults keep older inventories valid, nonsense refused


def test_new_fields_default_to_unknown_and_old_inventories_stay_valid() -> None:
    ws = healthy()
    data = ws.model_dump(mode="json")
    for sp in data["service_principals"]:
        sp.pop("sign_in_audience")
        sp.pop("assignment_required")
    for c in data["credentials"]:
        c.pop("google_publishing_status")
    again = Workspace.model_validate(data)
    assert again.service_principals[0].sign_in_audience is None
    assert again.service_principals[0].assignment_required is None
    assert again.credentials[0].google_publishing_status is None


def test_publishing_status_is_only_for_google_and_values_are_checked() -> None:
    with pytest.raises(ValidationError):
        Credential(id="x", service="airtable", method=Method.OAUTH_USER, google_publishing_status="testing")
    with pytest.raises(ValidationError):
        Credential(
            id="x", service="google-workspace", method=Method.OAUTH_USER, google_publishing_status="live"
        )  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        ServicePrincipal(name="svc", sign_in_audience="any")  # type: ignore[arg-type]


def test_schema_names_the_new_fields() -> None:
    schema = Workspace.model_json_schema()
    defs = schema["$defs"]
    assert {"sign_in_audience", "assignment_required"} <= set(defs["ServicePrincipal"]["properties"])
    assert "google_publishing_status" in defs["Credential"]["properties"]


def test_demo_counts_are_unchanged_by_these_rules() -> None:
    from wizard.audit import counts
    from wizard.demo import demo_workspace

    ws = demo_workspace(TODAY)
    assert not [
        f for f in run_audit(ws, TODAY) if f.rule_id in {"multi-tenant-no-assignment", "google-oauth-testing"}
    ]
    assert sum(counts(run_audit(ws, TODAY)).values()) > 0


def test_client_with_own_tenant_placed_multi_tenant_is_checked() -> None:
    ws = healthy()
    ws.clients.append(
        Client(
            slug="globex",
            name="Globex",
            tenant="globex.onmicrosoft.com",
            tenant_model=TenantModel.SEPARATE_TENANT,
            app_placement=Placement.MULTI_TENANT,
        )
    )
    ws.service_principals.append(
        ServicePrincipal(
            name="svc-x-globex",
            client="globex",
            owner=OWNER,
            status=Status.ACTIVE,
            credential_kind=CredentialKind.NONE,
        )
    )
    assert [f.subject for f in found(ws, "multi-tenant-no-assignment")] == ["service-principal:svc-x-globex"]
    assert "multi-tenant-no-assignment" in BASELINES
