"""For a consultancy on Okta (or any IdP but Entra) the app never offers the Entra screen as if it applied:
`a` on home, the next step and the palette lead to the plan screen, which shows the dry run in Okta's own
API and says plainly that live apply is Entra-only for now."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.journeys import open_with, settle, until_stable
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import save
from wizard.ui.app import IdspineApp
from wizard.vocabulary import IdP


def okta_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> IdspineApp:
    monkeypatch.chdir(tmp_path)  # a relative path: the same header wherever the test runs
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.OKTA
    ws.consultancy.idp_address = "https://northwind.okta.com"
    save(ws, tmp_path / "idspine.toml")
    return IdspineApp("idspine.toml", today=DEMO_TODAY)


def _text(app: IdspineApp, selector: str) -> str:
    from textual.widgets import Static

    return str(app.screen.query_one(selector, Static).render())


async def test_okta_entry_points_lead_to_the_plan_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import DataTable, OptionList

    from wizard.ui.commands import idspine_commands

    app = okta_app(tmp_path, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#next", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "plan" in ids and "entra" not in ids
        titles = [c.title for c in idspine_commands(app)]
        assert any(t.startswith("Plan:") for t in titles)
        assert not any(t.startswith("Entra:") for t in titles)
        await open_with(pilot, "a", "PlanScreen")  # the Entra key on home opens the plan instead
        summary = _text(app, "#plan-summary")
        assert "Okta" in summary and "https://northwind.okta.com" in summary
        table = app.screen.query_one("#plan-steps", DataTable)
        assert table.row_count > 0
        assert "POST /api/v1/groups" in _text(app, "#plan-calls")
        assert "Live apply is Entra-only for now" in _text(app, "#plan-apply")
        everything = " ".join(_text(app, s) for s in ("#plan-summary", "#plan-calls", "#plan-manual"))
        assert "graph.microsoft.com" not in everything and "app registration" not in everything
        await pilot.press("escape")
        await until_stable(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_entra_consultancy_still_opens_the_entra_screen() -> None:
    from tests.support.journeys import demo_app

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "a", "EntraScreen")


async def test_the_plan_screen_for_an_entra_consultancy_points_to_the_entra_screen() -> None:
    from tests.support.journeys import demo_app

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_screen("plan")
        await settle(pilot)
        assert type(app.screen).__name__ == "PlanScreen"
        summary = _text(app, "#plan-summary")
        assert "idspine entra plan" in summary and "Entra screen" in summary
