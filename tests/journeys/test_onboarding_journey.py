"""Pilot: onboard a second client into the demo workspace through the app; the inventory, the checklist and
both IaC exports then hold exactly that client's objects."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tests.support.journeys import open_with, settle
from wizard.demo import DEMO_TODAY
from wizard.export import azure_cli, checklist, terraform
from wizard.inventory import dumps, load
from wizard.secrets.refs import needs_secret
from wizard.ui.app import IdspineApp

TYPED = {
    "client": {"name": "Initech Labs", "tenant": "initechlabs.onmicrosoft.com"},
    "automations": {"repo": "northwind/initech-etl", "owner": "alex@northwinddata.onmicrosoft.com"},
    "services": {"owner": "alex@northwinddata.onmicrosoft.com"},
    "consent": {"data_export_consent": "Exports stay in Initech's own storage; deleted after the project"},
}


async def test_onboard_a_second_client_through_the_app(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    before = load(path)
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "o", "WizardScreen")
        screen = app.screen
        for _ in range(screen.runner.total):
            for qid, value in TYPED.get(screen.runner.step.id, {}).items():
                screen.query_one(f"#q-{qid} Input", Input).value = value
            await pilot.press("ctrl+n")
            await settle(pilot)
            if type(app.screen).__name__ != "WizardScreen":
                break
        assert type(app.screen).__name__ == "HomeScreen"
    ws = load(path)
    slug = "initech-labs"
    assert ws.client(slug) is not None and len(ws.clients) == len(before.clients) + 1
    new_groups = {g.name for g in ws.groups if g.client == slug}
    new_sps = {s.name for s in ws.service_principals if s.client == slug}
    assert new_groups and new_sps
    assert {g.name for g in ws.groups if g.client != slug} == {g.name for g in before.groups}
    assert all(slug in n.lower() or "initech" in n.lower() for n in new_groups | new_sps)
    # the secrets step's suggestions were accepted: no new credential is left without a reference
    needing = [c for c in ws.credentials if c.client == slug and needs_secret(ws, c.id)]
    assert needing and all(c.secret_ref for c in needing)

    others = {g.name for g in before.groups} | {s.name for s in before.service_principals}
    for text in (
        checklist.render(ws, client=slug, today=DEMO_TODAY),
        azure_cli.render(ws, client=slug, today=DEMO_TODAY),
        terraform.render(ws, client=slug, today=DEMO_TODAY),
    ):
        assert all(name in text for name in new_groups | new_sps)
        assert not [name for name in others if name in text]


async def test_onboarding_left_halfway_is_offered_for_resuming(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import OptionList

    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "o", "WizardScreen")
        screen = app.screen
        for qid, value in TYPED["client"].items():
            screen.query_one(f"#q-{qid} Input", Input).value = value
        await pilot.press("ctrl+n")
        await settle(pilot)
        left_at = screen.runner.step_id
        await pilot.press("escape")
        await settle(pilot)
        options = app.screen.query_one("#next", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "resume:client-onboarding" in ids
        options.highlighted = ids.index("resume:client-onboarding")
        options.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "WizardScreen" and app.screen.runner.step_id == left_at == "roles"
