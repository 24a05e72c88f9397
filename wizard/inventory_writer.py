"""Save a workspace that a long operation (apply, verify) changes bit by bit, without reverting other writers.

Every save goes through `inventory.save` with the digest of the file as this writer last saw it, so the
lock and the digest check are the same as for every other save. When another writer changed the file in
between (e.g. `idspine offboard --mark-retired`, a verify result, the app), the file is read again, the
changes this operation made since its last save are replayed onto it, and that is saved instead: the
other writer's change stays, and ours lands too. Changes are functions of the workspace that find their
objects by name, so they can be replayed onto a freshly loaded copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wizard.inventory import InventoryError, digest_of, dumps, load_with_digest, save
from wizard.model import Workspace

Change = Callable[[Workspace], None]
_MAX_MERGES = 5


class InventoryWriter:
    """Applies changes to a workspace and saves it to *path* (None: keep in memory only, e.g. the demo)."""

    def __init__(self, path: Path | str | None, digest: str | None | bool = True):
        """digest: of the file as loaded (str), None when there is no file yet, True to take the file as it is."""
        self.path = Path(path) if path is not None else None
        self.digest = digest
        self._unsaved: list[Change] = []

    @classmethod
    def for_workspace(cls, path: Path | str | None, ws: Workspace) -> InventoryWriter:
        """A writer for a workspace loaded from *path* without its digest: the digest of what it would write."""
        return cls(path, digest_of(dumps(ws).encode("utf-8")))

    def change(self, ws: Workspace, change: Change) -> None:
        """Apply *change* to *ws* now and remember it until the next successful save."""
        change(ws)
        self._unsaved.append(change)

    def save(self, ws: Workspace) -> None:
        """Write *ws*; on a concurrent change, merge (reload, replay our unsaved changes) and write that.

        *ws* is updated in place to what was written. InventoryError when the file cannot be written.
        """
        if self.path is None:
            self._unsaved.clear()
            return
        for _ in range(_MAX_MERGES):
            try:
                self.digest = save(ws, self.path, expected_digest=self.digest)
                self._unsaved.clear()
                return
            except InventoryError:
                if not self._changed_on_disk():
                    raise
            loaded = load_with_digest(self.path)  # a damaged file raises here and is never overwritten
            for change in self._unsaved:
                change(loaded.workspace)
            replace_contents(ws, loaded.workspace)
            self.digest = loaded.digest
        raise InventoryError(
            self.path,
            "the file kept changing while idspine tried to save; nothing more was "
            "written. Run the command again",
        )

    def _changed_on_disk(self) -> bool:
        assert self.path is not None
        try:
            current = self.path.read_bytes()
        except FileNotFoundError:
            return self.digest is not None and self.digest is not True
        except OSError:
            return False
        if self.digest is None:
            return True  # a file appeared where there was none
        return isinstance(self.digest, str) and digest_of(current) != self.digest


def replace_contents(target: Workspace, source: Workspace) -> None:
    """Make *target* hold what *source* holds (callers keep their reference to *target*)."""
    for name in type(source).model_fields:
        setattr(target, name, getattr(source, name))


@dataclass
class Updated:
    """What update_inventory wrote: the workspace, the file's digest now, and its digest just before."""

    workspace: Workspace
    digest: str
    before: str | None


def update_inventory(path: Path | str, change: Change) -> Updated:
    """Apply one change to the file as it is now and save it (lock + digest check; retried on a race)."""
    loaded = load_with_digest(path)
    writer = InventoryWriter(path, loaded.digest)
    writer.change(loaded.workspace, change)
    writer.save(loaded.workspace)
    assert isinstance(writer.digest, str)
    return Updated(loaded.workspace, writer.digest, loaded.digest)
