"""The n8n, Supabase and Entra screens show what their wizard just changed, without being reopened."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.support.journeys import demo_app, open_with, settle
from wizard.ui.widgets.question_field import QuestionField


async def run_wizard(pilot: Pilot, flow_id: str, answers: dict[str, str]) -> None:
    """Open a wizard over the current screen through the app, type the answers, finish it."""
    app = pilot.app
    under = app.screen
    app.open_screen("wizard", flow_id=flow_id)  # type: ignore[attr-defined]
    await settle(pilot)
    for qid, value in answers.items():
        app.screen.query_one(f"#q-{qid}", QuestionField).query_one(Input).value = value
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert app.screen is under, "the wizard should finish in one step and return"


def text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def test_n8n_screen_shows_the_address_the_wizard_just_set() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "n", "N8nScreen")
        screen = app.screen
        assert "n8n.refreshed.example" not in text(screen, "#wiring-summary")
        await run_wizard(pilot, "n8n", {"url": "https://n8n.refreshed.example"})
        assert "n8n.refreshed.example" in text(screen, "#wiring-summary")
        assert "n8n.refreshed.example" in text(screen, "#wiring-values")


async def test_supabase_screen_shows_the_project_the_wizard_just_set() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "u", "SupabaseScreen")
        screen = app.screen
        await run_wizard(
            pilot, "supabase", {"project_ref": "zyxwvutsrqponmlkjihg", "tenant": "fresh.example"}
        )
        assert "zyxwvutsrqponmlkjihg" in text(screen, "#wiring-summary")


async def test_entra_plan_follows_a_client_onboarded_meanwhile() -> None:
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        screen = app.screen
        before = screen.query_one(DataTable).row_count
        ws = app.state.workspace.model_copy(deep=True)  # what a finished wizard leaves behind
        from wizard.model import Group

        ws.groups.append(Group(name="Tenant-Acme-Refreshed", client="acme"))
        app.open_screen("explainers")  # any screen on top, then back, as after a wizard
        await settle(pilot)
        app.state.workspace = ws
        app.pop_screen()
        await settle(pilot)
        assert screen.query_one(DataTable).row_count > before
        assert any(
            "Tenant-Acme-Refreshed" in str(screen.plan.step(k.value).subject)
            for k in screen.query_one(DataTable).rows
        )
