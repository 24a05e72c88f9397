"""The home screen's last-drift line: an inventory file with a remembered `idspine drift` result."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from tests.support.journeys import go
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.discovery.drift_store import save_last
from wizard.discovery.findings import DriftFinding, DriftKind, DriftReport
from wizard.inventory import save
from wizard.ui.app import IdspineApp

SIZES = [(80, 24), (120, 40)]


def _remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, findings: int) -> IdspineApp:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    save(demo_workspace(DEMO_TODAY), tmp_path / "idspine.toml", expected_digest=None)
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2, minutes=5)
    report = DriftReport(
        at,
        ["n8n", "supabase:abcdefghijklmnopqrst"],
        [DriftFinding(DriftKind.UNKNOWN, "n8n", "n8n credential", f"c{i}", "x") for i in range(findings)],
    )
    save_last(tmp_path / "idspine.toml", report)
    return IdspineApp("idspine.toml", today=DEMO_TODAY)


@pytest.mark.parametrize(
    ("size", "findings"),
    list(itertools.product(SIZES, [0, 3])),
    ids=[f"{w}x{h}-{'in-sync' if n == 0 else 'drift'}" for (w, h), n in itertools.product(SIZES, [0, 3])],
)
def test_home_shows_the_last_drift(  # type: ignore[no-untyped-def]
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int], findings: int
) -> None:
    from textual.widgets import Static

    from tests.peers.test_entra_screen import wait_until

    app = _remembered(tmp_path, monkeypatch, findings)
    settled = go()

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settled(pilot)
        # the health panel (and its drift line) fills in after the first frame: wait for it on a busy machine
        await wait_until(
            pilot, lambda: "Drift:" in str(pilot.app.screen.query_one("#health", Static).render())
        )
        await settled(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=size)


async def test_home_line_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Static

    from tests.support.journeys import settle

    app = _remembered(tmp_path, monkeypatch, 3)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one("#health", Static).render())
        assert "Drift: 3 differences (3 unknown) 2 h ago; run idspine drift" in text
