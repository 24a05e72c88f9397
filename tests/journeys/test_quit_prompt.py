"""Quitting with unsaved changes (issue #15): a real workspace asks first, a clean one or the demo quits at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from tests.support.journeys import demo_app, open_with, settle, until_stable
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import InventoryError, save
from wizard.session import WorkspaceState, load_state
from wizard.ui.app import IdspineApp


def _real_app(folder: Path) -> IdspineApp:
    """The app on an inventory file (a copy of the demo) in `folder`, opened by a relative path."""
    save(demo_workspace(DEMO_TODAY), folder / "idspine.toml", expected_digest=None)
    return IdspineApp(Path("idspine.toml"), today=DEMO_TODAY)


def _change(app: IdspineApp) -> None:
    """What a flow step or the edit form does before its save: replace the workspace."""
    assert app.state is not None
    ws = app.state.workspace.model_copy(deep=True)
    ws.consultancy.name = "Renamed meanwhile"
    app.state.workspace = ws


async def _quit(pilot, key: str = "ctrl+q") -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await pilot.pause(0.05)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


async def test_a_clean_workspace_quits_at_once(in_tmp: Path) -> None:
    app = _real_app(in_tmp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.state is not None and not app.state.dirty
        await _quit(pilot)
        assert app.return_code == 0


async def test_unsaved_changes_ask_and_no_keeps_the_app_running(in_tmp: Path) -> None:
    app = _real_app(in_tmp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        _change(app)
        for answer in ("n", "escape"):
            await _quit(pilot)
            assert type(app.screen).__name__ == "ConfirmQuitScreen" and app.return_code is None
            await _quit(pilot)  # asking again while the question shows changes nothing
            assert type(app.screen).__name__ == "ConfirmQuitScreen"
            await pilot.press(answer)
            await settle(pilot)
            assert type(app.screen).__name__ == "HomeScreen" and app.return_code is None
        await pilot.click("#next")  # the app still answers
        assert app.return_code is None and app.state is not None and app.state.dirty


async def test_unsaved_changes_ask_and_the_mouse_can_stay(in_tmp: Path) -> None:
    app = _real_app(in_tmp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        _change(app)
        await _quit(pilot)
        await pilot.click("#stay")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen" and app.return_code is None


@pytest.mark.parametrize("how", ["y", "click"])
async def test_unsaved_changes_ask_and_yes_quits_without_saving(in_tmp: Path, how: str) -> None:
    app = _real_app(in_tmp)
    before = (in_tmp / "idspine.toml").read_bytes()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        _change(app)
        await _quit(pilot)
        assert type(app.screen).__name__ == "ConfirmQuitScreen"
        if how == "y":
            await pilot.press("y")
        else:
            await pilot.click("#quit")
        await pilot.pause(0.05)
        assert app.return_code == 0
    assert (in_tmp / "idspine.toml").read_bytes() == before


async def test_saved_changes_quit_at_once(in_tmp: Path) -> None:
    app = _real_app(in_tmp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        _change(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.state is not None and not app.state.dirty
        await _quit(pilot)
        assert app.return_code == 0
    assert "Renamed meanwhile" in (in_tmp / "idspine.toml").read_text()


async def test_an_edit_saved_by_the_form_leaves_nothing_to_ask(in_tmp: Path) -> None:
    app = _real_app(in_tmp)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        app.screen.query_one(DataTable).focus()
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#edit-owner", Input).value = "alex@example.com"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"
        assert app.state is not None and not app.state.dirty
        await _quit(pilot)
        assert app.return_code == 0


async def test_a_refused_save_keeps_the_changes_unsaved(in_tmp: Path) -> None:
    app = _real_app(in_tmp)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        (in_tmp / "idspine.toml").write_text((in_tmp / "idspine.toml").read_text() + "\n# edited elsewhere\n")
        _change(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.state is not None and app.state.dirty  # the other writer's change was not clobbered
        await _quit(pilot)
        assert type(app.screen).__name__ == "ConfirmQuitScreen"


async def test_the_demo_never_asks() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        _change(app)
        await _quit(pilot)
        assert app.return_code == 0


async def test_the_error_screen_quits_with_q(in_tmp: Path) -> None:
    (in_tmp / "idspine.toml").write_text('schema_version = 1\n[consultancy\nname = "x"\n')
    app = IdspineApp(Path("idspine.toml"), today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "ErrorScreen"
        await _quit(pilot, "q")
        assert app.return_code == 0  # as before: q quits (the Quit button exits with 2)


def test_dirty_follows_changes_and_saves(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    fresh = load_state(path, demo=False, today=DEMO_TODAY)
    assert fresh.is_new and not fresh.dirty  # nothing entered yet: nothing to lose
    save(demo_workspace(DEMO_TODAY), path, expected_digest=None)
    state = load_state(path, demo=False, today=DEMO_TODAY)
    assert not state.dirty and not state.unsaved_changes
    state.workspace = state.workspace.model_copy(deep=True)
    assert state.dirty and state.unsaved_changes
    state.save()
    assert not state.dirty
    state.dirty = True  # changed in place
    assert state.dirty
    state.dirty = False  # written some other way
    assert not state.dirty
    path.write_text(path.read_text() + "\n# edited elsewhere\n")
    state.workspace = state.workspace.model_copy(deep=True)
    with pytest.raises(InventoryError):
        state.save()
    assert state.dirty
    demo = WorkspaceState(demo_workspace(DEMO_TODAY), None, today=DEMO_TODAY)
    demo.workspace = demo.workspace.model_copy(deep=True)
    assert demo.dirty and not demo.unsaved_changes
    demo.save()
    assert not demo.dirty


def test_quit_prompt_snapshot(snap_compare, in_tmp: Path) -> None:  # type: ignore[no-untyped-def]
    """The question at 80x24 over the home screen of a real workspace."""
    app = _real_app(in_tmp)

    async def ask(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        _change(app)
        await pilot.press("ctrl+q")
        await settle(pilot)
        pilot.app.screen.set_focus(None)
        await until_stable(pilot)

    assert snap_compare(app, run_before=ask, terminal_size=(80, 24))
