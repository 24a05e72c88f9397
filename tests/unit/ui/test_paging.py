"""Pages of a long list: bounds, moves, indexes and the caption, checked against a plain slice of the list."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wizard.ui.paging import PAGE, Pages


def test_a_short_list_is_one_page_without_caption() -> None:
    pages = Pages()
    pages.show(0)
    assert (pages.count, pages.page, pages.caption()) == (1, 0, "")
    pages.show(PAGE)
    assert pages.count == 1 and not pages.move(1) and pages.index(PAGE - 1) == PAGE - 1


def test_caption_and_moves() -> None:
    pages = Pages()
    pages.show(1500)
    assert pages.move(1) and pages.caption() == "rows 201-400 of 1,500 · page 2/8 · ] next, [ previous"
    assert not pages.move(-5) or pages.page == 0
    assert pages.page == 0 and not pages.move(-1)
    pages.show(1500, page=99)  # a page that no longer exists: the last one
    assert pages.page == 7 and pages.caption().startswith("rows 1,401-1,500 of 1,500 · page 8/8")


@given(total=st.integers(0, 5000), page=st.integers(-3, 40), moves=st.lists(st.integers(-3, 3), max_size=6))
def test_indexes_match_a_slice_of_the_list(total: int, page: int, moves: list[int]) -> None:
    rows = list(range(total))
    pages = Pages(size=97)
    pages.show(total, page)
    for delta in moves:
        pages.move(delta)
    shown = rows[pages.start : pages.start + pages.size]
    assert 0 <= pages.page < pages.count
    assert [rows[pages.index(r)] for r in range(len(shown))] == shown
    assert pages.index(len(shown)) == -1 and pages.index(-1) == -1
    assert (total == 0) == (not shown)
