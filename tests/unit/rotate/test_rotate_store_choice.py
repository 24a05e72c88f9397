"""The app's rotate dialog stores a new secret where the CLI would (issue 17 follow-up): in Key Vault when the
workspace's secret store is keyvault (a loopback Key Vault stand-in), else in the env file. Both faces choose
with wizard.providers.secret_store.secret_sink_for; before, the dialog always wrote the env file."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import wizard.providers.keyvault as keyvault
from tests.support.entra.keyvault_standin import Vault, VaultStandIn
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.model import Workspace
from wizard.providers.entra import signin, signin_chain
from wizard.providers.entra.msal_calls import TokenResult
from wizard.providers.entra.rotate_plan import rotation_target
from wizard.providers.http import HttpSettings
from wizard.providers.keyvault import KeyVaultSink
from wizard.secrets.sinks import EnvFileSink
from wizard.settings import Connections
from wizard.ui.screens.rotate import app_parts

TOKEN = "kv-bearer-token-for-rotate-0001"
SP = "svc-n8n-graph-acme"
CLIENT = "33333333-4444-4555-8666-777777777777"  # idspine's public client app (sign-in is stood in)


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Graph: a cached sign-in; Key Vault: the signed-in account's token (no real msal, no az)."""
    monkeypatch.setattr(
        signin, "silent_token", lambda config, scopes: TokenResult(ok=True, access_token="graph")
    )
    monkeypatch.setattr(
        signin_chain,
        "cached_token",
        lambda config, scopes: (TokenResult(ok=True, access_token="graph"), "stand-in"),
    )
    monkeypatch.setattr(keyvault, "KEYVAULT_TOKEN_SOURCES", [lambda conn: (TOKEN, "")])


def _workspace(store: str) -> Workspace:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.integrations.secret_store = store
    ws.consultancy.integrations.keyvault_name = "kv-acme-prod"
    for cred in ws.credentials:  # no n8n in these tests
        cred.n8n_id = ""
    sp = ws.service_principal(SP)
    assert sp is not None
    sp.application_object_id = "22222222-3333-4444-8555-666666666666"  # as apply would have recorded it
    return ws


def test_keyvault_workspace_rotates_into_key_vault_from_the_app(tmp_path: Path) -> None:
    vault = Vault(token=TOKEN)
    with VaultStandIn(vault) as server:
        conn = Connections(
            signin_client_id=CLIENT,
            keyvault_url=server.base_url,
            allow_loopback_http=True,
            secrets_env_file=tmp_path / "secrets.env",
        )
        ws = _workspace("keyvault")
        sink = app_parts(ws, conn, rotation_target(ws, SP))["sink"]
        assert isinstance(sink, KeyVaultSink)
        ref = sink.store(SP, "new-secret-value-0123456789")
    assert ref.startswith("keyvault://kv-acme-prod/")
    assert [v["value"] for versions in vault.secrets.values() for v in versions] == [
        "new-secret-value-0123456789"
    ]
    assert not (tmp_path / "secrets.env").exists()  # nothing went to the env file


def test_env_file_workspace_rotates_into_the_env_file(tmp_path: Path) -> None:
    conn = Connections(signin_client_id=CLIENT, secrets_env_file=tmp_path / "secrets.env")
    ws = _workspace("env-file")
    sink = app_parts(ws, conn, rotation_target(ws, SP))["sink"]
    assert isinstance(sink, EnvFileSink)


def test_keyvault_without_a_token_is_refused_before_anything_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.secrets.resolver import SecretUnavailable

    def none(conn: Connections) -> tuple[str, str]:
        raise SecretUnavailable("not signed in")

    monkeypatch.setattr(keyvault, "keyvault_token", lambda conn=None: none(conn))  # type: ignore[arg-type]
    ws = _workspace("keyvault")
    with pytest.raises(ValueError, match="Key Vault is this workspace's secret store"):
        app_parts(
            ws,
            Connections(signin_client_id=CLIENT, secrets_env_file=tmp_path / "s.env"),
            rotation_target(ws, SP),
        )


def test_the_cli_and_the_app_choose_the_same_store(tmp_path: Path) -> None:
    from wizard.cli.commands.entra_apply import _secret_sink

    args = argparse.Namespace(
        env_file=str(tmp_path / "cli.env"),
        keyvault_url="https://kv-acme-prod.vault.azure.net",
        keyvault_token_env="IDSPINE_TEST_KV_TOKEN",
    )
    settings = HttpSettings()
    for store, kind in (("keyvault", KeyVaultSink), ("env-file", EnvFileSink)):
        ws = _workspace(store)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("IDSPINE_TEST_KV_TOKEN", TOKEN)
            cli = _secret_sink(args, ws, settings)
        app = app_parts(
            ws,
            Connections(signin_client_id=CLIENT, secrets_env_file=tmp_path / "app.env"),
            rotation_target(ws, SP),
        )["sink"]
        assert isinstance(cli, kind) and isinstance(app, kind)
