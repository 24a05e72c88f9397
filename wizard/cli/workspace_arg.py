"""Opening the workspace a headless command works on (--file or --demo), with errors as exit code 2."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from wizard.model import Workspace

EXIT_UNREADABLE = 2


class WorkspaceUnavailable(Exception):
    """The workspace could not be opened; the message is safe to print."""


def today_from(args: argparse.Namespace) -> dt.date:
    """The date audits use: --today, else $IDSPINE_TODAY, else the real date (UsageError when malformed)."""
    from wizard.cli import UsageError

    given = getattr(args, "today", None)
    if isinstance(given, dt.date):
        return given
    source, value = ("--today", given) if given else ("IDSPINE_TODAY", os.environ.get("IDSPINE_TODAY"))
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"{source}={value!r} is not a date (YYYY-MM-DD)") from None


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The demo workspace or the inventory file named by --file."""
    if getattr(args, "demo", False):
        from wizard.demo import demo_workspace

        return demo_workspace(today_from(args))
    from wizard.cli.output import err
    from wizard.inventory import InventoryError, load_with_digest

    path = Path(args.file)
    if not path.exists():
        raise WorkspaceUnavailable(f"{path}: no inventory here. Run `idspine` to set one up, or use --demo.")
    try:
        loaded = load_with_digest(path)
    except InventoryError as exc:
        raise WorkspaceUnavailable(str(exc)) from None
    if loaded.migration_note:
        err(f"{path}: {loaded.migration_note}")
    return loaded.workspace


def open_with_digest(args: argparse.Namespace) -> tuple[Workspace, str | None]:
    """The inventory and the digest of its bytes, for commands that save: their saves then never revert
    another writer's change. The demo has no digest and is never saved."""
    from wizard.inventory import InventoryError, load_with_digest

    if args.demo:
        return open_workspace(args), None
    path = Path(args.file)
    if not path.exists():
        raise WorkspaceUnavailable(f"{path}: no inventory here. Run `idspine` to set one up, or use --demo.")
    try:
        loaded = load_with_digest(path)
    except InventoryError as exc:
        raise WorkspaceUnavailable(str(exc)) from None
    return loaded.workspace, loaded.digest


def report_unavailable(exc: WorkspaceUnavailable) -> int:
    """Print the reason and return the exit code for an unreadable workspace."""
    from wizard.cli.output import err

    err(str(exc))
    return EXIT_UNREADABLE


def output_path(value: str, inventory: str | None = None) -> Path:
    """Where an export may be written: its folder must exist, and it must not be the inventory itself
    (under any spelling or through a symlink). UsageError otherwise."""
    from wizard.cli import UsageError

    path = Path(value).expanduser()
    if not value.strip():
        raise UsageError("-o needs a path")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"{value}: the folder {parent} does not exist")
    if path.is_dir():
        raise UsageError(f"{value} is a folder; give a file name")
    if inventory is not None and _same_file(path, Path(inventory).expanduser()):
        raise UsageError(f"{value} is the inventory file; export somewhere else")
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False
