"""`idspine demo`: print or write the built-in demo inventory."""

from __future__ import annotations

import argparse
import sys

from wizard.cli import iso_date


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `demo` command."""
    p = subparsers.add_parser("demo", help="print the demo inventory, or write it to a file")
    p.add_argument(
        "--write", metavar="PATH", help="write the demo inventory to PATH (never over an existing file)"
    )
    p.add_argument(
        "--today", metavar="YYYY-MM-DD", type=iso_date, help="date the demo's expiry dates are relative to"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print or save the demo workspace."""
    from wizard.cli.output import err
    from wizard.cli.workspace_arg import output_path, today_from
    from wizard.demo import demo_workspace
    from wizard.inventory import dumps, save

    ws = demo_workspace(today_from(args))
    if not args.write:
        sys.stdout.write(dumps(ws))
        return 0
    path = output_path(args.write)
    if path.exists() or path.is_symlink():
        err(f"{path} already exists; not overwriting it")
        return 2
    from wizard.inventory import InventoryError

    try:
        save(ws, path, expected_digest=None)
    except InventoryError as exc:
        err(str(exc))
        return 2
    err(f"wrote {path}", prefix="idspine demo")
    return 0
