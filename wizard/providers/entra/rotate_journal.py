"""The rotation journal: which steps of one client-secret rotation are done, so a killed run resumes safely.

One JSON file per inventory and service principal, beside the user's other state (platformdirs'
user_state_dir("idspine")/rotations, or $XDG_STATE_HOME/idspine/rotations on Linux), mode 0600, written
atomically (a temporary file and a rename) after every step. It holds ids only: the new secret's key id
and display name, the secret reference, the n8n credential and workflow ids. Never a secret value.
The file name is a digest of the inventory's real path and the service principal's name, so two
inventories (or two principals) never share a journal. A lock beside the journal keeps a second
`idspine rotate` of the same principal out while one runs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

JOURNAL_VERSION = 1


class JournalError(Exception):
    """The journal cannot be read, written or locked; the message is one line."""


@dataclass
class N8nSwitch:
    """One n8n credential being replaced: the ids it had, the new one, the workflows moved over."""

    old_ids: list[str] = field(default_factory=list)
    new_id: str = ""
    pending_name: str = ""  # set just before n8n is asked to create; cleared once the id is known
    repointed: list[str] = field(default_factory=list)  # workflow ids now using new_id
    workflow_names: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # old ids n8n no longer holds

    @property
    def done(self) -> bool:
        return bool(self.new_id) and set(self.old_ids) <= set(self.deleted)


@dataclass
class Journal:
    """What a rotation has done so far (ids only)."""

    inventory: str
    service_principal: str
    app_object_id: str
    started: str
    old_keys: list[str] = field(default_factory=list)  # key ids to remove once the new secret is proven
    kept_keys: list[str] = field(default_factory=list)  # other secrets on the app, left alone
    attempts: list[str] = field(
        default_factory=list
    )  # display names asked for whose key may exist unrecorded
    attempt_times: dict[str, float] = field(default_factory=dict)
    new_key: str = ""
    new_display: str = ""
    new_end: str = ""  # ISO date-time the new secret expires
    new_created: float = 0.0  # when Graph made it (epoch seconds), for the replication allowance
    stored_ref: str = ""
    verified: bool = False
    verify_detail: str = ""
    verified_at: str = ""
    n8n: dict[str, N8nSwitch] = field(default_factory=dict)  # inventory credential id -> switch
    removed: list[str] = field(default_factory=list)  # old key ids removed from Entra
    restarts: int = 0  # how often a lost value made the rotation start over with a fresh secret
    version: int = JOURNAL_VERSION

    @property
    def step(self) -> str:
        """The next step to run (add, store, verify, n8n, remove-old, record)."""
        if not self.new_key:
            return "add"
        if not self.stored_ref:
            return "store"
        if not self.verified:
            return "verify"
        if not all(s.done for s in self.n8n.values()):
            return "n8n"
        if not set(self.old_keys) <= set(self.removed):
            return "remove-old"
        return "record"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Journal:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != JOURNAL_VERSION:
            raise ValueError("not a rotation journal of this version")
        switches = data.pop("n8n", {}) or {}
        journal = cls(**data)
        journal.n8n = {str(k): N8nSwitch(**v) for k, v in switches.items()}
        return journal


def state_dir() -> Path:
    """Where journals live: the user state folder (platformdirs honours XDG_STATE_HOME)."""
    from platformdirs import user_state_dir

    return Path(user_state_dir("idspine")) / "rotations"


def journal_path(inventory: Path | str, sp_name: str, folder: Path | None = None) -> Path:
    """The journal of *sp_name* in the inventory at *inventory* (its real path: links and .. do not matter)."""
    real = os.path.realpath(Path(inventory).expanduser())
    digest = hashlib.sha256(f"{real}\n{sp_name}".encode()).hexdigest()[:32]
    return (folder or state_dir()) / f"{digest}.json"


def new_journal(inventory: Path | str, sp_name: str, app_object_id: str, now: dt.datetime) -> Journal:
    return Journal(
        inventory=os.path.realpath(Path(inventory).expanduser()),
        service_principal=sp_name,
        app_object_id=app_object_id,
        started=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def load_journal(path: Path) -> Journal | None:
    """The journal at *path*, None when there is none; JournalError when it is damaged or not private."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise JournalError(f"cannot read the rotation journal {path}: {exc.strerror}") from None
    if not path.is_file() or path.is_symlink():
        raise JournalError(f"{path} is not a plain file; the rotation journal is not read from it")
    if st.st_mode & 0o077:
        raise JournalError(f"the rotation journal {path} is readable by others; run `chmod 600 {path}`")
    try:
        return Journal.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError) as exc:
        raise JournalError(
            f"the rotation journal {path} is damaged ({type(exc).__name__}); nothing was changed. "
            "Check the app's secrets in the portal, then move the file away to start over"
        ) from None


def save_journal(path: Path, journal: Journal) -> None:
    """Write the journal atomically, 0600 from the first byte."""
    from wizard.files import write_text_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_text_atomic(path, journal.to_json(), mode=0o600)
    except OSError as exc:
        raise JournalError(f"cannot write the rotation journal {path}: {exc.strerror}") from None


def drop_journal(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


@contextlib.contextmanager
def journal_lock(path: Path) -> Iterator[None]:
    """Hold the lock beside the journal; JournalError at once when another rotation holds it."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lock_path = path.with_name(f".{path.name}.lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        raise JournalError(f"cannot create the rotation lock {lock_path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise JournalError(
                "another `idspine rotate` of this service principal is running; wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


def describe(journal: Journal) -> dict[str, Any]:
    """The journal as a plain dict (for --format json and tests): ids only, like the file."""
    return asdict(journal)
