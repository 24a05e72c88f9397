"""Outside words (names, notes, provider messages) on screen: never read as markup, never acting on the terminal.

Three ways in, all through `wizard.safe_text`:
- `safe_content(template, **values)`: our markup with outside values as `$name` variables, substituted after
  the markup is parsed, so a value like `[link=...]` or `[@click=app.quit]` is shown as typed;
- `esc(value)` for a value inside an f-string of Textual markup (every `[` escaped, controls made visible);
- `plain(value)` for a whole outside text, and `cell(value)` for a DataTable cell (a Rich Text, since
  DataTable reads plain strings as Rich markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.markup import MarkupError

from wizard.safe_text import terminal_text, textual_markup

if TYPE_CHECKING:
    from rich.text import Text


def safe_content(template: str, **values: object) -> Content:
    """Our Textual markup `template` with outside `values` put in as plain text (`$name` in the template)."""
    cleaned = {k: terminal_text("" if v is None else v) for k, v in values.items()}
    try:
        return Content.from_markup(template, **cleaned)
    except MarkupError:  # a mistake in our own template: still show it, plainly
        return plain(template)


def esc(value: object) -> str:
    """An outside value for an f-string of Textual markup."""
    return textual_markup("" if value is None else value)


def plain(value: object) -> Content:
    """Outside text shown as it is: no markup, control characters made visible."""
    return Content(terminal_text("" if value is None else value))


def cell(value: object, style: str = "") -> Text:
    """Outside text for a DataTable cell."""
    from rich.text import Text

    return Text(terminal_text("" if value is None else value), style=style, end="")
