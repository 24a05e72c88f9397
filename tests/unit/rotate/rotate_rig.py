"""A rotation rig: a Graph stand-in tenant holding one app with an old secret (recorded) and a foreign one, an n8n
stand-in with the old credential used by three workflows (and one workflow using something else), an inventory
file, an env-file secret store and a journal folder, all on one fake clock."""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph_standin import Directory
from rotate_standins import N8nState, token_for

from wizard.inventory import load, save
from wizard.model import Consultancy, Credential, Integrations, Method, ServicePrincipal, Workspace
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.entra.rotate import Rotator
from wizard.providers.http import HttpSettings, build_client
from wizard.providers.n8n.client import N8nProvider
from wizard.secrets.resolver import resolve
from wizard.secrets.sinks import EnvFileSink

SP = "svc-n8n-graph-acme"
CRED = "acme-graph-n8n"
N8N_TYPE = "microsoftOAuth2Api"
APP_ID = "11111111-2222-4333-8444-555555555555"
TENANT = "0b0c0d0e-1111-4222-8333-444455556666"
KEY_ENV = "IDSPINE_TEST_ROTATE_N8N_KEY"


class Clock:
    """A fake clock shared by the stand-in, the HTTP client's waits and the rotation's waits."""

    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def time(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += max(0.0, seconds)


@dataclass
class Rig:
    directory: Directory
    issued: list[str]
    graph_url: str
    n8n: N8nState
    n8n_url: str
    path: Path
    env_file: Path
    journal_dir: Path
    app_oid: str
    old_key: str
    foreign_key: str
    old_n8n: str
    workflows: list[str]
    other_workflow: str
    clock: Clock
    said: list[str] = field(default_factory=list)

    def settings(self) -> HttpSettings:
        return HttpSettings(
            allow_loopback_http=True,
            timeout=0.6,
            connect_timeout=0.6,
            sleep=self.clock.advance,
            clock=self.clock.time,
        )

    def retry(self) -> RetryPolicy:
        return RetryPolicy(sleep=self.clock.advance, clock=self.clock.time)

    def rotator(self, **overrides: Any) -> Rotator:
        s = self.settings()
        options: dict[str, Any] = {
            "ws": load(self.path),
            "path": self.path,
            "graph": GraphClient(self.graph_url, build_client(s), self.directory.token, s),
            "sink": EnvFileSink(self.env_file),
            "prove": self.prove,
            "resolve": resolve,
            "n8n": N8nProvider(self.n8n_url, build_client(s), self.n8n.api_key, s),
            "retry": self.retry(),
            "journal_dir": self.journal_dir,
            "say": self.said.append,
        }
        options.update(overrides)
        return Rotator(**options)

    def prove(self, secret: str) -> tuple[bool, str]:
        return token_for(self.directory, self.issued, self.app_oid, secret)

    def passwords(self) -> list[dict[str, Any]]:
        return list(self.directory.applications[self.app_oid]["passwordCredentials"])

    def stored_value(self) -> str:
        ws = load(self.path)
        ref = ws.service_principal(SP).secret_ref  # type: ignore[union-attr]
        return resolve(str(ref))

    def journals(self) -> list[Path]:
        return sorted(self.journal_dir.glob("*.json")) if self.journal_dir.exists() else []

    def everything_written(self) -> str:
        """The inventory, every journal and everything said: where a secret value must never appear."""
        texts = [self.path.read_text(), *(p.read_text() for p in self.journals()), *self.said]
        return "\n".join(texts)

    def assert_completed(self) -> None:
        """The invariant after a finished rotation: one new secret, proven, recorded; n8n switched; nothing left."""
        ws = load(self.path)
        sp, cred = ws.service_principal(SP), ws.credential(CRED)
        assert sp is not None and cred is not None
        keys = {p["keyId"] for p in self.passwords()}
        assert self.old_key not in keys, "the old secret is still on the app"
        assert self.foreign_key in keys, "a secret idspine does not own was removed"
        assert len(keys) == 2, f"expected the new and the foreign secret only, found {len(keys)}"
        new_key = str(cred.key_id)
        assert new_key in keys and new_key != self.old_key
        assert self.prove(self.stored_value()) == (True, "token issued"), "the stored value gets no token"
        assert cred.n8n_id and cred.n8n_id != self.old_n8n
        assert set(self.n8n.credentials) == {cred.n8n_id, "other-cred"}, (
            "old or orphaned n8n credentials remain"
        )
        assert self.n8n.credentials[cred.n8n_id]["data"]["clientSecret"] == self.stored_value()
        for wid in self.workflows:
            assert self.n8n.credential_ids_used(wid) == {cred.n8n_id}
        assert self.n8n.credential_ids_used(self.other_workflow) == {"other-cred"}
        assert sp.verification is not None and sp.verification.ok
        assert {f"n8n:Sync {i}" for i in range(3)} <= set(cred.used_by)
        assert not self.journals(), "the journal outlived the rotation"
        assert not self.directory.problems and not self.n8n.problems
        written = self.everything_written()
        for value in self.issued:
            assert value not in written


def build_rig(
    tmp_path: Path,
    directory: Directory,
    issued: list[str],
    graph_url: str,
    n8n: N8nState,
    n8n_url: str,
    clock: Clock,
) -> Rig:
    from fixtures import entra_like_secret

    directory.clock = clock.time
    app_oid = str(uuid.uuid4())
    old_value = entra_like_secret(random.Random(5))
    issued.append(old_value)
    old_key, foreign_key = str(uuid.uuid4()), str(uuid.uuid4())
    directory.applications[app_oid] = {
        "id": app_oid,
        "appId": APP_ID,
        "displayName": SP,
        "appRoles": [],
        "requiredResourceAccess": [],
        "passwordCredentials": [
            {
                "keyId": old_key,
                "displayName": "idspine 2026-06-01T00:00:00Z a1b2c3",
                "endDateTime": "2026-12-01T00:00:00Z",
                "hint": old_value[:3],
            },
            {
                "keyId": foreign_key,
                "displayName": "Portal secret",
                "endDateTime": "2027-06-01T00:00:00Z",
                "hint": "zz~",
            },
        ],
    }
    directory.fics[app_oid] = []
    env_file = tmp_path / "store" / "secrets.env"
    ref = EnvFileSink(env_file).store(SP, old_value)
    old_n8n = n8n.add_credential(
        f"Graph [idspine:{CRED}]", N8N_TYPE, {"clientId": APP_ID, "clientSecret": old_value}
    )
    n8n.credentials["other-cred"] = {"id": "other-cred", "name": "Slack", "type": "slackApi", "data": {}}
    workflows = [n8n.add_workflow(f"Sync {i}", N8N_TYPE, old_n8n) for i in range(3)]
    other = n8n.add_workflow("Unrelated", "slackApi", "other-cred")
    ws = Workspace(
        consultancy=Consultancy(
            name="Northwind Data",
            slug="northwind",
            home_tenant=TENANT,
            integrations=Integrations(n8n_url=n8n_url, n8n_api_key_ref=f"env:{KEY_ENV}"),
        )
    )
    ws.service_principals.append(
        ServicePrincipal(name=SP, app_id=APP_ID, application_object_id=app_oid, secret_ref=ref, tool="n8n")
    )
    ws.credentials.append(
        Credential(
            id=CRED,
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            identity=SP,
            label="Graph",
            n8n_type=N8N_TYPE,
            n8n_id=old_n8n,
            key_id=old_key,
            used_by=["n8n:Sync 0"],
        )
    )
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return Rig(
        directory, issued, graph_url, n8n, n8n_url, path, env_file, tmp_path / "journals", app_oid,
        old_key, foreign_key, old_n8n, workflows, other, clock,
    )  # fmt: skip


def journal_of(rig: Rig) -> dict[str, Any]:
    (only,) = rig.journals()
    return dict(json.loads(only.read_text()))
