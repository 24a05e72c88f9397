"""The app's working copy of the workspace: where it came from, its digest, and saving it safely."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pydantic and the model load in the loading worker, not before the first frame (~90 ms)
    from wizard.model import Workspace


@dataclass
class WorkspaceState:
    """The workspace being edited and what is needed to save it without clobbering other writers."""

    workspace: Workspace
    path: Path | None  # None for the demo (never saved)
    digest: str | None = None  # digest of the file as loaded; None when the file does not exist yet
    today: dt.date = field(default_factory=dt.date.today)
    dirty: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def is_demo(self) -> bool:
        """True for the built-in demo, which is never written to disk."""
        return self.path is None

    @property
    def is_new(self) -> bool:
        """True when there is no inventory file yet (first start in this folder)."""
        return self.path is not None and self.digest is None

    def save(self) -> str:
        """Write the workspace (atomic, refusing if the file changed since loading); returns a message."""
        if self.path is None:
            self.dirty = False
            return "Demo workspace: changes stay in memory (idspine demo --write PATH to keep a copy)."
        from wizard.inventory import save

        with self._lock:  # saves from several workers run one after another, each with the latest digest
            self.digest = save(self.workspace, self.path, expected_digest=self.digest)
            self.dirty = False
        return f"Saved {self.path}"


def load_state(path: Path, demo: bool, today: dt.date | None = None) -> WorkspaceState:
    """Open the demo or the inventory at `path` (a new workspace when the file does not exist)."""
    today = today or dt.date.today()
    if demo:
        from wizard.demo import demo_workspace

        return WorkspaceState(demo_workspace(today), None, today=today)
    if not path.exists():
        from wizard.model import new_workspace

        return WorkspaceState(
            new_workspace("My consultancy", "my-consultancy"), path, None, today=today, dirty=True
        )
    from wizard.inventory import load_with_digest

    loaded = load_with_digest(path)
    return WorkspaceState(loaded.workspace, path, loaded.digest, today=today)
