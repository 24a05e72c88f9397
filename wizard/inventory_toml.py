"""Writing the inventory's TOML about five times faster than tomli-w, in exactly its layout.

tomli-w looks at every character of every string in Python and yields many small pieces; at 10,000
credentials that is most of a save. This writer makes the same choices (plain values first, then tables;
an array of tables inline only when every entry fits on a line of 100; arrays one item per line, indented
by four; basic strings with the same escapes) and checks strings with one regular expression. A test
compares its output with tomli-w's byte for byte on the demo, a scaled inventory and hostile text; a value
of a type it does not know makes it hand the whole document to tomli-w.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import tomli_w

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_NEEDS_ESCAPE = re.compile(r'[\x00-\x08\x0a-\x1f\x7f"\\]')
_SHORT = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_INDENT = "    "
_LINE = 100


class _Unknown(Exception):
    """A value this writer does not format: tomli-w writes the document instead."""


# A part of the text at the top level: (None, False, the plain values), (key, False, a table with its
# subtables) or (key, True, one element of an array of tables). The parts joined are the text.
Part = tuple[str | None, bool, str]


def dumps(doc: dict[str, Any]) -> str:
    """The TOML text of a document of dicts, lists, strings, booleans, numbers and dates."""
    parts = dumps_parts(doc)
    if parts is None:
        return tomli_w.dumps(doc, multiline_strings=False)
    return "".join(text for _, _, text in parts)


def dumps_parts(doc: dict[str, Any]) -> list[Part] | None:
    """dumps(doc) cut at the top level into parts that each parse on their own (wizard/inventory_verify.py
    checks only the parts it has not checked before); None when tomli-w writes the document."""
    try:
        plain, tables = _split(doc)
        out = [f"{_key(key)} = {_value(value, 0)}\n" for key, value in plain]
        parts: list[Part] = [(None, False, "".join(out))]
        started = bool(plain)
        for key, value, array in tables:
            out = ["\n"] if started else []
            started = True
            _table(value, _key(key), array, out)
            parts.append((key, array, "".join(out)))
    except _Unknown:
        return None
    return parts


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT.get(char) or f"\\u{ord(char):04x}"


def _string(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


_BARE_KEYS: dict[str, str] = {}  # keys seen written bare (an inventory has a few dozen names, repeated)


def _key(key: Any) -> str:
    if key in _BARE_KEYS:
        return key  # type: ignore[no-any-return]
    if not isinstance(key, str):
        raise _Unknown
    if _BARE_KEY.fullmatch(key):
        if len(_BARE_KEYS) < 4096:
            _BARE_KEYS[key] = key
        return key
    return _string(key)


def _value(value: Any, nest: int) -> str:
    kind = type(value)
    if kind is str:
        return f'"{value}"' if _NEEDS_ESCAPE.search(value) is None else _string(value)
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, dt.date)):  # dt.datetime is a dt.date
        return str(value)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = _INDENT * (nest + 1)
        items = ",\n".join(inner + _value(item, nest + 1) for item in value)
        return f"[\n{items},\n{_INDENT * nest}]"
    if isinstance(value, dict):
        return _inline(value)
    raise _Unknown  # times, decimals, anything else: tomli-w's rules


def _inline(table: dict[str, Any]) -> str:
    if not table:
        return "{}"
    return "{ " + ", ".join(f"{_key(k)} = {_value(v, 0)}" for k, v in table.items()) + " }"


def _fits_inline(table: dict[str, Any]) -> bool:
    shown = f"{_INDENT}{_inline(table)},"
    return len(shown) <= _LINE and "\n" not in shown


def _split(table: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[tuple[str, dict[str, Any], bool]]]:
    """The plain values of a table, and its tables (and elements of arrays of tables), as tomli-w orders them."""
    plain: list[tuple[str, Any]] = []
    tables: list[tuple[str, dict[str, Any], bool]] = []
    for key, value in table.items():
        kind = type(value)
        if kind is str or kind is bool or kind is int:
            plain.append((key, value))
        elif isinstance(value, dict):
            tables.append((key, value, False))
        elif (
            isinstance(value, (list, tuple))
            and value
            and all(isinstance(v, dict) for v in value)
            and not all(_fits_inline(v) for v in value)
        ):
            tables.extend((key, v, True) for v in value)
        else:
            plain.append((key, value))
    return plain, tables


def _table(table: dict[str, Any], name: str, in_array: bool, out: list[str]) -> None:
    # _split and the plain values' lines in one pass, with strings and lists of strings (most of an
    # inventory) written inline: the same text as _value gives them.
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any], bool]] = []
    for key, value in table.items():
        kind = type(value)
        if kind is str:
            shown = f'"{value}"' if _NEEDS_ESCAPE.search(value) is None else _string(value)
        elif kind is list and value and all(type(item) is str for item in value):
            items = ",\n".join(
                f'{_INDENT}"{item}"' if _NEEDS_ESCAPE.search(item) is None else _INDENT + _string(item)
                for item in value
            )
            shown = f"[\n{items},\n]"
        elif kind is bool or kind is int:
            shown = _value(value, 0)
        elif isinstance(value, dict):
            tables.append((key, value, False))
            continue
        elif (
            isinstance(value, (list, tuple))
            and value
            and all(isinstance(v, dict) for v in value)
            and not all(_fits_inline(v) for v in value)
        ):
            tables.extend((key, v, True) for v in value)
            continue
        else:
            shown = _value(value, 0)
        lines.append(f"{_BARE_KEYS.get(key) or _key(key)} = {shown}\n")
    started = False
    if in_array or (name and (lines or not tables)):
        out.append(f"[[{name}]]\n" if in_array else f"[{name}]\n")
        started = True
    if lines:
        out.extend(lines)
        started = True
    for key, value, array in tables:
        if started:
            out.append("\n")
        started = True
        _table(value, f"{name}.{_key(key)}" if name else _key(key), array, out)
