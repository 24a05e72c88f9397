"""compare_entra: in sync after adoption, drift after a change behind the inventory's back; expiry is not drift."""

from __future__ import annotations

import datetime as dt
import uuid

from tests.support.entra.discovery_standin import Tenant
from tests.unit.discovery.conftest import days
from tests.unit.discovery.test_adopt import home_ws
from wizard.discovery.adopt import adopt
from wizard.discovery.entra_drift import compare_entra
from wizard.discovery.findings import DriftKind
from wizard.model import Group, Status


def test_in_sync_after_adopting_everything_even_with_expired_secrets(read) -> None:
    snap = read()
    ws = home_ws()
    assert compare_entra(ws, snap).exit_code == 1  # everything unknown before adoption
    adopt(ws, snap, None)
    report = compare_entra(ws, snap)
    assert report.findings == [] and report.exit_code == 0
    assert any(c.expires and c.expires < dt.date(2026, 11, 23) for c in ws.credentials)  # expired, in sync


def test_a_secret_added_behind_its_back_is_unrecorded(read, tenant: Tenant) -> None:
    ws = home_ws()
    adopt(ws, read(), None)
    app = tenant.app("svc-n8n-graph-acme")
    app["passwordCredentials"].append(
        {
            "keyId": str(uuid.uuid4()),
            "displayName": "added by hand",
            "startDateTime": "2026-11-22T00:00:00Z",
            "endDateTime": "2027-11-22T00:00:00Z",
            "hint": "xyz",
            "secretText": None,
            "customKeyIdentifier": None,
        }
    )
    report = compare_entra(ws, read())
    assert [(f.kind, f.name) for f in report.findings] == [(DriftKind.UNRECORDED_SECRET, "added by hand")]
    assert report.exit_code == 1


def test_changed_redirects_permissions_subjects_and_end_dates(read, tenant: Tenant) -> None:
    ws = home_ws()
    adopt(ws, read(), None)
    n8n = tenant.app("svc-n8n-graph-acme")
    n8n["web"]["redirectUris"].append("https://evil.example/callback")
    n8n["passwordCredentials"][1]["endDateTime"] = "2028-01-01T00:00:00Z"
    gha = tenant.app("svc-gha-deploy-acme")
    tenant.fics[gha["id"]][0]["subject"] = "repo:acme/*"
    found = {(f.kind, f.detail.split(":")[0]) for f in compare_entra(ws, read()).findings}
    assert found == {
        (DriftKind.CHANGED, "redirect URIs"),
        (DriftKind.CHANGED, "end date"),
        (DriftKind.CHANGED, "federated subjects"),
    }


def test_missing_apps_secrets_and_groups(read, tenant: Tenant) -> None:
    ws = home_ws()
    adopt(ws, read(), None)
    cert = tenant.app("svc-reports-cert")
    del tenant.applications[cert["id"]]
    tenant.service_principals = {
        k: v for k, v in tenant.service_principals.items() if v["appId"] != cert["appId"]
    }
    tenant.app("Partner portal")["passwordCredentials"].clear()
    gid = next(k for k, g in tenant.groups.items() if g["displayName"] == "Org-Admins")
    del tenant.groups[gid]
    ws.groups.append(
        Group(name="Unread-prefix", object_id=str(uuid.uuid4()), status=Status.ACTIVE)
    )  # not read: not missing
    kinds = sorted((f.kind.value, f.object_type, f.name) for f in compare_entra(ws, read()).findings)
    assert ("missing", "application", "svc-reports-cert") in kinds
    assert ("missing", "group", "Org-Admins") in kinds
    assert (
        sum(1 for k in kinds if k[:2] == ("missing", "client secret")) == 2
    )  # the cert's and Partner portal's
    assert not any(k[2] == "Unread-prefix" for k in kinds)


def test_unknown_app_is_reported_once_with_its_credentials_counted(read, tenant: Tenant) -> None:
    ws = home_ws()
    adopt(ws, read(), None)
    tenant.add_app("shadow-it", secrets=[(days(-1), days(30))])
    findings = compare_entra(ws, read()).findings
    assert [(f.kind, f.name, f.detail) for f in findings] == [
        (DriftKind.UNKNOWN, "shadow-it", "1 secret(s)/certificate(s)")
    ]


def test_entra_drift_source_reads_and_compares_or_says_unreadable(
    graph, tenant: Tenant, settings, read
) -> None:
    from tests.support.entra.discovery_standin import Misbehave
    from wizard.providers.entra.discover import entra_drift
    from wizard.providers.entra.retry import RetryPolicy

    ws = home_ws()
    adopt(ws, read(), None)
    options = {
        "graph_url": graph.graph_url,
        "http_settings": settings,
        "retry": RetryPolicy(sleep=lambda s: None),
    }
    assert entra_drift(ws, tenant.token, **options).exit_code == 0  # type: ignore[arg-type]
    tenant.faults.append(Misbehave("401", r"/applications$", times=99))
    report = entra_drift(ws, tenant.token, **options)  # type: ignore[arg-type]
    assert report.exit_code == 2 and "sign in again" in next(iter(report.unreadable.values()))
    ws.consultancy.home_tenant = ""
    assert "no tenant id" in entra_drift(ws, tenant.token, **options).unreadable["entra"]  # type: ignore[arg-type]


def test_assignment_required_and_sign_in_audience_changed_behind_its_back(read, tenant: Tenant) -> None:
    ws = home_ws()
    adopt(ws, read(), None)
    n8n = tenant.app("svc-n8n-graph-acme")
    sp = next(s for s in tenant.service_principals.values() if s["appId"] == n8n["appId"])
    sp["appRoleAssignmentRequired"] = True
    n8n["signInAudience"] = "AzureADMultipleOrgs"
    findings = compare_entra(ws, read()).findings
    assert sorted(f.detail for f in findings) == [
        "assignment required: recorded no; in Entra yes",
        "sign-in audience: recorded single-tenant; in Entra multi-tenant (AzureADMultipleOrgs)",
    ]
    assert all(
        f.kind == DriftKind.CHANGED and f.entry == "service_principal:svc-n8n-graph-acme" for f in findings
    )


def test_settings_the_inventory_does_not_record_are_not_compared(read, tenant: Tenant) -> None:
    ws = home_ws()
    adopt(ws, read(), None)
    recorded = ws.service_principal("svc-n8n-graph-acme")
    assert recorded is not None
    recorded.assignment_required = None
    recorded.sign_in_audience = None
    n8n = tenant.app("svc-n8n-graph-acme")
    next(s for s in tenant.service_principals.values() if s["appId"] == n8n["appId"])[
        "appRoleAssignmentRequired"
    ] = True
    n8n["signInAudience"] = "AzureADMultipleOrgs"
    assert compare_entra(ws, read()).findings == []


def test_assignment_required_is_compared_for_a_service_principal_without_its_app(
    read, tenant: Tenant
) -> None:
    ws = home_ws()
    adopt(ws, read(), None)
    filler = tenant.app("filler-000")
    tenant.applications.pop(filler["id"])  # now only its service principal is in this tenant
    sp = next(s for s in tenant.service_principals.values() if s["appId"] == filler["appId"])
    sp["appRoleAssignmentRequired"] = True
    details = [f.detail for f in compare_entra(ws, read()).findings if f.name == "filler-000"]
    assert details == ["assignment required: recorded no; in Entra yes"]
