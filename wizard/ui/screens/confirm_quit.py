"""Asked on quitting with unsaved changes in a real workspace: quit anyway, or stay."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from wizard.ui.screens.base import IdspineModalScreen


class ConfirmQuitScreen(IdspineModalScreen[bool]):
    """Dismissed with True to quit, False to stay (the safe answer, and the focused button)."""

    DEFAULT_CSS = """
    ConfirmQuitScreen { align: center middle; }
    ConfirmQuitScreen > Vertical { width: 90%; max-width: 60; height: auto; border: thick $warning;
                                   background: $surface; padding: 1 2; }
    ConfirmQuitScreen #quit-title { text-style: bold; }
    ConfirmQuitScreen #quit-text { margin: 1 0; }
    ConfirmQuitScreen #quit-buttons { height: auto; align-horizontal: right; }
    ConfirmQuitScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Quit anyway"),
        Binding("n,escape", "answer(False)", "Stay"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Unsaved changes — quit anyway?", id="quit-title")
            yield Static(
                "The last changes are not in the inventory file yet. Stay and press ctrl+s to save them.",
                id="quit-text",
            )
            with Horizontal(id="quit-buttons"):
                yield Button("Quit anyway (y)", id="quit", variant="error")
                yield Button("Stay (n)", id="stay", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_answer(event.button.id == "quit")

    def action_answer(self, quit_anyway: bool) -> None:
        self.dismiss(quit_anyway)
