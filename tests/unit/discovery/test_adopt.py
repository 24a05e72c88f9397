"""Review and adopt: keys, ids not names, idempotence, hostile names, the lock and digest path."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from tests.support.entra.discovery_standin import Tenant
from tests.unit.discovery.conftest import NOW, TENANT_ID, days
from wizard.discovery.adopt import adopt, adopt_and_save, review
from wizard.discovery.entra_match import snapshot_keys
from wizard.discovery.entra_snapshot import DiscoveredApp, EntraSnapshot, PasswordInfo
from wizard.inventory import load, load_with_digest, save
from wizard.inventory_writer import InventoryWriter
from wizard.model import Credential, Method, ServicePrincipal, Status, Workspace, new_workspace


def home_ws() -> Workspace:
    ws = new_workspace("Northwind", "northwind")
    ws.consultancy.home_tenant = TENANT_ID
    return ws


def test_adopt_all_records_apps_credentials_and_groups_marked_discovered(read) -> None:
    snap = read()
    ws = home_ws()
    report = adopt(ws, snap, None)
    assert len(ws.service_principals) == len(snap.apps)
    sp = ws.service_principal("svc-n8n-graph-acme")
    assert sp is not None and sp.status == Status.ACTIVE and sp.discovered is not None
    assert sp.discovered.source == f"entra:{TENANT_ID}" and sp.discovered.key == f"app:{sp.app_id}"
    assert sp.owner == "ola@northwind.example" and sp.redirect_uris
    assert [(p.name, p.admin_consent) for p in sp.permissions] == [("Sites.Selected", True)]
    creds = [c for c in ws.credentials if c.identity == sp.name]
    assert len(creds) == 2 and all(c.secret_ref is None and c.key_id for c in creds)
    assert all(c.method == Method.OAUTH_CLIENT_CREDENTIALS and c.service == "microsoft-graph" for c in creds)
    assert sorted(str(c.expires) for c in creds) == [str((days(-35)).date()), str((days(160)).date())]
    # each key its own last use (appCredentialSignInActivities), not the app's: the left-over secret is idle
    assert {str(c.expires): c.last_used for c in creds} == {
        str(days(-35).date()): dt.date(2026, 9, 24),
        str(days(160).date()): dt.date(2026, 11, 21),
    }
    cert = next(c for c in ws.credentials if c.identity == "svc-reports-cert")
    assert cert.last_used is None  # the report lists no sign-in for it
    gha = ws.service_principal("svc-gha-deploy-acme")
    assert gha is not None and gha.owner == "" and "former@northwind.example" in gha.notes
    assert gha.federated_credentials[0].subject == "repo:acme/*:ref:refs/heads/main"
    assert ws.service_principal("Partner portal").sign_in_audience == "multi-tenant"  # type: ignore[union-attr]
    assert {g.name for g in ws.groups} == {"Tenant-Acme-Finance", "Org-Admins"}
    assert report.added and not report.notes
    Workspace.model_validate(ws.model_dump())  # the result is a valid inventory


def test_adopting_twice_changes_nothing(read) -> None:
    snap = read()
    ws = home_ws()
    adopt(ws, snap, None)
    first = ws.model_dump()
    again = adopt(ws, snap, None)
    assert ws.model_dump() == first and not again.changed and again.unchanged
    assert all(i.status == "in inventory" for i in review(ws, snap))


def test_adopt_by_key_takes_only_what_was_chosen(read, tenant: Tenant) -> None:
    snap = read()
    ws = home_ws()
    cert_key = next(k for k in snapshot_keys(snap) if k.startswith("cert:"))
    report = adopt(ws, snap, {cert_key, "group:not-there"})
    assert [sp.name for sp in ws.service_principals] == ["svc-reports-cert"]  # its app came along
    assert len(ws.credentials) == 1 and not ws.groups
    assert report.notes == ["group:not-there: not in this discovery; skipped"]
    items = {i.key: i for i in review(ws, snap)}
    assert items[cert_key].status == "in inventory"
    app_key = f"app:{tenant.app('svc-n8n-graph-acme')['appId']}"
    assert items[app_key].status == "new"


def test_existing_entries_are_matched_by_id_never_by_display_name(read, tenant: Tenant) -> None:
    snap = read()
    ws = home_ws()
    app = tenant.app("svc-n8n-graph-acme")
    ws.service_principals.append(
        ServicePrincipal(name="n8n-graph", app_id=app["appId"], status=Status.PLANNED)
    )
    ws.service_principals.append(
        ServicePrincipal(name="svc-reports-cert", status=Status.PLANNED)
    )  # name only
    key_id = app["passwordCredentials"][1]["keyId"]
    ws.credentials.append(
        Credential(
            id="n8n-graph-secret",
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            identity="n8n-graph",
            key_id=key_id,
        )
    )
    items = {i.key: i for i in review(ws, snap)}
    assert (
        items[f"app:{app['appId']}"].status == "changed"
    )  # recorded without its redirect URIs or permissions
    assert items[f"secret:{key_id}"].status == "changed"  # no end date recorded
    adopt(ws, snap, None)
    matched = ws.service_principal("n8n-graph")
    assert matched is not None and matched.status == Status.ACTIVE and matched.discovered is None
    assert matched.application_object_id == app["id"]
    assert ws.credential("n8n-graph-secret").expires == days(160).date()  # type: ignore[union-attr]
    names = [sp.name for sp in ws.service_principals]
    assert names.count("svc-reports-cert") == 1 and any(n.startswith("svc-reports-cert-") for n in names)


def _hostile_snapshot(name: str) -> EntraSnapshot:
    app_id = str(uuid.uuid4())
    return EntraSnapshot(
        tenant=TENANT_ID,
        read_at=NOW,
        apps=[
            DiscoveredApp(
                app_id=app_id,
                display_name=name,
                application_object_id=str(uuid.uuid4()),
                passwords=[PasswordInfo(str(uuid.uuid4()), name, NOW, NOW + dt.timedelta(days=30))],
            )
        ],
    )


@pytest.mark.parametrize("name", ["\x1b[31mred\x1b[0m [bold]x[/] \u202e", "", "x" * 500])
def test_hostile_display_names_become_valid_names(name: str) -> None:
    ws = home_ws()
    adopt(ws, _hostile_snapshot(name), None)
    sp = ws.service_principals[0]
    assert "\x1b" not in sp.name and len(sp.name) <= 64 and sp.name
    Workspace.model_validate(ws.model_dump())


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("\x1b[31mred\x1b[0m app\x07", "red app"),
        ("\x1b]8;;https://evil.example/\x1b\\here\x1b]8;;\x1b\\ link", "here link"),
        ("\x9b31mcsi\u202e rlo", "csi rlo"),
    ],
)
def test_escape_sequences_in_names_are_dropped_not_stored_mangled(name: str, kept: str) -> None:
    ws = home_ws()
    adopt(ws, _hostile_snapshot(name), None)
    assert ws.service_principals[0].name == kept  # not "u001b[31mredu001b[0m appu0007"
    assert ws.credentials[0].label == f"client secret {kept}"


def test_a_display_name_shaped_like_a_secret_is_renamed_with_a_note(canaries: dict[str, str]) -> None:
    ws = home_ws()
    snap = _hostile_snapshot(canaries["github_pat"])
    report = adopt(ws, snap, None)
    sp = ws.service_principals[0]
    assert sp.name == f"app-{snap.apps[0].app_id[:8]}"
    assert canaries["github_pat"] not in repr(ws.model_dump())
    assert any("looks like a secret" in n for n in report.notes)


def test_adopt_and_save_goes_through_the_lock_and_keeps_another_writers_change(read, tmp_path: Path) -> None:
    snap = read()
    path = tmp_path / "idspine.toml"
    save(home_ws(), path, expected_digest=None)
    loaded = load_with_digest(path)
    ws = loaded.workspace
    writer = InventoryWriter(path, loaded.digest)
    other = load(path)  # someone else saves meanwhile
    other.consultancy.name = "Northwind Data"
    save(other, path)
    report = adopt_and_save(writer, ws, snap, None)
    on_disk = load(path)
    assert on_disk.consultancy.name == "Northwind Data"
    assert len(on_disk.service_principals) == len(snap.apps) and report.added


def test_a_multi_tenant_apps_consent_in_another_tenant_keeps_the_home_ids(read) -> None:
    """The client's tenant shows the home app only as a service principal (admin consent): adopting it must not
    replace the home entry's object id with the client's, nor flip it back and forth on each discovery."""
    ws = home_ws()
    adopt(ws, read(), None)
    sp = ws.service_principal("Partner portal")
    assert sp is not None and sp.app_id and sp.object_id
    ids = (sp.app_id, sp.application_object_id, sp.object_id, sp.assignment_required)
    elsewhere = EntraSnapshot(
        tenant="acme.example",
        read_at=NOW,
        apps=[
            DiscoveredApp(
                app_id=sp.app_id,
                display_name="Partner portal",
                service_principal_object_id=str(uuid.uuid4()),
                assignment_required=not sp.assignment_required,
            )
        ],
    )
    report = adopt(ws, elsewhere, None)
    assert (sp.app_id, sp.application_object_id, sp.object_id, sp.assignment_required) == ids
    assert not report.changed and len(ws.service_principals) == len(read().apps)


def test_refused_per_credential_report_falls_back_to_the_app_date_and_says_so(read, tenant: Tenant) -> None:
    from tests.support.entra.discovery_standin import Misbehave

    tenant.faults.append(Misbehave("403", r"appCredentialSignInActivities$", times=99))
    snap = read()
    assert not snap.credential_activity
    assert any("per-credential sign-in activity not read" in n for n in snap.notes)
    ws = home_ws()
    adopt(ws, snap, None)
    creds = [c for c in ws.credentials if c.identity == "svc-n8n-graph-acme"]
    assert [c.last_used for c in creds] == [dt.date(2026, 11, 21)] * 2  # the app's date, shared
