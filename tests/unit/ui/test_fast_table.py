"""The inspector's table works out column widths without rendering each cell (issue 18); the widths, the
scrollable size and the painted lines must be a plain DataTable's, whatever the text (wide characters, line
breaks, markup-looking text, empty cells, badges)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from wizard.ui.markup import cell
from wizard.ui.widgets.fast_table import FastTable, text_width

WORDS = [
    "",
    "plain",
    "漢字の名前",
    "emoji 🔑 key",
    "two\nlines here",
    "[bold]not markup[/]",
    "tab\there",
    "x" * 40,
]
BADGES = ["[bold #ff0000]error[/]", "[#ffaa00]warning[/]", "ok"]


def page(n: int, shift: int = 0) -> list[list[object]]:
    """Column j holds WORDS[j + shift] on every row (so each text sets a width of its own), then a badge."""
    return [
        [*(cell(WORDS[(j + shift) % len(WORDS)]) for j in range(len(WORDS))), BADGES[(i + shift) % 3]]
        for i in range(n)
    ]


class Pair(App[None]):
    """A plain DataTable and the inspector's, side by side, neither focused (focus changes the styles)."""

    AUTO_FOCUS = None

    def compose(self) -> ComposeResult:
        yield DataTable(id="plain")
        yield FastTable(id="fast")


def shape(table: DataTable[object]) -> tuple[list[int], object, list[object]]:
    """Column widths, scrollable size, and each painted line's segments with their styles (colours, meta)."""
    lines = [
        [(seg.text, seg.style) for seg in table.render_line(y)] for y in range(min(table.size.height, 12))
    ]
    return [c.content_width for c in table.ordered_columns], table.virtual_size, lines


async def test_widths_size_and_lines_match_a_plain_data_table() -> None:
    app = Pair()
    async with app.run_test(size=(200, 30)) as pilot:
        tables = [app.query_one("#plain", DataTable), app.query_one("#fast", FastTable)]
        for t in tables:
            t.add_columns(*"abcdefghi")
        for batch in (page(30), page(7, shift=3), []):  # widths only grow, as DataTable's do across clear()
            for t in tables:
                t.clear()
                for i, row in enumerate(batch):
                    t.add_row(*row, key=str(i))
            await pilot.pause()
            await pilot.pause()
            assert shape(tables[0]) == shape(tables[1])
        assert tables[1].ordered_columns[1].content_width > 5  # the texts above did widen it


async def test_rows_it_does_not_know_go_through_data_table() -> None:
    app = Pair()
    async with app.run_test(size=(200, 30)) as pilot:
        tables = [app.query_one("#plain", DataTable), app.query_one("#fast", FastTable)]
        for t in tables:
            t.add_columns("a", "b")
            t.add_row(cell("x"), 12345.678, key="number")  # not Text or str
            t.add_row(cell("short"), key="missing")  # a missing cell
            t.add_row(cell("a\nb\nc"), "tall", key="auto", height=None)
            t.add_row("labelled", "row", key="label", label="a label")
        await pilot.pause()
        await pilot.pause()
        assert shape(tables[0]) == shape(tables[1])


def test_text_width_is_rich_measurement() -> None:
    from rich.console import Console

    console = Console(width=200)
    for word in WORDS:
        assert text_width(cell(word).plain) == cell(word).__rich_measure__(console, console.options).maximum


async def test_renderings_kept_by_content_paint_what_data_table_paints() -> None:
    """Pages whose cells repeat at the same places (the kept renderings are reused), the cursor moving, focus
    and a theme change: every painted segment as a plain DataTable paints it."""
    app = Pair()
    async with app.run_test(size=(200, 30)) as pilot:
        tables = [app.query_one("#plain", DataTable), app.query_one("#fast", FastTable)]
        for t in tables:
            t.add_columns(*"abcdefghi")
            t.cursor_type = "row"
            t.zebra_stripes = True

        async def fill(batch: list[list[object]]) -> None:
            for t in tables:
                t.clear()
                for i, row in enumerate(batch):
                    t.add_row(*row, key=str(i))
            await pilot.pause()
            await pilot.pause()
            assert shape(tables[0]) == shape(tables[1])

        await fill(page(20))
        await fill(page(20)[::-1])
        assert tables[1]._by_content  # kept
        for t in tables:
            t.move_cursor(row=3)
        await pilot.pause()
        assert shape(tables[0]) == shape(tables[1])
        await fill(page(20, shift=1))
        focused = []
        for t in tables:  # one at a time: focus changes the cursor's and header's styles
            t.focus()
            await pilot.pause()
            await pilot.pause()
            focused.append(shape(t))
        assert focused[0] == focused[1]
        app.set_focus(None)
        app.theme = "textual-light"
        await pilot.pause()
        await pilot.pause()
        assert shape(tables[0]) == shape(tables[1])
        await fill(page(20, shift=1))
