"""Snapshot of the Discover screen: the stand-in tenant read, reviewed, one row selected (hostile name escaped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.journeys.test_discover_journey import discover_app, open_discover, small_tenant, ws_file
from tests.support.entra.discovery_standin import DiscoveryStandIn
from tests.support.journeys import until_stable


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_discover_screen(
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # a relative path: the same header wherever the test runs
    tenant = small_tenant()
    with DiscoveryStandIn(tenant) as server:

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await open_discover(pilot, tenant)
            await pilot.press("down", "space")
            pilot.app.screen.set_focus(None)
            await until_stable(pilot)

        assert snap_compare(
            discover_app(Path(ws_file(tmp_path).name), server), run_before=run_before, terminal_size=size
        )


def test_discover_screen_signing_in_with_a_device_code(
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Not signed in: the screen signs in by itself and shows the device code (a still countdown)."""
    from tests.journeys.test_discover_journey import NOW, _text, fake_device, signing_app
    from tests.peers.test_entra_screen import wait_until
    from tests.support.journeys import settle

    monkeypatch.chdir(tmp_path)
    tenant = small_tenant()
    device = fake_device(monkeypatch, tenant)
    with DiscoveryStandIn(tenant) as server:

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)
            pilot.app.open_screen("discover", now=NOW)
            await wait_until(pilot, lambda: "FJRD-7Q2K" in _text(pilot.app.screen, "#discover-device"))
            pilot.app.screen.set_focus(None)
            await until_stable(pilot)

        try:
            assert snap_compare(
                signing_app(Path(ws_file(tmp_path).name), server, tmp_path),
                run_before=run_before,
                terminal_size=(120, 40),
            )
        finally:
            device.approve.set()  # let the waiting sign-in thread end
