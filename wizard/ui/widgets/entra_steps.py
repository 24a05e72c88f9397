"""How the Entra screen shows plan steps: status colours, links, the tenant column, secrets to reveal, retry waits."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.timer import Timer

    from wizard.providers.entra.plan import Plan
    from wizard.secrets.sinks import SecretSink

STATUS_STYLE = {
    "created": "green",
    "adopted": "cyan",
    "exists": "cyan",
    "updated": "green",
    "manual": "yellow",
    "failed": "red",
    "running": "blue",
}


def step_link(text: str) -> str:
    """The first https:// address in a text, or ''."""
    match = re.search(r"https://\S+", text)
    return match.group().rstrip(".,;)") if match else ""


def tenant_column(plan: Plan) -> str:
    """The tenant column: 'home' or the client's slug."""
    return "home" if plan.key == "home" else str(plan.key).removeprefix("client:")


class RevealingSink:
    """Hands each new secret to the real store, and keeps it in memory only until it has been shown once."""

    def __init__(self, sink: SecretSink):
        self.sink = sink
        self.new: list[tuple[str, str, str]] = []  # (name, value, reference)

    def store(self, name: str, value: str, expires: dt.datetime | None = None) -> str:
        ref = self.sink.store(name, value, expires)
        self.new.append((name, value, ref))
        return ref


class RetryCountdown:
    """A wait before a retry (throttling, replication), counted down once a second through *show*."""

    def __init__(self, screen: Screen[Any], show: Callable[[str], None]):
        self.screen = screen
        self.show = show
        self.wait: tuple[float, str, str] | None = None  # (until, step key, why) while apply waits to retry
        self._timer: Timer | None = None

    def start(self, key: str, seconds: float, why: str) -> None:
        self.wait = (time.time() + seconds, key, why)
        self.tick()
        if self._timer is None:
            self._timer = self.screen.set_interval(1.0, self.tick)

    def tick(self) -> None:
        if self.wait is None:
            return
        until, key, why = self.wait
        left = int(until - time.time() + 0.999)
        if left <= 0:
            self.wait = None
            self.show("[dim]applying…[/dim]")
            return
        self.show(f"Waiting {left // 60}:{left % 60:02d} before retrying {key}: {why}")
