"""Shared helpers for UI tests: the app on the demo workspace at a frozen date, and ways to reach each screen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from wizard.demo import DEMO_TODAY
from wizard.ui.app import IdspineApp


def demo_app(theme: str = "dark") -> IdspineApp:
    """The app on the demo workspace, dated so output is stable."""
    return IdspineApp(demo=True, today=DEMO_TODAY, theme=theme)


async def settle(pilot: Pilot) -> None:
    """Wait until the workspace has loaded (or failed), workers are done and the screen has refreshed."""
    for _ in range(200):  # the loading screen, or the home screen painted from a preview, until loaded
        app = pilot.app
        loading = type(app.screen).__name__ == "LoadingScreen"
        previewing = getattr(app, "state", True) is None and type(app.screen).__name__ == "HomeScreen"
        if not loading and not previewing:
            break
        await pilot.pause(0.02)
    await _workers_done(pilot)
    await pilot.pause(0.05)
    await _workers_done(pilot)
    await pilot.pause()


async def _workers_done(pilot: Pilot) -> None:
    import contextlib

    from textual.worker import WorkerCancelled

    with contextlib.suppress(WorkerCancelled):  # an exclusive worker replaced by a newer one: fine
        await pilot.app.workers.wait_for_complete()


async def open_with(pilot: Pilot, key: str, screen: str) -> None:
    """Press a key on a settled app and wait until the named screen is showing (fails after 3 s)."""
    await settle(pilot)
    for _ in range(30):
        if type(pilot.app.screen).__name__ == screen:
            break
        await pilot.press(key)
        for _ in range(10):
            await pilot.pause(0.01)
            if type(pilot.app.screen).__name__ == screen:
                break
    assert type(pilot.app.screen).__name__ == screen
    await settle(pilot)


def go(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    """A run_before that waits for loading, presses keys, and waits again."""

    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        pilot.app.screen.set_focus(None)  # no blinking cursor in snapshots
        await until_stable(pilot)

    return run


async def until_stable(pilot: Pilot, rounds: int = 40) -> None:
    """Wait until two renders in a row are identical (Markdown and scrollbars settle over a few frames)."""
    previous = None
    for _ in range(rounds):
        await pilot.pause(0.05)
        current = pilot.app.export_screenshot()
        if current == previous:
            return
        previous = current


# screen name -> keys from the home screen
ROUTES: dict[str, tuple[str, ...]] = {
    "home": (),
    "wizard": ("s",),
    "inspector": ("i",),
    "catalogue": ("c",),
    "explainers": ("e",),
    "help": ("f1",),
    "n8n": ("n",),
    "supabase": ("u",),
    "entra": ("a",),
}
