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

import hashlib
import json
import threading
from collections.abc import Callable
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


# A part as the parse cache keeps it across processes: (key, array, SHA-256 of the text) -> its JSON.
StoredKey = tuple[str | None, bool, str]
# Where each part's JSON sits in the document: (key, array, SHA-256 of the text, start, end).
IndexEntry = tuple[str | None, bool, str, int, int]

_MANY = 64  # more unknown parts than this, and more than a quarter: the whole parse is cheaper


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document(
    parts: list[Part],
    path: Path | str,
    current_version: int,
    stored: Callable[[], dict[StoredKey, str]] | None = None,
) -> str | None:
    """The JSON document the parts' text parses to, as the full check builds it (json.dumps of the parse),
    with every part parsed and scanned (now, at an earlier save, or by the save that wrote the parse cache's
    entry, *stored*); None when the full check must run (also when most parts are new: then the whole
    parse is cheaper, and prime() keeps its result for the next save)."""
    if not parts or parts[0][0] is not None:
        return None  # the writer always starts with the plain values (schema_version first)
    with _lock:
        known = dict(_checked)
    fragments: list[str | None] = [known.get(part) for part in parts]
    missing = [i for i, f in enumerate(fragments) if f is None]
    if missing and stored is not None and len(missing) > _MANY:
        kept = stored()
        for i in missing:
            key, array, text = parts[i]
            fragments[i] = kept.get((key, array, text_digest(text)))
        missing = [i for i in missing if fragments[i] is None]
    if len(missing) > _MANY and len(missing) > len(parts) // 4:
        return None
    try:
        for i in missing:
            if i > 0 and parts[i] == parts[i - 1] and fragments[i - 1] is not None:
                fragments[i] = fragments[i - 1]
            else:
                fragments[i] = _check_part(*parts[i], path)
        doc, spans = _assemble(parts, fragments, current_version)
    except _CannotVouch:
        return None
    _keep(parts, fragments, spans)
    return doc


def prime(parts: list[Part], raw: dict[str, Any], current_version: int, doc: str) -> None:
    """Keep the parts of a text the full check passed, from its parse *raw*, for the next save. Each part's
    values, keys and lines are among the whole's, so they pass the scans on their own too; kept only when
    the parts put together give the full check's document *doc* exactly."""
    try:
        fragments: list[str | None] = []
        counters: dict[str, int] = {}
        for key, array, text in parts:
            if key is None:
                fragments.append(_check_part(key, array, text, "<primed>"))
                continue
            value = raw[key]
            if array:
                value = value[counters.setdefault(key, 0)]
                counters[key] += 1
            fragments.append(_dumps(value))
        assembled, spans = _assemble(parts, fragments, current_version)
    except (_CannotVouch, KeyError, IndexError, TypeError, ValueError):
        return
    if assembled == doc:
        _keep(parts, fragments, spans)


def _keep(parts: list[Part], fragments: list[str | None], spans: list[tuple[int, int]]) -> None:
    global _last  # noqa: PLW0603 - the text the parse cache's index describes
    with _lock:
        _checked.clear()
        _checked.update(zip(parts, fragments, strict=True))  # type: ignore[arg-type]
        _last = (parts, spans)


_last: tuple[list[Part], list[tuple[int, int]]] | None = None


_digests: dict[Part, str] = {}  # part -> SHA-256 of its text, from the last index (most parts stay)


def index() -> list[IndexEntry]:
    """Where each part of the last checked text sits in its document, for the parse cache to keep."""
    global _digests  # noqa: PLW0603
    with _lock:
        last = _last
        known = _digests
    if last is None:
        return []
    parts, spans = last
    digests = {part: known.get(part) or text_digest(part[2]) for part in parts}
    with _lock:
        _digests = digests
    return [
        (key, array, digests[(key, array, text)], *span)
        for (key, array, text), span in zip(parts, spans, strict=True)
    ]


def _assemble(
    parts: list[Part], fragments: list[str | None], current_version: int
) -> tuple[str, list[tuple[int, int]]]:
    """The top-level JSON object from the parts' JSON, in the order of the text, and where each part's JSON
    sits in it; _CannotVouch for a shape the writer never makes (a table twice, an array of tables cut in
    two, plain values not first)."""
    # Each member of the top-level object: (its start, the parts whose JSON it joins with ", ", its end).
    members: list[tuple[str, list[int], str]] = []
    seen: set[str] = set()
    open_array: str | None = None
    for i, (key, array, _) in enumerate(parts):
        if key is None:
            if i != 0:
                raise _CannotVouch  # the plain values come first, once
            _refuse_other_version(fragments[0] or "", current_version)
            members.append(("", [i], ""))
            continue
        if array and key == open_array:
            members[-1][1].append(i)
            continue
        if key in seen:
            raise _CannotVouch  # a table written twice, or an array of tables cut in two: never written so
        seen.add(key)
        open_array = key if array else None
        name = _dumps(key)
        members.append((f"{name}: [", [i], "]") if array else (f"{name}: ", [i], ""))
    out = ["{"]
    pos = 1
    spans: list[tuple[int, int]] = [(0, 0)] * len(parts)
    for m, (start, indices, end) in enumerate(members):
        if m:
            out.append(", ")
            pos += 2
        out.append(start)
        pos += len(start)
        for k, i in enumerate(indices):
            if k:
                out.append(", ")
                pos += 2
            fragment = fragments[i]
            assert fragment is not None
            out.append(fragment)
            spans[i] = (pos, pos + len(fragment))
            pos += len(fragment)
        out.append(end)
        pos += len(end)
    out.append("}")
    return "".join(out), spans


def _refuse_other_version(plain: str, current_version: int) -> None:
    """Only a document that starts with the current schema version is vouched for: an older one is migrated
    on reading, and the full check handles anything else."""
    if not plain.startswith('"schema_version": '):
        raise _CannotVouch
    number = plain.removeprefix('"schema_version": ').split(",", 1)[0]
    if not number.isdigit() or int(number) != current_version:
        raise _CannotVouch


def forget() -> None:
    """Drop the parts kept from the last save (tests; the bench's first save of a process)."""
    global _last  # noqa: PLW0603
    with _lock:
        _checked.clear()
        _last = None
