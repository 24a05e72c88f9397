"""Read and write the inventory file (idspine.toml): stable, atomic, never over a damaged or changed file."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

try:  # the compiled build of tomli, the parser the standard library's tomllib is made from: ~2x faster
    import tomli as toml_reader
except ImportError:  # pragma: no cover
    import tomllib as toml_reader

from wizard.files import link_target, write_bytes_atomic
from wizard.model import SCHEMA_VERSION, Workspace
from wizard.secrets.guard import find_secret_kind
from wizard.secrets.resolver import note_inventory

# Bounds that keep a hostile or broken file from costing unbounded time or memory. 10,000 credentials
# take about 3.6 MB, so 16 MB is over four times the largest real inventory; no field of the model needs
# more than a few kilobytes (an Entra membership rule is at most 3,072 characters); the model nests 5 deep.
# The secret scan costs about a microsecond per character at worst, so a hostile file stays in seconds.
MAX_INVENTORY_BYTES = 16 * 1024 * 1024
MAX_FIELD_CHARS = 16 * 1024
MAX_DEPTH = 24
_SAFE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")

HEADER = (
    "# idspine credential inventory. It lists identities and credentials and where their secrets live;\n"
    "# it never holds a secret value. Edit with care or through `idspine`.\n"
)


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


@dataclass
class Loaded:
    """A workspace with the digest of the bytes it came from (used to refuse overwriting a changed file)."""

    workspace: Workspace
    digest: str | None
    migrated_from: int | None = None


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- reading


def load(path: Path | str) -> Workspace:
    """Read and validate an inventory file; raise InventoryError with file, line and reason."""
    return load_with_digest(path).workspace


def load_with_digest(path: Path | str) -> Loaded:
    path = Path(path)
    loaded = Loaded(*parse(read_capped(path), path))
    note_inventory(path)  # file: secrets beside this inventory may now be read
    return loaded


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


def parse(data: bytes, path: Path | str = "<inventory>") -> tuple[Workspace, str, int | None]:
    """Parse bytes of an inventory; returns (workspace, digest, version migrated from or None)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InventoryError(path, f"not UTF-8 text (byte {exc.start})") from None
    if len(data) > MAX_INVENTORY_BYTES:
        raise InventoryError(path, f"is too large to be an inventory ({len(data):,} bytes)")
    try:
        raw = toml_reader.loads(text)
    except toml_reader.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        reason = getattr(exc, "msg", None) or re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise InventoryError(path, f"not valid TOML: {reason}", line=line) from None
    except RecursionError:
        raise InventoryError(path, "not valid TOML: arrays, tables or keys are nested too deeply") from None
    _refuse_planted_secrets(raw, text, path)
    _refuse_secret_comments(text, path)
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
        field = _dotted(loc)
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise InventoryError(path, f"{err['msg']}{more}", line=_line_of(text, loc), field=field) from None
    except RecursionError:
        raise InventoryError(path, "tables are nested too deeply") from None
    return ws, digest_of(data), migrated


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


def _refuse_planted_secrets(raw: Any, text: str, path: Path | str) -> None:
    """Walk every key, table name and string in the document (unknown ones too): refuse secret-shaped,
    oversized or too deeply nested content. Keys are never quoted back, since a key may be the secret."""
    checked_keys: set[str] = set()

    def refuse_string(value: str, loc: tuple[Any, ...]) -> None:
        if len(value) > MAX_FIELD_CHARS:
            raise InventoryError(
                path,
                f"a value of {len(value):,} characters is longer than any field needs "
                f"(the limit is {MAX_FIELD_CHARS:,})",
                line=_line_of(text, loc),
                field=_dotted(loc),
            )
        kind = find_secret_kind(value)
        if kind:
            raise InventoryError(
                path,
                f"holds what looks like {kind}; an inventory must only hold references such as env:NAME. "
                "Move the secret to a vault and replace the value with its reference",
                line=_line_of(text, loc),
                field=_dotted(loc),
            )

    def walk(value: Any, loc: tuple[Any, ...]) -> None:
        if len(loc) > MAX_DEPTH:  # checked before recursing further, so Python's own limit is never reached
            raise InventoryError(
                path,
                f"tables or arrays are nested more than {MAX_DEPTH} levels deep",
                line=_line_of(text, loc[:2]),
                field=_dotted(loc[:2]),
            )
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in checked_keys:
                    if len(key) > 256 or find_secret_kind(key):
                        raise InventoryError(
                            path,
                            "a key or table name holds what looks like a secret (or is far too long); it "
                            "is not shown here. Remove it: an inventory only holds references such as env:NAME",
                            line=_line_of(text, loc),
                            field=_dotted(loc) or None,
                        )
                    checked_keys.add(key)
                if isinstance(item, str):
                    refuse_string(item, (*loc, key))
                elif isinstance(item, (dict, list)):
                    walk(item, (*loc, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    refuse_string(item, (*loc, i))
                elif isinstance(item, (dict, list)):
                    walk(item, (*loc, i))
        elif isinstance(value, str):
            refuse_string(value, loc)

    walk(raw, ())


def secret_comment_line(text: str) -> tuple[int, str] | None:
    """(line number, kind) of the first line with a comment that holds something secret-shaped, else None.

    Only lines with a '#' are looked at; values, keys and table names are checked on the parsed document.
    """
    if "#" not in text:
        return None
    for no, line in enumerate(text.splitlines(), 1):
        if "#" in line:
            kind = find_secret_kind(line[line.index("#") :]) or find_secret_kind(line)
            if kind:
                return no, kind
    return None


def _refuse_secret_comments(text: str, path: Path | str) -> None:
    if "#" in text:
        for no, line in enumerate(text.splitlines(), 1):
            if len(line) > 2 * MAX_FIELD_CHARS and "#" in line:
                raise InventoryError(
                    path,
                    f"a line of {len(line):,} characters with a comment is longer than "
                    "an inventory ever needs",
                    line=no,
                )
    found = secret_comment_line(text)
    if found:
        raise InventoryError(
            path,
            f"a comment (or the line around it) holds what looks like {found[1]}; it is not shown here. "
            "Delete it from the file (and from the .bak and your git history) and rotate the secret",
            line=found[0],
        )


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if not isinstance(part, int) and not _SAFE_KEY.match(str(part)):
            part = "<key>"  # never quote a key that could be anything (a pasted secret, control characters)
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_from_message(message: str) -> int | None:
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


_HEADER_RE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+?)\s*\]\]?\s*(#.*)?$")


def _line_of(text: str, loc: tuple[Any, ...]) -> int | None:
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


# ---------------------------------------------------------------- writing


def dumps(ws: Workspace) -> str:
    """The TOML text of a workspace: model field order, defaults omitted, so diffs stay small."""
    doc = ws.model_dump(mode="python", exclude_defaults=True)
    doc["schema_version"] = ws.schema_version
    ordered = {"schema_version": doc.pop("schema_version")}
    ordered.update(doc)
    return HEADER + tomli_w.dumps(_plain(ordered), multiline_strings=False)


def _plain(value: Any) -> Any:
    """Enums to their values, recursively (tomli-w wants plain types)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


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
    path = Path(path)
    text = dumps(ws)
    data = text.encode("utf-8")
    # Defence in depth: the model refuses secrets already; the written bytes are checked again.
    parse(data, path)
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
                return digest_of(data)
        _atomic_write(target, data, current, path)
    note_inventory(path)
    return digest_of(data)


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
            found = secret_comment_line(current.decode("utf-8", "replace"))
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
