"""New client secrets: handed to a 0600 env file or Key Vault, and never seen in the inventory, logs,
stdout/stderr or error text (canary values issued by the Graph stand-in)."""

from __future__ import annotations

import datetime as dt
import logging
import stat
from pathlib import Path

import pytest
from all_tenants import apply_every_tenant
from graph_standin import Directory, Fault, GraphStandIn
from keyvault_standin import Vault, VaultStandIn

from wizard.entra_apply import RetryPolicy, apply_plan
from wizard.entra_plan import build_plan
from wizard.inventory import load, save
from wizard.model import Workspace
from wizard.providers.graph import GraphClient
from wizard.providers.http_safety import HttpSettings, build_client
from wizard.secret_resolver import resolve
from wizard.secret_sink import EnvFileSink, KeyVaultSink, SecretSinkError

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
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp files left
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


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
        sink = KeyVaultSink(server.base_url, client, "kv-token", vault_name="kv-northwind-ops", settings=settings)
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


def test_canary_secret_never_leaks_through_apply_and_cli(ws_file: Path, standin: GraphStandIn,
                                                         directory: Directory, issued_secrets: list[str],
                                                         tmp_path: Path, run_cli, monkeypatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    vault = Vault(token="kv-token-for-test")
    monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
    monkeypatch.setenv("TEST_KV_TOKEN", vault.token)
    directory.faults.append(Fault("429", times=1, method="POST", path_re=r"/addPassword$", retry_after=0))
    with VaultStandIn(vault) as kv:
        res = run_cli("apply", "--yes", "--file", str(ws_file), "--graph-url", standin.base_url, "--tenant", "home",
                      "--token-env", "TEST_GRAPH_TOKEN", "--keyvault-url", kv.base_url,
                      "--keyvault-token-env", "TEST_KV_TOKEN", "--allow-loopback-http")
    assert res.code == 0, res.out + res.err
    assert len(issued_secrets) == 1
    ws = load(ws_file)
    sp = ws.service_principal("svc-n8n-sharepoint-globex")
    assert sp.secret_ref == "keyvault://kv-northwind-ops/svc-n8n-sharepoint-globex"
    assert vault.secrets["svc-n8n-sharepoint-globex"][-1]["value"] == issued_secrets[-1]
    assert len(directory.applications[sp.application_object_id]["passwordCredentials"]) == 1
    backup = ws_file.with_name(ws_file.name + ".bak")
    assert_nowhere(issued_secrets, ws_file.read_text(), backup.read_text() if backup.exists() else "",
                   caplog.text, res.out, res.err)
    assert directory.token not in res.out + res.err + caplog.text


def test_a_secret_store_failure_stops_without_leaking_and_rerun_repairs(ws_file: Path, graph: GraphClient,
                                                                        directory: Directory,
                                                                        issued_secrets: list[str],
                                                                        tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    env = tmp_path / "secrets.env"
    env.write_text("")
    env.chmod(0o644)  # the sink refuses to write a secret here
    ws = load(ws_file)
    report = apply_every_tenant(ws, graph, path=ws_file, sink=EnvFileSink(env), retry=NO_WAIT)
    assert report.stopped_at == "client-secret:svc-n8n-sharepoint-globex"
    assert "could not be stored" in report.error
    stopped = load(ws_file)
    assert any(c.id == "pending-secret:svc-n8n-sharepoint-globex" for c in stopped.checklist)
    assert_nowhere(issued_secrets, report.render_text(), ws_file.read_text(), caplog.text, env.read_text())

    env.chmod(0o600)
    ws = load(ws_file)
    again = apply_every_tenant(ws, graph, path=ws_file, sink=EnvFileSink(env), retry=NO_WAIT)
    assert again.ok, again.render_text()
    done = {o.key: o for o in again.outcomes}["client-secret:svc-n8n-sharepoint-globex"]
    assert "removed 1 unrecorded secret" in done.detail
    sp = load(ws_file).service_principal("svc-n8n-sharepoint-globex")
    assert len(directory.applications[sp.application_object_id]["passwordCredentials"]) == 1
    assert resolve(sp.secret_ref) == issued_secrets[-1]
    assert not any(c.id.startswith("pending-secret:") for c in load(ws_file).checklist)
    assert_nowhere(issued_secrets, again.render_text(), ws_file.read_text(), caplog.text)


def test_rotation_replaces_the_reference_and_expiry(ws_file: Path, graph: GraphClient, directory: Directory,
                                                    issued_secrets: list[str], tmp_path: Path) -> None:
    ws = load(ws_file)
    ws.consultancy.integrations.secret_store = "env-file"
    save(ws, ws_file)
    sink = EnvFileSink(tmp_path / "s.env")
    plan = build_plan(ws, tenant="acme", rotate=frozenset({"svc-n8n-graph-acme"}))
    report = apply_plan(ws, plan, graph, path=ws_file, sink=sink, retry=NO_WAIT, today=dt.date(2026, 11, 23))
    assert report.ok
    acme = load(ws_file).service_principal("svc-n8n-graph-acme")
    assert acme.secret_ref == f"file:{tmp_path / 's.env'}#SVC_N8N_GRAPH_ACME"
    assert acme.secret_created == dt.date(2026, 11, 23)
    cred = load(ws_file).credential("acme-graph-n8n")
    assert cred.secret_ref == acme.secret_ref and cred.expires == acme.secret_expires
    assert_nowhere(issued_secrets, ws_file.read_text())


def test_cli_plan_and_apply_asks_first(ws_file: Path, standin: GraphStandIn, directory: Directory, run_cli,
                                       monkeypatch, entra_ws: Workspace) -> None:
    res = run_cli("plan", "--file", str(ws_file))
    assert res.code == 0 and "Nothing has been changed" in res.out
    assert "group:Tenant-Globex-Viewer" in res.out
    assert run_cli("plan", "--demo", "--client", "nobody").code == 2
    monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
    monkeypatch.setenv("TEST_ACME_TOKEN", "a-token-for-acme-tenant")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    res = run_cli("apply", "--file", str(ws_file), "--graph-url", standin.base_url, "--token-env",
                  "home=TEST_GRAPH_TOKEN", "--token-env", "acme=TEST_ACME_TOKEN", "--allow-loopback-http")
    assert res.code == 1 and "Nothing changed" in res.out
    assert directory.calls == []
    assert run_cli("apply", "--demo", "--yes").code == 2


def test_cli_explains_missing_sign_in_settings(run_cli, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("IDSPINE_CLIENT_ID", raising=False)
    res = run_cli("signin", "--tenant", "contoso.onmicrosoft.com", "--cache", str(tmp_path / "c.json"))
    assert res.code == 2 and "IDSPINE_CLIENT_ID" in res.err
    res = run_cli("verify", "svc-nobody", "--demo")
    assert res.code == 2 and "no service principal named 'svc-nobody'" in res.err
    res = run_cli("verify", "svc-api-portal-acme", "--demo")
    assert res.code == 2 and "no app id yet" in res.err
    res = run_cli("signout", "--cache", str(tmp_path / "none.json"))
    assert res.code == 0 and "Nobody was signed in" in res.out
