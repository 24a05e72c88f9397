"""A readable error panel (what happened, what to do next) instead of a traceback."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Header, Static

from wizard.ui.markup import plain
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.footer import Footer


def quote_line(path: Path, line: int | None, around: int = 1) -> str:
    """The numbered lines around `line` of a damaged file, or '' (also when a line looks like a secret)."""
    from wizard.secrets.guard import find_secret_kind

    if not line:
        return ""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    start, end = max(1, line - around), min(len(lines), line + around)
    shown = lines[start - 1 : end]
    if any(find_secret_kind(text) for text in shown):  # never put a pasted secret on the screen
        return ""
    width = len(str(end))
    return "\n".join(
        f"{'>' if n == line else ' '} {n:>{width}} │ {text[:200]}" for n, text in enumerate(shown, start)
    )


class ErrorScreen(IdspineScreen[None]):
    """Shown when the workspace cannot be opened or an action fails badly."""

    DEFAULT_CSS = """
    ErrorScreen #error-box { width: 90%; max-width: 100; height: auto; border: heavy $error; padding: 1 2;
                             margin-top: 2; }
    ErrorScreen #error-title { text-style: bold; color: $text-error; margin-bottom: 1; }
    ErrorScreen #error-hint { margin-top: 1; color: $text-muted; }
    ErrorScreen #error-context { margin-top: 1; padding: 0 1; background: $boost; }
    ErrorScreen Button { margin-top: 1; }
    """
    BINDINGS = [Binding("q", "app.quit", "Quit")]

    def __init__(self, title: str, message: str, hint: str, context: str = ""):
        super().__init__()
        self.error_title, self.message, self.hint, self.context = title, message, hint, context

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="error-box"):
            yield Static(plain(self.error_title), id="error-title")
            yield Static(plain(self.message), id="error-message", markup=False)
            if self.context:
                yield Static(plain(self.context), id="error-context", markup=False)
            yield Static(plain(self.hint), id="error-hint", markup=False)
            yield Button("Quit", id="quit", variant="error")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.app.exit(return_code=2)
