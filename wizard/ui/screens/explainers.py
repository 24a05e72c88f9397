"""The explainer reader: every concept in full, links between them, back and forward."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, Input, OptionList
from textual.widgets.option_list import Option

from wizard import explainer_library
from wizard.ui.screens.base import IdspineScreen
from wizard.ui.widgets.footer import Footer
from wizard.ui.widgets.markdown_text import MarkdownText


class ExplainersScreen(IdspineScreen[None]):
    """Read explainers; follow links; search."""

    CSS_PATH = "explainers.tcss"
    AUTO_FOCUS = "#topics"  # not the search box, so [ ] l work at once; / goes to search
    HELP_TITLE = "Explainers"
    HELP_TEXT = (
        "Pick a concept on the left or search; links in the text open other explainers (click them, "
        "or press l to pick one from a list). [ and ] go back and forward through what you read."
    )
    BINDINGS = [
        Binding("left_square_bracket", "history(-1)", "Back"),
        Binding("right_square_bracket", "history(1)", "Forward"),
        Binding("slash", "focus_search", "Search"),
        Binding("l", "links", "Links"),
        Binding("escape", "leave", "Close"),
    ]

    def __init__(self, topic: str | None = None):
        super().__init__()
        self.topic = topic
        self.history: list[str] = []
        self.text = ""  # the Markdown shown, for following its links by keyboard
        self.position = -1

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="reader-body"):
            with VerticalScroll(id="reader-side"):
                yield Input(placeholder="search explainers", id="search")
                yield OptionList(id="topics")
            with VerticalScroll(id="reader-text"):
                yield MarkdownText(id="explainer")
        yield Footer()

    def on_mount(self) -> None:
        self.fill_topics("")
        first = self.topic or (
            explainer_library.all_explainers()[0].id if explainer_library.all_explainers() else None
        )
        if first:
            self.open(first)

    def fill_topics(self, query: str) -> None:
        """List explainers matching the search."""
        topics = self.query_one("#topics", OptionList)
        topics.clear_options()
        topics.add_options(
            [Option(r.explainer.title, id=r.explainer.id) for r in explainer_library.search(query)]
        )
        if topics.option_count:
            topics.highlighted = 0  # enter opens the best match

    def open(self, topic: str, record: bool = True) -> None:
        """Show one explainer, personalised with the workspace."""
        try:
            exp = explainer_library.get(topic)
        except KeyError:
            self.notify(f"No explainer called {topic!r}", severity="warning")
            return
        ws = self.workspace_state.workspace
        today = self.workspace_state.today
        self.text = explainer_library.fill(exp, ws, today=today)
        self.query_one("#explainer", MarkdownText).update(self.text)
        self.query_one("#reader-text").scroll_home(animate=False)
        self.sub_title = exp.title
        if record:
            self.history = self.history[: self.position + 1] + [topic]
            self.position = len(self.history) - 1

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill_topics(event.value)

    def on_input_submitted(self) -> None:
        """Enter in the search box: move to the results."""
        self.query_one("#topics", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open(event.option.id)

    def on_markdown_text_link_clicked(self, event: MarkdownText.LinkClicked) -> None:
        if event.href.startswith("explainer:"):
            self.open(event.href.removeprefix("explainer:"))
        else:
            self.app.open_url(event.href)

    def action_history(self, delta: int) -> None:
        """Back or forward through the explainers read."""
        target = self.position + delta
        if 0 <= target < len(self.history):
            self.position = target
            self.open(self.history[target], record=False)

    def action_links(self) -> None:
        """Pick one of this explainer's links from a list (keyboard access to the links in the text)."""
        from wizard.ui.commands import pick_explainer_link

        pick_explainer_link(self.idspine, self.text, self.open)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave(self) -> None:
        self.dismiss()
