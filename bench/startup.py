"""Start-up: from starting `idspine --demo` to the home screen painted with the demo's names, beside the floor.

Floor: a minimal Textual app (Header, Static, Footer) started the same way. Each run is a fresh Python
process driven headless; it writes the wall-clock time at which its first screen had rendered, and the
figure is that time minus the moment the parent started the process (interpreter start included, the
process's exit and any background work after the first frame not). idspine is started through its real
command line (`wizard.cli.main(["--demo"])`), and the run only counts when the home screen shows the demo
consultancy and its clients' names.

Run: python bench/startup.py [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, Figure, bench_env, table, with_byte_code_cache

TARGET_RATIO = 1.5
EXPECT = "HomeScreen Northwind Data  (northwind) | Acme Logistics;Globex Retail"  # the consultancy, then the clients' names

MINIMAL = """
import time
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.painted)
    def painted(self):
        print("painted", time.time(), "cpu", time.process_time(), flush=True)
        self.exit()

Minimal().run(headless=True)
"""

IDSPINE = """
import sys, time
from textual.app import App
import wizard.ui.app as ui

def shown(self):
    stamp = time.time()
    screen = self.screen
    names = [str(screen.query_one("#clients").get_row_at(i)[1]) for i in range(screen.query_one("#clients").row_count)]
    consultancy = str(screen.query_one("#consultancy").render())
    print("painted", stamp, "cpu", time.process_time(), flush=True)
    print("screen", type(screen).__name__, consultancy.splitlines()[0], "|", ";".join(names), flush=True)
    self.exit()

ui.IdspineApp.first_frame_painted = shown
ui.IdspineApp.run = lambda self, **kw: App.run(self, headless=True)
from wizard.cli import main
code = main(["--demo"])
mods = [m for m in ("msal", "httpx", "wizard.catalogue", "wizard.providers.entra.client") if m in sys.modules]
print("heavy-modules:" + ",".join(mods))
sys.exit(code)
"""


def first_paint(code: str, expect: str = "") -> tuple[float, float, str]:
    """(wall-clock ms from starting a fresh interpreter on `code` to its first painted screen, CPU ms the
    process had used by then, its stdout)."""
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code], env=bench_env(), capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    if done.returncode != 0 or "painted" not in done.stdout:
        raise RuntimeError(
            f"start-up benchmark process failed:\n{done.stdout[-1000:]}\n{done.stderr[-2000:]}"
        )
    fields = done.stdout.split("painted", 1)[1].split()
    if expect and expect not in done.stdout:
        raise RuntimeError(f"the first screen did not show {expect!r}:\n{done.stdout[-1000:]}")
    return (float(fields[0]) - start) * 1000, float(fields[2]) * 1000, done.stdout


def measure(runs: int) -> list[Figure]:
    first_paint(MINIMAL)  # warm the byte-code cache and the file system cache for both
    first_paint(IDSPINE, EXPECT)
    wall = Figure(
        "start-up: `idspine --demo` home screen with the demo's names (wall clock)",
        "ms",
        "ratio",
        TARGET_RATIO,
        "a Textual app with Header, Static, Footer",
    )
    cpu = Figure(
        "start-up, the same, CPU time of the process (steadier on a busy machine)",
        "ms",
        "ratio",
        TARGET_RATIO,
        "the same minimal app",
    )
    for _ in range(runs):
        floor_wall, floor_cpu, _ = first_paint(MINIMAL)
        ours_wall, ours_cpu, _ = first_paint(IDSPINE, EXPECT)
        wall.floor_samples.append(floor_wall)
        wall.samples.append(ours_wall)
        cpu.floor_samples.append(floor_cpu)
        cpu.samples.append(ours_cpu)
    return [wall, cpu]


def heavy_modules() -> list[str]:
    """Network libraries loaded by the time the app exits (background workers included)."""
    out = first_paint(IDSPINE)[2]
    heavy = out.strip().split("heavy-modules:")[-1].strip()
    return [m for m in heavy.split(",") if m]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with_byte_code_cache()
    figures = measure(args.runs)
    if args.json:
        print(json.dumps([f.as_dict() for f in figures], indent=2))
    else:
        print(table(figures))
        print(f"network modules loaded by exit: {heavy_modules() or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
