"""Pilot journey (issue 13, item 2): finish first-time setup, go back in the wizard, change an earlier answer,
finish again, and find nothing of the old answer in the inventory, the checklist or the exports."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, TextArea

from tests.support.journeys import open_with, settle
from wizard.demo import DEMO_TODAY
from wizard.inventory import load
from wizard.ui.app import IdspineApp

OWNER = "ola@fjordanalytics.onmicrosoft.com"
FIRST = {
    "about": {"name": "Fjord Analytics", "home_tenant": "fjordanalytics.onmicrosoft.com"},
    "automations": {"repo": "fjord/pipelines", "owner": OWNER, "automations": "n8n:graph\nzapier:oldsync"},
    "host": {"owner": OWNER},
}
SECOND = {**FIRST, "automations": {**FIRST["automations"], "automations": "n8n:graph\ngithub:deploy"}}


async def _answer(pilot, screen, typed) -> str:  # type: ignore[no-untyped-def]
    step_id = screen.runner.step.id
    for qid, value in typed.get(step_id, {}).items():
        field = screen.query_one(f"#q-{qid}")
        areas = list(field.query(TextArea))
        if areas:
            areas[0].text = value
        else:
            field.query_one(Input).value = value
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    return step_id


async def test_go_back_change_an_answer_and_nothing_of_the_old_one_remains(tmp_path: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "idspine.toml"
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "s", "WizardScreen")
        screen = app.screen
        while screen.runner.step.id != "review":
            await _answer(pilot, screen, FIRST)
        assert load(path).service_principal("svc-zapier-oldsync-internal") is not None
        # Back, through the wizard's own key, to the automations step; its old answer is prefilled.
        while screen.runner.step.id != "automations":
            await pilot.press("ctrl+b")
            await settle(pilot)
        assert "zapier:oldsync" in screen.query_one("#q-automations TextArea", TextArea).text
        await _answer(pilot, screen, SECOND)
        said = [n.message for n in app._notifications if n.title == "Plan updated"]
        assert said and "svc-zapier-oldsync-internal" in said[-1]  # the user is told what the change removed
        while type(app.screen).__name__ == "WizardScreen":
            await _answer(pilot, screen, SECOND)
        assert type(app.screen).__name__ == "HomeScreen"
        app.export_checklist()
        await settle(pilot)
    ws = load(path)
    assert ws.service_principal("svc-zapier-oldsync-internal") is None
    assert ws.service_principal("svc-github-deploy-internal") is not None
    assert ws.flow_progress("first-setup").completed
    texts = [path.read_text(), (tmp_path / "idspine-checklist.md").read_text()]
    for fmt in ("csv", "az", "terraform", "checklist"):
        result = run_cli("export", fmt, "--file", str(path))
        assert result.code == 0, result.err
        texts.append(result.out)
    plan = run_cli("plan", "--file", str(path))
    texts.append(plan.out)
    assert "svc-github-deploy-internal" in "\n".join(texts[1:])
    for text in texts:
        assert "oldsync" not in text and "zapier" not in text
    check = json.loads(run_cli("check", str(path), "--format", "json", "--today", str(DEMO_TODAY)).out)
    assert [f for f in check["findings"] if f["severity"] in ("error", "warning")] == []


async def test_problems_show_as_typed_in_the_wizard(tmp_path: Path) -> None:
    """Validators run where the answer is typed: an owner that is not an e-mail address, a pattern without a
    placeholder, a line that is not tool:purpose, each flagged before Next."""
    from tests.support.journeys import demo_app

    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_screen("wizard", flow_id="service-principals", restart=True)
        await settle(pilot)
        screen = app.screen
        screen.query_one("#q-owner Input", Input).value = "alex"
        screen.query_one("#q-automations TextArea", TextArea).text = "n8n graph"
        await pilot.pause(0.3)
        await settle(pilot)
        assert "e-mail" in str(screen.query_one("#q-owner .problem").render())
        assert "tool:purpose" in str(screen.query_one("#q-automations .problem").render())
        assert screen.runner.index == 0
        app.open_screen("wizard", flow_id="naming", restart=True)
        await settle(pilot)
        screen = app.screen
        screen.query_one("#q-internal_group_template Input", Input).value = "Org-Team"
        await pilot.pause(0.3)
        await settle(pilot)
        assert "placeholder" in str(screen.query_one("#q-internal_group_template .problem").render())
