"""The help screen: the keys of the screen underneath, and where to learn more."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

GENERAL = """
**Everywhere**

| Key | Action |
| --- | --- |
| ctrl+p | command palette: every screen, wizard and action; type to search explainers |
| f1 | this help |
| ctrl+s | save the inventory |
| f10 | dark / light theme |
| escape | back |
| ctrl+q | quit |

idspine never stores a secret: wherever it asks where a secret lives, answer with a reference such as
`env:NAME`, `keyvault://vault/name` or `1password://vault/item`.
"""


class HelpScreen(ModalScreen[None]):
    """Keys for the current screen."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 96; height: 90%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        rows = []
        for binding in self.under.BINDINGS:
            if isinstance(binding, Binding) and binding.description:
                rows.append(f"| {binding.key} | {binding.description} |")
        title = getattr(self.under, "HELP_TITLE", type(self.under).__name__)
        intro = getattr(self.under, "HELP_TEXT", "")
        screen_keys = "\n".join([f"## {title}", "", intro, "", "| Key | Action |", "| --- | --- |", *rows]) \
            if rows else f"## {title}\n\n{intro}"
        with VerticalScroll():
            yield Markdown(screen_keys + "\n\n" + GENERAL)

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
