"""Inventory errors and where they sit: the error type, a location's dotted name and its line in the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class InventoryError(Exception):
    """The inventory could not be read or written. The message says where and why, never a secret."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None, field: str | None = None):
        self.path = Path(path)
        self.reason = reason
        self.line = line
        self.field = field
        where = str(self.path)
        if line is not None:
            where += f":{line}"
        if field:
            where += f" ({field})"
        super().__init__(f"{where}: {reason}")


def dotted(loc: tuple[Any, ...]) -> str:
    """A location such as ('credentials', 3, 'expires') as credentials[3].expires; odd keys shown as <key>."""
    out = ""
    for part in loc:
        if not isinstance(part, int) and not _SAFE_KEY.match(str(part)):
            part = "<key>"  # never quote a key that could be anything (a pasted secret, control characters)
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_from_message(message: str) -> int | None:
    """The line number a parser's message names ('at line N'), if any."""
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


_HEADER_RE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+?)\s*\]\]?\s*(#.*)?$")


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best-effort line number for a location such as ('credentials', 3, 'expires')."""
    lines = text.splitlines()
    headers = [(no, m.group(1)) for no, line in enumerate(lines) if (m := _HEADER_RE.match(line))]
    table: list[str] = []
    index: int | None = None
    rest: list[Any] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            index, rest = part, list(loc[i + 1 :])
            break
        table.append(str(part))
    # Longest table prefix that has a header; the remainder are keys inside it.
    for k in range(len(table), 0, -1):
        name = ".".join(table[:k])
        matches = [no for no, h in headers if h == name]
        if not matches:
            continue
        pick = index if (k == len(table) and index is not None) else 0
        if pick >= len(matches):
            return None
        start = matches[pick]
        keys = table[k:] + [p for p in rest if not isinstance(p, int)]
        if not keys:
            return start + 1
        end = next((no for no, h in headers if no > start and not h.startswith(name + ".")), len(lines))
        for no in range(start + 1, end):
            line = lines[no]
            if re.match(rf"^\s*\"?{re.escape(keys[0])}\"?\s*=", line) or (
                (m := _HEADER_RE.match(line)) and m.group(1) == f"{name}.{keys[0]}"
            ):
                return no + 1
        return start + 1
    if table:
        for no, line in enumerate(lines):
            if re.match(rf"^\s*\"?{re.escape(table[0])}\"?\s*=", line):
                return no + 1
    return None
