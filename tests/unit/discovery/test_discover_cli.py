"""`idspine discover entra`: review without writing, adopt by key or all, JSON, failures as one line + exit code,
and the done-when loop: discover + adopt, drift in sync, a secret added behind its back is drift."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.support.entra.discovery_standin import DiscoveryStandIn, Misbehave, Tenant
from tests.unit.discovery.conftest import NOW, TENANT_ID
from tests.unit.discovery.test_adopt import home_ws
from wizard.discovery.entra_drift import compare_entra
from wizard.inventory import load, save
from wizard.model import Client


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    ws = home_ws()
    ws.clients.append(Client(slug="acme", name="Acme", tenant="acme.example"))
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


@pytest.fixture
def cli(run_cli, graph: DiscoveryStandIn, tenant: Tenant, ws_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DISCOVER_TOKEN", tenant.token)

    def run(*extra: str):
        return run_cli(
            "discover",
            "entra",
            "--file",
            str(ws_path),
            "--graph-url",
            graph.graph_url,
            "--token-env",
            "DISCOVER_TOKEN",
            "--allow-loopback-http",
            *extra,
        )

    return run


def test_review_lists_keys_and_writes_nothing(cli, ws_path: Path) -> None:
    before = ws_path.read_bytes()
    result = cli()
    assert result.code == 0, result.err
    assert "svc-n8n-graph-acme" in result.out and "app:" in result.out and "secret:" in result.out
    assert "Nothing was written" in result.out
    assert ws_path.read_bytes() == before


def test_adopt_all_then_drift_is_in_sync_and_a_new_secret_is_drift(
    cli, ws_path: Path, read, tenant: Tenant
) -> None:
    result = cli("--adopt-all")
    assert result.code == 0, result.err
    assert "Adopted" in result.out
    ws = load(ws_path)
    assert compare_entra(ws, read()).exit_code == 0
    tenant.app("Partner portal")["passwordCredentials"].append(
        {
            "keyId": str(uuid.uuid4()),
            "displayName": "behind its back",
            "startDateTime": "2026-11-22T00:00:00Z",
            "endDateTime": "2027-05-22T00:00:00Z",
            "hint": "q8Q",
            "secretText": None,
            "customKeyIdentifier": None,
        }
    )
    assert compare_entra(ws, read()).exit_code == 1
    again = cli("--adopt-all")  # adopting again records the new one and changes nothing else
    assert again.code == 0 and "Adopted 1 new" in again.out
    assert compare_entra(load(ws_path), read()).exit_code == 0


def test_adopt_named_keys_only(cli, ws_path: Path, tenant: Tenant) -> None:
    app_id = tenant.app("svc-gha-deploy-acme")["appId"]
    result = cli("--adopt", f"app:{app_id}")
    assert result.code == 0, result.err
    ws = load(ws_path)
    assert [sp.name for sp in ws.service_principals] == ["svc-gha-deploy-acme"]
    assert ws.service_principals[0].discovered is not None


def test_unknown_key_refuses_before_writing(cli, ws_path: Path) -> None:
    before = ws_path.read_bytes()
    result = cli("--adopt", "app:00000000-0000-0000-0000-000000000001")
    assert result.code == 2 and "nothing was written" in result.err
    assert ws_path.read_bytes() == before


def test_json_prints_the_snapshot(cli) -> None:
    result = cli("--format", "json")
    data = json.loads(result.out)
    assert data["tenant"] == TENANT_ID and data["source"] == f"entra:{TENANT_ID}"
    assert any(a["display_name"] == "svc-n8n-graph-acme" for a in data["apps"])


@pytest.mark.parametrize("kind", ["garbage", "403", "401", "foreign-next"])
def test_bad_answer_is_one_line_exit_1_and_writes_nothing(
    cli, ws_path: Path, tenant: Tenant, kind: str
) -> None:
    tenant.faults.append(Misbehave(kind, r"/applications$", times=99))
    before = ws_path.read_bytes()
    result = cli("--adopt-all")
    assert result.code == 1
    lines = [line for line in result.err.splitlines() if not line.startswith("discover:")]
    assert len(lines) == 1 and "nothing was written" in lines[0].lower()
    assert ws_path.read_bytes() == before


def test_hostile_names_are_escaped_in_the_table(cli, tenant: Tenant) -> None:
    tenant.add_app("evil\x1b]8;;https://x.example\x07link [bold]markup[/]")
    result = cli()
    assert "\x1b]8" not in result.out and "\x07" not in result.out
    assert "\x1b" not in result.out and "[bold]markup[/]" in result.out  # shown, never obeyed


def test_tenant_must_be_known(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(
        home_ws().model_copy(
            update={"consultancy": home_ws().consultancy.model_copy(update={"home_tenant": ""})}
        ),
        path,
        expected_digest=None,
    )
    result = run_cli("discover", "entra", "--file", str(path), "--token-env", "X")
    assert result.code == 2 and "no tenant id or domain" in result.err


def test_client_option_reads_the_clients_tenant_and_adopts_into_it(
    cli, ws_path: Path, tenant: Tenant
) -> None:
    app_id = tenant.app("svc-reports-cert")["appId"]
    result = cli("--client", "acme", "--adopt", f"app:{app_id}")
    assert result.code == 0, result.err
    sp = load(ws_path).service_principals[0]
    assert sp.client == "acme" and sp.discovered is not None and sp.discovered.source == "entra:acme.example"
    _ = NOW


def test_a_token_issued_by_another_tenant_is_refused(
    run_cli, ws_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    claims = base64.urlsafe_b64encode(
        json.dumps({"tid": "11111111-2222-3333-4444-555555555555"}).encode()
    ).decode()
    monkeypatch.setenv("OTHER_TOKEN", f"eyJhbGciOiJub25lIn0.{claims.rstrip('=')}.sig")
    result = run_cli("discover", "entra", "--file", str(ws_path), "--token-env", "OTHER_TOKEN")
    assert result.code == 2 and "issued by tenant 11111111" in result.err


def _two_tenant_ws(tmp_path: Path) -> Path:
    ws = home_ws()
    ws.clients.append(Client(slug="acme", name="Acme", tenant="acme.example"))
    ws.clients.append(Client(slug="globex", name="Globex", tenant="globex.example"))
    path = tmp_path / "all.toml"
    save(ws, path, expected_digest=None)
    return path


@pytest.fixture
def two_tenants(tenant: Tenant):
    acme = Tenant(token="acme-token")
    acme.add_app("acme-billing", secrets=[(NOW, NOW.replace(year=2027))])
    with DiscoveryStandIn(tenant, acme) as server:
        yield server, acme


def test_all_tenants_reads_each_with_its_own_token_reports_the_unreadable_and_adopts_per_client(
    run_cli, two_tenants, tenant: Tenant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, acme = two_tenants
    path = _two_tenant_ws(tmp_path)
    monkeypatch.setenv("HOME_TOKEN", tenant.token)
    monkeypatch.setenv("ACME_TOKEN", acme.token)
    monkeypatch.delenv("GLOBEX_TOKEN", raising=False)
    result = run_cli(
        "discover", "entra", "--file", str(path), "--all-tenants", "--adopt-all",
        "--graph-url", server.graph_url, "--allow-loopback-http",
        "--token-env", "home=HOME_TOKEN", "--token-env", "acme=ACME_TOKEN", "--token-env", "globex=GLOBEX_TOKEN",
    )  # fmt: skip
    assert result.code == 1  # one tenant could not be read; the others went on
    assert "globex.example not read" in result.err and "GLOBEX_TOKEN" in result.err
    assert "Found in 2 tenant(s)" in result.out
    assert "acme-billing" in result.out and "svc-n8n-graph-acme" in result.out
    assert result.out.count("Adopted") == 2
    ws = load(path)
    billing = ws.service_principal("acme-billing")
    assert billing is not None and billing.client == "acme"
    assert billing.discovered is not None and billing.discovered.source == "entra:acme.example"
    home = ws.service_principal("svc-n8n-graph-acme")
    assert home is not None and home.client == "" and home.discovered.source == f"entra:{TENANT_ID}"  # type: ignore[union-attr]
    assert [c.client for c in ws.credentials if c.identity == "acme-billing"] == ["acme"]
    assert "Bearer" not in result.err and tenant.token not in result.err + result.out


def test_all_tenants_refuses_one_token_for_two_tenants_and_qualified_keys(
    run_cli, two_tenants, tenant: Tenant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, acme = two_tenants
    path = _two_tenant_ws(tmp_path)
    before = path.read_bytes()
    monkeypatch.setenv("ONE_TOKEN", tenant.token)
    base = ("discover", "entra", "--file", str(path), "--all-tenants", "--graph-url", server.graph_url,
            "--allow-loopback-http")  # fmt: skip
    same = run_cli(*base, "--token-env", "ONE_TOKEN")
    assert same.code == 1 and "each tenant needs a token of its own" in same.err
    monkeypatch.setenv("ACME_TOKEN", acme.token)
    key = f"app:{acme.app('acme-billing')['appId']}"
    wrong = run_cli(*base, "--token-env", "home=ONE_TOKEN", "--token-env", "acme=ACME_TOKEN",
                    "--token-env", "globex=NOPE", "--adopt", f"home/{key}")  # fmt: skip
    assert wrong.code == 2 and "nothing was written" in wrong.err and path.read_bytes() == before
    right = run_cli(*base, "--token-env", "home=ONE_TOKEN", "--token-env", "acme=ACME_TOKEN",
                    "--token-env", "globex=NOPE", "--adopt", f"acme/{key}")  # fmt: skip
    assert right.code == 1, right.err  # globex unread: exit 1, the rest adopted
    assert "Adopted 2 new" in right.out  # the app and its secret
    assert [sp.name for sp in load(path).service_principals] == ["acme-billing"]
    assert run_cli(*base, "--tenant", "home").code == 2  # --all-tenants with --tenant is a usage error
