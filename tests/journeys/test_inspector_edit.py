"""The inspector's edit form (issue 13, item 3): keyboard and mouse, checks as typed, secret guard, normal save."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input
from textual.widgets._footer import FooterKey

from tests.support.journeys import open_with, settle
from wizard.audit import run_audit
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import load, save
from wizard.secrets.refs import needs_secret
from wizard.ui.app import IdspineApp

CANARY = "ghp_" + "Zq8" * 12


def _inventory(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "idspine.toml"
    ws = demo_workspace(DEMO_TODAY)
    save(ws, path, expected_digest=None)
    bare = next(c.id for c in ws.credentials if not c.secret_ref and needs_secret(ws, c.id))
    return path, bare


async def _highlight(pilot, cred_id: str) -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    screen.query_one("#filter", Input).value = cred_id
    screen.apply_filter()
    await settle(pilot)
    table = screen.query_one(DataTable)
    table.focus()
    table.move_cursor(row=[r.subject for r in screen.matches].index(f"credential:{cred_id}"))
    await settle(pilot)


async def test_edit_with_the_keyboard_checks_as_typed_refuses_secrets_and_saves(tmp_path: Path) -> None:
    path, cred_id = _inventory(tmp_path)
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, cred_id)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "CredentialEditScreen"
        owner = form.query_one("#edit-owner", Input)
        owner.value = "alex"
        await settle(pilot)
        assert "e-mail" in str(form.query_one("#problem-owner").render())
        ref = form.query_one("#edit-secret_ref", Input)
        ref.value = CANARY
        await settle(pilot)
        shown = str(form.query_one("#problem-secret_ref").render())
        assert "secret" in shown and CANARY not in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "CredentialEditScreen"  # nothing saved while a field is wrong
        assert CANARY not in path.read_text()
        ref.value = "env:GLOBEX_WAREHOUSE_KEY"
        owner.value = "alex@northwinddata.com"
        form.query_one("#edit-expires", Input).value = "2027-01-31"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"
        await app.workers.wait_for_complete()
        await settle(pilot)
    ws = load(path)  # written through the app's save (lock and digest check)
    cred = ws.credential(cred_id)
    assert (
        cred is not None
        and cred.secret_ref == "env:GLOBEX_WAREHOUSE_KEY"
        and cred.owner == "alex@northwinddata.com"
    )
    assert str(cred.expires) == "2027-01-31"
    assert not [
        f
        for f in run_audit(ws, DEMO_TODAY)
        if f.subject == f"credential:{cred_id}" and f.rule_id in ("no-secret-ref", "no-owner")
    ]


async def test_edit_with_the_mouse_and_cancel_changes_nothing(tmp_path: Path) -> None:
    path, cred_id = _inventory(tmp_path)
    before = path.read_bytes()
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, cred_id)
        keys = [k for k in app.screen.query(FooterKey) if k.key == "e"]
        assert keys, "the footer shows the edit key"
        await pilot.click(keys[0])
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "CredentialEditScreen"
        form.query_one("#edit-notes", Input).value = "changed my mind"
        await pilot.click("#edit-cancel")
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"
    assert path.read_bytes() == before


async def test_home_and_check_do_not_call_a_setup_with_nothing_recorded_healthy(
    tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    """A fresh plan whose credentials say nothing about where their secrets live (as every setup did before
    the wizard asked) is not healthy: `n8n push` would fail for each of them."""
    from wizard.model import Credential, Method, Status, new_workspace

    path = tmp_path / "idspine.toml"
    ws = new_workspace("Fjord Analytics", "fjord-analytics")
    ws.credentials.append(
        Credential(
            id="fjord-analytics-airtable",
            service="airtable",
            method=Method.OAUTH_USER,
            owner="ola@fjord.example",
            n8n_type="airtableOAuth2Api",
            status=Status.PLANNED,
        )
    )
    save(ws, path, expected_digest=None)
    result = run_cli("check", str(path), "--today", str(DEMO_TODAY))
    assert result.code == 1 and "healthy" not in result.out and "secret" in result.out
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        health = str(app.screen.query_one("#health").render())
        assert "1 warnings" in health and "where its secret will live" in health


def test_edit_form_snapshot(snap_compare) -> None:  # type: ignore[no-untyped-def]
    """The form at 80x24 with a problem shown under the owner field."""
    from tests.support.journeys import demo_app, until_stable

    async def show(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_with(pilot, "i", "InspectorScreen")
        pilot.app.screen.query_one(DataTable).focus()
        await pilot.press("e")
        await settle(pilot)
        pilot.app.screen.query_one("#edit-owner", Input).value = "alex"
        await pilot.pause(0.2)
        pilot.app.screen.set_focus(None)
        await until_stable(pilot)

    assert snap_compare(demo_app(), run_before=show, terminal_size=(80, 24))
