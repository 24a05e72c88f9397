"""The explanation pane beside each step: the focused question's concept, personalised to the workspace."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll

from wizard.model import Workspace
from wizard.ui.widgets.markdown_text import MarkdownText


class ExplainPane(VerticalScroll):
    """Shows one explainer in its short form; follows the focused question."""

    DEFAULT_CSS = """
    ExplainPane { width: 2fr; min-width: 34; border-left: tall $primary 40%; padding: 0 1; }
    ExplainPane.hidden { display: none; }
    """

    def __init__(self, ws: Workspace, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.ws = ws
        self.explainer_id: str | None = None

    def compose(self) -> ComposeResult:
        yield MarkdownText("", id="pane-text")

    def show(self, explainer_id: str) -> None:
        """Switch to this explainer (no-op when already shown)."""
        if explainer_id == self.explainer_id:
            return
        from wizard import explainer_library

        self.explainer_id = explainer_id
        try:
            today = getattr(
                getattr(self.app, "state", None), "today", None
            )  # the workspace's date, not the clock's
            text = explainer_library.pane_text(explainer_library.get(explainer_id), self.ws, today=today)
        except KeyError:
            text = f"*No explainer called `{explainer_id}` yet.*"
        self.query_one("#pane-text", MarkdownText).update(text)
        self.scroll_home(animate=False)
