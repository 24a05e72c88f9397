"""Opening the workspace a headless command works on (--file or --demo), with errors as exit code 2."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from wizard.model import Workspace

EXIT_UNREADABLE = 2


class WorkspaceUnavailable(Exception):
    """The workspace could not be opened; the message is safe to print."""


def today_from(args: argparse.Namespace) -> dt.date:
    """The date audits use: --today, else $IDSPINE_TODAY, else the real date."""
    value = getattr(args, "today", None) or os.environ.get("IDSPINE_TODAY")
    return dt.date.fromisoformat(value) if value else dt.date.today()


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The demo workspace or the inventory file named by --file."""
    if getattr(args, "demo", False):
        from wizard.demo import demo_workspace

        return demo_workspace(today_from(args))
    from wizard.inventory import InventoryError, load

    path = Path(args.file)
    if not path.exists():
        raise WorkspaceUnavailable(f"{path}: no inventory here. Run `idspine` to set one up, or use --demo.")
    try:
        return load(path)
    except InventoryError as exc:
        raise WorkspaceUnavailable(str(exc)) from None


def report_unavailable(exc: WorkspaceUnavailable) -> int:
    """Print the reason and return the exit code for an unreadable workspace."""
    print(f"idspine: {exc}", file=sys.stderr)
    return EXIT_UNREADABLE
