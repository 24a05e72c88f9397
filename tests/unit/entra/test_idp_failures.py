"""The IdP failing (5xx HTML pages from discovery, the token endpoint, device-code polling), verify following
the configured authority and CA, and TLS trust for Graph: one clear line and a non-zero exit, never a
traceback; verify records the failure."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from graph_standin import Directory, GraphStandIn
from idp_standin import IdpStandIn

from tests.peers.test_signin_oidc import verify_workspace
from wizard.inventory import load
from wizard.model import Workspace
from wizard.providers.entra.apply import apply_plan
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.plan import build_plan
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.http import HttpSettings, build_client


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    from tests.peers.oidc_peer.harness import write_self_signed

    folder = tmp_path / "tls"
    folder.mkdir()
    return write_self_signed(folder)


def _lines(res) -> list[str]:  # type: ignore[no-untyped-def]
    return [ln for ln in (res.out + res.err).splitlines() if ln.strip()]


@pytest.mark.parametrize("fail", ["discovery", "token"])
def test_verify_reports_an_idp_5xx_in_one_line_and_records_it(
    fail: str,
    tls_files,
    demo_ws: Workspace,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    run_cli,
) -> None:
    cert, key = tls_files
    path = verify_workspace(demo_ws, tmp_path, "x" * 12 + "8Q~" + "y" * 30)
    with IdpStandIn(cert, key, fail) as idp:
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
    assert res.code == 1, res.out + res.err
    assert "Traceback" not in res.out + res.err
    lines = _lines(res)
    assert len(lines) == 1 and "503" in lines[0], lines
    check = load(path).service_principal("svc-peer-check").verification
    assert check is not None and not check.ok and "503" in check.detail


@pytest.mark.parametrize("fail", ["discovery", "device-start", "device-poll"])
def test_signin_reports_an_idp_5xx_in_one_line(fail: str, tls_files, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    cert, key = tls_files
    with IdpStandIn(cert, key, fail, status=502) as idp:
        res = run_cli(
            "signin",
            "--oidc-authority",
            idp.issuer,
            "--client-id",
            "idspine-cli",
            "--ca-bundle",
            str(cert),
            "--cache",
            str(tmp_path / "c.json"),
            "--scope",
            "api:read",
        )
    assert res.code not in (0, None), res.out + res.err
    assert "Traceback" not in res.out + res.err
    errors = [ln for ln in res.err.splitlines() if ln.strip()]
    assert len(errors) == 1 and "502" in errors[0], res.err
    assert not (tmp_path / "c.json").exists()


def test_verify_follows_the_configured_authority_and_ca_from_the_environment(  # type: ignore[no-untyped-def]
    tls_files, demo_ws: Workspace, tmp_path: Path, run_cli, monkeypatch
) -> None:
    cert, key = tls_files
    path = verify_workspace(demo_ws, tmp_path, "x" * 12 + "8Q~" + "y" * 30)
    with IdpStandIn(cert, key, fail="") as idp:
        monkeypatch.setenv("IDSPINE_OIDC_AUTHORITY", idp.issuer)
        monkeypatch.setenv("IDSPINE_CA_BUNDLE", str(cert))
        res = run_cli("verify", "svc-peer-check", "--file", str(path), "--scope", "api:read")
    # the secret went to the configured IdP (which refuses it), not to login.microsoftonline.com
    assert any(m == "POST" and p.endswith("/token") for m, p, _ in idp.requests), idp.requests
    assert "invalid_client" in res.out, res.out + res.err
    assert res.code == 1


def test_an_untrusted_graph_certificate_fails_at_once(
    tls_files,
    ws_file: Path,
    directory: Directory,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from tests.peers.oidc_peer.harness import write_self_signed

    cert, key = tls_files
    other = tmp_path / "other"
    other.mkdir()
    other_cert, _ = write_self_signed(other)
    with GraphStandIn(directory, tls=(cert, key)) as server:
        ws = load(ws_file)
        settings = HttpSettings(
            ca_bundle=str(other_cert)
        )  # the default sleeps: a retry would show in the time
        started = time.monotonic()
        report = apply_plan(
            ws,
            build_plan(ws),
            GraphClient(server.base_url, build_client(settings), directory.token, settings),
            path=ws_file,
            retry=RetryPolicy(),
        )
        elapsed = time.monotonic() - started
        assert not report.ok and "certificate" in report.error
        assert report.outcomes[0].attempts == 1 and elapsed < 3, elapsed
        assert directory.calls == []

        good = HttpSettings(ca_bundle=str(cert))
        client = GraphClient(server.base_url, build_client(good), directory.token, good)
        assert client.find_group("Tenant-Acme-Analyst") is None  # trusted through the bundle


def test_cli_apply_trusts_idspine_ca_bundle_for_graph(
    tls_files,
    ws_file: Path,
    directory: Directory,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    run_cli,
    monkeypatch,
) -> None:
    cert, key = tls_files
    ws = load(ws_file)
    with GraphStandIn(directory, tls=(cert, key)) as server:
        monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
        monkeypatch.setenv("IDSPINE_CA_BUNDLE", str(cert))
        monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent")  # the bundle, not the environment, decides
        res = run_cli(
            "apply",
            "--yes",
            "--file",
            str(ws_file),
            "--client",
            "acme",
            "--graph-url",
            server.base_url,
            "--token-env",
            "TEST_GRAPH_TOKEN",
        )
    assert res.code == 0, res.out + res.err
    assert all(
        g.object_id for g in load(ws_file).groups if g.client == "acme" and g.status.value != "retired"
    )
    assert ws is not None
