"""The tenant-not-recorded rule: objects placed in a tenant whose id or domain is missing (apply refuses it)."""

from __future__ import annotations

from tests.unit.audit.test_audit import TODAY, healthy
from wizard.audit import Severity, run_audit
from wizard.model import Client, Group, Placement, Status, TenantModel, Workspace


def hits(ws: Workspace) -> list[tuple[str, Severity, str]]:
    return [
        (f.subject, f.severity, f.message) for f in run_audit(ws, TODAY) if f.rule_id == "tenant-not-recorded"
    ]


def test_a_recorded_layout_has_no_finding() -> None:
    assert hits(healthy()) == []


def test_a_separate_tenant_client_without_its_tenant_is_one_finding_counting_what_waits() -> None:
    ws = healthy()
    ws.clients.append(
        Client(
            slug="initech",
            name="Initech",
            tenant_model=TenantModel.SEPARATE_TENANT,
            app_placement=Placement.CLIENT,
        )
    )
    ws.groups.append(
        Group(name="Tenant-Initech-Analyst", client="initech", role="Analyst")
    )  # at home: no finding
    ws.service_principals.append(
        ws.service_principals[0].model_copy(update={"name": "svc-n8n-graph-initech", "client": "initech"})
    )
    found = hits(ws)
    assert [(s, sev) for s, sev, _ in found] == [("client:initech", Severity.WARNING)]
    assert "1 object(s)" in found[0][2] and "Initech's tenant" in found[0][2]


def test_a_missing_home_tenant_is_a_finding_and_retired_objects_do_not_count() -> None:
    ws = healthy()
    ws.consultancy.home_tenant = ""
    assert [s for s, _, _ in hits(ws)] == ["consultancy"]
    for g in ws.groups:
        g.status = Status.RETIRED
    for sp in ws.service_principals:
        sp.status = Status.RETIRED
    assert hits(ws) == []
