"""Status text that mixes our markup with outside words (provider errors, names) and can never crash a screen."""

from __future__ import annotations

from textual.content import Content
from textual.markup import MarkupError


def safe_content(text: str) -> Content:
    """`text` as Textual markup, or as plain text when outside words make the markup invalid."""
    try:
        return Content.from_markup(text)
    except MarkupError:
        return Content(text)
