"""Plan and apply against the loopback Graph stand-in: idempotent, resumable, contract-checked, ids recorded."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import httpx
import pytest
from graph_standin import Directory, Fault, GraphStandIn

from wizard.inventory import load
from wizard.model import Status, Workspace
from wizard.providers import ProviderError
from wizard.providers.entra.apply import apply_plan
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.plan import build_plan, render_text
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.http import HttpSettings, build_client
from wizard.secrets.sinks import EnvFileSink

NO_WAIT = RetryPolicy(attempts=4, sleep=lambda s: None)


def run(ws_path: Path, graph: GraphClient, tmp_path: Path, **kw: object):
    ws = load(ws_path)
    plan = build_plan(ws)
    sink = EnvFileSink(tmp_path / "secrets.env")
    return apply_plan(
        ws,
        plan,
        graph,
        path=ws_path,
        sink=sink,
        retry=kw.pop("retry", NO_WAIT),  # type: ignore[arg-type]
        today=dt.date(2026, 11, 23),
        **kw,
    )  # type: ignore[arg-type]


def assert_end_state(directory: Directory, ws: Workspace) -> None:
    """One object per planned name, and the inventory holds exactly the stand-in's ids."""
    wanted_groups = [g for g in ws.groups if g.status != Status.RETIRED]
    for g in wanted_groups:
        assert directory.count("group", displayName=g.name) == 1, g.name
        assert g.object_id in directory.groups
    for sp in ws.service_principals:
        assert directory.count("application", displayName=sp.name) == 1, sp.name
        app = directory.applications[sp.application_object_id]
        assert app["appId"] == sp.app_id
        assert directory.service_principals[sp.object_id]["appId"] == sp.app_id
        assert directory.count("servicePrincipal", appId=sp.app_id) == 1
        for fic in sp.federated_credentials:
            made = [f["name"] for f in directory.fics[app["id"]]].count(fic.name)
            assert made == (0 if "*" in fic.subject else 1), fic.name  # a wildcard never matches in Entra
    assert len(directory.groups) == len(wanted_groups)
    assert len(directory.applications) == len(ws.service_principals)
    assert len(directory.service_principals) == len(ws.service_principals) + 1  # + Microsoft Graph itself
    assert directory.problems == []


def test_plan_lists_every_call_in_order_with_stable_keys(entra_ws: Workspace) -> None:
    plan = build_plan(entra_ws)
    keys = [s.key for s in plan.steps]
    assert keys == [s.key for s in build_plan(entra_ws).steps]  # stable
    assert len(keys) == len(set(keys))
    kinds = [s.kind for s in plan.steps]
    assert kinds.index("group") < kinds.index("application") < kinds.index("service-principal")
    assert "client-secret:svc-n8n-sharepoint-globex" in keys
    assert "client-secret:svc-n8n-graph-acme" not in keys  # it has one already
    assert "federated-credential:svc-github-deploy-acme/acme-pipeline-main" in keys
    assert "role-assignment:svc-api-portal-acme/workflow:run/Tenant-Acme-Data-Engineer" in keys
    text = render_text(plan)
    assert "PATCH /groups(uniqueName='Tenant-Acme-Analyst')  Prefer: create-if-missing" in text
    assert (
        "https://login.microsoftonline.com/northwinddata.onmicrosoft.com/adminconsent?client_id="
        "11111111-2222-4333-8444-555555555555" in text
    )
    assert "Nothing has been changed" in text
    rotated = build_plan(entra_ws, rotate=frozenset({"svc-n8n-graph-acme"}))
    assert rotated.step("client-secret:svc-n8n-graph-acme") is not None
    only_globex = build_plan(entra_ws, client="globex")
    assert all(s.subject.lower().find("acme") < 0 for s in only_globex.steps)


def test_apply_twice_creates_each_object_once(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    first = run(ws_file, graph, tmp_path)
    assert first.ok, first.render_text()
    assert first.count("created") >= 9 + 5 + 5
    ws = load(ws_file)
    assert_end_state(directory, ws)
    writes_after_first = len(directory.writes())

    second = run(ws_file, graph, tmp_path)
    assert second.ok
    assert second.count("created") == 0
    assert len(directory.writes()) == writes_after_first  # a rerun only reads
    assert_end_state(directory, load(ws_file))
    assert load(ws_file).model_dump() == ws.model_dump()


def test_ids_land_in_the_inventory_file(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    run(ws_file, graph, tmp_path)
    text = ws_file.read_text()
    for gid in directory.groups:
        assert gid in text
    for app in directory.applications.values():
        assert app["appId"] in text and app["id"] in text
    ws = load(ws_file)
    globex_sp = ws.service_principal("svc-n8n-sharepoint-globex")
    assert globex_sp.secret_ref and globex_sp.secret_ref.startswith("file:")
    assert globex_sp.secret_expires == (dt.datetime.now(dt.UTC) + dt.timedelta(days=180)).date()
    consent = [c for c in ws.checklist if c.id.startswith("admin-consent:")]
    assert {c.id for c in consent} >= {
        "admin-consent:svc-n8n-graph-acme",
        "admin-consent:svc-n8n-sharepoint-globex",
    }
    acme = ws.service_principal("svc-n8n-graph-acme")
    assert f"/adminconsent?client_id={acme.app_id}" in next(
        c.text for c in consent if c.id == "admin-consent:svc-n8n-graph-acme"
    )
    assert not any(c.id.startswith("pending-secret:") for c in ws.checklist)
    fix = next(
        c for c in ws.checklist if c.id == "federated-credential:svc-github-deploy-globex:globex-any-ref"
    )
    assert "matches the subject exactly" in fix.text
    env = tmp_path / "secrets.env"
    assert stat.S_IMODE(env.stat().st_mode) == 0o600


def test_requests_follow_the_published_graph_types(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    run(ws_file, graph, tmp_path)
    assert directory.problems == []
    # and the stand-in really does reject a body outside the contract
    with pytest.raises(ProviderError) as info:
        graph._upsert.call(
            "PATCH", "/groups(uniqueName='x')", json_body={"displayName": "x", "colour": "red"}, ok=(201,)
        )
    assert "400" in str(info.value)
    assert any("colour" in p for p in directory.problems)
    directory.problems.clear()
    with pytest.raises(ProviderError):
        graph._upsert.call("PATCH", "/groups(uniqueName='y')", json_body={"displayName": "y"}, ok=(201,))
    assert any("mailNickname" in p for p in directory.problems)


def test_throttling_5xx_and_timeouts_still_converge(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    directory.faults += [
        Fault("429", times=2, method="PATCH", path_re=r"^/groups\(", retry_after=1),
        Fault("503", times=2, method="POST", path_re=r"^/servicePrincipals$"),
        Fault("lost", times=1, method="PATCH", path_re=r"^/applications\("),  # done, but the answer is late
        Fault("lost", times=1, method="POST", path_re=r"/federatedIdentityCredentials$"),
        Fault("lost", times=1, method="POST", path_re=r"/addPassword$"),  # a secret made, answer lost
        Fault("slow", times=2, method="GET", path_re=r"^/groups$"),
        Fault("429", times=6, method="GET", path_re=r"^/applications$"),
    ]
    report = run(ws_file, graph, tmp_path)
    assert report.ok, report.render_text()
    assert all(f.times == 0 for f in directory.faults)
    ws = load(ws_file)
    assert_end_state(directory, ws)
    sp = ws.service_principal("svc-n8n-sharepoint-globex")
    passwords = directory.applications[sp.application_object_id]["passwordCredentials"]
    assert len(passwords) == 1  # the one whose answer was lost was removed again
    assert any(o.attempts > 1 for o in report.outcomes)


def test_outage_midway_stops_cleanly_and_rerun_completes(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    directory.down_after = 25
    report = run(ws_file, graph, tmp_path)
    assert not report.ok
    assert report.stopped_at is not None
    assert "Run apply again" in report.render_text() or "run apply again" in report.render_text()
    partial = load(ws_file)
    recorded = [g for g in partial.groups if g.object_id]
    assert recorded and all(g.object_id in directory.groups for g in recorded)
    done_keys = [o.key for o in report.outcomes if o.status != "failed"]
    assert done_keys and report.stopped_at not in done_keys

    directory.down_after = None
    again = run(ws_file, graph, tmp_path)
    assert again.ok, again.render_text()
    assert_end_state(directory, load(ws_file))


@pytest.mark.parametrize("crash_after", [3, 17, 33, 41])
def test_process_crash_midway_then_rerun_completes(
    ws_file: Path,
    directory: Directory,
    standin: GraphStandIn,
    http_settings: HttpSettings,
    tmp_path: Path,
    crash_after: int,
) -> None:
    class Crash(BaseException):
        """Stands for the process dying (not an error apply could catch)."""

    sent = {"n": 0}

    def count_and_crash(request: httpx.Request) -> None:
        sent["n"] += 1
        if sent["n"] > crash_after:
            raise Crash()

    client = httpx.Client(
        timeout=http_settings.timeout, follow_redirects=False, event_hooks={"request": [count_and_crash]}
    )
    crashing = GraphClient(standin.base_url, client, directory.token, http_settings)
    with pytest.raises(Crash):
        run(ws_file, crashing, tmp_path)
    client.close()
    before = load(ws_file)
    assert sum(1 for g in before.groups if g.object_id) <= len(directory.groups)

    fresh = build_client(http_settings)
    report = run(ws_file, GraphClient(standin.base_url, fresh, directory.token, http_settings), tmp_path)
    fresh.close()
    assert report.ok, report.render_text()
    ws = load(ws_file)
    assert_end_state(directory, ws)
    sp = ws.service_principal("svc-n8n-sharepoint-globex")
    assert len(directory.applications[sp.application_object_id]["passwordCredentials"]) == 1


def test_existing_objects_are_adopted_not_duplicated(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    # made by hand in the portal earlier: same display names, no uniqueName
    directory.groups["aaaaaaaa-0000-4000-8000-000000000001"] = {
        "id": "aaaaaaaa-0000-4000-8000-000000000001",
        "displayName": "Tenant-Acme-Analyst",
    }
    directory.owners["aaaaaaaa-0000-4000-8000-000000000001"] = []
    directory.applications["aaaaaaaa-0000-4000-8000-000000000002"] = {
        "id": "aaaaaaaa-0000-4000-8000-000000000002",
        "appId": "aaaaaaaa-0000-4000-8000-000000000003",
        "displayName": "svc-api-portal-acme",
        "appRoles": [],
        "requiredResourceAccess": [],
        "passwordCredentials": [],
    }
    directory.fics["aaaaaaaa-0000-4000-8000-000000000002"] = []
    report = run(ws_file, graph, tmp_path)
    assert report.ok, report.render_text()
    statuses = {o.key: o.status for o in report.outcomes}
    assert statuses["group:Tenant-Acme-Analyst"] == "adopted"
    assert statuses["application:svc-api-portal-acme"] == "updated"  # topped up with its app roles
    ws = load(ws_file)
    assert ws.group("Tenant-Acme-Analyst").object_id == "aaaaaaaa-0000-4000-8000-000000000001"
    portal = ws.service_principal("svc-api-portal-acme")
    assert portal.app_id == "aaaaaaaa-0000-4000-8000-000000000003"
    roles = directory.applications["aaaaaaaa-0000-4000-8000-000000000002"]["appRoles"]
    assert sorted(r["value"] for r in roles) == ["workflow:read", "workflow:run"]
    assert len(directory.assignments[portal.object_id]) == 2
    assert_end_state(directory, ws)


def test_two_objects_with_one_name_stop_apply_instead_of_guessing(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    for n in (1, 2):
        gid = f"bbbbbbbb-0000-4000-8000-00000000000{n}"
        directory.groups[gid] = {"id": gid, "displayName": "Org-Data-Engineer"}
    report = run(ws_file, graph, tmp_path)
    assert report.stopped_at == "group:Org-Data-Engineer"
    assert "share this name" in report.error
    assert report.outcomes[-1].attempts == 1  # a conflict is not retried


def test_a_refused_token_stops_without_retrying(
    ws_file: Path, standin: GraphStandIn, http_settings: HttpSettings, directory: Directory, tmp_path: Path
) -> None:
    client = build_client(http_settings)
    report = run(ws_file, GraphClient(standin.base_url, client, "not-the-token", http_settings), tmp_path)
    assert report.stopped_at == report.outcomes[0].key
    assert "401" in report.error and report.outcomes[0].attempts == 1
    assert directory.writes() == []
