"""The `idspine` command: opens the app, or runs a headless subcommand.

Subcommands live in `wizard.cli.commands`; each command module defines `register(subparsers)` which
adds its parsers and sets `func` (taking the parsed args, returning an exit code). A module without
`register` holds part of another command (entra_apply for entra). Modules are discovered, so adding a command never edits this file. Command modules
import heavy libraries inside their handlers only, to keep start-up fast.

Everything a command prints passes through `wizard.cli.output` (control characters made visible), and
every failure ends as one line on stderr and an exit code: usage errors 2, a closed pipe 141, anything
unexpected 1 (IDSPINE_DEBUG=1 shows the traceback instead).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from typing import NoReturn

from wizard import __version__

DEFAULT_FILE = "idspine.toml"
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 141  # what a shell reports for a process ended by SIGPIPE (128 + 13)


class UsageError(Exception):
    """A bad option, path, date or value; the message is one line, safe to print; exit code 2."""


class Parser(argparse.ArgumentParser):
    """argparse with errors as one line (`idspine check: argument --today: ...`) instead of usage + error."""

    def error(self, message: str) -> NoReturn:
        from wizard.cli.output import err

        err(f"{message} (see `{self.prog} --help`)", prefix=self.prog)
        raise SystemExit(EXIT_USAGE)


def iso_date(value: str) -> dt.date:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def non_negative(value: str) -> int:
    """An argparse type: a whole number, zero or more."""
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of 0 or more")
    return number


def add_file_option(parser: argparse.ArgumentParser) -> None:
    """The --file/--demo options every workspace-reading command takes.

    Their defaults are SUPPRESS so a value given before the subcommand (`idspine --demo check`) is kept;
    `main` fills the real defaults in afterwards.
    """
    parser.add_argument(
        "--file",
        "-f",
        default=argparse.SUPPRESS,
        metavar="PATH",
        help=f"inventory file (default: ./{DEFAULT_FILE})",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use the built-in demo workspace instead of a file",
    )
    parser.set_defaults(takes_workspace=True)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every discovered subcommand."""
    parser = _global_parser()
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from wizard.cli import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"wizard.cli.commands.{info.name}")
        if hasattr(module, "register"):
            module.register(subparsers)
    return parser


def _app_only(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The options when `argv` only opens the app (--demo, --file PATH, --theme NAME), else None.

    Opening the app is the common case; answering it without importing every command module for the full
    parser saves ~20 ms of start-up. Anything else (a subcommand, --help, --version, a mistake) goes to the
    full parser, so its help and its errors are the same as ever.
    """
    parser = _global_parser(quick=True)
    parser.set_defaults(command=None)
    try:
        args, extras = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    except _NotQuick:  # a bad value for a known option: the full parser says so
        return None
    return None if extras else args


class _NotQuick(Exception):
    pass


class _QuickParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotQuick(message)


def _global_parser(quick: bool = False) -> argparse.ArgumentParser:
    """The options before any subcommand; quick: without --help and --version, silent on errors."""
    description = (
        "Plan, record and audit identities and credentials for a consultancy and its clients. "
        "Without a subcommand, opens the wizard."
    )
    if quick:
        parser: argparse.ArgumentParser = _QuickParser(prog="idspine", add_help=False)
    else:
        parser = Parser(prog="idspine", description=description)
        parser.add_argument("--version", action="version", version=f"idspine {__version__}")
    parser.add_argument(
        "--file",
        "-f",
        default=None,
        metavar="PATH",
        help=f"inventory file (default: ./{DEFAULT_FILE}); also accepted after the subcommand",
    )
    parser.add_argument(
        "--demo", action="store_true", default=None, help="use the built-in demo workspace instead of a file"
    )
    parser.add_argument("--theme", choices=["dark", "light"], default=None, help="colour theme of the app")
    return parser


def _settle_globals(args: argparse.Namespace) -> None:
    """Honour or refuse --file/--demo/--theme, wherever they were given; then fill in the defaults."""
    given = [name for name, value in (("--file", args.file), ("--demo", args.demo)) if value]
    if args.command is not None:
        if args.theme is not None:
            raise UsageError("--theme only applies to the app (idspine without a subcommand)")
        if given and not getattr(args, "takes_workspace", False):
            raise UsageError(
                f"{args.command} does not read an inventory; {' and '.join(given)} would be ignored"
            )
    if args.file is not None and args.demo:
        raise UsageError("give --file or --demo, not both")
    if args.file is not None and not str(args.file).strip():
        raise UsageError("--file needs a path")
    args.file = DEFAULT_FILE if args.file is None else args.file
    args.demo = bool(args.demo)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `idspine` command."""
    from wizard.cli.output import err, guarded_streams

    try:
        quick = _app_only(argv)
        if quick is not None:
            _settle_globals(quick)
            from wizard.cli.launch import run_app

            return run_app(quick)
        parser = build_parser()
        args, extras = parser.parse_known_args(argv)
        if extras:  # name the subcommand whose options were wrong, so its --help is the one suggested
            command = getattr(args, "command", None)
            prog = f"{parser.prog} {command}" if command else parser.prog
            err(f"unrecognized arguments: {' '.join(extras)} (see `{prog} --help`)", prefix=prog)
            return EXIT_USAGE
        _settle_globals(args)
    except UsageError as exc:
        err(str(exc))
        return EXIT_USAGE
    if args.command is None:  # the app draws with escape sequences of its own, on the real terminal
        from wizard.cli.launch import run_app

        return run_app(args)
    with guarded_streams():
        try:
            code = int(args.func(args) or 0)
            sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at interpreter exit
            return code
        except BrokenPipeError:
            _silence_stdout()
            return EXIT_BROKEN_PIPE
        except UsageError as exc:
            err(str(exc))
            return EXIT_USAGE
        except KeyboardInterrupt:
            err("interrupted")
            return 130
        except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
            if os.environ.get("IDSPINE_DEBUG"):
                raise
            err(_describe(exc) + " (IDSPINE_DEBUG=1 shows the details)")
            return 1


def _describe(exc: Exception) -> str:
    """One line about an exception no command handled; its text is withheld if it looks like a secret."""
    from wizard.secrets.guard import find_secret_kind

    if isinstance(exc, OSError) and exc.strerror:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror}"
    text = str(exc)
    if find_secret_kind(text):
        text = "(message withheld: it looked like it held a secret)"
    return f"unexpected {type(exc).__name__}: {text}"


def _silence_stdout() -> None:
    """After a reader closed the pipe (`idspine check | head`): point stdout at /dev/null so the final
    flush at exit cannot complain (the recipe in Python's `signal` module documentation)."""
    from wizard.cli.output import raw

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, raw(sys.stdout).fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture stdout)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
