"""Hand a newly created secret to its store (a private env file or Azure Key Vault) and return its reference.

The value goes to the store and nowhere else: it is never logged, printed, or put into an error. The
caller keeps only the returned SecretRef (e.g. `file:~/.config/idspine/secrets.env#SVC_N8N_GRAPH_ACME`,
with the home folder written as ~
or `keyvault://kv-northwind-ops/svc-n8n-graph-acme`).

The Key Vault sink talks to a network service, so it lives with the providers (wizard.providers.keyvault).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Protocol

from wizard.secrets.guard import SecretValueError, validate_reference

_ENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
KEY_VAULT_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")


class SecretSinkError(Exception):
    """A secret could not be stored. The message never contains the value."""


class SecretSink(Protocol):
    """Somewhere a new secret can be put; returns the reference the inventory keeps."""

    def store(self, name: str, value: str, expires: dt.datetime | None = None) -> str: ...


def env_key(name: str) -> str:
    """An environment-style key for a secret name: svc-n8n-graph-acme -> SVC_N8N_GRAPH_ACME."""
    key = re.sub(r"[^A-Za-z0-9_]", "_", name).upper().strip("_") or "SECRET"
    return key if not key[0].isdigit() else f"S_{key}"


def vault_secret_name(name: str) -> str:
    """A Key Vault secret name (letters, digits, dashes) for a secret name."""
    return re.sub(r"[^0-9a-zA-Z-]", "-", name).strip("-")[:127] or "secret"


class EnvFileSink:
    """KEY=VALUE lines in one env file that only its owner may read (0600), rewritten atomically.

    Writers take a lock beside the file, so two idspine processes never lose each other's lines. A copy
    left by a process killed in the middle of a write (a temporary file beside the env file, 0600) is
    removed by the next store, under that lock. The comment naming each secret is made one line, so a
    name cannot add lines of its own. A folder with spaces (macOS: ~/Library/Application Support) works.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path).expanduser()

    def __repr__(self) -> str:
        return f"EnvFileSink({str(self.path)!r})"

    def store(self, name: str, value: str, expires: dt.datetime | None = None) -> str:
        key = env_key(name)
        if not _ENV_KEY.match(key):
            raise SecretSinkError(f"cannot make an environment key from {_one_line(name)!r}")
        if not value or "\n" in value or "\r" in value:
            raise SecretSinkError(f"the secret for {_one_line(name)} is empty or spans lines; not stored")
        ref = f"file:{_home_relative(self.path)}#{key}"
        try:
            validate_reference(ref)  # before the value is written anywhere
        except SecretValueError:
            raise SecretSinkError(
                f"the path {_one_line(str(self.path))} looks like a secret to idspine's guard; "
                "choose another folder for the env file (--env-file)"
            ) from None
        except ValueError:
            raise SecretSinkError(
                f"{_one_line(str(self.path))} cannot be named in a file: reference (control "
                "characters or leading/trailing spaces in the path)"
            ) from None
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        from wizard.inventory import file_lock

        with file_lock(self.path):
            self._remove_stale_copies()
            lines: list[str] = []
            if self.path.exists():
                mode = self.path.stat().st_mode & 0o777
                if mode & 0o077:
                    raise SecretSinkError(
                        f"{self.path} is readable by others (mode {mode:04o}); "
                        f"run `chmod 600 {self.path}` first"
                    )
                lines = self.path.read_text(encoding="utf-8").splitlines()
            lines = [ln for ln in lines if ln.removeprefix("export ").split("=", 1)[0].strip() != key]
            note = f"# {_one_line(name)}" + (f" (expires {expires.date().isoformat()})" if expires else "")
            lines += [note, f"{key}={value}"]
            _write_private(self.path, "\n".join(lines) + "\n")
        return ref

    def _remove_stale_copies(self) -> None:
        """Delete temporary copies an interrupted write left beside the file (the caller holds the lock)."""
        import contextlib

        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


def _write_private(path: Path, text: str) -> None:
    """Write *text* to *path* with mode 0600 from the first byte, via a temporary file and rename."""
    from wizard.files import write_text_atomic

    write_text_atomic(path, text, mode=0o600)


def _home_relative(path: Path) -> str:
    """The path with the home folder as ~ (the inventory lives in git: no user name, same on every machine)."""
    try:
        return "~/" + path.resolve().relative_to(Path.home().resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):
        return str(path)


def _one_line(text: str) -> str:
    """*text* without control characters (newlines, escapes), for a comment or a message."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
