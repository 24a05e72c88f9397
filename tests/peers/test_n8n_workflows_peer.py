"""Against a real n8n 1.123.81: workflows that use credentials are read back (paged with n8n's own cursor),
`discover n8n --adopt` fills used_by and records the unknown credential, and `drift` tells the truth: missing
for a recorded id n8n deleted, 0 once the inventory matches, 1 after a credential is added behind its back."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from wizard.inventory import load, save
from wizard.model import Consultancy, Credential, Integrations, Method, Workspace
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.n8n.client import N8nProvider
from wizard.providers.n8n.workflows import read_workflows

pytestmark = [pytest.mark.peer("n8n"), pytest.mark.slow]
KEY_ENV = "IDSPINE_TEST_N8N_WF_KEY"
SETTINGS = HttpSettings(allow_loopback_http=True, sleep=lambda s: None)


def _api(peer: Any, method: str, path: str, body: Any = None) -> Any:
    r = httpx.request(
        method, peer.base_url + path, headers={"X-N8N-API-KEY": peer.api_key}, json=body, timeout=30
    )
    assert r.status_code == 200, r.text
    return r.json()


def _credential(peer: Any, name: str) -> str:
    body = {"name": name, "type": "httpBearerAuth", "data": {"token": "peer-test-token-" + name[:8]}}
    return str(_api(peer, "POST", "/api/v1/credentials", body)["id"])


def _workflow(peer: Any, name: str, creds: list[tuple[str, str]]) -> str:
    nodes = [
        {
            "name": f"Call {i}",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4.2,
            "position": [i * 200, 0],
            "parameters": {
                "url": "https://example.com",
                "authentication": "genericCredentialType",
                "genericAuthType": "httpBearerAuth",
            },
            "credentials": {"httpBearerAuth": {"id": cid, "name": cname}},
        }
        for i, (cid, cname) in enumerate(creds)
    ]
    body = {"name": name, "settings": {}, "connections": {}, "nodes": nodes}
    return str(_api(peer, "POST", "/api/v1/workflows", body)["id"])


def test_discover_adopt_and_drift_against_real_n8n(n8n_peer, run_cli, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv(KEY_ENV, n8n_peer.api_key)
    known = _credential(n8n_peer, "Billing bearer")
    stranger = _credential(n8n_peer, "Stranger <b>|bearer")
    deleted = _credential(n8n_peer, "Deleted bearer")
    _api(n8n_peer, "DELETE", f"/api/v1/credentials/{deleted}")
    _workflow(n8n_peer, "Invoice sync", [(known, "Billing bearer")])
    _workflow(n8n_peer, "Order intake", [(known, "Billing bearer"), (stranger, "Stranger <b>|bearer")])

    provider = N8nProvider(n8n_peer.base_url, build_client(SETTINGS), n8n_peer.api_key, SETTINGS)
    paged = read_workflows(provider, page_size=1)  # n8n's own nextCursor, one workflow a page
    assert [w.id for w in paged] == [w.id for w in read_workflows(provider)]
    assert len(paged) >= 2
    by_name = {w.name: w for w in paged}
    assert {c.id for c in by_name["Order intake"].credentials} == {known, stranger}

    path = tmp_path / "idspine.toml"
    ws = Workspace(
        consultancy=Consultancy(
            name="Northwind",
            slug="northwind",
            integrations=Integrations(n8n_url=n8n_peer.base_url, n8n_api_key_ref=f"env:{KEY_ENV}"),
        ),
        credentials=[
            Credential(
                id="billing", service="http", method=Method.API_KEY, n8n_type="httpBearerAuth", n8n_id=known
            ),
            Credential(
                id="old", service="http", method=Method.API_KEY, n8n_type="httpBearerAuth", n8n_id=deleted
            ),
        ],
    )
    save(ws, path, expected_digest=None)
    flags = ["--file", str(path), "--allow-loopback-http"]

    adopted = run_cli("discover", "n8n", *flags, "--adopt", "--format", "json")
    assert adopted.code == 0, adopted.err
    result = json.loads(adopted.out)
    assert stranger in [u["id"] for u in result["unknown"]] and len(result["adopted"]) >= 1
    after = load(path)
    billing = after.credential("billing")
    assert billing is not None and {"n8n:Invoice sync", "n8n:Order intake"} <= set(billing.used_by)
    taken = next(c for c in after.credentials if c.n8n_id == stranger)
    assert taken.discovered is not None and taken.discovered.key == stranger and taken.secret_ref is None

    drift = run_cli("drift", *flags, "--format", "json")
    report = json.loads(drift.out)
    assert drift.code == 1, drift.out + drift.err
    assert [(f["kind"], f["key"]) for f in report["findings"]] == [("missing", deleted)]

    after.credentials = [c for c in after.credentials if c.id != "old"]
    save(after, path)
    clean = run_cli("drift", *flags)
    assert clean.code == 0, clean.out + clean.err
    assert "in sync: n8n" in clean.out

    sneaky = _credential(n8n_peer, "Added behind its back")
    _workflow(n8n_peer, "Shadow flow", [(sneaky, "Added behind its back")])
    behind = run_cli("drift", *flags, "--format", "sarif")
    assert behind.code == 1
    results = json.loads(behind.out)["runs"][0]["results"]
    assert [(r["ruleId"], r["properties"]["key"]) for r in results] == [("drift-unknown", sneaky)]
    assert n8n_peer.api_key not in behind.out + clean.out + drift.out + adopted.out
