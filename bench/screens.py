"""Opening each screen on the demo, from the key on the home screen to the screen painted with its content
(its workers done), and the explanation pane beside a question filling in; each beside its floor.

Floors, measured in the same run: a minimal Textual app pushing a screen with Header, Static and Footer on
a key (screens), and a bare Markdown widget updated with the same text (the pane).

Run: python bench/screens.py [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Figure, machine_speed, table, with_byte_code_cache
from bench.paint import PaintClock, press, settled, workers_idle

TARGET_SCREEN_MS = 100
TARGET_PANE_MS = 100
SIZE = (120, 40)
# key on the home screen -> the screen it opens (the demo's IdP is Entra: `a` opens the Entra screen)
SCREENS = {
    "s": "WizardScreen",
    "i": "InspectorScreen",
    "c": "CatalogueScreen",
    "e": "ExplainersScreen",
    "a": "EntraScreen",
    "n": "N8nScreen",
    "u": "SupabaseScreen",
}


async def _painted(clock: PaintClock, name: str) -> float:
    """perf_counter of the first frame of screen `name` with its workers done."""
    app = clock.app
    return await clock.painted(lambda: type(app.screen).__name__ == name and workers_idle(app))


async def measure_screens() -> dict[str, float]:
    """Milliseconds from the key to each screen painted (fresh: each module imported on first open)."""
    from wizard.demo import DEMO_TODAY
    from wizard.ui.app import IdspineApp

    out = {}
    app = IdspineApp(demo=True, today=DEMO_TODAY)
    async with app.run_test(size=SIZE):
        clock = PaintClock(app)
        await settled(clock, "HomeScreen")
        for key, name in SCREENS.items():
            start = time.perf_counter()
            press(app, key)
            out[name] = (await _painted(clock, name) - start) * 1000
            app.pop_screen()
            await settled(clock, "HomeScreen")
    return out


async def measure_pane() -> tuple[float, str]:
    """Milliseconds for the pane beside the first question to show another question's explainer."""
    from textual.widgets import Markdown

    from wizard.demo import DEMO_TODAY
    from wizard.explainer_library import all_explainers
    from wizard.ui.app import IdspineApp
    from wizard.ui.widgets.explain_pane import ExplainPane

    app = IdspineApp(demo=True, today=DEMO_TODAY)
    async with app.run_test(size=SIZE) as pilot:
        clock = PaintClock(app)
        await settled(clock, "HomeScreen")
        await pilot.press("s")
        await _painted(clock, "WizardScreen")
        pane = app.screen.query_one(ExplainPane)
        markdown = pane.query_one(Markdown)
        other = next(e.id for e in all_explainers() if e.id != pane.explainer_id)
        before = len(markdown.children)
        start = time.perf_counter()
        pane.show(other)
        took = (await clock.painted(lambda: _settled(markdown, before)) - start) * 1000
        text = markdown.source
    return took, text


def _settled(markdown: Any, before: int) -> bool:
    """The Markdown widget has taken its new text: its blocks are mounted and nothing is left to process."""
    return (
        bool(markdown.children)
        and not markdown._next_callbacks
        and all(c.is_mounted for c in markdown.children)
    )


async def floor_screen() -> float:
    from textual.app import App, ComposeResult
    from textual.screen import Screen
    from textual.widgets import Footer, Header, Static

    class Bare(Screen[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield Static("hello")
            yield Footer()

    class Floor(App[None]):
        BINDINGS = [("x", "open", "Open")]

        def compose(self) -> ComposeResult:
            yield Static("home")

        def action_open(self) -> None:
            self.push_screen(Bare())

    app = Floor()
    async with app.run_test(size=SIZE) as pilot:
        clock = PaintClock(app)
        await pilot.pause()
        start = time.perf_counter()
        press(app, "x")
        return (await _painted(clock, "Bare") - start) * 1000


async def floor_pane(text: str) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import Markdown

    class Floor(App[None]):
        def compose(self) -> ComposeResult:
            yield Markdown("")

    app = Floor()
    async with app.run_test(size=SIZE) as pilot:
        clock = PaintClock(app)
        await pilot.pause()
        markdown = app.query_one(Markdown)
        start = time.perf_counter()
        markdown.update(text)
        return (await clock.painted(lambda: _settled(markdown, 0)) - start) * 1000


def measure(runs: int) -> list[Figure]:
    figures = {
        name: Figure(
            f"open {name.removesuffix('Screen')} on the demo",
            "ms",
            "max",
            TARGET_SCREEN_MS,
            "bare screen push",
        )
        for name in SCREENS.values()
    }
    pane = Figure("explanation pane fills in", "ms", "max", TARGET_PANE_MS, "bare Markdown update")
    pane.speed = machine_speed()
    for figure in figures.values():
        figure.speed = pane.speed
    for _ in range(runs):
        floor = asyncio.run(floor_screen())
        for name, ms in asyncio.run(measure_screens()).items():
            figures[name].samples.append(ms)
            figures[name].floor_samples.append(floor)
        took, text = asyncio.run(measure_pane())
        pane.samples.append(took)
        pane.floor_samples.append(asyncio.run(floor_pane(text)))
    return [*figures.values(), pane]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with_byte_code_cache()
    figures = measure(args.runs)
    print(json.dumps([f.as_dict() for f in figures], indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
