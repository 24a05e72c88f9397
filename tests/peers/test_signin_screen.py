"""The Entra screen's sign-in at the real OpenID provider says which way it signed in, and falls back to the
browser (authorization code + PKCE) when the provider refuses the device code with AADSTS53003."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from device_user import complete_device_login

from tests.peers.test_entra_screen import wait_until, workspace_file
from tests.peers.test_signin_browser import NATIVE, browser_user
from tests.support.journeys import open_with
from wizard.demo import DEMO_TODAY
from wizard.settings import Connections
from wizard.ui.app import IdspineApp

pytestmark = [pytest.mark.peer("oidc"), pytest.mark.slow]


async def test_the_screen_falls_back_to_the_browser_and_says_how(
    oidc_peer, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []

    def fake_open(url: str) -> bool:  # the system browser, played by a form-posting user
        opened.append(url)
        threading.Thread(target=browser_user(oidc_peer.ca_bundle), args=(url,), daemon=True).start()
        return True

    monkeypatch.setattr("wizard.providers.entra.signin.browser_available", lambda: True)
    monkeypatch.setattr("webbrowser.open", fake_open)
    conn = Connections(
        oidc_authority=oidc_peer.issuer,
        ca_bundle=oidc_peer.ca_bundle,
        signin_client_id=NATIVE,
        token_cache=tmp_path / "cache" / "tokens.json",
        admin_scopes=("api:read",),
    )
    app = IdspineApp(workspace_file(tmp_path), today=DEMO_TODAY, connections=conn)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        screen = app.screen
        await pilot.press("s")
        await wait_until(pilot, lambda: screen.device is not None)
        code = screen.device
        await asyncio.to_thread(
            complete_device_login, code.verification_uri, code.user_code, oidc_peer.ca_bundle, "alex"
        )
        await wait_until(pilot, lambda: bool(screen.token))
        status = str(screen.query_one("#wiring-status").render())
        assert "(your app)" in status, status
        assert len(opened) == 1 and "code_challenge=" in opened[0]
        assert screen.device is None  # the device code box is gone
