"""Against a real n8n 1.123.81 on loopback: push every supported credential type, check, rerun, delete, rotate."""

from __future__ import annotations

import json

import httpx
import jsonschema
import pytest

from wizard.catalogue import load_catalogue
from wizard.inventory import load, save
from wizard.model import Consultancy, Credential, Integrations, Method, ServicePrincipal, Workspace
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.n8n.client import N8nProvider, build_context, prepare_data
from wizard.providers.n8n.credentials import CREDENTIAL_TYPES, supported_types
from wizard.providers.n8n.sso import REST_ROUTES
from wizard.secrets.resolver import resolve

pytestmark = [pytest.mark.peer("n8n"), pytest.mark.slow]
APP_ID = "5f0e4a3b-1c2d-4e5f-8a9b-0c1d2e3f4a5b"
KEY_ENV = "IDSPINE_TEST_N8N_KEY"


def catalogue_n8n_types() -> set[str]:
    return {m.n8n_type for s in load_catalogue().services.values() for m in s.methods if m.n8n_type}


def secrets_for(c: dict[str, str]) -> dict[str, str]:
    """A canary-bearing secret per type, in the format each builder takes."""
    pk = c["private_key"] + "\n-----END PRIVATE KEY-----\n"
    bundles = {
        "aws": {"accessKeyId": c["aws"], "secretAccessKey": c["random_blob"], "region": "eu-west-1"},
        "googleApi": {
            "type": "service_account",
            "client_email": "loader@proj.iam.gserviceaccount.com",
            "private_key": pk,
            "private_key_id": "abc",
        },
        "azureOpenAiApi": {"apiKey": c["random_blob"], "resourceName": "northwind-oai"},
        "azureStorageOAuth2Api": {"clientSecret": c["entra_secret"], "account": "northwindstore"},
        "azureStorageSharedKeyApi": {"account": "northwindstore", "key": c["random_blob"]},
        "snowflake": {
            "account": "nw-eu1",
            "username": "loader",
            "password": c["random_blob"],
            "warehouse": "WH",
        },
        "oktaApi": {"url": "https://northwind.okta.com", "accessToken": c["random_blob"]},
        "auth0ManagementApi": {
            "domain": "northwind.eu.auth0.com",
            "clientId": "auth0client",
            "clientSecret": c["random_blob"],
        },
        "slackApi": {"accessToken": c["slack"], "signatureSecret": c["random_blob"]},
    }
    plain = {
        "airtableTokenApi": c["airtable_pat"],
        "githubApi": c["github_fine"],
        "openAiApi": c["openai"],
        "supabaseApi": c["jwt"],
        "httpBearerAuth": c["github_pat"],
        "httpHeaderAuth": c["random_blob"],
        "postgres": f"postgresql://app:{c['random_blob']}@db.northwind.example:5432/app",
    }
    out = {t: json.dumps(v) for t, v in bundles.items()}
    out.update(plain)
    for t in supported_types():
        out.setdefault(t, c["entra_secret"])  # OAuth2 client secrets
    return out


def env_name(n8n_type: str) -> str:
    return "IDSPINE_TEST_SECRET_" + n8n_type.upper()


def workspace(base_url: str) -> Workspace:
    ws = Workspace(
        consultancy=Consultancy(
            name="Northwind Data",
            slug="northwind",
            home_tenant="0b0c0d0e-1111-4222-8333-444455556666",
            integrations=Integrations(
                n8n_url=base_url,
                n8n_api_key_ref=f"env:{KEY_ENV}",
                supabase_project_ref="abcdefghijklmnopqrst",
            ),
        )
    )
    ws.service_principals.append(ServicePrincipal(name="svc-n8n-oauth", app_id=APP_ID))
    for t in supported_types():
        oauth = t in CREDENTIAL_TYPES and CREDENTIAL_TYPES[t].secret_field == "clientSecret" and "OAuth2" in t
        ws.credentials.append(
            Credential(
                id=f"nw-{t.lower()}"[:40],
                service=t,
                method=Method.OAUTH_USER if oauth else Method.API_KEY,
                label=f"{t} test",
                n8n_type=t,
                secret_ref=f"env:{env_name(t)}",
                identity="svc-n8n-oauth" if oauth else "",
                scopes=["openid", "offline_access"] if oauth else [],
            )
        )
    return ws


@pytest.fixture
def setup(n8n_peer, tmp_path, monkeypatch, canaries):
    monkeypatch.setenv(KEY_ENV, n8n_peer.api_key)
    secrets = secrets_for(canaries)
    for t, value in secrets.items():
        monkeypatch.setenv(env_name(t), value)
    path = tmp_path / "idspine.toml"
    save(workspace(n8n_peer.base_url), path, expected_digest=None)
    return path, secrets


def _provider(peer) -> N8nProvider:
    s = HttpSettings(allow_loopback_http=True)
    return N8nProvider(peer.base_url, build_client(s), peer.api_key, s)


def _n8n_jsonschema(schema: dict) -> dict:
    """n8n's own type names to JSON Schema ones, so jsonschema evaluates n8n's conditional rules as n8n does."""
    props = {
        k: {
            **v,
            "type": {"notice": "string", "json": ["string", "object", "array"]}.get(
                v.get("type"), v.get("type")
            ),
        }
        for k, v in schema["properties"].items()
    }
    return {**schema, "properties": props}


def _idspine_credentials_in_n8n(peer) -> list[dict]:
    r = httpx.post(
        peer.base_url + "/api/v1/audit",
        headers={"X-N8N-API-KEY": peer.api_key},
        json={"additionalOptions": {"categories": ["credentials"]}},
        timeout=60,
    )
    r.raise_for_status()
    body = r.json() or {}
    report = body.get("Credentials Risk Report") or {}
    unused = next(
        (s for s in report.get("sections", []) if s["title"] == "Credentials not used in any workflow"),
        {"location": []},
    )
    return [loc for loc in unused["location"] if "[idspine:" in loc["name"]]


def test_catalogue_types_are_all_supported():
    assert catalogue_n8n_types() <= set(supported_types())


def test_push_check_rerun_delete(n8n_peer, setup, run_cli, canaries):
    path, secrets = setup
    outputs = []
    # the n8n peer is shared by the whole run: other tests (the wiring-screen journey) may have left credentials
    before = {loc["id"] for loc in _idspine_credentials_in_n8n(n8n_peer)}
    first = run_cli("n8n", "push", "--file", str(path), "--allow-loopback-http")
    outputs.append(first)
    assert first.code == 0, first.out + first.err
    ws = load(path)
    ids = {c.id: c.n8n_id for c in ws.credentials}
    assert all(ids.values()) and len(set(ids.values())) == len(ids) == len(supported_types())
    assert first.out.count("created ") >= len(ids)

    provider = _provider(n8n_peer)
    for cred in ws.credentials:
        schema = provider.credential_schema(cred.n8n_type)
        data = prepare_data(ws, cred, resolve)
        assert set(data) <= set(schema["properties"]), cred.n8n_type
        jsonschema.Draft7Validator(_n8n_jsonschema(schema)).validate(data)
        assert provider.credential_exists(cred.n8n_id) is True
        ctx = build_context(ws, cred)
        if "clientId" in data and cred.identity:
            assert data["clientId"] == APP_ID == ctx.client_id

    second = run_cli("n8n", "push", "--file", str(path), "--allow-loopback-http")
    outputs.append(second)
    assert second.code == 0 and "created 0," in second.out and f"adopted {len(ids)}" in second.out
    assert {c.id: c.n8n_id for c in load(path).credentials} == ids
    in_n8n = [loc for loc in _idspine_credentials_in_n8n(n8n_peer) if loc["id"] not in before]
    assert sorted(loc["id"] for loc in in_n8n) == sorted(ids.values()), "a rerun must not duplicate"

    gone = ws.credentials[0]
    assert provider.delete_credential(gone.n8n_id) is True
    third = run_cli("n8n", "push", "--file", str(path), "--allow-loopback-http")
    outputs.append(third)
    assert third.code == 0 and "created 1," in third.out
    renewed = load(path).credential(gone.id)
    assert renewed.n8n_id and renewed.n8n_id != gone.n8n_id

    for cred in load(path).credentials:
        res = run_cli("n8n", "delete", cred.id, "--file", str(path), "--allow-loopback-http")
        outputs.append(res)
        assert res.code == 0, res.err
    assert all(not c.n8n_id for c in load(path).credentials)
    assert [loc for loc in _idspine_credentials_in_n8n(n8n_peer) if loc["id"] not in before] == []

    texts = [o.out + o.err for o in outputs] + [
        path.read_text(),
        n8n_peer.log_path.read_text(errors="replace"),
    ]
    for value in [*secrets.values(), *canaries.values(), n8n_peer.api_key]:
        for needle in {value, *(v for v in _json_values(value))}:
            if len(needle) >= 12:
                assert not any(needle in t for t in texts), "a secret value leaked"


def _json_values(value: str) -> list[str]:
    try:
        data = json.loads(value)
    except ValueError:
        return []
    return [v for v in data.values() if isinstance(v, str)] if isinstance(data, dict) else []


def test_dry_run_sends_nothing(n8n_peer, setup, run_cli):
    path, _ = setup
    before = path.read_bytes()
    res = run_cli("n8n", "push", "--file", str(path), "--dry-run")
    assert res.code == 0 and f"planned {len(supported_types())}" in res.out
    assert path.read_bytes() == before


def test_refused_key_and_wrong_address_write_nothing(n8n_peer, setup, run_cli, monkeypatch):
    path, _ = setup
    before = path.read_bytes()
    monkeypatch.setenv(KEY_ENV, "not-the-right-key-0000")
    refused = run_cli("n8n", "push", "--file", str(path), "--allow-loopback-http")
    assert refused.code == 1 and "refused" in refused.err and "HTTP 401" in refused.err
    assert "not-the-right-key-0000" not in refused.out + refused.err
    monkeypatch.setenv(KEY_ENV, n8n_peer.api_key)
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = run_cli(
        "n8n", "push", "--file", str(path), "--allow-loopback-http", "--url", f"http://127.0.0.1:{port}"
    )
    assert down.code == 1 and "refused the connection" in down.err
    http = run_cli("n8n", "push", "--file", str(path), "--url", "http://n8n.example.com")
    assert http.code == 2 and "https://" in http.err
    assert path.read_bytes() == before


def test_sso_routes_exist_on_this_n8n(n8n_peer, run_cli):
    res = run_cli(
        "n8n", "sso", "--url", n8n_peer.base_url, "--verify", "--allow-loopback-http", "--format", "json"
    )
    assert res.code == 0, res.err
    status = json.loads(res.out)["route_status"]
    assert set(status) == set(REST_ROUTES.values())
    assert all(code != 404 for code in status.values())
    assert _provider(n8n_peer).route_status("/rest/sso/saml/no-such-route") == 404


def test_rotate_repoints_workflows_and_deletes_the_old(n8n_peer, setup, run_cli):
    path, _ = setup
    ws = load(path)
    cred = ws.credential("nw-httpbearerauth")
    provider = _provider(n8n_peer)
    old = provider.create_credential(
        "bearer [idspine:nw-httpbearerauth]", "httpBearerAuth", prepare_data(ws, cred, resolve)
    )
    cred.n8n_id = old
    save(ws, path)
    wf = httpx.post(
        n8n_peer.base_url + "/api/v1/workflows",
        headers={"X-N8N-API-KEY": n8n_peer.api_key},
        json={
            "name": "Rotation probe",
            "settings": {},
            "connections": {},
            "nodes": [
                {
                    "name": "Call",
                    "type": "n8n-nodes-base.httpRequest",
                    "typeVersion": 4.2,
                    "position": [0, 0],
                    "parameters": {
                        "url": "https://example.com",
                        "authentication": "genericCredentialType",
                        "genericAuthType": "httpBearerAuth",
                    },
                    "credentials": {"httpBearerAuth": {"id": old, "name": "bearer"}},
                }
            ],
        },
        timeout=30,
    )
    assert wf.status_code == 200, wf.text
    res = run_cli("n8n", "rotate", "nw-httpbearerauth", "--file", str(path), "--allow-loopback-http")
    assert res.code == 0, res.err
    new = load(path).credential("nw-httpbearerauth").n8n_id
    assert new and new != old and "Rotation probe" in res.out
    got = httpx.get(
        f"{n8n_peer.base_url}/api/v1/workflows/{wf.json()['id']}",
        headers={"X-N8N-API-KEY": n8n_peer.api_key},
        timeout=30,
    ).json()
    assert got["nodes"][0]["credentials"]["httpBearerAuth"]["id"] == new
    assert provider.credential_exists(old) is False
    provider.delete_credential(new)


def test_audit_command(n8n_peer, setup, run_cli):
    path, _ = setup
    res = run_cli("n8n", "audit", "--file", str(path), "--allow-loopback-http")
    assert res.code == 0, res.err
