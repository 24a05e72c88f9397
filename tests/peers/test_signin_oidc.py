"""msal against a real OpenID provider (oidc-provider over TLS on loopback): client credentials, device code,
the private token cache, sign-out, and `idspine verify` / `idspine signin` end to end."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from device_user import complete_device_login

from tests.support.entra.fixtures import PEER_CLIENT_ID
from wizard.inventory import load, save
from wizard.model import CredentialKind, ServicePrincipal, Workspace
from wizard.providers.entra.device_flow import DeviceSignin
from wizard.providers.entra.msal_calls import client_credentials
from wizard.providers.entra.signin import silent_token
from wizard.providers.entra.signin_config import SigninConfig, SigninError
from wizard.providers.entra.token_cache import TokenCacheFile, sign_out

pytestmark = pytest.mark.peer("oidc")
SCOPES = ["api:read"]


def confidential(peer) -> SigninConfig:  # type: ignore[no-untyped-def]
    return SigninConfig(client_id=peer.client_id, oidc_authority=peer.issuer, ca_bundle=peer.ca_bundle)


def test_client_credentials_succeed_with_the_right_secret(oidc_peer) -> None:  # type: ignore[no-untyped-def]
    result = client_credentials(confidential(oidc_peer), oidc_peer.client_secret, SCOPES)
    assert result.ok, result.detail
    assert result.access_token.count(".") == 2  # a JWT access token (resource indicator, jwt format)
    assert result.expires_in and result.expires_in > 0
    assert oidc_peer.client_secret not in repr(result) and result.access_token not in repr(result)


def test_a_wrong_secret_reports_the_idps_exact_error(oidc_peer) -> None:  # type: ignore[no-untyped-def]
    result = client_credentials(confidential(oidc_peer), "not-" + oidc_peer.client_secret, SCOPES)
    assert not result.ok
    assert result.error == "invalid_client"
    assert result.error_description == "client authentication failed"
    assert result.detail == "invalid_client: client authentication failed"


def test_an_untrusted_certificate_is_refused(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.peers.oidc_peer.harness import write_self_signed

    other_ca, _ = write_self_signed(tmp_path)
    config = SigninConfig(
        client_id=oidc_peer.client_id, oidc_authority=oidc_peer.issuer, ca_bundle=str(other_ca)
    )
    with pytest.raises(SigninError, match="TLS certificate"):
        client_credentials(config, oidc_peer.client_secret, SCOPES)


def test_http_authorities_are_refused() -> None:
    with pytest.raises(SigninError, match="https"):
        SigninConfig(client_id="x", oidc_authority="http://127.0.0.1:1/acme")


def test_device_code_flow_end_to_end_with_a_private_cache(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "cache" / "tokens.json"
    config = SigninConfig(
        client_id=oidc_peer.public_client_id,
        oidc_authority=oidc_peer.issuer,
        ca_bundle=oidc_peer.ca_bundle,
        cache_path=cache,
    )
    device = DeviceSignin(config, SCOPES)
    code = device.start()
    assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", code.user_code)
    assert code.verification_uri == f"{oidc_peer.issuer}/device"
    assert 0 < code.seconds_left() <= 600
    page = complete_device_login(code.verification_uri, code.user_code, oidc_peer.ca_bundle, login="alex")
    assert "Sign-in Success" in page
    result = device.finish(code)
    assert result.ok, result.detail
    assert result.account == "alex"

    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    assert result.access_token in cache.read_text()  # the cache is the one place tokens live

    again = silent_token(config, SCOPES)  # a new process would find the account in the cache
    assert again is not None and again.ok

    assert sign_out(cache) is True
    assert not cache.exists()
    assert silent_token(config, SCOPES) is None
    assert sign_out(cache) is False


def test_a_device_code_can_be_cancelled(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = SigninConfig(
        client_id=oidc_peer.public_client_id,
        oidc_authority=oidc_peer.issuer,
        ca_bundle=oidc_peer.ca_bundle,
        cache_path=tmp_path / "c.json",
    )
    device = DeviceSignin(config, SCOPES)
    code = device.start()
    code.cancel()
    started = time.monotonic()
    result = device.finish(code)
    assert not result.ok and time.monotonic() - started < 10
    assert not (tmp_path / "c.json").exists()


def test_a_cache_written_over_a_loose_file_becomes_private(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text("{}")
    path.chmod(0o644)
    cache = TokenCacheFile(path)
    cache.cache.has_state_changed = True
    cache.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ---------------------------------------------------------------- the commands


def verify_workspace(demo_ws: Workspace, tmp_path: Path, secret: str) -> Path:
    env_file = tmp_path / "secrets.env"
    env_file.write_text(f"PEER_SECRET={secret}\n")
    env_file.chmod(0o600)
    demo_ws.service_principals.append(
        ServicePrincipal(
            name="svc-peer-check",
            credential_kind=CredentialKind.SECRET,
            app_id=PEER_CLIENT_ID,
            secret_ref=f"file:{env_file}#PEER_SECRET",
        )
    )
    path = tmp_path / "idspine.toml"
    save(demo_ws, path, expected_digest=None)
    return path


def test_verify_command_records_success(oidc_peer, demo_ws: Workspace, tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = verify_workspace(demo_ws, tmp_path, oidc_peer.client_secret)
    res = run_cli(
        "verify",
        "svc-peer-check",
        "--file",
        str(path),
        "--oidc-authority",
        oidc_peer.issuer,
        "--ca-bundle",
        oidc_peer.ca_bundle,
        "--scope",
        "api:read",
    )
    assert res.code == 0, res.err
    assert "svc-peer-check: ok: token issued" in res.out
    check = load(path).service_principal("svc-peer-check").verification
    assert check is not None and check.ok and check.detail.startswith("token issued")
    for text in (res.out, res.err, path.read_text()):
        assert oidc_peer.client_secret not in text


def test_verify_command_reports_the_idps_error(
    oidc_peer, demo_ws: Workspace, tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    wrong = oidc_peer.client_secret[::-1]
    path = verify_workspace(demo_ws, tmp_path, wrong)
    res = run_cli(
        "verify",
        "svc-peer-check",
        "--file",
        str(path),
        "--oidc-authority",
        oidc_peer.issuer,
        "--ca-bundle",
        oidc_peer.ca_bundle,
        "--scope",
        "api:read",
    )
    assert res.code == 1
    assert "svc-peer-check: FAILED: invalid_client: client authentication failed" in res.out
    check = load(path).service_principal("svc-peer-check").verification
    assert (
        check is not None and not check.ok and check.detail == "invalid_client: client authentication failed"
    )
    for text in (res.out, res.err, path.read_text()):
        assert wrong not in text


def test_signin_and_signout_commands(oidc_peer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cache = tmp_path / "tokens.json"
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "wizard",
            "signin",
            "--oidc-authority",
            oidc_peer.issuer,
            "--client-id",
            oidc_peer.public_client_id,
            "--ca-bundle",
            oidc_peer.ca_bundle,
            "--cache",
            str(cache),
            "--scope",
            "api:read",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"Open (\S+) and enter the code (\S+)", line)
        assert match, line + proc.stderr.read()
        complete_device_login(match.group(1), match.group(2), oidc_peer.ca_bundle, login="alex")
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Signed in as alex" in out
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    done = subprocess.run(
        [sys.executable, "-m", "wizard", "signout", "--cache", str(cache)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0 and "Signed out" in done.stdout
    assert not cache.exists()
