"""The CSV export and the inspector name the tenant each object lives in, read from wizard.placement (issue 13
follow-up, item 2): a changed placement rule shows up in both without either recomputing it."""

from __future__ import annotations

import csv
import io

import pytest

from wizard import placement
from wizard.audit.rows import build_rows, filter_rows
from wizard.demo import DEMO_TODAY, scaled_workspace
from wizard.export import csv_table
from wizard.model import Placement, TenantModel, Workspace


def _csv(ws: Workspace) -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in csv.DictReader(io.StringIO(csv_table.render(ws, today=DEMO_TODAY)))}


def _separate(ws: Workspace) -> tuple[Workspace, str]:
    client = next(c for c in ws.clients if c.tenant_model in placement.OWN_TENANT_MODELS and c.tenant)
    return ws, client.slug


def test_csv_names_each_rows_tenant_as_placement_decides(demo_ws: Workspace) -> None:
    ws, slug = _separate(demo_ws)
    rows = _csv(ws)
    assert ws.service_principals and ws.credentials
    for sp in ws.service_principals:
        row = rows[sp.name]
        assert row["tenant"] == placement.service_principal_tenant(ws, sp).tenant
        assert row["registered_in"] == placement.app_registration_tenant(ws, sp).tenant
    for c in ws.credentials:
        assert rows[c.id]["tenant"] == placement.credential_tenant(ws, c).tenant
    theirs = {rows[c.id]["tenant"] for c in ws.credentials if c.client == slug and c.identity == ""}
    assert ws.client(slug).tenant in theirs  # type: ignore[union-attr]
    assert ws.consultancy.home_tenant in {rows[c.id]["tenant"] for c in ws.credentials if not c.client}


def test_a_multi_tenant_app_is_registered_at_home_and_lives_in_the_client(demo_ws: Workspace) -> None:
    ws, slug = _separate(demo_ws)
    client = ws.client(slug)
    assert client is not None
    client.app_placement = Placement.MULTI_TENANT
    sp = next(s for s in ws.service_principals if s.client == slug)
    sp.tenant = None
    row = _csv(ws)[sp.name]
    assert row["registered_in"] == ws.consultancy.home_tenant and row["tenant"] == client.tenant
    rows, _ = build_rows(ws, DEMO_TODAY)
    inspected = next(r for r in rows if r.name == sp.name)
    assert inspected.tenant == f"home → {client.tenant}"


def test_csv_and_inspector_read_the_rule_from_placement(
    demo_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = placement.home_tenant(demo_ws)
    moved = placement.Tenant(
        "client:elsewhere", "elsewhere.onmicrosoft.com", "Elsewhere's tenant", "elsewhere"
    )
    monkeypatch.setattr(placement, "credential_tenant", lambda ws, c: moved)
    monkeypatch.setattr(placement, "group_tenant", lambda ws, g: home)
    rows = _csv(demo_ws)
    assert {rows[c.id]["tenant"] for c in demo_ws.credentials} == {"elsewhere.onmicrosoft.com"}
    inspected, _ = build_rows(demo_ws, DEMO_TODAY)
    assert {r.tenant for r in inspected if r.kind == "credential"} == {"elsewhere.onmicrosoft.com"}
    assert {r.tenant for r in inspected if r.kind == "group"} == {"home"}


def test_inspector_filters_by_tenant(demo_ws: Workspace) -> None:
    ws, slug = _separate(demo_ws)
    theirs = ws.client(slug).tenant  # type: ignore[union-attr]
    rows, _ = build_rows(ws, DEMO_TODAY)
    found = filter_rows(rows, f"tenant:{theirs.split('.')[0]}")
    assert found and all(theirs in r.tenant for r in found)
    assert {r.kind for r in filter_rows(rows, "tenant:home")} >= {"group"}


def test_an_unrecorded_tenant_says_so(demo_ws: Workspace) -> None:
    ws, slug = _separate(demo_ws)
    client = ws.client(slug)
    assert client is not None
    client.tenant = ""
    cred = next(c for c in ws.credentials if c.client == slug and not c.identity)
    assert _csv(ws)[cred.id]["tenant"] == ""
    rows, _ = build_rows(ws, DEMO_TODAY)
    assert "not recorded" in next(r for r in rows if r.name == cred.id).tenant


def test_tenants_are_placed_for_every_row_at_ten_thousand_credentials() -> None:
    ws = scaled_workspace(10_000, DEMO_TODAY)
    for i, c in enumerate(ws.clients):
        if c.slug.startswith("client-"):
            c.tenant_model = TenantModel.SEPARATE_TENANT if i % 2 else TenantModel.B2B_GUESTS
            c.tenant = f"{c.slug}.onmicrosoft.com"
    rows, _ = build_rows(ws, DEMO_TODAY)
    assert len(rows) >= 10_000 and all(r.tenant for r in rows)
    spent = {r.name: r.tenant for r in rows if r.kind == "credential"}
    sample = ws.credentials[::997]
    assert all(
        spent[c.id]
        == (
            "home"
            if placement.credential_tenant(ws, c).key == "home"
            else placement.credential_tenant(ws, c).address
        )
        for c in sample
    )
