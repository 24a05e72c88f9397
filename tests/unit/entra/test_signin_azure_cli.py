"""Tokens from the Azure CLI, through a stand-in `az` that follows the documented command and answer:
`az account get-access-token --scope S [--tenant T] --output json` prints accessToken, expiresOn (local time),
expires_on (POSIX, Azure CLI 2.54.0+), subscription, tenant, tokenType (MicrosoftDocs/azure-docs-cli,
docs-ref-conceptual/includes/refresh-token.md); not signed in, it says "Please run 'az login' to setup
account." on stderr and exits 1."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import sys
import time
from pathlib import Path

import pytest

from wizard.providers.entra.azure_cli import (
    KEYVAULT_SCOPE,
    AzToken,
    AzUnavailable,
    az_access_token,
    az_token,
)

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER = "11111111-2222-3333-4444-555555555555"

STAND_IN = r"""#!{python}
import json, os, sys, time
args = sys.argv[1:]
with open(os.environ["AZ_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
mode = os.environ.get("AZ_MODE", "ok")
if args[:2] != ["account", "get-access-token"] or "--output" not in args or "--scope" not in args:
    print("ERROR: unrecognized arguments", file=sys.stderr); sys.exit(2)
tenant = args[args.index("--tenant") + 1] if "--tenant" in args else os.environ["AZ_HOME"]
if mode == "logged-out":
    print("ERROR: Please run 'az login' to setup account.", file=sys.stderr); sys.exit(1)
if mode == "consent":
    print("ERROR: AADSTS65001: The user or administrator has not consented to use the application.", file=sys.stderr)
    sys.exit(1)
if mode == "slow":
    time.sleep(5)
if mode == "garbage":
    print("<html>proxy login</html>"); sys.exit(0)
issued_for = os.environ.get("AZ_ISSUER", tenant)
claims = json.dumps({{"tid": issued_for, "aud": "x"}}).encode()
import base64
body = base64.urlsafe_b64encode(claims).decode().rstrip("=")
token = "eyJhbGciOiJub25lIn0." + body + ".c2ln"
expires = int(time.time()) + 3000
answer = {{"accessToken": token, "expiresOn": "2099-01-01 00:00:00.000000", "subscription": "s",
          "tenant": tenant, "tokenType": "Bearer"}}
if mode != "old":
    answer["expires_on"] = expires
print(json.dumps(answer))
"""


@pytest.fixture
def az(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    exe = tmp_path / "bin" / "az"
    exe.parent.mkdir()
    exe.write_text(STAND_IN.format(python=sys.executable))
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("AZ_LOG", str(tmp_path / "az.log"))
    monkeypatch.setenv("AZ_HOME", TENANT)
    return exe


def calls(tmp_path: Path) -> list[list[str]]:
    log = tmp_path / "az.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_token_for_any_scope_and_tenant(az: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    got = az_token(KEYVAULT_SCOPE, TENANT)
    assert isinstance(got, AzToken), got
    assert got.tenant == TENANT
    assert 2900 < (got.expires - dt.datetime.now(dt.UTC)).total_seconds() <= 3000  # expires_on, not expiresOn
    assert calls(tmp_path) == [
        ["account", "get-access-token", "--scope", KEYVAULT_SCOPE, "--output", "json", "--tenant", TENANT]
    ]
    assert got.token not in repr(got) and got.token not in caplog.text
    pair = az_access_token("https://graph.microsoft.com/.default")
    assert pair is not None and pair[0].count(".") == 2 and pair[1].tzinfo is not None
    assert "--tenant" not in calls(tmp_path)[-1]


def test_an_older_cli_without_expires_on_uses_expires_on_local_time(az: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AZ_MODE", "old")
    got = az_token(KEYVAULT_SCOPE)
    assert isinstance(got, AzToken) and got.expires.year == 2099


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("logged-out", "not signed in: run `az login --tenant " + TENANT),
        ("consent", "lacks consent"),
        ("garbage", "not JSON"),
    ],
)
def test_failures_are_one_line_reasons(az: Path, monkeypatch, mode: str, words: str) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AZ_MODE", mode)
    got = az_token(KEYVAULT_SCOPE, TENANT)
    assert isinstance(got, AzUnavailable) and words in got.reason and "\n" not in got.reason
    assert az_access_token(KEYVAULT_SCOPE, TENANT) is None


def test_a_token_from_another_tenant_is_refused(az: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AZ_ISSUER", OTHER)
    got = az_token(KEYVAULT_SCOPE, TENANT)
    assert isinstance(got, AzUnavailable)
    assert f"for tenant {OTHER}, not {TENANT}" in got.reason


def test_a_slow_cli_times_out(az: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AZ_MODE", "slow")
    started = time.monotonic()
    got = az_token(KEYVAULT_SCOPE, timeout=1)
    assert isinstance(got, AzUnavailable) and "did not answer within 1 s" in got.reason
    assert time.monotonic() - started < 4


def test_a_missing_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    got = az_token(KEYVAULT_SCOPE)
    assert isinstance(got, AzUnavailable) and got.reason == "the Azure CLI (az) is not installed"


@pytest.mark.parametrize(
    ("scope", "tenant"),
    [("--help", None), ("https://vault.azure.net/.default", "--debug"), ("https://x y", None), ("", None)],
)
def test_arguments_never_become_options(az: Path, tmp_path: Path, scope: str, tenant: str | None) -> None:
    assert isinstance(az_token(scope, tenant), AzUnavailable)
    assert calls(tmp_path) == []


def test_the_token_is_a_jwt_the_stand_in_really_built(az: Path) -> None:
    got = az_token(KEYVAULT_SCOPE, TENANT)
    assert isinstance(got, AzToken)
    payload = got.token.split(".")[1]
    assert json.loads(base64.urlsafe_b64decode(payload + "==")).get("tid") == TENANT


def test_key_vault_references_use_the_azure_cli_sign_in_when_idspine_has_none(
    az: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.providers import keyvault

    def signed_out(conn: object) -> tuple[str, str]:
        return "", "not signed in to idspine"

    monkeypatch.setenv("IDSPINE_TENANT", TENANT)
    monkeypatch.setattr(keyvault, "KEYVAULT_TOKEN_SOURCES", [signed_out, keyvault.azure_cli_token])
    token = keyvault.keyvault_token()
    assert token.count(".") == 2
    assert calls(tmp_path)[-1][:4] == ["account", "get-access-token", "--scope", KEYVAULT_SCOPE]
    assert calls(tmp_path)[-1][-2:] == ["--tenant", TENANT]
    monkeypatch.setenv("AZ_MODE", "logged-out")
    from wizard.secrets.resolver import SecretUnavailable

    with pytest.raises(
        SecretUnavailable, match="not signed in to idspine; the Azure CLI is not signed in: run `az login"
    ):
        keyvault.keyvault_token()
