"""The Entra screen's apply saves like every other save: a change another idspine made meanwhile is kept (not
reverted, and apply does not stop), and a long Retry-After ends the run with the time to resume."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph_standin import Directory, Fault, GraphStandIn

from tests.peers.test_entra_screen import wait_until
from tests.support.journeys import open_with
from tests.unit.entra.test_concurrent_saves import other_writer, retire
from wizard.demo import DEMO_TODAY
from wizard.inventory import load, save
from wizard.model import Status, Workspace
from wizard.settings import Connections
from wizard.ui.app import IdspineApp


@pytest.fixture
def ws_file(tmp_path: Path, entra_ws: Workspace) -> Path:
    """The Entra workspace with new secrets going to the env file the app is given (the demo's store is Key
    Vault: the last test here covers that path)."""
    entra_ws.consultancy.integrations.secret_store = "env-file"
    path = tmp_path / "idspine.toml"
    save(entra_ws, path, expected_digest=None)
    return path


def _app(path: Path, standin: GraphStandIn, tmp_path: Path) -> IdspineApp:
    conn = Connections(
        graph_url=standin.base_url,
        allow_loopback_http=True,
        signin_client_id="unused",
        secrets_env_file=tmp_path / "secrets.env",
    )
    return IdspineApp(path, today=DEMO_TODAY, connections=conn)


def _status(screen) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one("#wiring-status").render())


async def test_app_apply_keeps_a_change_saved_elsewhere_meanwhile(
    ws_file: Path, standin: GraphStandIn, directory: Directory, tmp_path: Path
) -> None:
    ws = load(ws_file)
    ws.consultancy.integrations.secret_store = "env-file"
    save(ws, ws_file)
    fired: list[str] = []

    def meanwhile(method: str, path: str) -> None:
        if method == "POST" and path == "/servicePrincipals" and not fired:
            fired.append(path)
            other_writer(ws_file, retire("Tenant-Globex-Viewer"))

    directory.on_call = meanwhile
    app = _app(ws_file, standin, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        screen = app.screen
        screen.token = directory.token  # signed in (the sign-in itself is tested against the real IdP)
        await pilot.press("a")
        await wait_until(
            pilot, lambda: type(app.screen).__name__ == "SecretRevealScreen" or "Stopped" in _status(screen)
        )
        assert "Stopped" not in _status(screen), _status(screen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Done" in _status(screen))
    assert fired
    done = load(ws_file)
    assert done.group("Tenant-Globex-Viewer").status == Status.RETIRED
    assert all(sp.object_id in directory.service_principals for sp in done.service_principals)


async def test_app_apply_stops_with_the_resume_time_on_a_long_retry_after(
    ws_file: Path, standin: GraphStandIn, directory: Directory, tmp_path: Path
) -> None:
    directory.strict_retry_after = True
    directory.faults.append(
        Fault("429", times=1, method="GET", path_re=r"^/groups$", retry_after=4 * 3600, retry_after_date=True)
    )
    app = _app(ws_file, standin, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        screen = app.screen
        screen.token = directory.token
        await pilot.press("a")
        await wait_until(pilot, lambda: "Stopped" in _status(screen))
        assert "Resume after" in _status(screen)
    assert directory.problems == []


async def test_app_apply_refuses_a_key_vault_store_it_cannot_reach_before_changing_anything(
    ws_file: Path, standin: GraphStandIn, directory: Directory, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The screen stores new secrets where the workspace says (here Key Vault), as the CLI does, never silently
    in the env file; with no Key Vault token it says so and Graph sees no write."""
    from wizard.providers import keyvault

    ws = load(ws_file)
    ws.consultancy.integrations.secret_store = "keyvault"
    ws.consultancy.integrations.keyvault_name = "kv-northwind-ops"
    ws_file.unlink()
    save(ws, ws_file, expected_digest=None)
    monkeypatch.setattr(
        keyvault, "KEYVAULT_TOKEN_SOURCES", [lambda conn: ("", "not signed in for Key Vault")]
    )
    app = _app(ws_file, standin, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        screen = app.screen
        screen.token = directory.token
        await pilot.press("a")
        await wait_until(pilot, lambda: "Key Vault" in _status(screen))
        assert "not signed in for Key Vault" in _status(screen)
    assert not (tmp_path / "secrets.env").exists()
    assert not [c for c in directory.calls if c[0] in ("POST", "PATCH", "DELETE")]
