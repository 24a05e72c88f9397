"""wizard.safe_text: control characters made visible, markup and Markdown escaped, for any input."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tests.support.hostile import HOSTILE, raw_characters
from wizard.safe_text import (
    markdown_code,
    markdown_text,
    one_line,
    rich_markup,
    terminal_text,
    textual_markup,
)

NASTY = st.text(
    alphabet=st.sampled_from(list("ab [/]\\$@=#`*_<>&!|~\n\t\r\x1b\x07\x7f\x9b\u202e\u2066\u200f")),
    max_size=40,
)


def test_every_kind_of_terminal_control_is_made_visible() -> None:
    for char in [
        "\x1b",
        "\x07",
        "\x00",
        "\r",
        "\x7f",
        "\x9b",
        "\x85",
        "\u202e",
        "\u2066",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u061c",
        "\u2028",
        "\ud800",
    ]:
        shown = terminal_text(f"a{char}b")
        assert char not in shown and shown == f"a\\u{ord(char):04x}b"
    assert terminal_text("line\n\tindented — ünïcode ✓") == "line\n\tindented — ünïcode ✓"
    assert one_line("a\nb\tc") == "a\\u000ab\\u0009c"
    assert raw_characters(terminal_text(HOSTILE)) == []


def test_escaped_text_inside_json_keeps_its_meaning() -> None:
    data = json.dumps({"name": HOSTILE}, ensure_ascii=False)
    assert json.loads(terminal_text(data))["name"] == HOSTILE


@given(NASTY)
def test_textual_markup_shows_any_text_literally_and_keeps_our_tags(text: str) -> None:
    from textual.content import Content

    content = Content.from_markup(f"[b]{textual_markup(text)}[/b][i]x[/i]")
    assert (
        content.plain.replace("\u200b", "") == terminal_text(text).replace("\r", "") + "x"
        or content.plain.replace("\u200b", "") == terminal_text(text) + "x"
    )
    assert all(str(span.style) in ("b", "i") for span in content.spans)


@given(NASTY)
def test_rich_markup_shows_any_text_literally_and_keeps_our_tags(text: str) -> None:
    from rich.text import Text

    rendered = Text.from_markup(f"[b]{rich_markup(text)}[/b][i]x[/i]")
    if "\\[" not in text:  # Rich doubles a backslash before a [ that starts no tag: cosmetic only
        assert rendered.plain == terminal_text(text) + "x"
    assert rendered.plain.replace("\\", "") == terminal_text(text).replace("\\", "") + "x"
    assert {str(span.style) for span in rendered.spans} <= {"bold", "italic"}
    assert rendered.plain.endswith("x") and rendered.spans[-1].start == len(rendered.plain) - 1


@given(NASTY)
def test_markdown_text_and_code_render_as_the_text(text: str) -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    for source in (f"- item {markdown_text(text)} end", f"- item {markdown_code(text)} end"):
        tokens = md.parse(source)
        assert [t.type for t in tokens].count("list_item_open") == 1, source
        inline = [c.type for t in tokens for c in (t.children or [])]
        assert not {"link_open", "image", "html_inline", "em_open", "strong_open"} & set(inline), source
