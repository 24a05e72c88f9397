"""Rotation against a real n8n 1.123.81 (Entra is the Graph stand-in): workflows re-pointed, the old credential gone;
and the command's proof step (client credentials with the new secret) against a real OpenID provider.

Also checks what rotation assumes of the real n8n: a workflow's PUT takes back what GET gave (settings
filtered to the documented keys), and the security audit lists an unused credential with its id and name,
which is how a rerun finds a credential whose create answer was lost.
"""

from __future__ import annotations

import random
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "rotate"))

from fixtures import entra_like_secret  # noqa: E402
from graph_standin import Directory, GraphStandIn  # noqa: E402
from rotate_standins import token_for  # noqa: E402

from wizard.inventory import load, save  # noqa: E402
from wizard.model import Consultancy, Credential, Integrations, Method, ServicePrincipal, Workspace  # noqa: E402
from wizard.providers.entra.client import GraphClient  # noqa: E402
from wizard.providers.entra.retry import RetryPolicy  # noqa: E402
from wizard.providers.entra.rotate import Rotator  # noqa: E402
from wizard.providers.http import HttpSettings, build_client  # noqa: E402
from wizard.providers.n8n.client import N8nProvider, build_context  # noqa: E402
from wizard.providers.n8n.credentials import build_data  # noqa: E402
from wizard.secrets.resolver import resolve  # noqa: E402
from wizard.secrets.sinks import EnvFileSink  # noqa: E402

SP, CRED, N8N_TYPE = "svc-n8n-graph-peer", "peer-graph-n8n", "microsoftOAuth2Api"
APP_ID = "5f0e4a3b-1c2d-4e5f-8a9b-0c1d2e3f4a5b"


class Killed(BaseException):
    pass


def _workflow(peer: Any, name: str, cred_id: str) -> str:
    r = httpx.post(
        peer.base_url + "/api/v1/workflows",
        headers={"X-N8N-API-KEY": peer.api_key},
        json={
            "name": name,
            "settings": {"executionOrder": "v1"},
            "connections": {},
            "nodes": [
                {
                    "name": "Read sites",
                    "type": "n8n-nodes-base.httpRequest",
                    "typeVersion": 4.2,
                    "position": [0, 0],
                    "parameters": {
                        "url": "https://graph.microsoft.com/v1.0/sites",
                        "authentication": "predefinedCredentialType",
                        "nodeCredentialType": N8N_TYPE,
                    },
                    "credentials": {N8N_TYPE: {"id": cred_id, "name": "Graph"}},
                }
            ],
        },
        timeout=30,
    )
    assert r.status_code == 200, r.text
    return str(r.json()["id"])


def _uses(peer: Any, wf_id: str) -> dict[str, Any]:
    got = httpx.get(
        f"{peer.base_url}/api/v1/workflows/{wf_id}", headers={"X-N8N-API-KEY": peer.api_key}, timeout=30
    ).json()
    return dict(got["nodes"][0]["credentials"][N8N_TYPE])


@pytest.fixture
def setup(n8n_peer: Any, tmp_path: Path, directory: Directory, issued_secrets: list[str], monkeypatch):
    monkeypatch.setenv("IDSPINE_TEST_ROTATE_PEER_KEY", n8n_peer.api_key)
    settings = HttpSettings(allow_loopback_http=True, timeout=30)
    provider = N8nProvider(n8n_peer.base_url, build_client(settings), n8n_peer.api_key, settings)
    old_value = entra_like_secret(random.Random(7))
    issued_secrets.append(old_value)
    app_oid, old_key = str(uuid.uuid4()), str(uuid.uuid4())
    directory.applications[app_oid] = {
        "id": app_oid,
        "appId": APP_ID,
        "displayName": SP,
        "appRoles": [],
        "requiredResourceAccess": [],
        "passwordCredentials": [
            {
                "keyId": old_key,
                "displayName": "idspine old",
                "endDateTime": "2027-01-01T00:00:00Z",
                "hint": old_value[:3],
            }
        ],
    }
    env_file = tmp_path / "secrets.env"
    ref = EnvFileSink(env_file).store(SP, old_value)
    ws = Workspace(
        consultancy=Consultancy(
            name="Peer",
            slug="peer",
            home_tenant="0b0c0d0e-1111-4222-8333-444455556666",
            integrations=Integrations(
                n8n_url=n8n_peer.base_url, n8n_api_key_ref="env:IDSPINE_TEST_ROTATE_PEER_KEY"
            ),
        )
    )
    ws.service_principals.append(
        ServicePrincipal(name=SP, app_id=APP_ID, application_object_id=app_oid, secret_ref=ref)
    )
    cred = Credential(
        id=CRED,
        service="microsoft-graph",
        method=Method.OAUTH_CLIENT_CREDENTIALS,
        identity=SP,
        label="Graph peer",
        scopes=["https://graph.microsoft.com/.default"],
        n8n_type=N8N_TYPE,
        key_id=old_key,
    )
    ws.credentials.append(cred)
    old_n8n = provider.create_credential(
        f"Graph peer [idspine:{CRED}]", N8N_TYPE, build_data(N8N_TYPE, old_value, build_context(ws, cred))
    )
    cred.n8n_id = old_n8n
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    workflows = [_workflow(n8n_peer, f"Rotation peer {i} {uuid.uuid4().hex[:6]}", old_n8n) for i in range(2)]
    with GraphStandIn(directory) as graph:
        s = HttpSettings(allow_loopback_http=True, timeout=5, sleep=lambda _: None)

        def rotator(**kw: Any) -> Rotator:
            return Rotator(
                ws=load(path),
                path=path,
                graph=GraphClient(graph.base_url, build_client(s), directory.token, s),
                sink=EnvFileSink(env_file),
                prove=lambda secret: token_for(directory, issued_secrets, app_oid, secret),
                resolve=resolve,
                n8n=provider,
                retry=RetryPolicy(sleep=lambda _: None),
                journal_dir=tmp_path / "journals",
                **kw,
            )

        yield rotator, provider, path, old_n8n, old_key, workflows
    provider.delete_credential(load(path).credential(CRED).n8n_id)  # type: ignore[union-attr]


@pytest.mark.peer("n8n")
@pytest.mark.slow
def test_rotate_repoints_every_workflow_and_deletes_the_old_credential(n8n_peer, setup) -> None:
    rotator, provider, path, old_n8n, old_key, workflows = setup
    result = rotator().run(SP)
    new = load(path).credential(CRED)
    assert new is not None and new.n8n_id and new.n8n_id != old_n8n
    assert result.n8n[CRED].new_id == new.n8n_id and sorted(result.n8n[CRED].repointed) == sorted(workflows)
    for wf in workflows:
        assert _uses(n8n_peer, wf)["id"] == new.n8n_id
    assert provider.credential_exists(old_n8n) is False
    assert str(new.key_id) != old_key and result.removed == [old_key]


@pytest.mark.peer("n8n")
@pytest.mark.slow
def test_a_lost_create_is_found_through_the_real_audit_and_the_rerun_completes(n8n_peer, setup) -> None:
    rotator, provider, path, old_n8n, _, workflows = setup
    made: list[str] = []

    def kill(point: str) -> None:
        if point == "n8n:created":  # n8n made it; the journal never learnt its id
            raise Killed

    with pytest.raises(Killed):
        rotator(checkpoint=kill).run(SP)
    unused = provider.unused_credentials()
    orphans = [u for u in unused if u["name"] == f"Graph peer [idspine:{CRED}]" and u["id"] != old_n8n]
    assert len(orphans) == 1, unused  # the audit names it, with its id
    made.append(orphans[0]["id"])
    rotator().run(SP)
    new = load(path).credential(CRED)
    assert new is not None and new.n8n_id not in made
    assert provider.credential_exists(made[0]) is False and provider.credential_exists(old_n8n) is False
    for wf in workflows:
        assert _uses(n8n_peer, wf)["id"] == new.n8n_id


@pytest.mark.peer("oidc")
def test_the_commands_proof_asks_a_real_provider_and_never_repeats_the_secret(oidc_peer) -> None:  # type: ignore[no-untyped-def]
    import argparse

    from tests.support.entra.fixtures import PEER_CLIENT_ID
    from wizard.cli.commands.rotate import _prover

    ws = Workspace(consultancy=Consultancy(name="Peer", slug="peer", home_tenant="peer.example"))
    sp = ServicePrincipal(name=SP, app_id=PEER_CLIENT_ID, application_object_id=str(uuid.uuid4()))
    ws.service_principals.append(sp)
    args = argparse.Namespace(oidc_authority=oidc_peer.issuer, ca_bundle=oidc_peer.ca_bundle)
    prove = _prover(args, ws, sp)
    assert prove(oidc_peer.client_secret)[0] is True
    ok, detail = prove(oidc_peer.client_secret[::-1])
    assert ok is False and detail and oidc_peer.client_secret[::-1] not in detail
