"""Read and write the inventory file (idspine.toml): stable, atomic, never over a damaged or changed file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
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

from wizard.files import write_bytes_atomic
from wizard.model import SCHEMA_VERSION, Workspace
from wizard.secret_guard import find_secret_kind

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
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InventoryError(path, "no such file (create one with `idspine demo --write` or the wizard)") from None
    except OSError as exc:
        raise InventoryError(path, f"cannot read: {exc.strerror}") from None
    return Loaded(*parse(data, path))


def parse(data: bytes, path: Path | str = "<inventory>") -> tuple[Workspace, str, int | None]:
    """Parse bytes of an inventory; returns (workspace, digest, version migrated from or None)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InventoryError(path, f"not UTF-8 text (byte {exc.start})") from None
    try:
        raw = toml_reader.loads(text)
    except toml_reader.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        reason = getattr(exc, "msg", None) or re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise InventoryError(path, f"not valid TOML: {reason}", line=line) from None
    _refuse_planted_secrets(raw, text, path)
    raw, migrated = migrate(raw)
    try:
        ws = Workspace.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors(include_input=False, include_url=False)[0]
        loc = tuple(err["loc"])
        field = _dotted(loc)
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise InventoryError(path, f"{err['msg']}{more}", line=_line_of(text, loc), field=field) from None
    return ws, digest_of(data), migrated


def migrate(raw: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
    """Bring an older document up to SCHEMA_VERSION in memory; returns (doc, old version or None)."""
    version = raw.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, int) and version < SCHEMA_VERSION:
        raw = dict(raw, schema_version=SCHEMA_VERSION)  # no older versions exist yet
        return raw, version
    return raw, None


def _refuse_planted_secrets(raw: Any, text: str, path: Path | str, loc: tuple[Any, ...] = ()) -> None:
    """Walk every string in the document, including unknown keys, and refuse secret-shaped values."""
    if isinstance(raw, dict):
        for key, value in raw.items():
            _refuse_planted_secrets(value, text, path, (*loc, key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            _refuse_planted_secrets(value, text, path, (*loc, i))
    elif isinstance(raw, str):
        kind = find_secret_kind(raw)
        if kind:
            raise InventoryError(
                path,
                f"holds what looks like {kind}; an inventory must only hold references such as env:NAME. "
                "Move the secret to a vault and replace the value with its reference",
                line=_line_of(text, loc),
                field=_dotted(loc),
            )


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
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
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
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
    """
    path = Path(path)
    text = dumps(ws)
    data = text.encode("utf-8")
    # Defence in depth: the model refuses secrets already; the written bytes are checked again.
    parse(data, path)
    with file_lock(path):
        current: bytes | None
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            current = None
        except OSError as exc:
            raise InventoryError(path, f"cannot read the existing file: {exc.strerror}") from None
        if current is not None:
            if expected_digest is None:
                raise InventoryError(path, "a file already exists here; refusing to overwrite it")
            if isinstance(expected_digest, str) and digest_of(current) != expected_digest:
                raise InventoryError(
                    path, "the file changed on disk since it was loaded (another idspine or an editor?); "
                    "nothing was written. Reload and try again",
                )
            if expected_digest is True:
                try:
                    parse(current, path)
                except InventoryError as exc:
                    raise InventoryError(
                        path, f"the existing file is damaged and will not be overwritten ({exc.reason})", exc.line
                    ) from None
            if current == data:
                return digest_of(data)
        _atomic_write(path, data, current)
    return digest_of(data)


def _atomic_write(path: Path, data: bytes, current: bytes | None) -> None:
    mode = 0o600
    try:
        if current is not None:
            mode = path.stat().st_mode & 0o777
            write_bytes_atomic(path.with_name(path.name + ".bak"), current, mode, sync_dir=True)
        write_bytes_atomic(path, data, mode, sync_dir=True)
    except OSError as exc:
        reason = {28: "the disk is full", 30: "the folder is read-only", 13: "permission denied"}.get(
            exc.errno or 0, exc.strerror or "write failed"
        )
        raise InventoryError(path, f"could not save: {reason}; the previous file is unchanged") from None

