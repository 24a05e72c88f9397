"""Pilot journeys of first-time setup: an empty folder to a saved, checked inventory and checklist; and
quitting halfway, then resuming at the right step."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, OptionList

from tests.support.journeys import open_with, settle
from wizard.demo import DEMO_TODAY
from wizard.inventory import load
from wizard.ui.app import IdspineApp

# Text answers typed into the fields; every other question keeps its default.
TYPED = {
    "about": {"name": "Fjord Analytics", "home_tenant": "fjordanalytics.onmicrosoft.com"},
    "automations": {"repo": "fjord/pipelines", "owner": "ola@fjordanalytics.onmicrosoft.com"},
    "host": {"owner": "ola@fjordanalytics.onmicrosoft.com"},
}


async def answer_current_step(pilot, screen) -> str:  # type: ignore[no-untyped-def]
    """Type this step's answers, press ctrl+n, and return the step id that was answered."""
    step_id = screen.runner.step.id
    for qid, value in TYPED.get(step_id, {}).items():
        field = screen.query_one(f"#q-{qid} Input", Input)
        field.value = value
    await pilot.press("ctrl+n")
    await settle(pilot)
    return step_id


async def test_first_setup_from_an_empty_folder_to_a_checked_inventory(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "idspine.toml"
    app = IdspineApp(path, today=DEMO_TODAY)
    answered: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "s", "WizardScreen")
        screen = app.screen
        total = screen.runner.total
        for _ in range(total):
            problems = [str(p.render()) for p in screen.query(".problem")]
            assert not any(problems), problems
            answered.append(await answer_current_step(pilot, screen))
            if type(app.screen).__name__ != "WizardScreen":
                break
        assert type(app.screen).__name__ == "HomeScreen", f"stopped at {screen.runner.step.id}"
        app.export_checklist()
        await settle(pilot)
    assert len(answered) == total and answered[0] == "about" and answered[-1] == "review"
    ws = load(path)
    assert ws.consultancy.name == "Fjord Analytics" and ws.consultancy.idp is not None
    assert ws.groups and ws.service_principals and ws.credentials
    assert ws.flow_progress("first-setup").completed
    checklist = (tmp_path / "idspine-checklist.md").read_text()
    assert "Fjord Analytics" in checklist and ws.service_principals[0].name in checklist
    result = run_cli("check", str(path), "--format", "json", "--today", str(DEMO_TODAY))
    findings = json.loads(result.out)["findings"]
    # A fresh plan has nothing wrong with it beyond advice: no errors, no warnings.
    assert [f for f in findings if f["severity"] in ("error", "warning")] == [], findings


async def test_quit_halfway_then_resume_at_the_same_step(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "s", "WizardScreen")
        screen = app.screen
        for _ in range(3):
            await answer_current_step(pilot, screen)
        stopped_at = screen.runner.step.id
        await pilot.press("ctrl+q")
    assert load(path).flow_progress("first-setup").step == 3
    again = IdspineApp(path, today=DEMO_TODAY)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        options = again.screen.query_one("#next", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "Resume first-time setup at step 4" in prompts
        await open_with(pilot, "s", "WizardScreen")
        assert again.screen.runner.step.id == stopped_at
        assert "Step 4 of" in str(again.screen.query_one("#step-title").render())
