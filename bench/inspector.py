"""The inventory inspector at 10,000 (and 20,000) credentials, each figure beside its floor.

- first render: from pressing `i` on the home screen to the table showing its first page;
- filter keystroke: one filter pass (what a keystroke costs once the 0.1 s typing pause has passed) and the
  repaint of the table;
- sort: pressing `s` (sort by the next column) to the repainted table;
- memory: peak resident memory (VmHWM: ru_maxrss would carry the forking parent's peak over) of a fresh
  process that ran the app with the inventory loaded and the inspector open.

Floors, measured in the same run: a bare DataTable in a minimal Textual app filled with the same page of
rows (first render, filter, sort: one page is what each of them repaints), and the peak memory of a fresh
process running that minimal app.

Run: python bench/inspector.py [--runs N] [--sizes 10000,20000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Figure, machine_speed, run_python, table, with_byte_code_cache
from bench.paint import PaintClock, press, settled, workers_idle

TARGET_FIRST_MS = 300
TARGET_FILTER_MS = 50
TARGET_SORT_MS = 100
TARGET_MEMORY_MB = 150
SIZE = (120, 40)


async def measure_app(path: Path) -> dict[str, Any]:
    """Milliseconds for first render, one filter pass with repaint, one sort with repaint; and the page."""
    from textual.widgets import DataTable, Input

    from wizard.demo import DEMO_TODAY
    from wizard.ui.app import IdspineApp

    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=SIZE):
        clock = PaintClock(app)
        await settled(clock, "HomeScreen")
        start = time.perf_counter()
        press(app, "i")
        first = await clock.painted(
            lambda: (
                type(app.screen).__name__ == "InspectorScreen"
                and any(t.row_count for t in app.screen.query(DataTable))
            )
        )
        screen: Any = app.screen
        table = screen.query_one(DataTable)
        await clock.painted(lambda: workers_idle(app))
        filter_input = screen.query_one("#filter", Input)
        filter_input.value = "client-0007"  # the typing pause (debounce) is not counted: the pass after it is
        await asyncio.sleep(0)
        if screen._debounce is not None:
            screen._debounce.stop()
        start_filter = time.perf_counter()
        screen.apply_filter()
        keyed = await clock.painted(lambda: True)
        assert table.row_count > 0 and all("client-0007" in r.haystack for r in screen.matches)
        filter_input.value = ""
        screen.apply_filter()
        table.focus()
        await clock.painted(lambda: True)
        before = screen.sort_column
        start_sort = time.perf_counter()
        press(app, "s")
        sort = await clock.painted(lambda: screen.sort_column != before)
        page = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    return {
        "first": (first - start) * 1000,
        "filter": (keyed - start_filter) * 1000,
        "sort": (sort - start_sort) * 1000,
        "page": page,
    }


async def measure_floor(page: list[list[str]]) -> float:
    """Milliseconds to fill a bare DataTable with the same page of rows and paint it."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = Floor()
    async with app.run_test(size=SIZE) as pilot:
        clock = PaintClock(app)
        table = app.query_one(DataTable)
        table.add_columns(*(str(i) for i in range(len(page[0]))))
        await pilot.pause()
        start = time.perf_counter()
        for row in page:
            table.add_row(*row)
        return (await clock.painted(lambda: True) - start) * 1000


MEMORY = """
import asyncio, sys
from pathlib import Path
from wizard.demo import DEMO_TODAY
from wizard.ui.app import IdspineApp

async def main():
    app = IdspineApp(Path(sys.argv[1]), today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        while type(app.screen).__name__ != "HomeScreen":
            await pilot.pause(0.01)
        await pilot.press("i")
        while type(app.screen).__name__ != "InspectorScreen" or not app.screen.query_one("DataTable").row_count:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()
asyncio.run(main())
print("maxrss", next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024)
"""

MEMORY_FLOOR = """
import asyncio
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Floor(App):
    def compose(self):
        yield Header(); yield DataTable(); yield Footer()

async def main():
    async with Floor().run_test(size=(120, 40)) as pilot:
        await pilot.pause()
asyncio.run(main())
print("maxrss", next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024)
"""


def _maxrss(code: str, *args: str) -> float:
    out = run_python(["-c", code, *args])[1]
    return float(out.split("maxrss", 1)[1].split()[0])


def measure(runs: int, sizes: tuple[int, ...] = (10_000,)) -> list[Figure]:
    from bench.inventory_scale import write_inventory

    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = write_inventory(n, Path(tmp))
            first = Figure(
                f"inspector {n:,}: first render", "ms", "max", TARGET_FIRST_MS, "bare DataTable, same page"
            )
            keyed = Figure(
                f"inspector {n:,}: filter keystroke",
                "ms",
                "max",
                TARGET_FILTER_MS,
                "bare DataTable, same page",
            )
            sort = Figure(f"inspector {n:,}: sort", "ms", "max", TARGET_SORT_MS, "bare DataTable, same page")
            first.speed = keyed.speed = sort.speed = machine_speed()
            for _ in range(runs):
                got: dict[str, Any] = asyncio.run(measure_app(path))
                floor = asyncio.run(measure_floor(got["page"]))
                for figure, key in ((first, "first"), (keyed, "filter"), (sort, "sort")):
                    figure.samples.append(got[key])
                    figure.floor_samples.append(floor)
            memory = Figure(
                f"memory, app with {n:,} loaded, inspector open",
                "MB",
                "max",
                TARGET_MEMORY_MB,
                "Textual app with a DataTable",
            )
            for _ in range(max(1, runs // 2)):
                memory.floor_samples.append(_maxrss(MEMORY_FLOOR))
                memory.samples.append(_maxrss(MEMORY, str(path)))
            figures += [first, keyed, sort, memory]
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10000,20000")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with_byte_code_cache()
    figures = measure(args.runs, tuple(int(s) for s in args.sizes.split(",")))
    print(json.dumps([f.as_dict() for f in figures], indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
