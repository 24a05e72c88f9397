"""A cache of parsed inventories, so loading a file idspine has read or written before skips the TOML parse.

Reading a 10,000-credential inventory is mostly the TOML parse and the secret scan of the raw document;
validating the model is a third of it. After a file passed the whole path once (decoded, parsed, scanned
for planted secrets and secret comments, migrated), the JSON document that was validated is kept here. The
next load of the same bytes reads that document and validates it again, strictly, as the full path does:
the model's own checks (secret-shaped free text refused, references checked) run every time.

A cached document is used only when everything that made it matches:
- the SHA-256 of the inventory's bytes (any change to the file is a miss);
- a fingerprint of the code that turns bytes into a workspace: idspine's version, the source of every
  module the reader imports (the secret guard's shapes, the scan's limits, the model, the migration), and
  the versions of Python, pydantic-core and tomli; a changed rule never hits an old entry;
- the cache format.

A save also keeps where each part of the text it wrote sits in the document (wizard/inventory_verify.py):
the first save of the next process then re-checks only the parts that changed.

The cache is JSON (never pickle), in platformdirs' user cache folder (`~/.cache/idspine/parsed`, or under
$XDG_CACHE_HOME), one file per inventory (named by a hash of its real path), written 0600 in a 0700
folder. Anything doubtful is a miss and the full path runs: a file that is not a plain file, not the
user's own, readable or writable by others, too large, damaged (the SHA-256 of its document and of its
index are in its header), for other bytes or rules, or whose document does not validate. IDSPINE_PARSE_CACHE=off turns it
off. The cache is as trusted as the user's own files: whoever can write to it can also edit the inventory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from functools import cache
from pathlib import Path
from typing import Any

from wizard.files import write_bytes_atomic
from wizard.inventory_scan import MAX_INVENTORY_BYTES

CACHE_FORMAT = 2
# A cached document is the inventory as JSON: a little smaller than its TOML; twice the inventory's limit
# leaves room for escapes, and as much again for the index of a save's parts; an absurd file is refused
# before it is read.
MAX_CACHE_BYTES = 4 * MAX_INVENTORY_BYTES  # header, document (at most half) and the parts' index

# The modules `import wizard.inventory` loads (tests/unit/core/test_inventory_cache.py checks the list):
# their source decides what a given file parses to, so it is part of the key.
READER_MODULES = (
    "__init__.py",
    "files.py",
    "inventory.py",
    "inventory_cache.py",
    "inventory_errors.py",
    "inventory_scan.py",
    "inventory_toml.py",
    "inventory_verify.py",
    "model.py",
    "safe_regex.py",
    "secrets/__init__.py",
    "secrets/guard.py",
    "secrets/resolver.py",
    "settings.py",
    "vocabulary.py",
)


@cache
def rules_fingerprint() -> str:
    """A digest of everything that decides what bytes parse to: versions and the reader's source."""
    import pydantic_core
    import tomli

    import wizard

    digest = hashlib.sha256()
    versions = (
        f"format {CACHE_FORMAT}; idspine {wizard.__version__}; python {sys.version}; "
        f"pydantic-core {pydantic_core.__version__}; tomli {getattr(tomli, '__version__', '?')}\n"
    )
    digest.update(versions.encode())
    package = Path(wizard.__file__).parent
    for name in READER_MODULES:
        digest.update(f"{name}\n".encode())
        digest.update((package / name).read_bytes())  # OSError: no cache (see enabled())
    return digest.hexdigest()


def enabled() -> bool:
    """Whether the cache is used: not turned off, and the reader's source is there to fingerprint."""
    from wizard.settings import Environment

    if not Environment.read().parse_cache:
        return False
    try:
        rules_fingerprint()
    except OSError:
        return False
    return True


def cache_dir() -> Path:
    """The folder of cached documents (platformdirs' user cache folder honours XDG_CACHE_HOME)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("idspine")) / "parsed"


def entry_path(inventory: Path | str) -> Path:
    """The cache file of the inventory at *inventory* (by its real path: links and .. do not matter)."""
    real = os.path.realpath(Path(inventory).expanduser())
    return cache_dir() / f"{hashlib.sha256(real.encode('utf-8', 'surrogateescape')).hexdigest()[:32]}.json"


def _private(info: os.stat_result) -> bool:
    return info.st_uid == os.getuid() and not info.st_mode & 0o077


def _read_entry(inventory: Path | str) -> tuple[dict[str, Any], bytes, bytes] | None:
    """(header, document, parts index) of the inventory's cache file, when it is private and intact."""
    path = entry_path(inventory)
    folder = os.lstat(path.parent)
    if not stat.S_ISDIR(folder.st_mode) or not _private(folder):
        return None
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _private(info) or info.st_size > MAX_CACHE_BYTES:
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 22):
            chunks.append(chunk)
        blob = b"".join(chunks)
    finally:
        os.close(fd)
    # A JSON document written by json.dumps holds no raw newline: the three lines split cleanly.
    head, newline, rest = blob.partition(b"\n")
    if not newline or len(head) > 4096:
        return None
    doc, _, parts = rest.partition(b"\n")
    header = json.loads(head)
    if (
        type(header) is dict
        and header.get("format") == CACHE_FORMAT
        and header.get("rules") == rules_fingerprint()
        and header.get("doc_sha256") == hashlib.sha256(doc).hexdigest()
    ):
        return header, doc, parts
    return None


def lookup(inventory: Path | str, digest: str) -> tuple[bytes, int | None] | None:
    """(the validated JSON document, the schema version it was migrated from) cached for the inventory
    whose bytes have SHA-256 *digest*; None on a miss or any doubt."""
    if not enabled():
        return None
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError, UnicodeDecodeError):
        entry = _read_entry(inventory)
        if entry is None:
            return None
        header, doc, _ = entry
        migrated = header["migrated_from"]
        if header["inventory_sha256"] == digest and (migrated is None or type(migrated) is int):
            return doc, migrated
    return None


def stored_parts(inventory: Path | str) -> dict[tuple[str | None, bool, str], str]:
    """The parts of the text the last save of *inventory* wrote, each checked by that save:
    (key, array, SHA-256 of the part's text) -> the JSON it parses to (wizard/inventory_verify.py). Empty
    on any doubt; the save then checks the parts itself."""
    if not enabled():
        return {}
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError, UnicodeDecodeError):
        entry = _read_entry(inventory)
        if entry is None or not entry[2]:
            return {}
        header, doc, parts = entry
        if header["index_sha256"] != hashlib.sha256(parts).hexdigest():
            return {}
        text = doc.decode("utf-8")
        out: dict[tuple[str | None, bool, str], str] = {}
        for key, array, sha, start, end in json.loads(parts):
            if not (
                (key is None or type(key) is str)
                and type(array) is bool
                and type(sha) is str
                and type(start) is int
                and type(end) is int
                and 0 < start <= end < len(text)
            ):
                return {}
            out[(key, array, sha)] = text[start:end]
        return out
    return {}


def store(
    inventory: Path | str,
    digest: str,
    doc: bytes,
    migrated: int | None,
    parts: list[tuple[str | None, bool, str, int, int]] | None = None,
) -> None:
    """Keep *doc* (the scanned, migrated JSON document the bytes with SHA-256 *digest* validated as) for
    the next load, and where each part of the text sits in it (a save's; see stored_parts); a cache that
    cannot be written is skipped silently (loading works without it)."""
    if not enabled() or len(doc) > MAX_CACHE_BYTES // 2:
        return
    index = json.dumps(parts or [], ensure_ascii=False).encode("utf-8")
    header = {
        "format": CACHE_FORMAT,
        "inventory_sha256": digest,
        "rules": rules_fingerprint(),
        "doc_sha256": hashlib.sha256(doc).hexdigest(),
        "index_sha256": hashlib.sha256(index).hexdigest(),
        "migrated_from": migrated,
    }
    with contextlib.suppress(OSError, ValueError):
        path = entry_path(inventory)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = os.lstat(path.parent)
        if not stat.S_ISDIR(folder.st_mode) or not _private(folder):
            return  # a folder someone else owns or can write to: no cache
        blob = json.dumps(header).encode() + b"\n" + doc + b"\n" + index
        write_bytes_atomic(path, blob, 0o600, follow_link=False, durable=False)


def forget(inventory: Path | str) -> None:
    """Remove the cached document of *inventory*, if any."""
    with contextlib.suppress(OSError):
        entry_path(inventory).unlink()
