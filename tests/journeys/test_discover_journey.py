"""Discover screen journey: read the stand-in tenant, review, select, adopt; the file is saved through the
writer (a change saved elsewhere meanwhile is kept) and a second read shows everything in the inventory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.peers.test_entra_screen import wait_until
from tests.support.entra.discovery_standin import DiscoveryStandIn, Misbehave, Tenant
from tests.support.journeys import settle
from tests.unit.discovery.conftest import TENANT_ID, days
from wizard.demo import DEMO_TODAY
from wizard.inventory import load, save
from wizard.model import new_workspace
from wizard.settings import Connections
from wizard.ui.app import IdspineApp

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def small_tenant() -> Tenant:
    t = Tenant()
    ola = t.add_user("ola@northwind.example")
    gone = t.add_user("former@northwind.example", enabled=False)
    t.add_app(
        "svc-n8n-graph-acme",
        secrets=[(days(-400), days(-35)), (days(-20), days(160))],
        owners=[ola],
        roles=["Sites.Selected"],
        granted=["Sites.Selected"],
    )
    t.add_app(
        "svc-gha-deploy-acme",
        federated=[("https://token.actions.githubusercontent.com", "repo:acme/*:ref:refs/heads/main")],
        owners=[gone],
    )
    t.add_app("evil \x1b[31m[bold]name[/]", secrets=[(days(-1), days(30))])
    t.add_group("Tenant-Acme-Finance")
    return t


def ws_file(tmp_path: Path) -> Path:
    ws = new_workspace("Northwind", "northwind")
    ws.consultancy.home_tenant = TENANT_ID
    path = tmp_path / "idspine.toml"
    save(ws, path, expected_digest=None)
    return path


def discover_app(path: Path, server: DiscoveryStandIn) -> IdspineApp:
    conn = Connections(graph_url=server.graph_url, allow_loopback_http=True, signin_client_id="unused")
    return IdspineApp(path, today=DEMO_TODAY, connections=conn)


def _text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    from textual.css.query import NoMatches

    try:
        return str(screen.query_one(selector).render())
    except NoMatches:  # not composed yet
        return ""


async def open_discover(pilot, tenant: Tenant):  # type: ignore[no-untyped-def]
    await settle(pilot)
    pilot.app.open_screen("discover", token=tenant.token, now=NOW)
    await wait_until(
        pilot, lambda: type(pilot.app.screen).__name__ == "DiscoverScreen" and bool(pilot.app.screen.items)
    )
    return pilot.app.screen


async def test_read_review_select_adopt_and_read_again(tmp_path: Path) -> None:
    tenant = small_tenant()
    path = ws_file(tmp_path)
    with DiscoveryStandIn(tenant) as server:
        app = discover_app(path, server)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_discover(pilot, tenant)
            assert {i.status for i in screen.items} == {"new"}
            assert "\x1b" not in _text(screen, "#discover-summary")
            other = load(path)  # someone else saves meanwhile
            other.consultancy.name = "Northwind Data"
            save(other, path)
            await pilot.press("space")  # the first row: an app (its credentials come along)
            await pilot.press("a")
            await wait_until(pilot, lambda: "Adopted" in _text(screen, "#discover-status"))
            first = load(path)
            assert first.consultancy.name == "Northwind Data"
            assert len(first.service_principals) == 1 and first.service_principals[0].discovered is not None
            await pilot.press("n", "a")
            await wait_until(pilot, lambda: all(i.status == "in inventory" for i in screen.items))
            done = load(path)
            assert len(done.service_principals) == 3 and len(done.groups) == 1
            assert all(c.secret_ref is None for c in done.credentials)
            await pilot.press("r")
            await wait_until(pilot, lambda: "read 2026-11-23 12:00" in _text(screen, "#discover-summary"))
            assert not tenant.writes


async def test_a_bad_answer_is_one_red_line_and_nothing_is_written(tmp_path: Path) -> None:
    tenant = small_tenant()
    tenant.faults.append(Misbehave("403", r"/applications$", times=99))
    path = ws_file(tmp_path)
    before = path.read_bytes()
    with DiscoveryStandIn(tenant) as server:
        app = discover_app(path, server)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_screen("discover", token=tenant.token, now=NOW)
            await wait_until(pilot, lambda: "HTTP 403" in _text(app.screen, "#discover-status"))
            screen = app.screen
            await pilot.press("a")
            assert "Select rows first" in _text(screen, "#discover-status")
    assert path.read_bytes() == before
