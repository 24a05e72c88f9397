"""A DataTable for long paged lists (the inspector, the Discover review, n8n's credentials): the same table,
with column widths worked out without rendering every cell.

After rows are added, DataTable measures each new cell to widen its column: for each cell it builds console
options and asks the renderable for its measurement, about 40-60 ms for the inspector's page of 200 rows x 10
columns, paid on every page, filter and sort. The inspector's cells are Rich `Text` (outside words, through
`wizard.ui.markup.cell`) and a few markup strings (health badges). For a `Text`, Rich's measurement is the
widest of its lines in terminal cells; that is computed here from the plain text directly, and each distinct
markup string is measured once the way DataTable would. Anything else (row labels, rows of automatic height,
other cell types) goes through DataTable's own measuring.

Painting: DataTable keeps a cell's rendering per row key and forgets it when the rows change, so every page,
filter and sort renders all visible cells again (about 75 us each, 340 cells on screen). Most of the
inspector's cells repeat from one page to the next at the same place (kind, status, method, health, tenant):
their rendering is kept here by what decides it (the cell's text and style, its place, which also goes into
the segments' metadata, width, row style, cursor and hover, the table's pseudo-classes) and reused; styles
changing (a theme) forget it all.

tests/unit/ui/test_fast_table.py checks that widths, the scrollable size and the painted segments
(text, colours, metadata) come out the same as a plain DataTable's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import RowKey, default_cell_formatter


def text_width(plain: str) -> int:
    """What Rich's Text measurement gives as its maximum: the widest line in terminal cells (0 when empty)."""
    lines = plain.splitlines()
    return max(cell_len(line) for line in lines) if lines else 0


KEPT_RENDERINGS = 4096  # cells: about ten pages' worth; forgotten all at once beyond that


class FastTable(DataTable[object]):
    """DataTable with a cheaper column-width pass and renderings kept by content for rows of one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._by_content: dict[tuple[object, ...], Any] = {}

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._by_content.clear()

    def _content_key(self, row_index: int, column_index: int) -> tuple[object, ...] | None:
        """What a body cell's rendering depends on besides its place and styles, or None to leave it to
        DataTable (header, labels, fixed rows or columns, rows not one line high, other cell types)."""
        if row_index < self.fixed_rows or column_index < self.fixed_columns or column_index < 0:
            return None
        row_key = self._row_locations.get_key(row_index)
        row = self.rows.get(row_key) if row_key is not None else None
        column_key = self._column_locations.get_key(column_index)
        if row is None or row.height != 1 or row.auto_height or row.label is not None or column_key is None:
            return None
        value = self._data[row.key].get(column_key)
        if type(value) is str:
            return ("markup", value)
        if type(value) is Text and not value.spans:
            v = value
            return ("text", v.plain, v.style, v.justify, v.overflow, v.no_wrap, v.end, v.tab_size)
        return None

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Any:
        content = self._content_key(row_index, column_index)
        if content is None:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (
            content,
            row_index,
            column_index,
            base_style,
            width,
            cursor,
            hover,
            self._show_hover_cursor,
            self._pseudo_class_state,
            self.show_cursor,
            self.cursor_foreground_priority,
            self.cursor_background_priority,
            self.cell_padding,
        )
        lines = self._by_content.get(key)
        if lines is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            if len(self._by_content) >= KEPT_RENDERINGS:
                self._by_content.clear()
            self._by_content[key] = lines
        return lines

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        new = list(new_rows)
        present = [k for k in new if self._row_locations.get(k) is not None]
        rows = [self.rows[k] for k in present]
        if any(r.label is not None or r.auto_height for r in rows) or any(
            not isinstance(c, (Text, str)) for k in present for c in self._data[k].values()
        ):
            super()._update_dimensions(new)
            return
        console = self.app.console
        markup_widths: dict[str, int] = {}
        columns = self.ordered_columns
        widths = [c.content_width for c in columns]
        for key in present:
            cells = self._data[key]
            for i, column in enumerate(columns):
                value = cells.get(column.key)
                if isinstance(value, Text):
                    w = text_width(value.plain)
                else:  # a markup string (checked above): measured once, as DataTable formats it
                    w = markup_widths.get(str(value), -1)
                    if w < 0:
                        formatted = default_cell_formatter(value, wrap=False, height=1) or Text()
                        w = markup_widths[str(value)] = measure(console, formatted, 1)
                if w > widths[i]:
                    widths[i] = w
        for column, w in zip(columns, widths, strict=True):
            column.content_width = w
        data_cells_width = sum(column.get_render_width(self) for column in self.columns.values())
        header_height = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            data_cells_width + self._row_label_column_width, self._total_row_height + header_height
        )
