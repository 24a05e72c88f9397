"""The check a save runs on the text it is about to write, done part by part so a small change costs little.

A save parses the text it writes, scans it for planted secrets and secret comments and validates it as a
workspace, strictly: the same checks as reading a file (wizard/inventory.py). At 10,000 credentials the
parse and the scans cost most of a save, yet a save usually changes one entry. The writer
(wizard/inventory_toml.py) cuts the text at the top level into parts that each parse on their own: the
plain values, each table, each element of an array of tables. Each part is parsed and scanned on its own,
and what it parses to is kept, keyed by the part's exact text and place, until the next save; then only parts whose
text is new are parsed and scanned again. The document is put together from the parts' JSON, in the order
a parse of the whole text gives (tests/unit/core/test_inventory_verify.py compares it byte for byte with
the whole parse's), and the whole workspace is validated every time (so rules across entries run).

Why a part may stand for the whole: the parse of a part's text is the same wherever that text sits; the
writer never defines a table twice, nor lets a string run across a part's end; the secret scan and the
comment scan judge one value, key or line at a time, and a part's values sit as deep as in the whole.
Whatever this cannot vouch for (a part that fails to parse or to pass a scan, a shape it does not expect,
a document that does not validate, an old schema version, an oversized text) returns None, and the caller
runs the full check, which reports the problem with its line as before.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import tomli

from wizard.inventory_scan import refuse_planted_secrets, refuse_secret_comments
from wizard.inventory_toml import Part

_lock = threading.Lock()
_checked: dict[Part, str] = {}  # part (key, array, text) -> the JSON of what it parses to (passed the scans)


class _CannotVouch(Exception):
    """This part (or the document) takes the full check."""


def _json_value(value: Any) -> str:
    """TOML dates and times as ISO text, as the full check writes them (wizard.inventory._json_value)."""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    raise TypeError(type(value).__name__)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_value, ensure_ascii=False)


def _check_part(key: str | None, array: bool, text: str, path: Path | str) -> str:
    """The JSON of what *text* parses to: the members of the top-level object for the plain part, else
    the table or the array's element; _CannotVouch when it does not parse, fails a scan or has another shape."""
    try:
        raw = tomli.loads(text)
        refuse_planted_secrets(raw, text, path)
        refuse_secret_comments(text, path)
    except Exception:  # noqa: BLE001 - whatever it is, the full check reports it with its line
        raise _CannotVouch from None
    if key is None:
        return _dumps(raw)[1:-1]
    if list(raw) != [key]:
        raise _CannotVouch
    value = raw[key]
    if array:
        if not isinstance(value, list) or len(value) != 1:
            raise _CannotVouch
        value = value[0]
    if not isinstance(value, dict):
        raise _CannotVouch
    return _dumps(value)


def document(parts: list[Part], path: Path | str, current_version: int) -> str | None:
    """The JSON document the parts' text parses to, as the full check builds it (json.dumps of the parse),
    with every part parsed and scanned (now or at an earlier save); None when the full check must run."""
    if not parts or parts[0][0] is not None:
        return None  # the writer always starts with the plain values (schema_version first)
    with _lock:
        known = dict(_checked)
    fresh: dict[Part, str] = {}
    # Each member of the top-level object: (its start, its pieces joined by ", ", its end).
    members: list[tuple[str, list[str], str]] = []
    seen: set[str] = set()
    open_array: str | None = None
    try:
        for index, part in enumerate(parts):
            key, array, text = part
            fragment = known.get(part)
            if fragment is None:
                fragment = fresh.get(part) or _check_part(key, array, text, path)
            fresh[part] = fragment
            if key is None:
                if index != 0:
                    raise _CannotVouch  # the plain values come first, once
                _refuse_other_version(fragment, current_version)
                members.append(("", [fragment], ""))
                continue
            if array and key == open_array:
                members[-1][1].append(fragment)
                continue
            if key in seen:
                raise _CannotVouch  # a table written twice, or an array of tables cut in two: never written so
            seen.add(key)
            open_array = key if array else None
            name = _dumps(key)
            members.append((f"{name}: [", [fragment], "]") if array else (f"{name}: ", [fragment], ""))
    except _CannotVouch:
        return None
    with _lock:
        _checked.clear()
        _checked.update(fresh)  # only the parts of this text: the next save reuses them
    return "{" + ", ".join(start + ", ".join(pieces) + end for start, pieces, end in members) + "}"


def _refuse_other_version(plain: str, current_version: int) -> None:
    """Only a document that starts with the current schema version is vouched for: an older one is migrated
    on reading, and the full check handles anything else."""
    if not plain.startswith('"schema_version": '):
        raise _CannotVouch
    number = plain.removeprefix('"schema_version": ').split(",", 1)[0]
    if not number.isdigit() or int(number) != current_version:
        raise _CannotVouch


def forget() -> None:
    """Drop the parts kept from the last save (tests; a first save checks every part)."""
    with _lock:
        _checked.clear()
