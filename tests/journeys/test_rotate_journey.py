"""Rotation from the inspector: `t` on a service principal opens the dialog; `y` rotates (Graph and n8n stand-ins)."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Static

from tests.support.journeys import open_with, settle, until_stable
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import load, save
from wizard.settings import Connections
from wizard.ui.app import IdspineApp
from wizard.ui.screens import rotate as rotate_screen

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "rotate"))

from graph_standin import Directory, GraphStandIn  # noqa: E402
from rotate_rig import CRED, KEY_ENV, SP, Clock, Rig, build_rig  # noqa: E402
from rotate_standins import N8nStandIn, N8nState  # noqa: E402


@pytest.fixture
def rig(
    tmp_path: Path, directory: Directory, issued_secrets: list[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Rig]:
    state = N8nState(api_key="n8n-key-" + secrets.token_hex(8))
    monkeypatch.setenv(KEY_ENV, state.api_key)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    with GraphStandIn(directory) as graph, N8nStandIn(state) as n8n:
        built = build_rig(tmp_path, directory, issued_secrets, graph.base_url, state, n8n.base_url, Clock())
        built.journal_dir = tmp_path / "state" / "idspine" / "rotations"
        yield built


async def _highlight(pilot: Any, subject: str) -> None:
    screen = pilot.app.screen
    screen.query_one("#filter", Input).value = subject.split(":", 1)[1]
    screen.apply_filter()
    await settle(pilot)
    table = screen.query_one(DataTable)
    table.focus()
    table.move_cursor(row=[r.subject for r in screen.matches].index(subject))
    await settle(pilot)


async def test_rotate_from_the_inspector(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    rotator = rig.rotator()
    parts = {k: getattr(rotator, k) for k in ("graph", "sink", "prove", "resolve", "n8n", "retry")}
    monkeypatch.setattr(rotate_screen, "build_parts", lambda ws, conn, target: parts)
    app = IdspineApp(rig.path, today=DEMO_TODAY, connections=Connections(allow_loopback_http=True))
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, f"service-principal:{SP}")
        await pilot.press("t")
        await settle(pilot)
        dialog = app.screen
        assert type(dialog).__name__ == "RotateScreen"
        plan = str(dialog.query_one("#rotate-plan-text", Static).render())
        assert "addPassword" in plan and "only after the new one" in plan and CRED in plan
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await settle(pilot)
        status = str(dialog.query_one("#rotate-status", Static).render())
        assert status.startswith("Rotated"), status
        log = str(dialog.query_one("#rotate-log", Static).render())
        assert "6/6 recorded" in log
        for value in rig.issued:
            assert value not in status + log + plan
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"
        assert app.state is not None and not app.state.dirty
        new_key = str(load(rig.path).credential(CRED).key_id)  # type: ignore[union-attr]
        assert str(app.state.workspace.credential(CRED).key_id) == new_key  # type: ignore[union-attr]
    rig.assert_completed()


async def test_a_credential_row_rotates_its_principal_and_a_refusal_is_shown(rig: Rig, monkeypatch) -> None:
    def refuse(ws: Any, conn: Any, target: Any) -> dict[str, Any]:
        raise ValueError(
            "not signed in to the tenant: sign in on the Entra screen (a, then s), then rotate again"
        )

    monkeypatch.setattr(rotate_screen, "build_parts", refuse)
    app = IdspineApp(rig.path, today=DEMO_TODAY, connections=Connections(allow_loopback_http=True))
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, f"credential:{CRED}")
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await settle(pilot)
        status = str(app.screen.query_one("#rotate-status", Static).render())
        assert status.startswith("Not rotated: not signed in"), status
    assert not rig.directory.writes() and not rig.journals()


def _rotatable_demo(folder: Path) -> None:
    ws = demo_workspace(DEMO_TODAY)
    sp = ws.service_principal("svc-n8n-graph-acme")
    assert sp is not None
    sp.application_object_id = "0f0e0d0c-1111-4222-8333-444455556666"
    ws.credential("acme-graph-n8n").n8n_id = "Graph1acme"  # type: ignore[union-attr]
    save(ws, folder / "idspine.toml", expected_digest=None)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_rotate_dialog_snapshot(snap_compare, tmp_path: Path, monkeypatch, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    _rotatable_demo(tmp_path)

    async def show(pilot: Any) -> None:
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, "service-principal:svc-n8n-graph-acme")
        await pilot.press("t")
        await settle(pilot)
        pilot.app.screen.set_focus(None)
        await until_stable(pilot)

    app = IdspineApp("idspine.toml", today=DEMO_TODAY)
    assert snap_compare(app, run_before=show, terminal_size=size)


async def test_unsaved_changes_in_the_app_are_kept_beside_the_rotation(rig: Rig, monkeypatch) -> None:
    rotator = rig.rotator()
    parts = {k: getattr(rotator, k) for k in ("graph", "sink", "prove", "resolve", "n8n", "retry")}
    monkeypatch.setattr(rotate_screen, "build_parts", lambda ws, conn, target: parts)
    app = IdspineApp(rig.path, today=DEMO_TODAY, connections=Connections(allow_loopback_http=True))
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        assert app.state is not None
        app.state.workspace.consultancy.name = "Typed in the app, not saved yet"
        app.state.dirty = True
        await _highlight(pilot, f"service-principal:{SP}")
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await settle(pilot)
        ws = app.state.workspace
        assert app.state.dirty and ws.consultancy.name == "Typed in the app, not saved yet"
        assert str(ws.credential(CRED).key_id) == str(load(rig.path).credential(CRED).key_id)  # type: ignore[union-attr]
        assert ws.service_principal(SP).verification is not None  # type: ignore[union-attr]
    rig.assert_completed()


async def test_nothing_to_rotate_offers_no_rotate_now() -> None:
    """On the demo (no tenant, and acme-graph-n8n has no app object id) the dialog says why and its footer has
    no "Rotate now"; pressing y anyway changes nothing."""
    app = IdspineApp(demo=True, today=DEMO_TODAY)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, "credential:acme-graph-n8n")
        await pilot.press("t")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, rotate_screen.RotateScreen) and screen.refused
        status = str(screen.query_one("#rotate-status", Static).render())
        assert "Nothing to rotate" in str(screen.query_one("#rotate-plan-text", Static).render())
        assert status and "rotates now" not in status
        shown = {b.binding.action for b in app.active_bindings.values() if b.binding.show and b.enabled}
        assert "rotate" not in shown and "learn" in shown
        await pilot.press("y")
        await settle(pilot)
        assert not screen.running
