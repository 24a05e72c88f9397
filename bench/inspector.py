"""Benchmark: the inventory inspector at 1,000 and 10,000 credentials — load, first render, one filter
keystroke — beside the floor of an empty DataTable screen, plus the peak memory of the process.

Run: python bench/inspector.py [--short] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wizard.demo import DEMO_TODAY, scaled_workspace  # noqa: E402
from wizard.inventory import save  # noqa: E402


async def _settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def measure_one(path: Path) -> dict[str, float]:
    """Seconds from pressing `i` to a rendered table, and for one filter keystroke."""
    from textual.widgets import DataTable, Input

    from wizard.ui.app import IdspineApp

    app = IdspineApp(path, today=DEMO_TODAY)
    start = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        while app.state is None or type(app.screen).__name__ == "LoadingScreen":
            await pilot.pause(0.01)
        await _settle(pilot)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        await pilot.press("i")
        while type(app.screen).__name__ != "InspectorScreen" or not app.screen.query_one(DataTable).row_count:
            await pilot.pause(0.005)
        first = time.perf_counter() - start
        start = time.perf_counter()
        app.screen.query_one("#filter", Input).value = "client:client-0007 method:pat"
        app.screen.apply_filter()
        await pilot.pause()
        keystroke = time.perf_counter() - start
    return {"load_s": loaded, "first_render_s": first, "filter_keystroke_s": keystroke}


async def floor() -> float:
    """An empty app pushing a screen with a 200-row DataTable: the least any table screen costs."""
    from textual.app import App
    from textual.widgets import DataTable

    class Floor(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield DataTable()

    app = Floor()
    async with app.run_test(size=(120, 40)) as pilot:
        start = time.perf_counter()
        table = app.query_one(DataTable)
        table.add_columns(*"abcdefghi")
        for i in range(200):
            table.add_row(*(str(i),) * 9)
        await pilot.pause()
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="only 10,000 credentials (CI)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [10_000] if args.short else [1_000, 10_000]:
            path = Path(tmp) / f"inv-{n}.toml"
            save(scaled_workspace(n, DEMO_TODAY), path, expected_digest=None)
            rows.append({"credentials": n, **asyncio.run(measure_one(path))})
    result = {
        "floor_table_200_rows_s": asyncio.run(floor()),
        "rows": rows,
        "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print("| credentials | load | inspector first render | filter keystroke |")
    print("| ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['credentials']:,} | {r['load_s'] * 1000:.0f} ms | {r['first_render_s'] * 1000:.0f} ms "
            f"| {r['filter_keystroke_s'] * 1000:.0f} ms |"
        )
    print(
        f"floor (a 200-row DataTable): {result['floor_table_200_rows_s'] * 1000:.0f} ms; "
        f"peak memory {result['peak_memory_mb']:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
