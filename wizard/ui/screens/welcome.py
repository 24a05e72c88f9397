"""First start in a folder without an inventory: offer first-time setup, or a look around first."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from wizard.ui.screens.base import IdspineModalScreen

STEPS = (
    "who you are and your tools",
    "which identity provider, and why",
    "naming rules",
    "groups",
    "service principals",
    "a credential method per service",
    "a review of the plan",
)


class WelcomeScreen(IdspineModalScreen[None]):
    """Shown over the home screen when the inventory file does not exist yet."""

    DEFAULT_CSS = """
    WelcomeScreen { align: center middle; }
    WelcomeScreen > Vertical { width: 90%; max-width: 84; height: auto; max-height: 90%; border: thick $primary;
                               background: $surface; padding: 1 2; }
    WelcomeScreen #welcome-title { text-style: bold; color: $text-accent; }
    WelcomeScreen #welcome-text { margin: 1 0; }
    WelcomeScreen #welcome-buttons { height: auto; align-horizontal: right; }
    WelcomeScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("s,enter", "start", "Start setup"),
        Binding("escape,l", "later", "Look around first"),
    ]

    def __init__(self, path: Path | None):
        super().__init__()
        self.path = path

    def compose(self) -> ComposeResult:
        where = str(self.path) if self.path else "this folder"
        steps = ", ".join(STEPS)
        with Vertical():
            yield Static("Welcome to idspine", id="welcome-title")
            yield Static(
                f"There is no inventory at {where} yet; idspine creates it when you first save. "
                f"First-time setup takes about 15 minutes: {steps}. Each question comes with a plain-words "
                "explanation beside it, and no secret is ever written down.",
                id="welcome-text",
                markup=False,
            )
            with Horizontal(id="welcome-buttons"):
                yield Button("Look around first", id="later")
                yield Button("Start first-time setup", id="start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start":
            self.action_start()
        else:
            self.action_later()

    def action_start(self) -> None:
        """Close this and open the first-time setup wizard."""
        self.dismiss(None)
        self.idspine.open_screen("wizard", flow_id="first-setup")

    def action_later(self) -> None:
        self.dismiss(None)
