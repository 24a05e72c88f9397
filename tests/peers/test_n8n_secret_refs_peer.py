"""End to end against a real n8n 1.123.81: `idspine n8n push` with one credential whose secret lives in Azure
Key Vault (keyvault://, the Key Vault stand-in on loopback) and one kept in 1Password (op://, the stand-in op
on PATH). n8n gets both (the credential ids it returns are recorded, the data it was sent passes its own
schema), the secrets were read where they live, and no value reaches the inventory, the output or n8n's log."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import wizard.providers.keyvault as keyvault
from tests.support.entra.keyvault_standin import Vault, VaultStandIn
from wizard.inventory import load, save
from wizard.model import Consultancy, Credential, Integrations, Method, Workspace
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.n8n.client import N8nProvider, prepare_data
from wizard.settings import Connections

pytestmark = [pytest.mark.peer("n8n"), pytest.mark.slow]
KEY_ENV = "IDSPINE_TEST_N8N_KEY"
FAKE_OP = Path(__file__).parents[1] / "support" / "fake_op"
KV_TOKEN = "kv-peer-bearer-token-0123456789"
KV_VALUE = "kv-peer-Canary-Token-9d8c7b6a5f4e"
OP_VALUE = "op-peer-Canary-Header-1a2b3c4d5e6f"
KV_REF = "keyvault://kv-northwind-ops/n8n-bearer-acme"
OP_REF = "op://Clients/acme-webhook/credential"


def workspace(base_url: str) -> Workspace:
    ws = Workspace(
        consultancy=Consultancy(
            name="Northwind Data",
            slug="northwind",
            home_tenant="0b0c0d0e-1111-4222-8333-444455556666",
            integrations=Integrations(n8n_url=base_url, n8n_api_key_ref=f"env:{KEY_ENV}"),
        )
    )
    ws.credentials.append(
        Credential(
            id="nw-kv-bearer",
            service="httpBearerAuth",
            method=Method.API_KEY,
            label="Key Vault bearer",
            n8n_type="httpBearerAuth",
            secret_ref=KV_REF,
        )
    )
    ws.credentials.append(
        Credential(
            id="nw-op-header",
            service="httpHeaderAuth",
            method=Method.API_KEY,
            label="1Password header",
            n8n_type="httpHeaderAuth",
            secret_ref=OP_REF,
        )
    )
    return ws


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The Key Vault stand-in (its address through IDSPINE_KEYVAULT_URL, its token through the token-provider
    hook) and the stand-in op first on PATH, signed in with a service account token."""
    vault = Vault(token=KV_TOKEN)
    vault.add("n8n-bearer-acme", KV_VALUE)
    state = tmp_path / "op-state.json"
    log = tmp_path / "op.log"
    state.write_text(
        json.dumps(
            {"signed_in": False, "items": {"Clients/acme-webhook/credential": OP_VALUE}, "log": str(log)}
        )
    )
    monkeypatch.setenv("OP_FAKE_STATE", str(state))
    monkeypatch.setenv("OP_SERVICE_ACCOUNT_TOKEN", "ops_peer-not-a-real-token")
    monkeypatch.setenv("PATH", f"{FAKE_OP}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setattr(keyvault, "keyvault_token", lambda connections=None: KV_TOKEN)
    with VaultStandIn(vault) as server:
        monkeypatch.setenv("IDSPINE_KEYVAULT_URL", server.base_url)
        yield vault, server, log


def _provider(peer: Any) -> N8nProvider:
    s = HttpSettings(allow_loopback_http=True)
    return N8nProvider(peer.base_url, build_client(s), peer.api_key, s)


def _n8n_jsonschema(schema: dict[str, Any]) -> dict[str, Any]:
    types = {"notice": "string", "json": ["string", "object", "array"]}
    props = {
        k: {**v, "type": types.get(v.get("type"), v.get("type"))} for k, v in schema["properties"].items()
    }
    return {**schema, "properties": props}


def test_keyvault_and_op_credentials_reach_n8n(n8n_peer, stores, tmp_path, monkeypatch, run_cli) -> None:  # type: ignore[no-untyped-def]
    vault, server, op_log = stores
    monkeypatch.setenv(KEY_ENV, n8n_peer.api_key)
    path = tmp_path / "idspine.toml"
    save(workspace(n8n_peer.base_url), path, expected_digest=None)

    pushed = run_cli("n8n", "push", "--file", str(path), "--allow-loopback-http", "--format", "json")
    assert pushed.code == 0, pushed.out + pushed.err
    report = json.loads(pushed.out)
    assert report["counts"]["created"] == 2 and report["counts"]["failed"] == 0, report

    ws = load(path)
    ids = {c.id: c.n8n_id for c in ws.credentials}
    assert all(ids.values()) and len(set(ids.values())) == 2
    assert {c.id: c.secret_ref for c in ws.credentials} == {"nw-kv-bearer": KV_REF, "nw-op-header": OP_REF}
    # the secrets were read where they live: Key Vault with the bearer token, 1Password through `op read`
    assert ("GET", "/secrets/n8n-bearer-acme", {"api-version": ["7.4"]}) in vault.requests
    op_calls = [json.loads(line)["argv"] for line in op_log.read_text().splitlines()]
    assert op_calls == [["read", "--no-newline", OP_REF]]

    provider = _provider(n8n_peer)
    connections = Connections(allow_loopback_http=True)
    for cred in ws.credentials:
        assert provider.credential_exists(cred.n8n_id) is True, cred.id
        data = prepare_data(ws, cred, connections.resolve)  # the same data push sent, read again
        jsonschema.Draft7Validator(_n8n_jsonschema(provider.credential_schema(cred.n8n_type))).validate(data)
    assert prepare_data(ws, ws.credential("nw-kv-bearer"), connections.resolve)["token"] == KV_VALUE
    assert prepare_data(ws, ws.credential("nw-op-header"), connections.resolve)["value"] == OP_VALUE

    again = run_cli("n8n", "push", "--file", str(path), "--allow-loopback-http")
    assert again.code == 0 and "created 0," in again.out and "adopted 2" in again.out

    outputs = [pushed.out, pushed.err, again.out, again.err]
    for n8n_id in ids.values():
        assert provider.delete_credential(n8n_id) is True
    texts = [*outputs, path.read_text(), n8n_peer.log_path.read_text(errors="replace")]
    backup = path.with_name(path.name + ".bak")
    if backup.exists():
        texts.append(backup.read_text())
    for value in (KV_VALUE, OP_VALUE, KV_TOKEN):
        assert not any(value in text for text in texts), "a secret value leaked"


def test_an_unreadable_reference_fails_that_credential_only(
    n8n_peer, stores, tmp_path, monkeypatch, run_cli
) -> None:  # type: ignore[no-untyped-def]
    vault, _, _ = stores
    vault.expired_tokens.add(KV_TOKEN)  # Key Vault answers 401: the token expired
    monkeypatch.setenv(KEY_ENV, n8n_peer.api_key)
    path = tmp_path / "idspine.toml"
    save(workspace(n8n_peer.base_url), path, expected_digest=None)
    pushed = run_cli("n8n", "push", "--file", str(path), "--allow-loopback-http")
    assert pushed.code == 1
    line = next(line for line in pushed.out.splitlines() if "nw-kv-bearer" in line)
    assert (
        line.startswith("failed")
        and "expired or is for another tenant" in line
        and KV_TOKEN not in pushed.out
    )
    ws = load(path)
    assert not ws.credential("nw-kv-bearer").n8n_id and ws.credential("nw-op-header").n8n_id
    assert _provider(n8n_peer).delete_credential(ws.credential("nw-op-header").n8n_id) is True
