"""The inspector's edit forms after issue 17: `e` on a service-principal row opens its form (owner, client id,
sign-in audience, assignment, notes; wizard.sp_edit's checks as typed) and saves through the app's lock and
digest check; a Google credential's form offers its publishing status, every credential's its n8n id."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from tests.support.journeys import open_with, settle, until_stable
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import load, save
from wizard.ui.app import IdspineApp
from wizard.vocabulary import IdP

SP = "svc-github-deploy-acme"
GOOGLE = "acme-gcp-sa-key"


def _inventory(tmp_path: Path, idp: IdP | None = None) -> Path:
    ws = demo_workspace(DEMO_TODAY)
    if idp is not None:
        ws.consultancy.idp = idp
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


async def _highlight(pilot, subject: str) -> None:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    screen.query_one("#filter", Input).value = subject.split(":", 1)[1]
    screen.apply_filter()
    await settle(pilot)
    table = screen.query_one(DataTable)
    table.focus()
    table.move_cursor(row=[r.subject for r in screen.matches].index(subject))
    await settle(pilot)


async def test_e_on_a_service_principal_edits_it_and_saves(tmp_path: Path) -> None:
    path = _inventory(tmp_path, IdP.OKTA)
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, f"service-principal:{SP}")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "ServicePrincipalEditScreen"
        audience = form.query_one("#edit-sign_in_audience", Input)
        audience.value = "everyone"
        await settle(pilot)
        assert "single-tenant or multi-tenant" in str(form.query_one("#problem-sign_in_audience").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (
            type(app.screen).__name__ == "ServicePrincipalEditScreen"
        )  # nothing saved while a field is wrong
        audience.value = "multi-tenant"
        form.query_one("#edit-assignment_required", Input).value = "yes"
        form.query_one("#edit-client_id", Input).value = "0oa1b2c3d4e5f6g7h8i9"
        form.query_one("#edit-owner", Input).value = "alex@northwinddata.com"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"
        await app.workers.wait_for_complete()
        await settle(pilot)
    sp = load(path).service_principal(SP)  # written through the app's save (lock and digest check)
    assert sp is not None
    assert (sp.sign_in_audience, sp.assignment_required, sp.client_id, sp.owner) == (
        "multi-tenant",
        True,
        "0oa1b2c3d4e5f6g7h8i9",
        "alex@northwinddata.com",
    )


async def test_entra_has_no_client_id_field_and_google_credentials_have_a_publishing_status(
    tmp_path: Path,
) -> None:
    path = _inventory(tmp_path)
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 44)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, f"service-principal:{SP}")
        await pilot.press("e")
        await settle(pilot)
        assert not app.screen.query("#edit-client_id")  # Entra: apply or discover records the app id
        await pilot.press("escape")
        await settle(pilot)
        await _highlight(pilot, f"credential:{GOOGLE}")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        form.query_one("#edit-google_publishing_status", Input).value = "testing"
        form.query_one("#edit-n8n_id", Input).value = "aB3dE5gH7jK9mN1p"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
    cred = load(path).credential(GOOGLE)
    assert cred is not None and (cred.google_publishing_status, cred.n8n_id) == (
        "testing",
        "aB3dE5gH7jK9mN1p",
    )


def test_service_principal_form_snapshot(snap_compare, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The service principal's form at 80x24 (Okta: with the client id) and a problem under the audience."""
    monkeypatch.chdir(tmp_path)
    _inventory(tmp_path, IdP.OKTA)

    async def show(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_with(pilot, "i", "InspectorScreen")
        await _highlight(pilot, f"service-principal:{SP}")
        await pilot.press("e")
        await settle(pilot)
        pilot.app.screen.query_one("#edit-sign_in_audience", Input).value = "everyone"
        await pilot.pause(0.2)
        pilot.app.screen.set_focus(None)
        await until_stable(pilot)

    assert snap_compare(IdspineApp("idspine.toml", today=DEMO_TODAY), run_before=show, terminal_size=(80, 24))
