"""Atomic file writes (temporary file in the same folder, fsync, rename): the one place idspine replaces files.

A path that is a symbolic link is written through: the link's final target is replaced and the link kept
(renaming over the link itself would turn it into a plain copy and leave the real file stale).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def link_target(path: Path) -> Path:
    """*path* itself, or the file a symbolic link at *path* finally points to (which may not exist yet)."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def write_bytes_atomic(
    path: Path,
    data: bytes,
    mode: int = 0o644,
    sync_dir: bool = False,
    follow_link: bool = True,
    durable: bool = True,
) -> None:
    """Replace `path` with `data` so a reader sees either the old or the new file, never half of one.

    The mode is set before the first byte is written (so a 0600 secret file is never readable by others);
    sync_dir also fsyncs the folder, so the rename itself survives a power cut. A symbolic link at `path`
    is kept and its target replaced, unless follow_link is False (then the link itself is replaced: for
    files idspine alone owns, such as a .bak, where a planted link must not redirect the write). durable=False
    skips the fsync, for a cache whose reader checks what it reads (still atomic: old file or new, never a mix
    while the machine runs).
    """
    path = link_target(Path(path)) if follow_link else Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_dir:
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_text_atomic(
    path: Path, text: str, mode: int = 0o644, sync_dir: bool = False, follow_link: bool = True
) -> None:
    """write_bytes_atomic for UTF-8 text."""
    write_bytes_atomic(path, text.encode("utf-8"), mode, sync_dir, follow_link)
