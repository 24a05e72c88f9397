"""apply and verify save with the same lock and digest check as every other save: a change another idspine
made meanwhile (offboard --mark-retired, a verify result, the app) is kept, never silently reverted."""

from __future__ import annotations

from pathlib import Path

from graph_standin import Directory, GraphStandIn
from idp_standin import IdpStandIn

from tests.peers.test_signin_oidc import verify_workspace
from tests.unit.entra.test_idp_failures import tls_files  # noqa: F401 - the fixture
from wizard.inventory import load, load_with_digest, save
from wizard.inventory_writer import InventoryWriter
from wizard.model import Status, Workspace


def other_writer(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Another idspine process: load with digest, change, save with the digest check (like offboard)."""
    loaded = load_with_digest(path)
    change(loaded.workspace)
    save(loaded.workspace, path, expected_digest=loaded.digest)


def retire(name: str):  # type: ignore[no-untyped-def]
    def change(ws: Workspace) -> None:
        group = ws.group(name)
        assert group is not None
        group.status = Status.RETIRED
        group.role = "retired by offboard"

    return change


def test_cli_apply_keeps_a_change_made_while_it_runs(
    ws_file: Path, standin: GraphStandIn, directory: Directory, tmp_path: Path, run_cli, monkeypatch
) -> None:
    ws = load(ws_file)
    ws.consultancy.integrations.secret_store = "env-file"
    save(ws, ws_file)
    fired = []

    def meanwhile(method: str, path: str) -> None:
        if method == "POST" and path == "/servicePrincipals" and not fired:
            fired.append(path)
            other_writer(ws_file, retire("Tenant-Globex-Viewer"))

    directory.on_call = meanwhile
    monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
    res = run_cli(
        "apply",
        "--yes",
        "--file",
        str(ws_file),
        "--graph-url",
        standin.base_url,
        "--token-env",
        "TEST_GRAPH_TOKEN",
        "--env-file",
        str(tmp_path / "s.env"),
        "--allow-loopback-http",
    )
    assert res.code == 0, res.out + res.err
    assert fired
    done = load(ws_file)
    viewer = done.group("Tenant-Globex-Viewer")
    assert viewer.status == Status.RETIRED and viewer.role == "retired by offboard"  # not reverted
    assert viewer.object_id in directory.groups  # and apply's own record landed too
    for sp in done.service_principals:
        assert sp.object_id in directory.service_principals, sp.name


def test_verify_keeps_a_change_made_while_it_asks_the_idp(
    tls_files,  # noqa: F811
    demo_ws: Workspace,
    tmp_path: Path,  # noqa: F811
    run_cli,
) -> None:
    cert, key = tls_files
    path = verify_workspace(demo_ws, tmp_path, "x" * 12 + "8Q~" + "y" * 30)
    with IdpStandIn(cert, key, fail="") as idp:
        idp.on_token = lambda: other_writer(path, retire("Tenant-Acme-Analyst"))
        res = run_cli(
            "verify",
            "svc-peer-check",
            "--file",
            str(path),
            "--oidc-authority",
            idp.issuer,
            "--ca-bundle",
            str(cert),
            "--scope",
            "api:read",
        )
    assert res.code == 1 and "invalid_client" in res.out, res.out + res.err
    done = load(path)
    assert done.group("Tenant-Acme-Analyst").status == Status.RETIRED  # not reverted by verify's save
    check = done.service_principal("svc-peer-check").verification
    assert check is not None and not check.ok and "invalid_client" in check.detail


def test_writer_replays_only_its_unsaved_changes_onto_the_newer_file(ws_file: Path) -> None:
    loaded = load_with_digest(ws_file)
    writer = InventoryWriter(ws_file, loaded.digest)
    ws = loaded.workspace
    writer.change(ws, lambda w: setattr(w.group("Tenant-Acme-Analyst"), "role", "ours 1"))
    writer.save(ws)
    other_writer(ws_file, retire("Tenant-Globex-Viewer"))
    writer.change(ws, lambda w: setattr(w.group("Tenant-Acme-Analyst"), "description", "ours 2"))
    writer.save(ws)
    done = load(ws_file)
    assert done.group("Tenant-Globex-Viewer").status == Status.RETIRED
    assert done.group("Tenant-Acme-Analyst").role == "ours 1"
    assert done.group("Tenant-Acme-Analyst").description == "ours 2"
    assert ws.group("Tenant-Globex-Viewer").status == Status.RETIRED  # the caller's copy is the merged one
