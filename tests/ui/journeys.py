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
    for _ in range(200):
        if type(pilot.app.screen).__name__ != "LoadingScreen":
            break
        await pilot.pause(0.02)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause(0.05)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


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
        await pilot.pause()

    return run


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
}
