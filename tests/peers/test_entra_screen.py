"""A Pilot journey through the Entra screen: device-code sign-in at a real OpenID provider, plan, apply against
the contract-checked Graph stand-in (twice: nothing is created twice), the one-time secret reveal, and verify."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from device_user import complete_device_login

from tests.support.entra.fixtures import PEER_CLIENT_ID
from tests.support.journeys import open_with, settle
from wizard.demo import DEMO_TODAY
from wizard.inventory import load, save
from wizard.model import CredentialKind, Group, ServicePrincipal, new_workspace
from wizard.settings import Connections
from wizard.ui.app import IdspineApp

pytestmark = [pytest.mark.peer("oidc"), pytest.mark.slow]
SCOPES = ("api:read",)


async def wait_until(pilot, condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out waiting for the app")


def workspace_file(tmp_path: Path) -> Path:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.home_tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    ws.groups.append(Group(name="Org-Data-Engineer", role="Data-Engineer"))
    ws.service_principals.append(
        ServicePrincipal(
            name="svc-peer-check",
            tool="peer",
            purpose="check",
            credential_kind=CredentialKind.SECRET,
            owner="ola@fjord.example",
        )
    )
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


async def test_sign_in_plan_apply_verify_in_the_app(oidc_peer, standin, directory, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The app registration exists already (made "in the portal") with the id the OpenID provider knows,
    # and Graph hands out the secret that provider accepts: so verify can really succeed.
    oid = str(uuid.uuid4())
    directory.applications[oid] = {
        "id": oid,
        "uniqueName": "svc-peer-check",
        "displayName": "svc-peer-check",
        "appId": PEER_CLIENT_ID,
        "appRoles": [],
        "requiredResourceAccess": [],
        "passwordCredentials": [],
    }
    directory.fics[oid] = []
    directory.secret_factory = lambda: oidc_peer.client_secret
    path = workspace_file(tmp_path)
    secrets_file = tmp_path / "secrets.env"
    conn = Connections(
        graph_url=standin.base_url,
        allow_loopback_http=True,
        oidc_authority=oidc_peer.issuer,
        ca_bundle=oidc_peer.ca_bundle,
        signin_client_id=oidc_peer.public_client_id,
        token_cache=tmp_path / "cache" / "tokens.json",
        admin_scopes=SCOPES,
        verify_scopes=SCOPES,
        secrets_env_file=secrets_file,
    )
    app = IdspineApp(path, today=DEMO_TODAY, connections=conn)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        screen = app.screen
        assert "not signed in" in str(screen.query_one("#wiring-summary").render())
        await pilot.press("s")
        await wait_until(pilot, lambda: screen.device is not None)
        code = screen.device
        assert code.user_code in str(screen.query_one("#device").render())
        page = await asyncio.to_thread(
            complete_device_login, code.verification_uri, code.user_code, oidc_peer.ca_bundle, "alex"
        )
        assert "Sign-in Success" in page
        await wait_until(pilot, lambda: bool(screen.token))
        directory.token = screen.token  # the stand-in trusts the token the real IdP just issued
        assert (tmp_path / "cache" / "tokens.json").stat().st_mode & 0o777 == 0o600

        await pilot.press("a")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "SecretRevealScreen")
        reveal = app.screen
        assert oidc_peer.client_secret not in app.export_screenshot()  # masked until asked
        await pilot.press("r")
        await settle(pilot)
        assert oidc_peer.client_secret in str(reveal.query_one("#secret-value").render())
        await pilot.press("enter")
        await settle(pilot)
        assert "Done" in str(screen.query_one("#wiring-status").render())

        ws = load(path)
        sp = ws.service_principal("svc-peer-check")
        assert sp.app_id == PEER_CLIENT_ID and sp.secret_ref and sp.secret_expires
        assert ws.group("Org-Data-Engineer").object_id
        assert oidc_peer.client_secret not in path.read_text()
        assert secrets_file.stat().st_mode & 0o777 == 0o600

        await pilot.press("v")
        await wait_until(
            pilot,
            lambda: (
                "works" in str(screen.query_one("#wiring-status").render())
                or "FAILED" in str(screen.query_one("#wiring-status").render())
            ),
        )
        assert "works" in str(screen.query_one("#wiring-status").render())
        assert load(path).service_principal("svc-peer-check").verification.ok

        writes_before = len(directory.writes())
        screen.action_plan()
        await pilot.press("a")
        await wait_until(
            pilot,
            lambda: "Done" in str(screen.query_one("#wiring-status").render()) and not app.workers._workers,
        )
        await settle(pilot)
        assert directory.count("application", displayName="svc-peer-check") == 1
        assert directory.count("group", displayName="Org-Data-Engineer") == 1
        assert len(directory.writes()) == writes_before  # the rerun only read
        assert directory.problems == []
