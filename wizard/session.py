"""The app's working copy of the workspace: where it came from, its digest, unsaved changes, saving it safely."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pydantic and the model load in the loading worker, not before the first frame (~90 ms)
    from wizard.model import Workspace


class WorkspaceState:
    """The workspace being edited and what is needed to save it without clobbering other writers.

    Replacing `workspace` marks it changed (`dirty`) until `save()` has written that workspace or a later one.
    """

    def __init__(
        self,
        workspace: Workspace,
        path: Path | None,  # None for the demo (never saved)
        digest: str | None = None,  # digest of the file as loaded; None when the file does not exist yet
        today: dt.date | None = None,
    ):
        self._workspace = workspace
        self.path = path
        self.digest = digest
        self.today = today or dt.date.today()
        self._changes = 0  # times the workspace was replaced
        self._saved = 0  # `_changes` as it was when the workspace last saved was taken
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WorkspaceState(path={self.path!r}, digest={self.digest!r}, dirty={self.dirty})"

    @property
    def workspace(self) -> Workspace:
        """The workspace as the app shows it."""
        return self._workspace

    @workspace.setter
    def workspace(self, ws: Workspace) -> None:
        self._workspace = ws  # first the workspace, then the count: a save that sees the count sees it
        self._changes += 1

    @property
    def revision(self) -> int:
        """A number that changes whenever the workspace is replaced or marked changed (a cache key)."""
        return self._changes

    @property
    def dirty(self) -> bool:
        """True when the workspace changed since it was loaded or last saved."""
        return self._changes != self._saved

    @dirty.setter
    def dirty(self, value: bool) -> None:
        """`dirty = False` after the workspace was written some other way; `True` after changing it in place."""
        if value:
            self._changes += 1
        else:
            self._saved = self._changes

    @property
    def unsaved_changes(self) -> bool:
        """True when quitting now would lose changes (the demo is never saved, so never has any)."""
        return self.dirty and not self.is_demo

    @property
    def is_demo(self) -> bool:
        """True for the built-in demo, which is never written to disk."""
        return self.path is None

    @property
    def is_new(self) -> bool:
        """True when there is no inventory file yet (first start in this folder)."""
        return self.path is not None and self.digest is None

    @property
    def lock(self) -> threading.Lock:
        """Held while the file is written, so saves from several workers run one after another."""
        return self._lock

    def written_elsewhere(self, ws: Workspace, digest: str | None) -> None:
        """Take `ws` as saved at `digest` by another writer (apply, verify); hold `lock` while calling."""
        self.workspace = ws
        if digest is not None:
            self.digest = digest
        self._saved = self._changes

    def save(self) -> str:
        """Write the workspace (atomic, refusing if the file changed since loading); returns a message."""
        changes = self._changes  # read before the workspace: a change in between leaves it dirty, never lost
        if self.path is None:
            self._saved = changes
            return "Demo workspace: changes stay in memory (idspine demo --write PATH to keep a copy)."
        from wizard.inventory import save

        with self._lock:  # saves from several workers run one after another, each with the latest digest
            self.digest = save(self.workspace, self.path, expected_digest=self.digest)
            self._saved = max(self._saved, changes)
        return f"Saved {self.path}"


def load_state(path: Path, demo: bool, today: dt.date | None = None) -> WorkspaceState:
    """Open the demo or the inventory at `path` (a new workspace when the file does not exist)."""
    today = today or dt.date.today()
    if demo:
        from wizard.demo import demo_workspace

        return WorkspaceState(demo_workspace(today), None, today=today)
    if not path.exists():  # nothing entered yet, so nothing to lose: the first flow step saves the file
        from wizard.model import new_workspace

        return WorkspaceState(new_workspace("My consultancy", "my-consultancy"), path, None, today=today)
    from wizard.inventory import load_with_digest

    loaded = load_with_digest(path)
    return WorkspaceState(loaded.workspace, path, loaded.digest, today=today)
