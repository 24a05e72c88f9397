"""The `idspine` command: opens the app, or runs a headless subcommand.

Subcommands live one per module in `wizard.cli.commands`; each module defines
`register(subparsers)` which adds its parser and sets `func` (taking the parsed args, returning an
exit code). Modules are discovered, so adding a command never edits this file. Command modules
import heavy libraries inside their handlers only, to keep start-up fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from wizard import __version__

DEFAULT_FILE = "idspine.toml"


def add_file_option(parser: argparse.ArgumentParser) -> None:
    """The --file option every headless command takes."""
    parser.add_argument(
        "--file", "-f", default=DEFAULT_FILE, metavar="PATH",
        help=f"inventory file (default: ./{DEFAULT_FILE})",
    )
    parser.add_argument("--demo", action="store_true", help="use the built-in demo workspace instead of a file")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every discovered subcommand."""
    parser = argparse.ArgumentParser(
        prog="idspine",
        description="Plan, record and audit identities and credentials for a consultancy and its clients. "
        "Without a subcommand, opens the wizard.",
    )
    parser.add_argument("--version", action="version", version=f"idspine {__version__}")
    add_file_option(parser)
    parser.add_argument("--theme", choices=["dark", "light"], default=None, help="colour theme of the app")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from wizard.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"wizard.cli.commands.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `idspine` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from wizard.cli.launch import run_app

        return run_app(args)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
