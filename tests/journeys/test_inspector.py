"""Pilot tests of the inventory inspector: sorting, paging, keyboard paths, and typing at 10,000 rows."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from tests.support.journeys import demo_app, open_with, settle
from wizard.demo import DEMO_TODAY, scaled_workspace
from wizard.inventory import save
from wizard.ui.app import IdspineApp
from wizard.ui.screens.inspector import PAGE


def names(table: DataTable) -> list[str]:
    return [str(k.value) for k in table.rows]


async def test_header_click_sorts_and_a_second_click_reverses() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        screen, table = app.screen, app.screen.query_one(DataTable)
        screen.post_message(DataTable.HeaderSelected(table, table.columns["name"].key, 2, None))  # type: ignore[arg-type]
        await settle(pilot)
        first = [r.name for r in screen.matches]
        assert first == sorted(first, key=str.lower)
        screen.post_message(DataTable.HeaderSelected(table, table.columns["name"].key, 2, None))  # type: ignore[arg-type]
        await settle(pilot)
        assert [r.name for r in screen.matches] == first[::-1]
        assert "↑" in str(screen.query_one("#page-status").render())


async def test_enter_in_filter_moves_to_table_and_enter_on_a_row_explains_its_worst_finding() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        screen = app.screen
        screen.query_one("#filter", Input).focus()
        await pilot.press(*"acme-openai", "enter")
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert app.focused is table and names(table) == ["credential:acme-openai"]
        assert "Fix:" in str(screen.query_one("#detail").render())
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExplainersScreen"
        assert app.screen.history[-1] == screen.findings["credential:acme-openai"][0].explainer


async def test_pages_through_matches(tmp_path: Path) -> None:
    path = tmp_path / "idspine.toml"
    save(scaled_workspace(500, DEMO_TODAY), path, expected_digest=None)
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        screen = app.screen
        screen.set_focus(screen.query_one(DataTable))
        table = screen.query_one(DataTable)
        first_page = names(table)
        assert len(first_page) == PAGE
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert names(table)[0] == screen.matches[PAGE].subject and "page 2/" in str(
            screen.query_one("#page-status").render()
        )
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert names(table) == first_page


async def test_typing_a_filter_at_ten_thousand_rows(tmp_path: Path) -> None:
    """Real keystrokes into the filter at 10k credentials: each refilters after the debounce, not per key."""
    path = tmp_path / "idspine.toml"
    save(scaled_workspace(10_000, DEMO_TODAY), path, expected_digest=None)
    app = IdspineApp(path, today=DEMO_TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        while type(app.screen).__name__ != "InspectorScreen" or not app.screen.query_one(DataTable).row_count:
            await pilot.pause(0.005)
        screen = app.screen
        screen.query_one("#filter", Input).focus()
        calls = 0
        original = screen.apply_filter

        def counting() -> None:
            nonlocal calls
            calls += 1
            original()

        screen.apply_filter = counting  # type: ignore[method-assign]
        await pilot.press(*"client-0007")  # eleven keys typed quickly: one filter pass after the pause
        while screen.query_one(DataTable).row_count == PAGE:
            await pilot.pause(0.005)
        rows = names(screen.query_one(DataTable))
        assert screen.matches and all("client-0007" in r.haystack for r in screen.matches)
        await pilot.press("backspace")  # one more keystroke: client-000 matches client-0000 … client-0009
        while names(screen.query_one(DataTable)) == rows:
            await pilot.pause(0.005)
        assert len(screen.matches) > len(rows)
        assert (
            calls <= 6
        )  # debounced: far fewer passes than the twelve keys (timing varies on a busy machine)
        # How long each of these takes is a benchmark figure, not a test: `python -m bench --only inspector`.


async def test_slash_focuses_the_filter_without_typing_a_slash() -> None:
    """`/` (the footer's Filter key) moves to the filter from wherever the inspector opens; nothing is typed."""
    app = demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        screen = app.screen
        box = screen.query_one("#filter", Input)
        await pilot.press("slash")
        await settle(pilot)
        assert app.focused is box and box.value == ""
        await pilot.press(*"acme", "enter")  # to the table, then back with /
        await settle(pilot)
        assert app.focused is screen.query_one(DataTable)
        await pilot.press("slash")
        await settle(pilot)
        assert app.focused is box and box.value == "acme"
