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
from collections.abc import Callable
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


# the text each screen is opened for: its first frame counts once this is there, not before
CONTENT = {"WizardScreen": "#pane-text", "CatalogueScreen": "#service", "ExplainersScreen": "#explainer"}


async def _painted(clock: PaintClock, name: str) -> float:
    """perf_counter of the first frame of screen `name` with its workers done and its text shown."""
    app = clock.app
    if name not in CONTENT:  # screens whose content comes from workers: the frame after they are done
        return await clock.painted(lambda: type(app.screen).__name__ == name and workers_idle(app))
    return await first_frame(
        app, lambda: type(app.screen).__name__ == name and workers_idle(app) and _filled(app)
    )


async def first_frame(app: Any, ready: Callable[[], bool], timeout: float = 30.0) -> float:
    """perf_counter of the first frame painted with `ready()` holding, checked as each frame is produced.

    `PaintClock.painted` notices `ready` by polling between the app's messages, which on a busy event loop
    can be a frame or two after it held; checked inside the display call, the frame is the one whose
    content made `ready` true (nothing runs between the frame's composition and the check)."""
    hit: list[float] = []
    inner = app._display

    def display(screen: Any, renderable: Any) -> None:
        inner(screen, renderable)
        if renderable is not None and not hit and screen is app.screen and ready():
            hit.append(time.perf_counter())

    app._display = display
    try:
        deadline = time.perf_counter() + timeout
        asked = False
        while not hit:
            if time.perf_counter() > deadline:
                raise TimeoutError("no frame was painted with the screen ready")
            if not asked and ready() and time.perf_counter() > deadline - timeout + 0.5:
                app.screen.refresh()  # ready without a frame since (painted before this was called)
                asked = True
            await asyncio.sleep(0.001)
        return hit[0]
    finally:
        app._display = inner


def _filled(app: Any) -> bool:
    """The screen's text is there: its Markdown has its blocks mounted (Textual's widget parses in a thread
    and mounts a widget per block after the screen's first frame) or its text set (`MarkdownText` lays it
    out when it renders); beside a wizard step, the pane shows the focused question's explainer."""
    screen = app.screen
    selector = CONTENT.get(type(screen).__name__)
    if selector is None:
        return True
    found = list(screen.query(selector))
    if not found or not all(_settled(w) for w in found):
        return False
    from wizard.ui.widgets.explain_pane import ExplainPane
    from wizard.ui.widgets.question_field import QuestionField

    node = app.focused
    while node is not None and not isinstance(node, QuestionField):
        node = node.parent
    if node is None:
        return type(screen).__name__ != "WizardScreen"  # the first question gets the focus after a frame
    return all(pane.explainer_id == node.question.explainer for pane in screen.query(ExplainPane))


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
        text = pane.query_one("#pane-text")
        other = next(e.id for e in all_explainers() if e.id != pane.explainer_id)
        before = getattr(text, "source", None)
        start = time.perf_counter()
        pane.show(other)
        took = (await first_frame(app, lambda: text.source != before and _settled(text)) - start) * 1000
        shown = str(text.source)
    return took, shown


def _settled(markdown: Any) -> bool:
    """A Markdown widget has taken its text: Textual's has its blocks mounted and no update running (its
    lock is held while it parses and mounts); `MarkdownText` has its text, laid out when it renders."""
    from textual.widgets import Markdown

    if not isinstance(markdown, Markdown):
        return bool(markdown.source)
    return (
        bool(markdown.children)
        and not markdown.lock.is_locked
        and not markdown._next_callbacks
        and all(c.is_mounted for c in markdown.walk_children())
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
        await pilot.pause()
        markdown = app.query_one(Markdown)
        start = time.perf_counter()
        markdown.update(text)
        return (await first_frame(app, lambda: _settled(markdown)) - start) * 1000


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
