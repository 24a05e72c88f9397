"""MarkdownText (one widget) shows what Textual's Markdown widget (a widget per block) showed: the same lines,
character for character, for the explainers, the pane's short form and catalogue entries; links still post
their target; outside text stays text."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Markdown

from wizard import explainer_library
from wizard.catalogue import load_catalogue
from wizard.model import Hat, Host
from wizard.ui.screens.catalogue import advice_markdown, service_markdown
from wizard.ui.widgets.markdown_text import MarkdownText, parse

SYNTHETIC = """# Title that is long enough to wrap when the screen is narrow enough to make it

*Summary* with **bold**, `code`, ~~struck~~ and a [link](explainer:tokens).

## Section

- first item whose text is long enough to wrap onto a second line at the narrower width
- second item
  - nested item, another bullet shape
  - nested item two
- third

3. three
4. four, numbered from three
5. five

```text
client ──► token endpoint ──► access token (a diagram line)
   └── wider than the narrow width so that it is clipped at the right edge, not wrapped
```

### Smaller heading

Line one\\
line two after a hard break.
"""


def documents() -> list[tuple[str, str]]:
    """A sample of what the screens show: explainers in full and in short, catalogue entries with advice."""
    docs = [("synthetic", SYNTHETIC)]
    for exp in explainer_library.all_explainers()[::9]:
        docs.append((f"explainer {exp.id}", explainer_library.fill(exp)))
        docs.append((f"pane {exp.id}", explainer_library.pane_text(exp)))
    catalogue = load_catalogue()
    for service_id in list(catalogue.services)[::7]:
        advice = advice_markdown(service_id, Hat.CLIENT_DELIVERY, Host.N8N_CLOUD)
        docs.append((f"catalogue {service_id}", service_markdown(catalogue.get(service_id), advice)))
    return docs


async def screen_lines(widget: Widget, width: int) -> list[str]:
    """The text on screen of an app showing only `widget`, at `width` columns."""

    class Show(App[None]):
        CSS = "MarkdownHeader { width: 100%; }"  # as the screens had it for Textual's widget

        def compose(self) -> ComposeResult:
            yield widget

    app = Show()
    async with app.run_test(size=(width, 200)) as pilot:
        for _ in range(5):
            await pilot.pause(0.02)
        update = app.screen._compositor.render_full_update()
        lines = ["".join(segment.text for segment in strip).rstrip() for strip in update.strips]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def has_inline_html(text: str) -> bool:
    """Textual's widget drops inline HTML (`<tenant-id>`); MarkdownText shows it, so such texts differ."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("gfm-like").parse(text)
    return any(c.type == "html_inline" for t in tokens for c in t.children or [])


@pytest.mark.parametrize("width", [48, 96])
async def test_the_same_lines_as_textuals_markdown_widget(width: int) -> None:
    compared = 0
    for name, text in documents():
        if has_inline_html(text):
            continue
        expected = await screen_lines(Markdown(text), width)
        shown = await screen_lines(MarkdownText(text), width)
        assert shown == expected, name
        compared += 1
    assert compared >= 8


async def test_inline_html_is_shown_as_written() -> None:
    lines = await screen_lines(MarkdownText("Token URL https://login.example/<tenant-id>/token here."), 80)
    assert "https://login.example/<tenant-id>/token" in "\n".join(lines)


async def test_outside_text_is_shown_as_typed_and_never_reaches_the_terminal() -> None:
    hostile = "[link=x]click[/link] [@click=app.quit]y[/] [b]z[/b] \x1b]52;c;AAAA\x07 \x1b[2J"
    text = MarkdownText(f"# {hostile}\n\n{hostile}\n\n- {hostile}\n")
    lines = "\n".join(await screen_lines(text, 200))
    assert lines.count("[link=x]click[/link] [@click=app.quit]y[/] [b]z[/b]") == 3
    assert "\x1b" not in lines and "\x07" not in lines and "\\u001b" in lines

    class Show(App[None]):
        def compose(self) -> ComposeResult:
            yield MarkdownText(f"{hostile}\n\n[a real link](explainer:tokens)")

    app = Show()
    async with app.run_test(size=(200, 10)):
        content = app.query_one(MarkdownText).lines(196)
        actions = [str(s.style) for s in content.spans if "@click" in str(s.style)]
    assert len(actions) == 1 and "explainer:tokens" in actions[0]  # only the real Markdown link acts


async def test_a_link_posts_its_target() -> None:
    clicked: list[str] = []

    class Show(App[None]):
        def compose(self) -> ComposeResult:
            yield MarkdownText("See [tokens](explainer:tokens) and [it's](https://x.example/a'b).")

        def on_markdown_text_link_clicked(self, event: MarkdownText.LinkClicked) -> None:
            clicked.append(event.href)

    app = Show()
    async with app.run_test(size=(60, 5)) as pilot:
        widget = app.query_one(MarkdownText)
        actions = [str(s.style) for s in widget.lines(56).spans if "@click" in str(s.style)]
        assert len(actions) == 2
        await widget.run_action("link('explainer:tokens')")
        await widget.run_action('link("https://x.example/a\'b")')
        await pilot.pause()
    assert clicked == ["explainer:tokens", "https://x.example/a'b"]


async def test_update_lays_out_the_new_text_and_the_same_text_is_parsed_once() -> None:
    class Show(App[None]):
        def compose(self) -> ComposeResult:
            yield MarkdownText("# One")

    app = Show()
    async with app.run_test(size=(40, 10)) as pilot:
        widget = app.query_one(MarkdownText)
        assert "One" in widget.lines(36).plain
        widget.update("# Two\n\n- item")
        await pilot.pause()
        assert "Two" in widget.lines(36).plain and "• item" in widget.lines(36).plain
        assert widget.source == "# Two\n\n- item"
    assert parse("# Two\n\n- item") is parse("# Two\n\n- item")  # cached: the blocks are immutable


async def test_code_blocks_follow_the_theme() -> None:
    """The laid-out text is shared between widgets and openings; a theme change lays it out again."""

    class Show(App[None]):
        def compose(self) -> ComposeResult:
            yield MarkdownText("```text\na diagram\n```\n")

    def fence_backgrounds(widget: MarkdownText) -> set[object]:
        spans = widget.lines(36).spans
        return {getattr(s.style, "background", None) for s in spans if not isinstance(s.style, str)}

    app = Show()
    async with app.run_test(size=(40, 8)) as pilot:
        app.theme = "textual-dark"
        await pilot.pause()
        dark = fence_backgrounds(app.query_one(MarkdownText))
        app.theme = "textual-light"
        await pilot.pause()
        light = fence_backgrounds(app.query_one(MarkdownText))
    assert dark and light and dark != light
