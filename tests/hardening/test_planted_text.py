"""The app on an inventory full of planted escapes and markup: no screen crashes, every text shows literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.support.hostile import hostile_workspace, raw_characters
from tests.support.journeys import open_with, settle
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import dumps
from wizard.ui.app import IdspineApp

LITERAL = (
    "[link=https://x]y[/link]",
    "[/sites/finance]",
    "[@click=app.quit]q[/]",
    "[$error]v[/]",
    "[ b]s[/ b]",
)


def _screen_text(app: IdspineApp) -> str:
    """Everything the current screen shows in its Statics, Labels and tables, as plain text."""
    parts = [str(w.render()) for w in app.screen.query(Static)]
    for table in app.screen.query(DataTable):
        for row in range(table.row_count):
            parts += [str(c) for c in table.get_row_at(row)]
    return "\n".join(parts)


@pytest.fixture
def planted_app(tmp_path: Path) -> IdspineApp:
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(hostile_workspace(demo_workspace(DEMO_TODAY))), encoding="utf-8")
    return IdspineApp(path, today=DEMO_TODAY)


@pytest.mark.parametrize(
    ("key", "screen"),
    [
        ("", "HomeScreen"),
        ("i", "InspectorScreen"),
        ("n", "N8nScreen"),
        ("u", "SupabaseScreen"),
        ("a", "EntraScreen"),
    ],
)
async def test_screens_show_planted_names_literally(planted_app: IdspineApp, key: str, screen: str) -> None:
    async with planted_app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        if key:
            await open_with(pilot, key, screen)
        if screen == "EntraScreen":
            await pilot.press("p")
            await settle(pilot)
        assert type(planted_app.screen).__name__ == screen
        text = _screen_text(planted_app)
        assert raw_characters(text) == [], screen
        if screen in ("HomeScreen", "InspectorScreen", "EntraScreen"):  # the others show no free text
            for literal in LITERAL:
                assert literal in text, (screen, literal)


async def test_provider_message_with_live_markup_is_shown_literally() -> None:
    from tests.support.journeys import demo_app

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for key, screen in (("n", "N8nScreen"), ("u", "SupabaseScreen"), ("a", "EntraScreen")):
            await open_with(pilot, key, screen)
            message = "HTTP 400: [link=https://x]y[/link] [@click=app.quit]q[/] \x1b]52;c;aGk=\x07"
            app.screen._status(message, True)
            await settle(pilot)
            shown = str(app.screen.query_one("#wiring-status").render())
            assert "[link=https://x]y[/link] [@click=app.quit]q[/]" in shown and raw_characters(shown) == []
            await pilot.press("escape")
            await settle(pilot)
