"""The Discover screen's review of a large tenant: 5,000 apps with 20,000 credentials (25,000 rows), beside
its floor.

- shown: from the read's result reaching the screen (what the read worker hands over) to the painted table;
- next page: pressing `]` to the painted next page of rows;
- select new: pressing `n` (every new or changed row selected) to the painted marks;
- select one: pressing space on a row to its painted mark.

Targets: the inspector's at the same scale ("discovery results of 20,000 credentials browse at the same
speed", issue #18): shown < 300 ms, a keystroke < 50 ms (next page, select one) and < 100 ms for `n`,
which touches every row like a sort. Floor, in the same run: a bare DataTable in a minimal Textual app
filled with the same page of rows (bench/inspector.py).

Run: python bench/discover_review.py [--runs N] [--apps N] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Figure, table, with_byte_code_cache
from bench.inspector import measure_floor
from bench.paint import PaintClock, press, settled, workers_idle

TARGET_SHOWN_MS = 300
TARGET_KEY_MS = 50
TARGET_ALL_MS = 100
APPS = 5_000  # four credentials each: 20,000
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
SIZE = (120, 40)


def large_snapshot(apps: int) -> Any:
    """A read of a tenant with *apps* apps, each with three client secrets and a certificate."""
    from wizard.discovery.entra_snapshot import CertificateInfo, DiscoveredApp, EntraSnapshot, PasswordInfo

    day = dt.timedelta(days=1)
    snapshot = EntraSnapshot(tenant="contoso.onmicrosoft.com", read_at=NOW)
    for i in range(apps):
        app = DiscoveredApp(
            app_id=f"{i:08d}-0000-4000-8000-000000000000",
            display_name=f"app-{i:05d}",
            application_object_id=f"{i:08d}-1111-4000-8000-000000000000",
            service_principal_object_id=f"{i:08d}-2222-4000-8000-000000000000",
        )
        for k in range(3):
            app.passwords.append(
                PasswordInfo(
                    key_id=f"{i:08d}-{k:04d}-4000-8000-000000000000",
                    display_name=f"secret {k}",
                    start=NOW - 400 * day,
                    end=NOW + (k * 100 - 35) * day,
                )
            )
        app.certificates.append(
            CertificateInfo(
                key_id=f"{i:08d}-9999-4000-8000-000000000000",
                display_name="signing",
                start=NOW - 10 * day,
                end=NOW + 300 * day,
            )
        )
        snapshot.apps.append(app)
    return snapshot


async def measure_app(snapshot: Any) -> dict[str, Any]:
    """Milliseconds from the result to the painted review, and for each key; the page shown."""
    from textual.widgets import DataTable

    from wizard.demo import DEMO_TODAY
    from wizard.ui.app import IdspineApp

    app = IdspineApp(demo=True, today=DEMO_TODAY)
    async with app.run_test(size=SIZE):
        clock = PaintClock(app)
        await settled(clock, "HomeScreen")
        app.open_screen("discover", now=NOW)  # on the demo it reads nothing: the result is handed over below
        await clock.painted(lambda: type(app.screen).__name__ == "DiscoverScreen" and workers_idle(app))
        screen: Any = app.screen
        grid = screen.query_one(DataTable)
        start = time.perf_counter()
        screen._show(snapshot)  # what the read worker does with its result (call_from_thread)
        shown = await clock.painted(lambda: grid.row_count > 0)
        grid.focus()
        await clock.painted(lambda: True)
        figures = {"shown": (shown - start) * 1000}
        for name, key, done in (
            ("next page", "right_square_bracket", lambda: screen.pages.page == 1),
            ("select one", "space", lambda: len(screen.selected) == 1),
            ("select new", "n", lambda: len(screen.selected) > 1),
        ):
            start = time.perf_counter()
            press(app, key)
            figures[name] = (await clock.painted(done) - start) * 1000
        figures["page"] = [[str(c) for c in grid.get_row_at(i)] for i in range(grid.row_count)]
    return figures


def measure(runs: int, apps: int = APPS) -> list[Figure]:
    snapshot = large_snapshot(apps)
    credentials = sum(len(a.passwords) + len(a.certificates) for a in snapshot.apps)
    floor_name = "bare DataTable, same page"
    figures = {
        "shown": Figure(
            f"discover review {credentials:,} credentials: shown", "ms", "max", TARGET_SHOWN_MS, floor_name
        ),
        "next page": Figure(
            f"discover review {credentials:,}: next page", "ms", "max", TARGET_KEY_MS, floor_name
        ),
        "select one": Figure(
            f"discover review {credentials:,}: select a row", "ms", "max", TARGET_KEY_MS, floor_name
        ),
        "select new": Figure(
            f"discover review {credentials:,}: select all new", "ms", "max", TARGET_ALL_MS, floor_name
        ),
    }
    for _ in range(runs):
        got = asyncio.run(measure_app(snapshot))
        floor = asyncio.run(measure_floor(got["page"]))
        for key, figure in figures.items():
            figure.samples.append(got[key])
            figure.floor_samples.append(floor)
    return list(figures.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--apps", type=int, default=APPS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with_byte_code_cache()
    figures = measure(args.runs, args.apps)
    print(json.dumps([f.as_dict() for f in figures], indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
