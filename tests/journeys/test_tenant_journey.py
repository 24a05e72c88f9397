"""Pilot: onboard a separate-tenant client through the app, then read every object's tenant from the review the
wizard showed, the per-tenant plan, the Entra screen, the az script (run against a fake az that remembers which
tenant it is signed in to) and the Terraform (each resource's provider): all five must agree, object by object."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RadioButton, Static

from tests.support.journeys import open_with, settle
from tests.support.tenant_views import az_view, plan_view, terraform_view
from wizard.demo import DEMO_TODAY
from wizard.export import azure_cli, terraform
from wizard.inventory import dumps, load
from wizard.model import Workspace
from wizard.ui.app import IdspineApp

sys.path.insert(
    0, str(Path(__file__).parents[1] / "support" / "entra")
)  # the Graph stand-ins live beside the entra tests

HOME = "northwinddata.onmicrosoft.com"
INITECH = "initechlabs.onmicrosoft.com"
SLUG = "initech-labs"
TYPED = {
    "client": {"name": "Initech Labs", "tenant": INITECH},
    "automations": {"repo": "northwind/initech-etl", "owner": "alex@northwinddata.onmicrosoft.com"},
    "services": {"owner": "alex@northwinddata.onmicrosoft.com"},
    "consent": {"data_export_consent": "Exports stay in Initech's own storage"},
}


async def onboard(app: IdspineApp, pilot, choose: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Walk the onboarding wizard with the defaults (separate tenant) and return the review it showed last."""
    await open_with(pilot, "o", "WizardScreen")
    screen = app.screen
    review = ""
    for _ in range(screen.runner.total):
        step = screen.runner.step.id
        for qid, value in TYPED.get(step, {}).items():
            screen.query_one(f"#q-{qid} Input", Input).value = value
        if step == "automations" and choose:
            button = next(
                b for b in screen.query(f"#q-app_placement {RadioButton.__name__}") if b.name == choose
            )
            button.value = True
        if step == "consent":
            screen.update_preview()
            await settle(pilot)
            review = str(screen.query_one("#preview", Static).render())
        await pilot.press("ctrl+n")
        await settle(pilot)
        if type(app.screen).__name__ != "WizardScreen":
            break
    assert type(app.screen).__name__ == "HomeScreen"
    return review


def review_view(review: str, ws: Workspace) -> dict[tuple[str, str], str]:
    """(kind, name) -> tenant, read from the review's 'Will be created in ...' blocks."""
    out: dict[tuple[str, str], str] = {}
    tenant = ""
    for line in review.splitlines():
        head = re.match(r"Will be created in (.*):$", line)
        if head:
            where = head.group(1)
            inside = re.search(r"\(([^)]*)\)", where)
            tenant = (
                inside.group(1)
                if where.startswith("the client's tenant") and inside
                else where.split(", ")[1]
            )
            continue
        if not line.startswith("  ") or not tenant:
            tenant = "" if not line.startswith("  ") else tenant
            continue
        item = line.strip()
        for prefix, kinds in (
            ("group ", ("group",)),
            ("app registration + service principal ", ("application", "service-principal")),
            ("app registration ", ("application",)),
            ("service principal ", ("service-principal",)),
        ):
            if item.startswith(prefix):
                name = item[len(prefix) :].split(" ")[0]
                for kind in kinds:
                    out[(kind, name)] = tenant
                break
    return out


async def entra_view(app: IdspineApp, pilot) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    """(kind, name) -> tenant, from the Entra screen's rows and the tenant its summary names for them."""
    await open_with(pilot, "a", "EntraScreen")
    screen = app.screen
    table = screen.query_one(DataTable)
    summary = str(screen.query_one("#wiring-summary").render())
    out = {}
    for r in range(table.row_count):
        _, short, _, _ = table.get_row_at(r)
        key = table.ordered_rows[r].key.value  # the step's key (the row shows its summary)
        kind, _, name = str(key).partition(":")
        table.move_cursor(row=r)  # selecting a row names the tenant `s` would sign in to
        await pilot.pause()
        if kind in ("group", "application", "service-principal"):
            tenant = screen.tenant
            assert f"({tenant})" in summary and (str(short) == "home") == (tenant == HOME)
            out[(kind, name)] = tenant
    await pilot.press("escape")
    await settle(pilot)
    return out


@pytest.mark.parametrize("choose", [None, "multi-tenant"])
async def test_review_plan_entra_screen_and_exports_agree_on_every_tenant(
    demo_ws,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    choose: str | None,
) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(140, 48)) as pilot:
        review = await onboard(app, pilot, choose)
        ws = load(path)
        entra = await entra_view(app, pilot)
    client = ws.client(SLUG)
    assert client is not None and client.tenant == INITECH and client.tenant_model.value == "separate-tenant"
    mine = {(k, n) for (k, n) in plan_view(ws) if SLUG in n.lower() or "initech" in n.lower()}
    assert {k for k, _ in mine} == {"group", "application", "service-principal"}

    views = {
        "review": review_view(review, ws),
        "plan": plan_view(ws, client=SLUG),
        "entra screen": {k: v for k, v in entra.items() if k in mine},
        "az": az_view(azure_cli.render(ws, client=SLUG, today=DEMO_TODAY), tmp_path)[0],
        "terraform": terraform_view(terraform.render(ws, client=SLUG, today=DEMO_TODAY), ws)[0],
    }
    for name, view in views.items():
        assert {k: view.get(k) for k in mine} == {k: views["plan"][k] for k in mine}, name
    # and the placement itself: your people's groups at home, the data-access app where the user chose
    sp = next(n for k, n in mine if k == "application" and n.startswith("svc-n8n-graph"))
    assert views["plan"][("group", "Tenant-Initech-Labs-Analyst")] == HOME
    assert views["plan"][("application", sp)] == (HOME if choose == "multi-tenant" else INITECH)
    assert views["plan"][("service-principal", sp)] == INITECH


async def test_entra_screen_shows_names_with_brackets_as_written(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from wizard.model import Group

    demo_ws.groups.insert(0, Group(name="Tenant-Acme-[b]Ops[/b]", client="acme"))
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(140, 48)) as pilot:
        await open_with(pilot, "a", "EntraScreen")
        assert "Tenant-Acme-[b]Ops[/b]" in app.export_screenshot()
