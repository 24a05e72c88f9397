"""The error screen for a damaged inventory: where and why, the line itself, never a traceback or a secret."""

from __future__ import annotations

from pathlib import Path

from tests.support.journeys import settle
from wizard.ui.app import IdspineApp
from wizard.ui.screens.error import quote_line

CANARY = "ghp_" + "Q7x" * 12  # shaped like a GitHub token; must never reach the screen


def test_quote_line_marks_the_line_and_keeps_its_neighbours(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text('schema_version = 1\n[consultancy\nname = "x"\n')
    assert quote_line(path, 2) == '  1 │ schema_version = 1\n> 2 │ [consultancy\n  3 │ name = "x"'
    assert quote_line(path, None) == ""


def test_quote_line_refuses_to_show_a_secret(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(f'schema_version = 1\n[consultancy\ntoken = "{CANARY}"\n')
    assert quote_line(path, 2) == ""


async def test_damaged_file_shows_file_line_reason_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text('schema_version = 1\n[consultancy\nname = "x"\n')
    app = IdspineApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ErrorScreen"
        message = str(screen.query_one("#error-message").render())
        assert f"{path}:2" in message and "TOML" in message
        assert "> 2 │ [consultancy" in str(screen.query_one("#error-context").render())
        assert "Traceback" not in app.export_screenshot()
        assert "save" not in {b.binding.action for b in screen.active_bindings.values()}


async def test_a_secret_in_a_damaged_file_never_reaches_the_screen(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(f'schema_version = 1\n[consultancy\nname = "{CANARY}"\n')
    app = IdspineApp(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "ErrorScreen"
        assert CANARY not in app.export_screenshot()
