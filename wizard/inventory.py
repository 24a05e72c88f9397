"""Read and write the inventory file (idspine.toml): stable, atomic, never over a damaged or changed file."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import os
import re
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli as toml_reader  # a dependency: the compiled build of the parser tomllib is made from, ~2x faster
from pydantic import ValidationError

from wizard import inventory_cache, inventory_toml, inventory_verify
from wizard.files import link_target, write_bytes_atomic
from wizard.inventory_errors import InventoryError, dotted, line_from_message, line_of
from wizard.inventory_scan import (
    MAX_FIELD_CHARS,
    MAX_INVENTORY_BYTES,
    read_capped,
    refuse_planted_secrets,
    refuse_secret_comments,
    secret_comment_line,
)
from wizard.model import SCHEMA_VERSION, Workspace
from wizard.secrets.resolver import note_inventory

__all__ = [
    "HEADER",
    "MAX_FIELD_CHARS",
    "MAX_INVENTORY_BYTES",
    "InventoryError",
    "Loaded",
    "digest_of",
    "dumps",
    "file_lock",
    "load",
    "load_with_digest",
    "migrate",
    "parse",
    "read_capped",
    "save",
]

HEADER = (
    "# idspine credential inventory. It lists identities and credentials and where their secrets live;\n"
    "# it never holds a secret value. Edit with care or through `idspine`.\n"
)


@dataclass
class Loaded:
    """A workspace with the digest of the bytes it came from (used to refuse overwriting a changed file)."""

    workspace: Workspace
    digest: str | None
    migrated_from: int | None = None  # the file's older schema version, brought up to date in memory

    @property
    def migration_note(self) -> str | None:
        """What loading changed in memory, in words for the user; None when the file was already current."""
        if self.migrated_from is None:
            return None
        return f"migrated from schema {self.migrated_from} in memory; saving writes schema {SCHEMA_VERSION}"


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Digests of texts this process saw pass every check of parse() (comments included) under its rules: a save
# over such a file need not scan its comments again before copying it to .bak. Bounded: the last few.
_passed: dict[str, None] = {}
_passed_lock = threading.Lock()


def _note_passed(digest: str) -> None:
    with _passed_lock:
        _passed[digest] = None
        while len(_passed) > 16:
            del _passed[next(iter(_passed))]


# ---------------------------------------------------------------- reading


def load(path: Path | str) -> Workspace:
    """Read and validate an inventory file; raise InventoryError with file, line and reason."""
    return load_with_digest(path).workspace


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a load or a save builds or walks ~100,000 objects: each of its
    full passes walks every object the app holds, which at 10,000 credentials was a third of a save. A
    load or save makes no reference cycles to collect; the collector runs again afterwards (unless the
    caller had turned it off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def load_with_digest(path: Path | str) -> Loaded:
    path = Path(path)
    with collector_paused():
        loaded = Loaded(*parse_cached(read_capped(path), path))
    note_inventory(path)  # file: secrets beside this inventory may now be read
    return loaded


def parse_cached(data: bytes, path: Path) -> tuple[Workspace, str, int | None]:
    """parse() of the bytes of the file at *path*, through the parse cache (wizard/inventory_cache.py).

    A hit skips decoding, the TOML parse and the raw-document scans, which these very bytes passed under
    the same rules, and validates the cached document strictly as parse() does; a miss, or a cached
    document that does not validate, takes the full path and caches its result.
    """
    digest = digest_of(data)
    hit = inventory_cache.lookup(path, digest)
    if hit is not None:
        with contextlib.suppress(ValidationError, ValueError, RecursionError):
            ws = Workspace.model_validate_json(hit[0], strict=True)
            _note_passed(digest)  # these bytes passed parse() under these rules (the cache's key)
            return ws, digest, hit[1]
    ws, digest, migrated, doc, _ = _parse(data, path)
    inventory_cache.store(path, digest, doc.encode("utf-8"), migrated)
    return ws, digest, migrated


def parse(data: bytes, path: Path | str = "<inventory>") -> tuple[Workspace, str, int | None]:
    """Parse bytes of an inventory; returns (workspace, digest, version migrated from or None)."""
    return _parse(data, path)[:3]


def _parse(data: bytes, path: Path | str) -> tuple[Workspace, str, int | None, str, dict[str, Any]]:
    """parse(), the scanned, migrated JSON document it validated and the parsed TOML."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InventoryError(path, f"not UTF-8 text (byte {exc.start})") from None
    if len(data) > MAX_INVENTORY_BYTES:
        raise InventoryError(path, f"is too large to be an inventory ({len(data):,} bytes)")
    try:
        raw = toml_reader.loads(text)
    except toml_reader.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or line_from_message(str(exc))
        reason = getattr(exc, "msg", None) or re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise InventoryError(path, f"not valid TOML: {reason}", line=line) from None
    except RecursionError:
        raise InventoryError(path, "not valid TOML: arrays, tables or keys are nested too deeply") from None
    refuse_planted_secrets(raw, text, path)
    refuse_secret_comments(text, path)
    raw, migrated = migrate(raw)
    try:
        # Strict: TOML has real booleans, integers and dates, so `admin = "yes"` or `schema_version = "1"`
        # is an error rather than silently coerced. Going through JSON keeps enum values and ISO dates valid
        # in strict mode.
        doc = json.dumps(raw, default=_json_value, ensure_ascii=False)
        ws = Workspace.model_validate_json(doc, strict=True)
    except ValidationError as exc:
        err = exc.errors(include_input=False, include_url=False)[0]
        loc = tuple(err["loc"])
        field = dotted(loc)
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise InventoryError(path, f"{err['msg']}{more}", line=line_of(text, loc), field=field) from None
    except RecursionError:
        raise InventoryError(path, "tables are nested too deeply") from None
    digest = digest_of(data)
    _note_passed(digest)
    return ws, digest, migrated, doc, raw


def _json_value(value: Any) -> str:
    """TOML dates and times as ISO text for strict JSON validation."""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    raise TypeError(type(value).__name__)


def migrate(raw: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """Bring an older document up to SCHEMA_VERSION in memory; returns (doc, old version or None)."""
    version = raw.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and version < SCHEMA_VERSION:
        raw = dict(raw, schema_version=SCHEMA_VERSION)  # no older versions exist yet
        return raw, version
    return raw, None


# ---------------------------------------------------------------- writing


def dumps(ws: Workspace) -> str:
    """The TOML text of a workspace: model field order, defaults omitted, so diffs stay small."""
    return _dump(ws)[0]


def _dump(ws: Workspace) -> tuple[str, list[inventory_toml.Part] | None]:
    """dumps(ws), and the same text in the parts the save's check takes one by one (None: not cut)."""
    doc = ws.model_dump(mode="python", exclude_defaults=True)
    doc["schema_version"] = ws.schema_version
    ordered = {"schema_version": doc.pop("schema_version")}
    ordered.update(doc)
    parts = inventory_toml.dumps_parts(ordered)  # tomli-w's layout, faster (wizard/inventory_toml.py)
    if parts is None:
        return HEADER + inventory_toml.dumps(ordered), None
    key, array, text = parts[0]
    parts[0] = (key, array, HEADER + text)
    return "".join(text for _, _, text in parts), parts


def _check_written(
    data: bytes, parts: list[inventory_toml.Part] | None, path: Path
) -> tuple[str, int | None, str]:
    """What parse() checks, on the bytes a save writes: (digest, migrated from, JSON document). Parts
    checked at an earlier save are not parsed again (wizard/inventory_verify.py); the whole workspace is
    validated every time. Anything the part-wise check cannot vouch for takes parse()'s full path."""
    if parts is not None and len(data) <= MAX_INVENTORY_BYTES:
        stored = functools.partial(inventory_cache.stored_parts, link_target(path))
        doc = inventory_verify.document(parts, path, SCHEMA_VERSION, stored)
        if doc is not None:
            with contextlib.suppress(ValidationError, RecursionError):
                Workspace.model_validate_json(doc, strict=True)
                digest = digest_of(data)
                _note_passed(digest)  # every line was scanned, in its part
                return digest, None, doc
    _, digest, migrated, doc, raw = _parse(data, path)
    if parts is not None and migrated is None:
        inventory_verify.prime(parts, raw, SCHEMA_VERSION, doc)  # the next save re-checks changed parts only
    return digest, migrated, doc


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock beside the file, so two idspine processes never write at once."""
    import fcntl

    lock_path = path.with_name(f".{path.name}.lock")
    try:
        # O_NOFOLLOW: a planted symlink at the lock's name must not make idspine create a file elsewhere.
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        raise InventoryError(
            path,
            f"could not save: cannot create the lock file beside it ({_reason(exc)}); the file is unchanged",
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def save(ws: Workspace, path: Path | str, expected_digest: str | None | bool = True) -> str:
    """Write *ws* atomically to *path*, keeping the previous file as PATH.bak. Returns the new digest.

    expected_digest: the digest of the file as it was loaded (refuse if the file changed since),
    None (the file must not exist yet), or True (no check, but never overwrite a damaged file).
    When *path* is a symbolic link, its target is written (and its .bak and lock sit beside the target);
    a file or folder marked read-only is never replaced.
    """
    with collector_paused():
        return _save(ws, Path(path), expected_digest)


def _save(ws: Workspace, path: Path, expected_digest: str | None | bool) -> str:
    text, parts = _dump(ws)
    data = text.encode("utf-8")
    # Defence in depth: the model refuses secrets already; the written bytes are checked again.
    digest, migrated, doc = _check_written(data, parts, path)
    target = link_target(path)
    _refuse_read_only(target, path)
    with file_lock(target):
        current: bytes | None
        try:
            current = read_capped(target) if target.exists() else None
        except InventoryError as exc:
            raise InventoryError(path, f"the existing file will not be overwritten: {exc.reason}") from None
        if current is not None:
            if expected_digest is None:
                raise InventoryError(path, "a file already exists here; refusing to overwrite it")
            if isinstance(expected_digest, str) and digest_of(current) != expected_digest:
                raise InventoryError(
                    path,
                    "the file changed on disk since it was loaded (another idspine or an editor?); "
                    "nothing was written. Reload and try again",
                )
            if expected_digest is True:
                try:
                    parse(current, path)
                except InventoryError as exc:
                    raise InventoryError(
                        path,
                        f"the existing file is damaged and will not be overwritten ({exc.reason})",
                        exc.line,
                    ) from None
            if current == data:
                inventory_cache.store(target, digest, doc.encode("utf-8"), migrated, inventory_verify.index())
                return digest
        _atomic_write(target, data, current, path)
    # The next load is warm, and the next process's first save re-checks changed parts only.
    inventory_cache.store(target, digest, doc.encode("utf-8"), migrated, inventory_verify.index())
    note_inventory(path)
    return digest


def _refuse_read_only(target: Path, shown: Path) -> None:
    """InventoryError when the file or its folder is marked read-only (also for root, who could write)."""
    folder = target.parent if str(target.parent) else Path(".")
    for what, where in (("file", target), ("folder", folder)):
        try:
            info = where.stat()
        except FileNotFoundError:
            if what == "folder":
                raise InventoryError(shown, "could not save: the folder does not exist") from None
            continue
        except OSError as exc:
            raise InventoryError(shown, f"could not save: {_reason(exc)}") from None
        if not info.st_mode & stat.S_IWUSR:
            raise InventoryError(
                shown,
                f"could not save: the {what} is read-only (mode {stat.S_IMODE(info.st_mode):04o}); "
                "nothing was written. Make it writable (chmod u+w) if you mean idspine to change it",
            )


def _reason(exc: OSError) -> str:
    return {
        28: "the disk is full",
        30: "the file system is read-only",
        13: "permission denied",
        1: "permission denied",
        2: "the folder does not exist",
    }.get(exc.errno or 0, (exc.strerror or "write failed").lower())


def _atomic_write(path: Path, data: bytes, current: bytes | None, shown: Path | None = None) -> None:
    mode = 0o600
    try:
        if current is not None:
            mode = path.stat().st_mode & 0o777
            passed = digest_of(current) in _passed  # its comments were scanned when it was read or written
            found = None if passed else secret_comment_line(current.decode("utf-8", "replace"))
            if found:  # never carry a planted secret into the .bak
                raise InventoryError(
                    shown or path,
                    "the existing file holds what looks like a secret in a comment "
                    "and is not copied to .bak or overwritten; delete it first",
                    line=found[0],
                )
            write_bytes_atomic(
                path.with_name(path.name + ".bak"), current, mode, sync_dir=True, follow_link=False
            )
        write_bytes_atomic(path, data, mode, sync_dir=True)
    except OSError as exc:
        raise InventoryError(
            shown or path, f"could not save: {_reason(exc)}; the previous file is unchanged"
        ) from None
