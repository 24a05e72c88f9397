"""Benchmark: time from process start to the first interactive screen, beside a minimal Textual app.

Each run is a fresh Python process driven headless; it exits as soon as the first real screen has
rendered (idspine: the home screen on the demo workspace). Run: python bench/startup.py [--short] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """
from textual.app import App
from textual.widgets import Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header(); yield Static("hello"); yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.exit)

Minimal().run(headless=True)
"""

IDSPINE = """
from wizard.ui.start_clock import STARTED
from wizard.ui.app import IdspineApp

class Timed(IdspineApp):
    def first_screen_shown(self):
        self.exit()

app = Timed(demo=True)
app.run(headless=True)
import sys
assert app.state is not None, "the workspace did not load"
mods = [m for m in ("msal", "httpx", "wizard.catalogue", "wizard.providers.entra.client") if m in sys.modules]
print("heavy-modules:" + ",".join(mods))
"""


def _time(code: str) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark process failed:\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def measure(repeat: int) -> dict[str, object]:
    """Median seconds to first screen for the minimal app and for idspine, and heavy modules imported."""
    minimal = [_time(MINIMAL)[0] for _ in range(repeat)]
    runs = [_time(IDSPINE) for _ in range(repeat)]
    heavy = runs[-1][1].strip().split("heavy-modules:")[-1]
    return {
        "minimal_textual_app_s": statistics.median(minimal),
        "idspine_home_screen_s": statistics.median(t for t, _ in runs),
        "heavy_modules_at_start": [m for m in heavy.split(",") if m],
        "runs": repeat,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="two runs each (CI)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(2 if args.short else 7)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    floor, ours = result["minimal_textual_app_s"], result["idspine_home_screen_s"]
    print("| measure | seconds |")
    print("| --- | ---: |")
    print(f"| minimal Textual app, first screen (floor) | {floor:.2f} |")
    print(f"| idspine --demo, home screen | {ours:.2f} |")
    print(f"| overhead over the floor | {ours - floor:+.2f} |")
    print(
        f"modules loaded by exit (background workers included): {result['heavy_modules_at_start'] or 'none'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
