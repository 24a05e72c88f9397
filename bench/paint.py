"""When a frame was painted: a clock on the app's display call, for timing "from key to painted screen".

Textual's Pilot helpers wait for the process to be idle in 20 ms steps, so timing with them adds tens of
milliseconds that no user sees. Instead, every frame the compositor produces (`App._display`, also called
in headless mode, after the screen's update has been computed) is recorded; a measure ends at the first
frame of the expected screen produced after the screen was ready.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


class PaintClock:
    """Records (time, screen) for each frame the app produces."""

    def __init__(self, app: Any):
        self.app = app
        self.frames: list[tuple[float, Any]] = []
        original = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is not None:
                frames = self.frames
                if frames and frames[-1][1] is not screen:
                    # another screen: forget the frames of screens no longer open, so that the clock keeps
                    # no closed screen alive (each one kept made every garbage collection slower)
                    stack = app.screen_stack
                    frames[:] = [f for f in frames if any(f[1] is s for s in stack)]
                frames.append((time.perf_counter(), screen))

        app._display = display

    async def painted(self, ready: Callable[[], bool], timeout: float = 30.0) -> float:
        """perf_counter of the first frame of the current screen produced once `ready()` holds."""
        deadline = time.perf_counter() + timeout
        while not ready():
            if time.perf_counter() > deadline:
                raise TimeoutError("the screen did not become ready")
            await asyncio.sleep(0.001)
        since = time.perf_counter()
        screen = self.app.screen
        asked = False
        while True:
            for stamp, shown in reversed(self.frames):
                if stamp < since:
                    break
                if shown is screen:
                    first = min(t for t, s in self.frames if s is screen and t >= since)
                    return first
            if not asked and time.perf_counter() > since + 0.05:
                screen.refresh()  # the change painted just before `ready` was seen: ask for the next frame
                asked = True
            if time.perf_counter() > deadline:
                raise TimeoutError("no frame was painted")
            await asyncio.sleep(0.001)


async def settled(clock: PaintClock, screen: str) -> None:
    """Wait like a user who looks at the screen before pressing a key: painted, and the app's background work
    after the first frame (the home screen's audit, the warm-up of the other screens) done."""
    app = clock.app
    await clock.painted(
        lambda: type(app.screen).__name__ == screen and getattr(app, "state", True) is not None
    )
    await asyncio.sleep(0.3)
    warmed = getattr(app, "warmed", None)
    await clock.painted(lambda: workers_idle(app) and (warmed is None or warmed.is_set()))


def workers_idle(app: Any) -> bool:
    """No worker of the app is pending or running (the screen's content has arrived)."""
    return not any(w.state.name in ("PENDING", "RUNNING") for w in app.workers)


def press(app: Any, key: str) -> None:
    """Send one key as the terminal driver would, without Pilot's waits for an idle process."""
    from textual import events

    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)
