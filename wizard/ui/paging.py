"""Pages of a long list shown in a table: a table holds one page, so 20,000 rows cost what 200 do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from textual.screen import Screen

PAGE = 200  # rows in a table at once


@dataclass
class Pages:
    """Which page of `total` rows is shown; every index and bound kept inside the list."""

    total: int = 0
    page: int = 0
    size: int = PAGE

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        return self.page * self.size

    def show(self, total: int, page: int = 0) -> None:
        """A new list of `total` rows, on `page` (the last one when it no longer exists)."""
        self.total = total
        self.page = min(max(0, page), self.count - 1)

    def move(self, delta: int) -> bool:
        """Go `delta` pages on, within the list; True when the page changed."""
        page = min(self.count - 1, max(0, self.page + delta))
        changed, self.page = page != self.page, page
        return changed

    def index(self, row: int) -> int:
        """The list index of a row of the table, -1 when outside the list."""
        index = self.start + row
        return index if 0 <= row < self.size and index < self.total else -1

    def caption(self) -> str:
        """'rows 201-400 of 1,500 · page 2/8 · ] next, [ previous', or '' for a single page."""
        if self.count == 1:
            return ""
        last = min(self.start + self.size, self.total)
        return f"rows {self.start + 1:,}-{last:,} of {self.total:,} · page {self.page + 1}/{self.count} · ] next, [ previous"


class PagedScreen:
    """What a screen with one paged table shares: ] and [ move (bound by the screen), the keys show in the
    footer only when there is more than one page, and the table's box says which page it shows.

    The screen sets `pages`, implements `show_page()` (fill the table with the current page) and calls
    `paged(box)` at its end.
    """

    pages: Pages

    def show_page(self) -> None:
        raise NotImplementedError

    def paged(self, box: Any) -> None:
        """After the table is filled: the box's subtitle names the page, the footer follows."""
        box.border_subtitle = self.pages.caption()
        cast("Screen[Any]", self).refresh_bindings()  # the mixin sits on a Screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Paging keys show in the footer only when there is more than one page (False hides them)."""
        return self.pages.count > 1 if action == "page" else True

    def action_page(self, delta: int) -> None:
        """Next or previous page."""
        if self.pages.move(delta):
            self.show_page()
