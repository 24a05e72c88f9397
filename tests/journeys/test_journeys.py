"""Pilot-driven journeys: the wizard, the inspector, the pane, saving, errors and the command palette."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from tests.support.journeys import demo_app, open_with, settle
from wizard.demo import DEMO_TODAY, scaled_workspace
from wizard.inventory import load, save
from wizard.ui.app import IdspineApp
from wizard.ui.widgets.explain_pane import ExplainPane


async def test_wizard_step_problems_show_inline_and_valid_answers_advance() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "s", "WizardScreen")
        screen = app.screen
        name = screen.query_one("#q-name Input", Input)
        name.value = ""
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "an answer is needed" in str(screen.query_one("#q-name .problem").render())
        assert screen.runner.index == 0
        name.value = "Northwind Data"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert screen.runner.index == 1 and "Step 2 of" in str(screen.query_one("#step-title").render())


async def test_pane_follows_focus_and_toggles() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "s", "WizardScreen")
        pane = app.screen.query_one(ExplainPane)
        app.screen.query_one("#q-hats SelectionList").focus()
        await settle(pilot)
        assert pane.explainer_id == "consultant-hats"
        app.screen.query_one("#q-home_tenant Input").focus()
        await settle(pilot)
        assert pane.explainer_id == "identity-provider"
        await pilot.press("f2")
        await settle(pilot)
        assert not pane.display or pane.has_class("hidden")
        await pilot.press("f3")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExplainersScreen"


async def test_inspector_filters_as_you_type() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        table = app.screen.query_one(DataTable)
        total = table.row_count
        await pilot.press(*"health:error")
        await pilot.pause(0.2)
        await settle(pilot)
        assert 0 < table.row_count < total
        assert all(str(k.value).endswith(("openai", "service-role", "globex")) for k in table.rows)


async def test_inspector_at_ten_thousand_credentials(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(scaled_workspace(10_000, DEMO_TODAY), path, expected_digest=None)
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_with(pilot, "i", "InspectorScreen")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 200  # one page, not 10,000 widgets' worth of rows
        app.screen.query_one("#filter", Input).value = "client:client-0007"
        app.screen.apply_filter()
        await pilot.pause()
        assert 0 < table.row_count <= 200
        assert all(r.client == "client-0007" for r in app.screen.matches)
        # Timings at 10,000 are benchmark figures (`python -m bench --only inspector`), not test bounds.


async def test_changes_are_saved_to_the_inventory(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    app = IdspineApp(path, today=DEMO_TODAY)  # no file yet: a new workspace
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "s", "WizardScreen")
        app.screen.query_one("#q-name Input", Input).value = "Fjord Analytics"
        await pilot.press("ctrl+n")
        await settle(pilot)
    assert load(path).consultancy.name == "Fjord Analytics"


async def test_damaged_file_shows_the_error_screen_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text("schema_version = 1\n[consultancy\n")
    before = path.read_bytes()
    app = IdspineApp(path)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "ErrorScreen"
        await pilot.click("#quit")
        await settle(pilot)
    assert app.return_code == 2 and path.read_bytes() == before


async def test_command_palette_lists_screens_and_wizards() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {
            "Inventory inspector",
            "Service catalogue",
            "Explainers",
            "Wizard: Onboard a client",
            "Wizard: First-time setup",
            "Save",
            "Export checklist",
        } <= titles


async def test_exports_from_the_app(tmp_path: Path) -> None:
    from wizard.demo import demo_workspace
    from wizard.inventory import dumps

    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_workspace(DEMO_TODAY)))
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        for title in (
            "Export Azure CLI script",
            "Export Terraform",
            "Off-board Globex Retail",
            "Export Terraform for Acme Logistics",
        ):
            titles[title].callback()
            await settle(pilot)
    assert (tmp_path / "idspine-azure-cli.sh").stat().st_mode & 0o111
    assert 'resource "azuread_group"' in (tmp_path / "idspine-azuread.tf").read_text()
    assert "Off-boarding client globex" in (tmp_path / "idspine-globex-offboarding.md").read_text()
    assert "globex" not in (tmp_path / "idspine-acme-azuread.tf").read_text().lower()


async def test_browser_sign_in_explains_when_there_is_no_browser(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tests.support.journeys import open_with

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        await pilot.press("b")
        await settle(pilot)
        assert "device code" in str(app.screen.query_one("#wiring-status").render())
