"""The n8n and Supabase screens against a real n8n and the contract-checked Supabase stand-in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.journeys import open_with, settle
from wizard.demo import DEMO_TODAY
from wizard.inventory import dumps, load
from wizard.model import Credential, Integrations, Method, Workspace, new_workspace
from wizard.settings import Connections
from wizard.ui.app import IdspineApp

AIRTABLE_TOKEN_NAME = "IDSPINE_TEST_AIRTABLE"


def n8n_workspace(url: str, key_ref: str = "env:IDSPINE_TEST_N8N_KEY") -> Workspace:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.integrations = Integrations(n8n_url=url, n8n_api_key_ref=key_ref)
    ws.credentials.append(
        Credential(
            id="fjord-airtable",
            service="airtable",
            method=Method.PAT,
            label="Airtable orders",
            secret_ref=f"env:{AIRTABLE_TOKEN_NAME}",
            n8n_type="airtableTokenApi",
            owner="ola@fjord.example",
        )
    )
    return ws


async def run_screen(
    path: Path, environ: dict[str, str], key: str, screen: str, action: str, **conn: Any
) -> str:
    """Open a screen, run one action, return the status text."""
    app = IdspineApp(
        path, today=DEMO_TODAY, connections=Connections(allow_loopback_http=True, environ=environ, **conn)
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, key, screen)
        await pilot.press(action)
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        return str(app.screen.query_one("#wiring-status").render())


@pytest.mark.peer("n8n")
@pytest.mark.slow
async def test_n8n_screen_pushes_once_records_ids_and_explains_failures(
    n8n_peer,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    canaries,
) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(n8n_workspace(n8n_peer.base_url)))
    env = {"IDSPINE_TEST_N8N_KEY": n8n_peer.api_key, AIRTABLE_TOKEN_NAME: canaries["airtable_pat"]}
    status = await run_screen(path, env, "n", "N8nScreen", "p")
    assert "created 1" in status, status
    n8n_id = load(path).credential("fjord-airtable").n8n_id
    assert n8n_id
    again = await run_screen(path, env, "n", "N8nScreen", "p")
    assert "created 0, adopted 1" in again and load(path).credential("fjord-airtable").n8n_id == n8n_id
    assert canaries["airtable_pat"] not in path.read_text()

    before = path.read_bytes()
    refused = await run_screen(path, {**env, "IDSPINE_TEST_N8N_KEY": "not-the-key"}, "n", "N8nScreen", "p")
    assert "refused the API key" in refused and path.read_bytes() == before

    path.write_text(dumps(n8n_workspace("http://127.0.0.1:9")))  # nothing listens on the discard port
    before = path.read_bytes()
    unreachable = await run_screen(path, env, "n", "N8nScreen", "p")
    assert "could not be reached" in unreachable and path.read_bytes() == before

    path.write_text(dumps(n8n_workspace("ftp://n8n.example")))
    before = path.read_bytes()
    wrong = await run_screen(path, env, "n", "N8nScreen", "p")
    assert "not usable" in wrong or "https" in wrong
    assert path.read_bytes() == before


def supabase_workspace(ref: str) -> Workspace:
    ws = new_workspace("Fjord Analytics", "fjord")
    ws.consultancy.home_tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    ws.consultancy.integrations = Integrations(
        supabase_project_ref=ref, supabase_access_token_ref="env:IDSPINE_TEST_SB_TOKEN"
    )
    return ws


async def run_supabase(path: Path, environ: dict[str, str], api_url: str) -> str:
    app = IdspineApp(
        path,
        today=DEMO_TODAY,
        connections=Connections(allow_loopback_http=True, environ=environ, supabase_api_url=api_url),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "u", "SupabaseScreen")
        screen = app.screen
        screen.query_one("#client-id").value = "0b6f2c1e-3a4d-4e5f-8a9b-1c2d3e4f5a6b"
        screen.query_one("#secret-ref").value = "env:IDSPINE_TEST_AZ_SECRET"
        await pilot.press("ctrl+r")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        return str(screen.query_one("#wiring-status").render())


async def test_supabase_screen_enables_azure_once_and_refuses_cleanly(
    standin_routes,
    supabase_ref: str,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    canaries,
) -> None:
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(supabase_workspace(supabase_ref)))
    env = {"IDSPINE_TEST_SB_TOKEN": standin_routes.token, "IDSPINE_TEST_AZ_SECRET": canaries["entra_secret"]}
    api = standin_routes.server.url
    first = await run_supabase(path, env, api)
    assert "confirmed by read-back" in first, first
    assert standin_routes.violations == [] and len(standin_routes.patches) == 1
    assert next(i for i in load(path).checklist if i.id.startswith("org:supabase-azure-enable")).done
    second = await run_supabase(path, env, api)
    assert "nothing sent" in second and len(standin_routes.patches) == 1
    before = path.read_bytes()
    refused = await run_supabase(path, {**env, "IDSPINE_TEST_SB_TOKEN": "wrong"}, api)
    assert "refused" in refused.lower() and path.read_bytes() == before
    assert canaries["entra_secret"] not in path.read_text() + first + second + refused


async def test_n8n_screen_pages_a_long_list_of_workflow_credentials(tmp_path: Path) -> None:
    """Thousands of workflow credentials: the table holds one page (opening stays quick at 10,000), ] and [
    move between pages, the box says which page, and the paging keys show only when there are pages."""
    from textual.widgets import DataTable

    from wizard.demo import scaled_workspace
    from wizard.inventory import save
    from wizard.providers.n8n.client import credentials_for_n8n
    from wizard.ui.paging import PAGE

    path = tmp_path / "idspine.toml"
    ws = scaled_workspace(1000, DEMO_TODAY)
    save(ws, path, expected_digest=None)
    expected = [c.id for c in credentials_for_n8n(ws)]
    assert len(expected) > 2 * PAGE
    app = IdspineApp(path, today=DEMO_TODAY, connections=Connections(allow_loopback_http=True, environ={}))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "n", "N8nScreen")
        screen = app.screen
        table = screen.query_one(DataTable)
        shown = lambda: [str(table.get_row_at(i)[0]) for i in range(table.row_count)]  # noqa: E731
        assert shown() == expected[:PAGE]
        assert f"page 1/{-(-len(expected) // PAGE)}" in str(
            screen.query_one("#wiring-table-box").border_subtitle
        )
        assert any(b.binding.action == "page(1)" for b in screen.active_bindings.values())
        await pilot.press("right_square_bracket")
        assert shown() == expected[PAGE : 2 * PAGE]
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert shown() == expected[:PAGE]
