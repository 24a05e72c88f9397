"""The inspector's DataTable: the same table, with column widths worked out without rendering every cell.

After rows are added, DataTable measures each new cell to widen its column: for each cell it builds console
options and asks the renderable for its measurement, about 40-60 ms for the inspector's page of 200 rows x 10
columns, paid on every page, filter and sort. The inspector's cells are Rich `Text` (outside words, through
`wizard.ui.markup.cell`) and a few markup strings (health badges). For a `Text`, Rich's measurement is the
widest of its lines in terminal cells; that is computed here from the plain text directly, and each distinct
markup string is measured once the way DataTable would. Anything else (row labels, rows of automatic height,
other cell types) goes through DataTable's own measuring. tests/unit/ui/test_inspector_table.py checks that
widths and the scrollable size come out the same as a plain DataTable's.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Size
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import RowKey, default_cell_formatter


def text_width(plain: str) -> int:
    """What Rich's Text measurement gives as its maximum: the widest line in terminal cells (0 when empty)."""
    lines = plain.splitlines()
    return max(cell_len(line) for line in lines) if lines else 0


class InspectorTable(DataTable[object]):
    """DataTable with a cheaper column-width pass for rows of one line made of Text and strings."""

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
