"""New client secrets: handed to a 0600 env file or Key Vault, and never seen in the inventory, logs,
stdout/stderr or error text (canary values issued by the Graph stand-in)."""

from __future__ import annotations

import datetime as dt
import logging
import stat
from pathlib import Path

import pytest
from graph_standin import Directory, Fault, GraphStandIn
from keyvault_standin import Vault, VaultStandIn

from wizard.inventory import load, save
from wizard.model import Workspace
from wizard.providers.entra.apply import apply_plan
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.plan import build_plan
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.keyvault import KeyVaultSink
from wizard.secrets.resolver import resolve
from wizard.secrets.sinks import EnvFileSink, SecretSinkError

NO_WAIT = RetryPolicy(attempts=4, sleep=lambda s: None)


def assert_nowhere(values: list[str], *texts: str) -> None:
    assert values, "the stand-in issued no secret, so the test proves nothing"
    for value in values:
        for text in texts:
            assert value not in text


def test_env_file_sink_is_private_atomic_and_resolvable(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "secrets.env"
    sink = EnvFileSink(path)
    ref = sink.store("svc-n8n-graph-acme", "first-value-aaaaaaaaaaaa", dt.datetime(2027, 5, 1, tzinfo=dt.UTC))
    assert ref == f"file:{path}#SVC_N8N_GRAPH_ACME"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    sink.store("svc-other", "other-value-bbbbbbbbbbbb")
    sink.store("svc-n8n-graph-acme", "second-value-cccccccccc")  # replaces, keeps the other
    assert resolve(ref) == "second-value-cccccccccc"
    assert resolve(f"file:{path}#SVC_OTHER") == "other-value-bbbbbbbbbbbb"
    assert "first-value" not in path.read_text()
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]  # no temp files left
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_kill_during_the_env_file_write_leaves_no_copy_holding_the_secret(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    folder = tmp_path / "conf"
    path = folder / "secrets.env"
    EnvFileSink(path).store("svc-first", "first-value-aaaaaaaaaaaa")
    killed_value = "killed-value-" + "k" * 20
    child = (
        "import os, signal, sys\n"
        "from wizard.secrets.sinks import EnvFileSink\n"
        "os.replace = lambda a, b: os.kill(os.getpid(), signal.SIGKILL)  # the process dies mid-write\n"
        f"EnvFileSink({str(path)!r}).store('svc-second', sys.argv[1])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", child, killed_value],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        timeout=60,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    EnvFileSink(path).store("svc-third", "third-value-cccccccccccc")  # the next write, under the lock
    for leftover in folder.iterdir():
        assert killed_value not in leftover.read_text(errors="replace"), leftover.name
    assert resolve(f"file:{path}#SVC_FIRST") == "first-value-aaaaaaaaaaaa"
    assert resolve(f"file:{path}#SVC_THIRD") == "third-value-cccccccccccc"


def test_a_name_with_a_newline_cannot_add_a_line_to_the_env_file(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    sink = EnvFileSink(path)
    ref = sink.store("svc-x\nINJECTED=1\r\n# more", "the-real-value-123456789")
    lines = path.read_text().splitlines()
    assert (
        len(lines) == 2 and lines[0].startswith("# ") and not any(ln.startswith("INJECTED") for ln in lines)
    )
    assert resolve(ref) == "the-real-value-123456789"


def test_a_folder_with_a_space_works_like_the_macos_default(
    tmp_path: Path,
    ws_file: Path,
    standin: GraphStandIn,
    directory: Directory,
    issued_secrets: list[str],
    run_cli,
    monkeypatch,
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))  # macOS: platformdirs' user config dir is under Application Support
    env = home / "Library" / "Application Support" / "idspine" / "secrets.env"
    ws = load(ws_file)
    ws.consultancy.integrations.secret_store = "env-file"
    save(ws, ws_file)
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
        str(env),
        "--allow-loopback-http",
    )
    assert res.code == 0, res.out + res.err
    sp = load(ws_file).service_principal("svc-n8n-sharepoint-globex")
    assert sp.secret_ref == "file:~/Library/Application Support/idspine/secrets.env#SVC_N8N_SHAREPOINT_GLOBEX"
    assert resolve(sp.secret_ref) == issued_secrets[-1]


def test_env_file_sink_refuses_a_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "secrets.env"
    path.write_text("")
    path.chmod(0o644)
    with pytest.raises(SecretSinkError) as info:
        EnvFileSink(path).store("svc-x", "value-that-must-not-show-123")
    assert "value-that-must-not-show" not in str(info.value)


def test_keyvault_sink_puts_the_secret_with_its_expiry() -> None:
    vault = Vault(token="kv-token")
    settings = HttpSettings(allow_loopback_http=True, sleep=lambda s: None)
    with VaultStandIn(vault) as server, build_client(settings) as client:
        sink = KeyVaultSink(
            server.base_url, client, "kv-token", vault_name="kv-northwind-ops", settings=settings
        )
        end = dt.datetime(2027, 5, 23, 12, 0, tzinfo=dt.UTC)
        ref = sink.store("svc-n8n-sharepoint-globex", "kv-secret-value-1234567890", end)
        assert ref == "keyvault://kv-northwind-ops/svc-n8n-sharepoint-globex"
        stored = vault.secrets["svc-n8n-sharepoint-globex"][-1]
        assert stored["value"] == "kv-secret-value-1234567890"
        assert stored["attributes"]["exp"] == int(end.timestamp())
        assert vault.requests[-1][2]["api-version"] == ["7.4"]
        vault.refuse = True
        with pytest.raises(SecretSinkError) as info:
            sink.store("svc-n8n-sharepoint-globex", "kv-secret-value-0987654321", end)
        assert "403" in str(info.value) and "kv-secret-value-0987654321" not in str(info.value)


def test_canary_secret_never_leaks_through_apply_and_cli(
    ws_file: Path,
    standin: GraphStandIn,
    directory: Directory,
    issued_secrets: list[str],
    tmp_path: Path,
    run_cli,
    monkeypatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    vault = Vault(token="kv-token-for-test")
    monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
    monkeypatch.setenv("TEST_KV_TOKEN", vault.token)
    directory.faults.append(Fault("429", times=1, method="POST", path_re=r"/addPassword$", retry_after=0))
    with VaultStandIn(vault) as kv:
        res = run_cli(
            "apply",
            "--yes",
            "--file",
            str(ws_file),
            "--graph-url",
            standin.base_url,
            "--token-env",
            "TEST_GRAPH_TOKEN",
            "--keyvault-url",
            kv.base_url,
            "--keyvault-token-env",
            "TEST_KV_TOKEN",
            "--allow-loopback-http",
        )
    assert res.code == 0, res.out + res.err
    assert len(issued_secrets) == 1
    ws = load(ws_file)
    sp = ws.service_principal("svc-n8n-sharepoint-globex")
    assert sp.secret_ref == "keyvault://kv-northwind-ops/svc-n8n-sharepoint-globex"
    assert vault.secrets["svc-n8n-sharepoint-globex"][-1]["value"] == issued_secrets[-1]
    assert len(directory.applications[sp.application_object_id]["passwordCredentials"]) == 1
    backup = ws_file.with_name(ws_file.name + ".bak")
    assert_nowhere(
        issued_secrets,
        ws_file.read_text(),
        backup.read_text() if backup.exists() else "",
        caplog.text,
        res.out,
        res.err,
    )
    assert directory.token not in res.out + res.err + caplog.text


def test_a_secret_store_failure_stops_without_leaking_and_rerun_repairs(
    ws_file: Path,
    graph: GraphClient,
    directory: Directory,
    issued_secrets: list[str],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    env = tmp_path / "secrets.env"
    env.write_text("")
    env.chmod(0o644)  # the sink refuses to write a secret here
    ws = load(ws_file)
    report = apply_plan(ws, build_plan(ws), graph, path=ws_file, sink=EnvFileSink(env), retry=NO_WAIT)
    assert report.stopped_at == "client-secret:svc-n8n-sharepoint-globex"
    assert "could not be stored" in report.error
    stopped = load(ws_file)
    assert any(c.id == "pending-secret:svc-n8n-sharepoint-globex" for c in stopped.checklist)
    assert_nowhere(issued_secrets, report.render_text(), ws_file.read_text(), caplog.text, env.read_text())

    env.chmod(0o600)
    ws = load(ws_file)
    again = apply_plan(ws, build_plan(ws), graph, path=ws_file, sink=EnvFileSink(env), retry=NO_WAIT)
    assert again.ok, again.render_text()
    done = {o.key: o for o in again.outcomes}["client-secret:svc-n8n-sharepoint-globex"]
    assert "removed 1 unrecorded secret" in done.detail
    sp = load(ws_file).service_principal("svc-n8n-sharepoint-globex")
    assert len(directory.applications[sp.application_object_id]["passwordCredentials"]) == 1
    assert resolve(sp.secret_ref) == issued_secrets[-1]
    assert not any(c.id.startswith("pending-secret:") for c in load(ws_file).checklist)
    assert_nowhere(issued_secrets, again.render_text(), ws_file.read_text(), caplog.text)


def test_rotation_replaces_the_reference_and_expiry(
    ws_file: Path, graph: GraphClient, directory: Directory, issued_secrets: list[str], tmp_path: Path
) -> None:
    ws = load(ws_file)
    ws.consultancy.integrations.secret_store = "env-file"
    save(ws, ws_file)
    sink = EnvFileSink(tmp_path / "s.env")
    plan = build_plan(ws, rotate=frozenset({"svc-n8n-graph-acme"}))
    report = apply_plan(ws, plan, graph, path=ws_file, sink=sink, retry=NO_WAIT, today=dt.date(2026, 11, 23))
    assert report.ok
    acme = load(ws_file).service_principal("svc-n8n-graph-acme")
    assert acme.secret_ref == f"file:{tmp_path / 's.env'}#SVC_N8N_GRAPH_ACME"
    assert acme.secret_created == dt.date(2026, 11, 23)
    cred = load(ws_file).credential("acme-graph-n8n")
    assert cred.secret_ref == acme.secret_ref and cred.expires == acme.secret_expires
    assert_nowhere(issued_secrets, ws_file.read_text())


def test_cli_plan_and_apply_asks_first(
    ws_file: Path, standin: GraphStandIn, directory: Directory, run_cli, monkeypatch, entra_ws: Workspace
) -> None:
    res = run_cli("plan", "--file", str(ws_file))
    assert res.code == 0 and "Nothing has been changed" in res.out
    assert "group:Tenant-Globex-Viewer" in res.out
    assert run_cli("plan", "--demo", "--client", "nobody").code == 2
    monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    res = run_cli(
        "apply",
        "--file",
        str(ws_file),
        "--graph-url",
        standin.base_url,
        "--token-env",
        "TEST_GRAPH_TOKEN",
        "--allow-loopback-http",
    )
    assert res.code == 1 and "Nothing changed" in res.out
    assert directory.calls == []
    assert run_cli("apply", "--demo", "--yes").code == 2


def test_cli_explains_missing_sign_in_settings(run_cli, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("IDSPINE_CLIENT_ID", raising=False)
    monkeypatch.delenv("IDSPINE_TENANT", raising=False)  # with a tenant, #17 signs in without an app of yours
    res = run_cli("signin", "--cache", str(tmp_path / "c.json"))
    assert res.code == 2 and "IDSPINE_CLIENT_ID" in res.err
    res = run_cli("verify", "svc-nobody", "--demo")
    assert res.code == 2 and "no service principal named 'svc-nobody'" in res.err
    res = run_cli("verify", "svc-api-portal-acme", "--demo")
    assert res.code == 2 and "no app id yet" in res.err
    res = run_cli("signout", "--cache", str(tmp_path / "none.json"))
    assert res.code == 0 and "Nobody was signed in" in res.out


def _rotation_setup(ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path):  # type: ignore[no-untyped-def]
    ws = load(ws_file)
    ws.consultancy.integrations.secret_store = "env-file"
    save(ws, ws_file)
    first = apply_plan(
        ws, build_plan(ws), graph, path=ws_file, sink=EnvFileSink(tmp_path / "s.env"), retry=NO_WAIT
    )
    assert first.ok, first.render_text()
    acme = load(ws_file).service_principal("svc-n8n-graph-acme")
    app = directory.applications[acme.application_object_id]
    app["passwordCredentials"] += [
        {
            "keyId": "0b0b0b0b-0000-4000-8000-000000000001",
            "displayName": "idspine 2026-05-01T08:00:00Z",
            "endDateTime": "2026-12-20T08:00:00Z",
            "hint": "old",
        },
        {
            "keyId": "0b0b0b0b-0000-4000-8000-000000000002",
            "displayName": "made in the portal",
            "endDateTime": "2027-03-01T00:00:00Z",
            "hint": "prt",
        },
    ]
    return app


def test_rotation_removes_the_old_secret_only_after_the_new_one_is_proven(
    ws_file: Path, graph: GraphClient, directory: Directory, issued_secrets: list[str], tmp_path: Path
) -> None:
    app = _rotation_setup(ws_file, graph, directory, tmp_path)
    tries: list[bool] = []

    def verifier(sp, value: str) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
        # the old secret is still there while the new one is tried: dual phase, not remove-then-add
        assert "0b0b0b0b-0000-4000-8000-000000000001" in {p["keyId"] for p in app["passwordCredentials"]}
        tries.append(value == issued_secrets[-1])
        return (len(tries) > 1, "token issued" if len(tries) > 1 else "invalid_client: not yet replicated")

    ws = load(ws_file)
    report = apply_plan(
        ws,
        build_plan(ws, rotate=frozenset({"svc-n8n-graph-acme"})),
        graph,
        path=ws_file,
        sink=EnvFileSink(tmp_path / "s.env"),
        retry=NO_WAIT,
        verify_secret=verifier,
    )
    assert report.ok, report.render_text()
    assert tries == [True, True]  # the new value, retried while it replicates
    names = sorted(p["displayName"] for p in app["passwordCredentials"])
    assert "idspine 2026-05-01T08:00:00Z" not in names and "made in the portal" in names and len(names) == 2
    done = load(ws_file)
    item = next(c for c in done.checklist if c.id == "previous-secret:svc-n8n-graph-acme")
    assert (
        "2027-03-01" in item.text
    )  # the hand-made one is not idspine's to remove: until when it stays valid
    assert resolve(done.service_principal("svc-n8n-graph-acme").secret_ref) == issued_secrets[-1]
    assert_nowhere(issued_secrets, ws_file.read_text(), report.render_text())


def test_rotation_without_proof_keeps_the_old_secret_and_says_until_when(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    app = _rotation_setup(ws_file, graph, directory, tmp_path)
    ws = load(ws_file)
    report = apply_plan(
        ws,
        build_plan(ws, rotate=frozenset({"svc-n8n-graph-acme"})),
        graph,
        path=ws_file,
        sink=EnvFileSink(tmp_path / "s.env"),
        retry=NO_WAIT,
        verify_secret=lambda sp, value: (False, "invalid_client: wrong tenant"),
    )
    assert report.ok, report.render_text()
    assert len(app["passwordCredentials"]) == 3  # nothing removed
    detail = {o.key: o.detail for o in report.outcomes}["client-secret:svc-n8n-graph-acme"]
    assert "not verified: invalid_client: wrong tenant" in detail
    item = next(c for c in load(ws_file).checklist if c.id == "previous-secret:svc-n8n-graph-acme")
    assert "2026-12-20" in item.text and "2027-03-01" in item.text
