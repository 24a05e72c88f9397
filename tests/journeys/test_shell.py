"""Pilot tests of the app shell: help from `?`, the welcome offer for a new folder, themes, the palette."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.support.journeys import demo_app, open_with, settle
from wizard.demo import DEMO_TODAY
from wizard.ui.app import IdspineApp


async def test_question_mark_opens_help_listing_the_screens_own_keys() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert type(app.screen).__name__ == "HelpScreen"
        groups = dict(app.screen.groups)
        home_keys = dict(groups["Home"])
        assert home_keys["i"] == "Inspect" and home_keys["s"] == "Setup" and home_keys["a"] == "Entra"
        assert "ctrl+p" in dict(groups["Everywhere"])
        assert all(desc not in ("Focus Next", "Copy selected text") for _, desc in groups["Home"])
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_question_mark_in_a_text_field_is_typed_not_help() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        app.screen.query_one("#filter", Input).focus()
        await pilot.press("question_mark")
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"
        assert app.screen.query_one("#filter", Input).value == "?"


async def test_help_on_the_inspector_lists_its_keys() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        app.screen.set_focus(None)
        await pilot.press("f1")
        await settle(pilot)
        keys = dict(dict(app.screen.groups)["Inventory inspector"])
        assert keys["s"] == "Sort" and keys["r"] == "Reverse" and keys["/"] == "Filter"


async def test_a_new_folder_offers_first_time_setup(tmp_path: Path) -> None:
    app = IdspineApp(tmp_path / "idspine.toml", today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "WelcomeScreen"
        await pilot.press("escape")  # look around first
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
    assert not (tmp_path / "idspine.toml").exists()  # nothing written until the user saves

    app = IdspineApp(tmp_path / "idspine.toml", today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#start")
        await settle(pilot)
        assert type(app.screen).__name__ == "WizardScreen" and app.screen.flow_id == "first-setup"


async def test_an_existing_inventory_opens_without_the_welcome(tmp_path: Path) -> None:
    from wizard.demo import demo_workspace
    from wizard.inventory import dumps

    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_workspace(DEMO_TODAY)))
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_theme_option_and_toggle() -> None:
    app = demo_app("light")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"
        await pilot.press("f10")
        assert app.theme == "textual-dark"


async def test_palette_has_every_screen_and_flow() -> None:
    from flows import FLOWS, get_flow
    from wizard.ui.screens import palette_routes

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for route in palette_routes().values():
            assert route.title in commands
        for flow_id in FLOWS:
            assert f"Wizard: {get_flow(flow_id).title}" in commands
        commands["Inventory inspector"].callback()
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"


async def test_explainer_search_from_the_palette_opens_the_reader() -> None:
    from wizard.ui.commands import ExplainerSearch

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = ExplainerSearch(app.screen)
        hits = [hit async for hit in provider.search("pkce")]
        assert hits and "PKCE" in str(hits[0].text)
        hits[0].command()
        await settle(pilot)
        assert type(app.screen).__name__ == "ExplainersScreen" and app.screen.history[-1] == "pkce"


async def test_health_badges_follow_the_theme() -> None:
    from textual.widgets import DataTable

    app = demo_app("dark")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#clients", DataTable)
        dark = str(table.get_row_at(0)[0])
        assert app.theme_variables["text-error"].lower() in dark.lower()
        await pilot.press("f10")
        await settle(pilot)
        light = str(table.get_row_at(0)[0])
        assert app.theme == "textual-light" and light != dark
        assert app.theme_variables["text-error"].lower() in light.lower()
