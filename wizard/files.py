"""Atomic file writes (temporary file in the same folder, fsync, rename): the one place idspine replaces files."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes, mode: int = 0o644, sync_dir: bool = False) -> None:
    """Replace `path` with `data` so a reader sees either the old or the new file, never half of one.

    The mode is set before the first byte is written (so a 0600 secret file is never readable by others);
    sync_dir also fsyncs the folder, so the rename itself survives a power cut.
    """
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
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


def write_text_atomic(path: Path, text: str, mode: int = 0o644, sync_dir: bool = False) -> None:
    """write_bytes_atomic for UTF-8 text."""
    write_bytes_atomic(path, text.encode("utf-8"), mode, sync_dir)
