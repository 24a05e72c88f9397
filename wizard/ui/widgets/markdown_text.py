"""Markdown in one widget: the explainers, the catalogue entries and the explanation pane.

Textual's `Markdown` widget mounts a widget per block (four per list item: a row, a bullet, a column and a
paragraph), so showing a catalogue entry meant mounting more than 200 widgets, each with its own message
queue, styles and layout: 100-300 ms before the text appeared, and much more on a busy machine.
`MarkdownText` parses with the same parser (markdown-it, "gfm-like") and lays the same blocks out with the
same spacing rules (a block's margins collapse with its neighbour's, as in Textual's vertical layout),
bullets, numbering, styles and links, at the widget's width, into one `Content` that the widget renders.

Outside text stays text: every piece of the document reaches the screen as a `Content` built from plain
strings (never parsed as markup), control characters are shown as visible escapes (`wizard.safe_text`), and a
link's target only travels inside a quoted action argument (`repr`), as in Textual's own widget. Inline HTML is shown as written (Textual's widget drops it: `<tenant-id>` in a URL
vanished).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content, Span
from textual.message import Message
from textual.style import Style
from textual.widget import Widget

from wizard.safe_text import terminal_text

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token
    from textual.geometry import Size

BULLETS = ("• ", "▪ ", "‣ ", "⭑ ", "◦ ")  # by nesting depth, as Textual's widget
_SPACE = re.compile(r"\s+")
# (top, bottom) margins of each block, in lines: the values of Textual's Markdown stylesheet
_HEADING_MARGIN = {"h1": (2, 1), "h2": (2, 1)}  # h3-h6: (1, 1)
_FENCE_MARGIN = (1, 1)
_TOP_LEVEL_MARGIN = (0, 1)  # paragraphs and lists directly in the document; nested ones have none
_FENCE_PAD = 2  # columns before the code (Textual's fence: padding 1 2, clipped on the right)


@dataclass(frozen=True, slots=True)
class Block:
    """One laid-out block: a paragraph/heading/fence with its text, or a list with its items."""

    kind: str  # "p", "h1".."h6", "fence", "hr", "list"
    content: Content
    top: int
    bottom: int
    items: tuple[tuple[str, tuple[Block, ...]], ...] = ()  # list: (bullet, the item's blocks)


def inline_content(token: Token) -> Content:
    """An inline token as Content: text, emphasis, code and links (a link is a click action on its text)."""
    parts: list[str] = []
    spans: list[Span] = []
    open_styles: list[tuple[str | Style, int]] = []
    position = 0

    def add(text: str) -> None:
        nonlocal position
        parts.append(text)
        position += len(text)

    for child in token.children or []:
        kind = child.type
        if kind == "text":
            add(_SPACE.sub(" ", child.content))
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "html_inline":
            add(child.content)
        elif kind == "code_inline":
            spans.append(Span(position, position + len(child.content), ".code_inline"))
            add(child.content)
        elif kind in ("em_open", "strong_open", "s_open"):
            open_styles.append(("." + kind.removesuffix("_open"), position))
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            open_styles.append((Style.from_meta({"@click": f"link({href!r})"}), position))
        elif kind == "image":
            href = str(child.attrs.get("src", ""))
            start = position
            add("🖼  " + (f"({child.attrs.get('alt', '')})" if child.attrs.get("alt") else ""))
            add("".join(grand.content for grand in child.children or []))
            spans.append(Span(start, position, Style.from_meta({"@click": f"link({href!r})"})))
        elif kind.endswith("_close") and open_styles:
            style, start = open_styles.pop()
            spans.append(Span(start, position, style))
    return Content("".join(parts), spans=spans)


def _blocks(tokens: list[Token], i: int, nested: bool, depth: int) -> tuple[list[Block], int]:
    """The blocks from tokens[i] up to the close of the enclosing list item (or the end); returns them
    and the index of that close. `depth`: unordered list items around these blocks (the bullet's shape)."""
    out: list[Block] = []
    margin = (0, 0) if nested else _TOP_LEVEL_MARGIN
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "list_item_close":
            return out, i
        if kind in ("heading_open", "paragraph_open"):
            inline = tokens[i + 1] if i + 1 < len(tokens) and tokens[i + 1].type == "inline" else None
            text = inline_content(inline) if inline is not None else Content("")
            if kind == "heading_open":
                out.append(Block(token.tag, text, *_HEADING_MARGIN.get(token.tag, (1, 1))))
            else:
                out.append(Block("p", text, *margin))
            i += 3 if inline is not None else 2
        elif kind in ("fence", "code_block"):
            out.append(Block("fence", _highlight(token.content.rstrip(), token.info), *_FENCE_MARGIN))
            i += 1
        elif kind == "hr":
            out.append(Block("hr", Content(""), 1, 1))
            i += 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            block, i = _list(tokens, i, nested, depth)
            out.append(block)
        elif kind == "inline":  # text of a block not laid out here (a table's cells): shown as paragraphs
            out.append(Block("p", inline_content(token), *margin))
            i += 1
        else:  # the opening and closing of blocks not laid out here (quotes, tables): their text still shows
            i += 1
    return out, i


def _list(tokens: list[Token], i: int, nested: bool, depth: int) -> tuple[Block, int]:
    """A bullet or ordered list starting at tokens[i]; returns it and the index after its close."""
    ordered = tokens[i].type == "ordered_list_open"
    infos: list[str] = []
    bodies: list[tuple[Block, ...]] = []
    i += 1
    while i < len(tokens) and tokens[i].type == "list_item_open":
        infos.append(tokens[i].info)
        children, i = _blocks(tokens, i + 1, nested=True, depth=depth + (not ordered))
        bodies.append(tuple(children))
        i += 1  # past list_item_close
    if ordered:
        try:
            first = int(infos[0]) if infos else 1
        except ValueError:
            first = 1
        numbers = [f"{n}. " for n in range(first, first + len(bodies))]
        size = max((len(n) for n in numbers), default=0)
        bullets = [n.rjust(size + 1) for n in numbers]
    else:
        bullets = [BULLETS[depth % len(BULLETS)]] * len(bodies)
    margin = (0, 0) if nested else _TOP_LEVEL_MARGIN
    items = tuple(zip(bullets, bodies, strict=True))
    return Block("list", Content(""), *margin, items=items), i + 1  # past the list's close


@functools.lru_cache(maxsize=32)
def _highlight(code: str, language: str) -> Content:
    from textual.highlight import HighlightTheme, highlight

    return highlight(code, language=language or None, theme=HighlightTheme)


@functools.lru_cache(maxsize=64)
def parse(source: str) -> tuple[Block, ...]:
    """The document's blocks (cached by its exact text: the same text always gives the same blocks)."""
    tokens = _parser().parse(terminal_text(source))  # control characters shown, never sent to the terminal
    blocks, _ = _blocks(tokens, 0, nested=False, depth=0)
    return tuple(blocks)


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("gfm-like")  # the preset Textual's Markdown widget uses


def layout(blocks: tuple[Block, ...], width: int, fence: Style | str = ".fence") -> list[Content]:
    """The blocks as lines of at most `width` cells, margins collapsed between neighbours; `fence` styles
    code blocks (their background spans the width)."""
    lines: list[Content] = []
    width = max(width, 1)
    below = None
    for block in blocks:
        lines.extend([Content("")] * (block.top if below is None else max(below, block.top)))
        lines.extend(_block_lines(block, width, fence))
        below = block.bottom
    lines.extend([Content("")] * (below or 0))
    return lines


def _block_lines(block: Block, width: int, fence: Style | str) -> list[Content]:
    kind = block.kind
    if kind == "p":
        return block.content.wrap(width)
    if kind.startswith("h"):
        if kind == "hr":
            return [Content("─" * width).stylize(".hr")]
        lines = [line.stylize(f".{kind}") for line in block.content.wrap(width)]
        if kind == "h1":  # centred as one block, as Textual's `content-align: center`
            left = max(0, width - max(line.cell_length for line in lines)) // 2
            lines = [line.pad_left(left) for line in lines]
        return lines
    if kind == "fence":
        blank = Content(" " * width).stylize(fence)
        body = []
        for line in block.content.split(allow_blank=True):
            line = Content(" " * _FENCE_PAD) + line.expand_tabs(8)
            line = (
                line.truncate(width) if line.cell_length > width else line.pad_right(width - line.cell_length)
            )
            body.append(line.stylize_before(fence))
        return [blank, *body, blank]
    out: list[Content] = []
    for bullet, children in block.items:
        room = width - len(bullet)
        item = layout(children, room, fence) or [Content("")]
        out.append(Content(bullet).stylize(".bullet") + item[0])
        out.extend(Content(" " * len(bullet)) + line for line in item[1:])
    return out


@functools.lru_cache(maxsize=32)
def _laid_out(source: str, width: int, fence: Style) -> tuple[Content, int]:
    """A document laid out, and its number of lines (kept across widgets: reopening a screen shows the
    same text at the same width; the key is the exact text, width and colours, so nothing else can hit)."""
    lines = layout(parse(source), width, fence)
    return Content("\n").join(lines), len(lines)


class MarkdownText(Widget):
    """A Markdown document in one widget; `update(text)` shows another one."""

    DEFAULT_CSS = """
    MarkdownText {
        height: auto;
        padding: 0 2 0 2;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    MarkdownText > .h1 { color: $markdown-h1-color; text-style: $markdown-h1-text-style; }
    MarkdownText > .h2 { color: $markdown-h2-color; text-style: $markdown-h2-text-style; }
    MarkdownText > .h3 { color: $markdown-h3-color; text-style: $markdown-h3-text-style; }
    MarkdownText > .h4 { color: $markdown-h4-color; text-style: $markdown-h4-text-style; }
    MarkdownText > .h5 { color: $markdown-h5-color; text-style: $markdown-h5-text-style; }
    MarkdownText > .h6 { color: $markdown-h6-color; text-style: $markdown-h6-text-style; }
    MarkdownText > .hr { color: $secondary; }
    MarkdownText > .bullet { color: $text-primary; }
    MarkdownText:light > .bullet { color: $text-secondary; }
    MarkdownText > .em { text-style: italic; }
    MarkdownText > .strong { text-style: bold; }
    MarkdownText > .s { text-style: strike; }
    MarkdownText:dark > .code_inline { background: $warning 10%; color: $text-warning 95%; }
    MarkdownText:light > .code_inline { background: $error 5%; color: $text-error 95%; }
    MarkdownText > .fence { color: rgb(210,210,210); background: black 10%; }
    MarkdownText:light > .fence { background: white 30%; }
    """
    COMPONENT_CLASSES = {
        *(f"h{n}" for n in range(1, 7)),
        *("hr", "bullet", "em", "strong", "s", "code_inline", "fence"),
    }

    class LinkClicked(Message):
        """A link in the text was clicked."""

        def __init__(self, markdown: MarkdownText, href: str) -> None:
            super().__init__()
            self.markdown = markdown
            self.href = href

        @property
        def control(self) -> MarkdownText:
            return self.markdown

    def __init__(self, markdown: str = "", *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self._source = markdown
        self._blocks = parse(markdown)
        self._laid_out: tuple[tuple[int, Style], Content, int] | None = None

    @property
    def source(self) -> str:
        """The Markdown shown."""
        return self._source

    def update(self, markdown: str) -> None:
        """Show another document (laid out at the next refresh)."""
        if markdown == self._source:
            return
        self._source = markdown
        self._blocks = parse(markdown)
        self._laid_out = None
        self.refresh(layout=True)

    def lines(self, width: int) -> Content:
        """The document laid out at `width` cells, as one Content of lines (kept until the text, the width
        or the colours change)."""
        key = (width, self._fence_style())
        if self._laid_out is None or self._laid_out[0] != key:
            self._laid_out = (key, *_laid_out(self._source, *key))
        return self._laid_out[1]

    def _fence_style(self) -> Style:
        """The code blocks' colours, composed over this widget's background as Textual's fence widget does
        (a translucent component background would be blended differently inside a Content)."""
        styles = self.get_component_styles("fence")
        _, background = self.background_colors
        return Style(background=background + styles.background, foreground=styles.color)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._blocks:
            return 0
        self.lines(width)
        return self._laid_out[2] if self._laid_out else 0

    def render(self) -> Content:
        return self.lines(self.content_size.width) if self._blocks else Content("")

    async def action_link(self, href: str) -> None:
        self.post_message(self.LinkClicked(self, href))
