"""The preview the home screen paints before the workspace has loaded: the same facts as the real workspace,
never a secret, and nothing opens or saves until the workspace has loaded and validated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wizard import inventory_preview
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import dumps, save


@pytest.mark.parametrize("today", [DEMO_TODAY, dt.date.today(), dt.date(2031, 2, 28)])
def test_the_demo_preview_is_the_demo(today: dt.date) -> None:
    # If this fails, the demo changed: update inventory_preview.demo() to the facts printed here.
    assert inventory_preview.demo() == inventory_preview.of_workspace(demo_workspace(today))


def test_a_file_preview_has_the_facts_of_the_loaded_file(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(demo_workspace(DEMO_TODAY), path, expected_digest=None)
    assert inventory_preview.of_file(path) == inventory_preview.demo()


def test_no_preview_for_a_missing_large_broken_or_secret_file(tmp_path: Path) -> None:
    ws = demo_workspace(DEMO_TODAY)
    assert inventory_preview.of_file(tmp_path / "missing.toml") is None
    broken = tmp_path / "broken.toml"
    broken.write_text("consultancy = [", encoding="utf-8")
    assert inventory_preview.of_file(broken) is None
    big = tmp_path / "big.toml"
    big.write_text(dumps(ws) + "# " + "x" * inventory_preview.PREVIEW_MAX_BYTES, encoding="utf-8")
    assert inventory_preview.of_file(big) is None
    planted = tmp_path / "planted.toml"
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    planted.write_text(dumps(ws).replace('"Acme Logistics"', f'"{token}"'), encoding="utf-8")
    assert token in planted.read_text(encoding="utf-8")
    assert inventory_preview.of_file(planted) is None  # the full load refuses it and says where
    wrong = tmp_path / "wrong.toml"
    wrong.write_text('[consultancy]\nname = 3\nslug = "x"\n', encoding="utf-8")
    assert inventory_preview.of_file(wrong) is None


async def test_the_preview_opens_nothing_until_the_workspace_has_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    import wizard.ui.app as ui
    from wizard.ui.app import IdspineApp

    release = threading.Event()
    real = ui.load_state

    def held(*args: object, **kwargs: object) -> object:
        release.wait(10)  # the load stays under way until the preview has been checked
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ui, "load_state", held)
    app = IdspineApp(demo=True, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.1)
        assert type(app.screen).__name__ == "HomeScreen" and app.state is None  # painted from the preview
        assert app.screen.query_one("#clients").row_count == 2
        app.screen.action_open("inspector")  # ignored: nothing loaded yet
        app.action_save()
        assert type(app.screen).__name__ == "HomeScreen"
        assert not app.check_action("save", ())
        release.set()
        for _ in range(200):
            if app.state is not None:
                break
            await pilot.pause(0.02)
        assert app.state is not None and not app.state.dirty
        await pilot.pause()
        app.screen.action_open("inspector")
        await pilot.pause()
        assert type(app.screen).__name__ == "InspectorScreen"
