"""Pages of a long list shown in a table: a table holds one page, so 20,000 rows cost what 200 do."""

from __future__ import annotations

from dataclasses import dataclass

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
