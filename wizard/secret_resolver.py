"""Resolve a secret reference (env:NAME, file:PATH[#KEY]) to its value at the moment of use.

The value is returned to the caller and nowhere else: never logged, printed, cached or put in a message.
Errors name the reference (which is not secret) and what to do. `file:` secrets must be private to the
owner (mode 0600 or stricter). keyvault:// and 1password:// / op:// references need their vendor's CLI
and a network, so they raise a clear "not available offline" error here.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from wizard.secret_guard import validate_reference

MAX_SECRET_FILE_BYTES = 64 * 1024


class SecretUnavailable(Exception):
    """The secret behind a reference could not be read. The message names the reference, never a value."""


def resolve(ref: str, environ: Mapping[str, str] | None = None) -> str:
    """The secret value behind *ref*; SecretUnavailable when it cannot be read."""
    try:
        validate_reference(ref)
    except ValueError as exc:
        raise SecretUnavailable(f"not a usable secret reference: {str(exc).splitlines()[0]}") from None
    if ref.startswith("env:"):
        return _from_env(ref, os.environ if environ is None else environ)
    if ref.startswith("file:"):
        return _from_file(ref)
    scheme = ref.split(":", 1)[0]
    raise SecretUnavailable(
        f"{ref}: {scheme} references are not available offline in this version of idspine; export the "
        "secret into an environment variable for this run and use env:NAME"
    )


def _from_env(ref: str, environ: Mapping[str, str]) -> str:
    name = ref.removeprefix("env:")
    value = environ.get(name)
    if value is None:
        raise SecretUnavailable(f"{ref}: the environment variable {name} is not set")
    value = value.strip()
    if not value:
        raise SecretUnavailable(f"{ref}: the environment variable {name} is empty")
    return value


def _from_file(ref: str) -> str:
    spec = ref.removeprefix("file:")
    path_text, _, key = spec.partition("#")
    path = Path(path_text).expanduser()
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SecretUnavailable(f"{ref}: no such file") from None
    except OSError as exc:
        raise SecretUnavailable(f"{ref}: cannot read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise SecretUnavailable(f"{ref}: not a regular file")
    if info.st_mode & 0o077:
        raise SecretUnavailable(
            f"{ref}: the file is readable by others (mode {stat.S_IMODE(info.st_mode):04o}); "
            f"run `chmod 600 {path_text}` first"
        )
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise SecretUnavailable(f"{ref}: the file belongs to another user")
    if info.st_size > MAX_SECRET_FILE_BYTES:
        raise SecretUnavailable(f"{ref}: the file is too large to be a secret ({info.st_size} bytes)")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise SecretUnavailable(f"{ref}: cannot read the file as UTF-8 text") from None
    if key:
        return _env_file_value(text, key, ref)
    value = text.strip()
    if not value:
        raise SecretUnavailable(f"{ref}: the file is empty")
    return value


def _env_file_value(text: str, key: str, ref: str) -> str:
    """The value of KEY=VALUE (optionally `export KEY=...`, quoted) in an env-style file."""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        name, sep, value = line.partition("=")
        if sep and name.strip() == key:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            if not value:
                raise SecretUnavailable(f"{ref}: {key} is empty in the file")
            return value
    raise SecretUnavailable(f"{ref}: the file has no line {key}=...")
