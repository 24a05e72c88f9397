"""Shows a newly created secret once: masked until revealed, copyable, then forgotten."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from wizard.ui.markup import esc
from wizard.ui.screens.base import IdspineModalScreen
from wizard.ui.widgets.footer import Footer


class SecretRevealScreen(IdspineModalScreen[None]):
    """One new secret: where it was stored, and the value itself only on request."""

    DEFAULT_CSS = """
    SecretRevealScreen { align: center middle; }
    SecretRevealScreen > Vertical { width: 90%; max-width: 90; height: auto; border: thick $warning;
                                    background: $surface; padding: 1 2; }
    SecretRevealScreen #secret-value { margin: 1 0; text-style: bold; }
    """
    BINDINGS = [
        Binding("r", "reveal", "Reveal / hide"),
        Binding("c", "copy", "Copy"),
        Binding("escape,enter", "close", "Done (forget it)"),
    ]

    def __init__(self, name: str, value: str, reference: str):
        super().__init__()
        self.secret_name, self._value, self.reference = name, value, reference
        self.revealed = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"[b]New client secret for {esc(self.secret_name)}[/b]\nStored in {esc(self.reference)}; the "
                "inventory keeps only that reference and the expiry. This is the only time idspine "
                "shows the value."
            )
            yield Static(self._masked(), id="secret-value", markup=False)
            yield Static("[dim]r reveal · c copy · enter done[/dim]")
        yield Footer()

    def _masked(self) -> str:
        return self._value if self.revealed else "•" * 24

    def action_reveal(self) -> None:
        self.revealed = not self.revealed
        self.query_one("#secret-value", Static).update(self._masked())

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self._value)
        self.notify("Copied. Paste it where it is needed, then clear your clipboard.")

    def action_close(self) -> None:
        self._value = ""
        self.dismiss(None)
