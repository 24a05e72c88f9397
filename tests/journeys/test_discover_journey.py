"""Discover screen journey: read the stand-in tenant, review, select, adopt; the file is saved through the
writer (a change saved elsewhere meanwhile is kept) and a second read shows everything in the inventory.
Not signed in, the screen signs in by itself through the core chain (Azure CLI, then the device code shown
on the screen; escape cancels) and then reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from pathlib import Path

from tests.peers.test_entra_screen import wait_until
from tests.support.entra.discovery_standin import DiscoveryStandIn, Misbehave, Tenant
from tests.support.journeys import settle
from tests.unit.discovery.conftest import TENANT_ID, days
from wizard.demo import DEMO_TODAY
from wizard.inventory import load, save
from wizard.model import new_workspace
from wizard.providers.entra.device_flow import DeviceCode
from wizard.providers.entra.discover import DISCOVER_SCOPES
from wizard.providers.entra.msal_calls import TokenResult
from wizard.providers.entra.signin_config import WAY_GRAPH_CLI_TOOLS
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


# ---- the screen signs in on its own ------------------------------------------------------------------------
class FakeDeviceSignin:
    """Stands in for wizard.providers.entra.device_flow.DeviceSignin (start() gives the code, finish() waits
    until the test approves or the code is cancelled), so the real sign-in chain runs around it."""

    approve: threading.Event
    token = ""
    started: list[list[str]]

    def __init__(self, config, scopes) -> None:  # type: ignore[no-untyped-def]
        self.config = config
        type(self).started.append(list(scopes))

    def start(self) -> DeviceCode:
        return FixedCode(
            user_code="FJRD-7Q2K",
            verification_uri="https://microsoft.com/devicelogin",
            expires_at=time.time() + 900,
            message="",
            flow={"expires_at": time.time() + 900},
        )

    def finish(self, code: DeviceCode) -> TokenResult:
        deadline = time.time() + 60  # a test that fails never leaves this thread waiting for ever
        while not type(self).approve.wait(0.05):
            if code.flow["expires_at"] == 0 or time.time() > deadline:  # cancelled (escape, leaving)
                return TokenResult(False, "authorization_pending", "cancelled by the user")
        return TokenResult(True, account="ola@northwind.example", access_token=type(self).token)


@dataclasses.dataclass
class FixedCode(DeviceCode):
    def seconds_left(self, now: float | None = None) -> int:
        return 899  # a still picture for the snapshot


def signing_app(path: Path, server: DiscoveryStandIn, tmp_path: Path) -> IdspineApp:
    """No app of one's own and no cached token: the screen must sign in by itself."""
    conn = Connections(
        graph_url=server.graph_url, allow_loopback_http=True, token_cache=tmp_path / "cache.json"
    )
    return IdspineApp(path, today=DEMO_TODAY, connections=conn)


def fake_device(monkeypatch, tenant: Tenant) -> type[FakeDeviceSignin]:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("IDSPINE_CLIENT_ID", raising=False)
    monkeypatch.delenv("IDSPINE_TOKEN_CACHE", raising=False)
    fake = type(
        "Device", (FakeDeviceSignin,), {"approve": threading.Event(), "token": tenant.token, "started": []}
    )
    monkeypatch.setattr("wizard.providers.entra.device_flow.DeviceSignin", fake)
    return fake


async def test_not_signed_in_the_screen_signs_in_with_a_device_code_then_reads(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    tenant = small_tenant()
    path = ws_file(tmp_path)
    device = fake_device(monkeypatch, tenant)
    with DiscoveryStandIn(tenant) as server:
        app = signing_app(path, server, tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_screen("discover", now=NOW)
            await wait_until(pilot, lambda: "FJRD-7Q2K" in _text(app.screen, "#discover-device"))
            screen = app.screen
            assert screen.query_one("#discover-device").display
            assert "microsoft.com/devicelogin" in _text(screen, "#discover-device")
            assert device.started == [list(DISCOVER_SCOPES)]  # read-only scopes, no write scope
            assert not tenant.calls  # nothing read before the sign-in finished
            device.approve.set()
            await wait_until(pilot, lambda: bool(screen.items))
            assert not screen.query_one("#discover-device").display
            assert screen.signed_in_as == WAY_GRAPH_CLI_TOOLS
            assert "Signed in" in _text(screen, "#discover-status") or "space selects" in _text(
                screen, "#discover-status"
            )
            calls = len(tenant.calls)
            await pilot.press("r")  # reads again with the token it got, no second sign-in
            await wait_until(pilot, lambda: len(tenant.calls) > calls and bool(screen.items))
            assert len(device.started) == 1
            assert not tenant.writes


async def test_escape_cancels_a_waiting_sign_in_and_writes_nothing(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tenant = small_tenant()
    path = ws_file(tmp_path)
    before = path.read_bytes()
    fake_device(monkeypatch, tenant)
    with DiscoveryStandIn(tenant) as server:
        app = signing_app(path, server, tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_screen("discover", now=NOW)
            await wait_until(pilot, lambda: "FJRD-7Q2K" in _text(app.screen, "#discover-device"))
            screen = app.screen
            await pilot.press("escape")
            await wait_until(pilot, lambda: "try again" in _text(screen, "#discover-status"))
            assert (
                type(app.screen).__name__ == "DiscoverScreen"
            )  # escape cancelled the sign-in, not the screen
            assert not screen.query_one("#discover-device").display and not tenant.calls
    assert path.read_bytes() == before


async def test_a_token_from_another_tenant_is_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import base64
    import json

    tenant = small_tenant()
    path = ws_file(tmp_path)
    device = fake_device(monkeypatch, tenant)
    claims = base64.urlsafe_b64encode(json.dumps({"tid": "11111111-2222-3333-4444-555555555555"}).encode())
    device.token = "eyJhbGciOiJub25lIn0." + claims.decode().rstrip("=") + ".c2ln"
    device.approve.set()
    with DiscoveryStandIn(tenant) as server:
        app = signing_app(path, server, tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_screen("discover", now=NOW)
            await wait_until(
                pilot, lambda: "issued by tenant 11111111" in _text(app.screen, "#discover-status")
            )
            assert not tenant.calls


async def test_leaving_the_screen_while_a_code_waits_ends_the_sign_in(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tenant = small_tenant()
    path = ws_file(tmp_path)
    device = fake_device(monkeypatch, tenant)
    ended: list[bool] = []
    finish = device.finish

    def recorded(self, code):  # type: ignore[no-untyped-def]
        result = finish(self, code)
        ended.append(result.ok)
        return result

    monkeypatch.setattr(device, "finish", recorded)
    with DiscoveryStandIn(tenant) as server:
        app = signing_app(path, server, tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            app.open_screen("discover", now=NOW)
            await wait_until(pilot, lambda: "FJRD-7Q2K" in _text(app.screen, "#discover-device"))
            app.screen.dismiss()  # left some other way than escape (or the app quits)
            await wait_until(pilot, lambda: ended == [False])  # the waiting sign-in stopped at once
    assert not tenant.calls


async def test_the_demo_says_its_tenant_is_made_up_and_reads_nothing() -> None:
    from textual.widgets import Static

    from tests.peers.test_entra_screen import wait_until
    from tests.support.journeys import settle
    from wizard.ui.app import IdspineApp

    app = IdspineApp(demo=True, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_screen("discover")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DiscoverScreen")
        await pilot.pause(0.2)
        screen = app.screen
        status = str(screen.query_one("#discover-status", Static).render())
        summary = str(screen.query_one("#discover-summary", Static).render())
        assert "made up" in status and "idspine --file" in status
        assert "northwinddata.onmicrosoft.com" in summary and "read-only" in summary
        await pilot.press("r")
        await pilot.pause(0.2)
        assert not app.workers._workers  # nothing was read: no sign-in, no Graph call


async def test_a_large_review_is_paged_and_selection_spans_pages() -> None:
    """A review of 1,500 rows (300 apps, 1,200 credentials): the table holds one page; space on page 2 selects
    that page's row (not the row at the same position on page 1); n selects every new row, also on pages not
    shown; the box says which page it shows; the review shown again after adopting keeps the user's page."""
    from textual.widgets import DataTable

    from bench.discover_review import large_snapshot

    snapshot = large_snapshot(300)  # 1,500 rows: 15 pages
    app = IdspineApp(demo=True, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_screen("discover", now=NOW)
        await wait_until(
            pilot,
            lambda: (
                type(app.screen).__name__ == "DiscoverScreen"
                and "made up" in _text(app.screen, "#discover-status")
            ),
        )
        screen = app.screen
        screen._show(snapshot)  # what the read worker does with its result
        await pilot.pause()
        grid = screen.query_one(DataTable)
        PAGE = screen.pages.size  # noqa: N806
        assert len(screen.items) == 1500 and grid.row_count == PAGE
        assert "page 1/15" in str(screen.query_one("#discover-box").border_subtitle)
        grid.focus()
        await pilot.press("right_square_bracket", "down", "space")
        assert screen.pages.page == 1 and screen.selected == {screen.items[PAGE + 1].key}
        assert str(grid.get_row_at(1)[0]) == "✔" and "rows 101-200 of 1,500 · page 2/15" in str(
            screen.query_one("#discover-box").border_subtitle
        )
        await pilot.press("left_square_bracket")
        assert screen.pages.page == 0 and all(str(grid.get_row_at(i)[0]) == "" for i in range(grid.row_count))
        await pilot.press("n")
        assert screen.selected == {i.key for i in screen.items}  # all new, on every page
        assert all(str(grid.get_row_at(i)[0]) == "✔" for i in range(grid.row_count))
        for _ in range(20):  # past the last page: stays on it
            await pilot.press("right_square_bracket")
        assert screen.pages.page == 14 and grid.row_count == 1500 - 14 * PAGE
        screen.selected.clear()
        screen._show(snapshot, page=screen.pages.page)
        assert screen.pages.page == 14
