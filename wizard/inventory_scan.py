"""Scan an inventory's raw document before validation: refuse planted secrets, oversized or deep content."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from wizard.inventory_errors import InventoryError, dotted, line_of
from wizard.secrets.guard import find_secret_kind

# Bounds that keep a hostile or broken file from costing unbounded time or memory. 10,000 credentials
# take about 3.6 MB, so 16 MB is over four times the largest real inventory; no field of the model needs
# more than a few kilobytes (an Entra membership rule is at most 3,072 characters); the model nests 5 deep.
# The secret scan costs about a microsecond per character at worst, so a hostile file stays in seconds.
MAX_INVENTORY_BYTES = 16 * 1024 * 1024
MAX_FIELD_CHARS = 16 * 1024
MAX_DEPTH = 24


def refuse_planted_secrets(raw: Any, text: str, path: Path | str) -> None:
    """Walk every key, table name and string in the document (unknown ones too): refuse secret-shaped,
    oversized or too deeply nested content. Keys are never quoted back, since a key may be the secret."""
    checked_keys: set[str] = set()

    def refuse_string(value: str, loc: tuple[Any, ...]) -> None:
        if len(value) > MAX_FIELD_CHARS:
            raise InventoryError(
                path,
                f"a value of {len(value):,} characters is longer than any field needs "
                f"(the limit is {MAX_FIELD_CHARS:,})",
                line=line_of(text, loc),
                field=dotted(loc),
            )
        kind = find_secret_kind(value)
        if kind:
            raise InventoryError(
                path,
                f"holds what looks like {kind}; an inventory must only hold references such as env:NAME. "
                "Move the secret to a vault and replace the value with its reference",
                line=line_of(text, loc),
                field=dotted(loc),
            )

    def check(item: str, loc: tuple[Any, ...], key: Any) -> None:
        # The location is only built for a value that fails (a tuple per string costs ~10% of a load).
        if len(item) > MAX_FIELD_CHARS or (len(item) >= 8 and find_secret_kind(item)):
            refuse_string(item, (*loc, key))

    def walk(value: Any, loc: tuple[Any, ...]) -> None:
        if len(loc) > MAX_DEPTH:  # checked before recursing further, so Python's own limit is never reached
            raise InventoryError(
                path,
                f"tables or arrays are nested more than {MAX_DEPTH} levels deep",
                line=line_of(text, loc[:2]),
                field=dotted(loc[:2]),
            )
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in checked_keys:
                    if len(key) > 256 or find_secret_kind(key):
                        raise InventoryError(
                            path,
                            "a key or table name holds what looks like a secret (or is far too long); it "
                            "is not shown here. Remove it: an inventory only holds references such as env:NAME",
                            line=line_of(text, loc),
                            field=dotted(loc) or None,
                        )
                    checked_keys.add(key)
                if isinstance(item, str):
                    check(item, loc, key)
                elif isinstance(item, (dict, list)):
                    walk(item, (*loc, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    check(item, loc, i)
                elif isinstance(item, (dict, list)):
                    walk(item, (*loc, i))
        elif isinstance(value, str):
            refuse_string(value, loc)

    walk(raw, ())


def _commented_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of every line holding a '#', numbered as str.splitlines counts lines."""
    if "#" not in text:
        return []
    return [(no, line) for no, line in enumerate(text.splitlines(), 1) if "#" in line]


def secret_comment_line(text: str, commented: list[tuple[int, str]] | None = None) -> tuple[int, str] | None:
    """(line number, kind) of the first line with a comment that holds something secret-shaped, else None.

    Only lines with a '#' are looked at; values, keys and table names are checked on the parsed document.
    """
    for no, line in _commented_lines(text) if commented is None else commented:
        kind = find_secret_kind(line[line.index("#") :]) or find_secret_kind(line)
        if kind:
            return no, kind
    return None


def refuse_secret_comments(text: str, path: Path | str) -> None:
    """Refuse a comment holding something secret-shaped (or an absurdly long commented line)."""
    commented = _commented_lines(text)  # split once for both checks
    for no, line in commented:
        if len(line) > 2 * MAX_FIELD_CHARS:
            raise InventoryError(
                path,
                f"a line of {len(line):,} characters with a comment is longer than an inventory ever needs",
                line=no,
            )
    found = secret_comment_line(text, commented)
    if found:
        raise InventoryError(
            path,
            f"a comment (or the line around it) holds what looks like {found[1]}; it is not shown here. "
            "Delete it from the file (and from the .bak and your git history) and rotate the secret",
            line=found[0],
        )


def read_capped(path: Path, limit: int = MAX_INVENTORY_BYTES) -> bytes:
    """The bytes of a regular file of at most *limit* bytes; InventoryError for anything else.

    Opened without blocking and checked on the open descriptor, so a FIFO, a device such as /dev/zero, a
    folder or an oversized file is refused before a byte is read (and a swap between check and read is
    impossible).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InventoryError(
            path, "no such file (create one with `idspine demo --write` or the wizard)"
        ) from None
    except OSError as exc:
        raise InventoryError(path, f"cannot read: {(exc.strerror or 'error').lower()}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InventoryError(path, "is a folder, not an inventory file")
        if not stat.S_ISREG(info.st_mode):
            raise InventoryError(
                path, "is not a regular file (a device, pipe or socket); refusing to read it"
            )
        if info.st_size > limit:
            raise InventoryError(
                path, f"is too large to be an inventory ({info.st_size:,} bytes; the limit is {limit:,})"
            )
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, 1 << 20):
            size += len(chunk)
            if size > limit:
                raise InventoryError(path, f"is too large to be an inventory (over {limit:,} bytes)")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InventoryError(path, f"cannot read: {(exc.strerror or 'error').lower()}") from None
    finally:
        os.close(fd)
