"""Words from outside (provider errors, typed answers, names) can hold [ ] without breaking a screen."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.journeys.test_wizard_fields import open_step
from tests.support.journeys import demo_app, open_with, settle
from wizard.ui.markup import safe_content

BROKEN = "Request failed [/oops] at [/]"


def test_safe_content_keeps_our_markup_and_survives_theirs() -> None:
    assert safe_content("[b]ok[/b]").plain == "ok"
    assert safe_content(BROKEN).plain == BROKEN


@pytest.mark.parametrize(
    ("key", "screen"), [("n", "N8nScreen"), ("u", "SupabaseScreen"), ("a", "EntraScreen")]
)
async def test_wiring_status_shows_a_provider_message_with_brackets(key: str, screen: str) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, key, screen)
        app.screen._status(BROKEN, True)  # what a provider error message becomes
        await settle(pilot)
        assert BROKEN in str(app.screen.query_one("#wiring-status").render())


async def test_wizard_preview_and_title_take_brackets() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_step(pilot, "naming", "convention")
        screen.query_one("#q-group_template Input", Input).value = "Tenant-[/x]-{Client}-{Role}"
        await pilot.pause(0.3)
        await settle(pilot)
        assert type(app.screen).__name__ == "WizardScreen"
        screen.query_one("#preview").render()


async def test_consultancy_name_with_brackets_on_home(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from wizard.demo import DEMO_TODAY, demo_workspace
    from wizard.inventory import dumps
    from wizard.ui.app import IdspineApp

    ws = demo_workspace(DEMO_TODAY)
    ws = ws.model_copy(update={"consultancy": ws.consultancy.model_copy(update={"name": "Acme [/b] Data"})})
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(ws))
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Acme [/b] Data" in str(app.screen.query_one("#consultancy").render())
