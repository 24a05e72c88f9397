"""`idspine edit CRED_ID --secret-ref REF [--expires DATE] [--owner EMAIL] [--notes TEXT]
[--google-publishing-status testing|in-production] [--n8n-id ID]`: a credential's facts."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from wizard.cli import add_file_option

if TYPE_CHECKING:
    from wizard.model import Workspace

EXIT_BAD = 2
_SAFE_ID = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `edit` command."""
    p = subparsers.add_parser(
        "edit", help="record where a credential's secret lives, its owner, expiry or notes"
    )
    p.add_argument("cred_id", metavar="CRED_ID", help="the credential's id in the inventory")
    add_file_option(p)
    p.add_argument(
        "--secret-ref",
        metavar="REF",
        help="where the secret lives: env:NAME, keyvault://vault/name, op://vault/item/field, file:PATH "
        "('' clears it); never the secret itself",
    )
    p.add_argument("--expires", metavar="YYYY-MM-DD", help="the credential's end date ('' clears it)")
    p.add_argument("--owner", metavar="EMAIL", help="who rotates it and answers for it")
    p.add_argument("--notes", metavar="TEXT", help="one line of notes")
    p.add_argument(
        "--google-publishing-status",
        metavar="STATUS",
        help="Google OAuth clients: testing or in-production, as the consent screen shows ('' clears it)",
    )
    p.add_argument("--n8n-id", metavar="ID", help="the id of the n8n credential that holds it ('' clears it)")
    p.set_defaults(func=run)


def _fail(message: str, prog: str = "edit") -> int:
    print(f"idspine {prog}: {message}", file=sys.stderr)
    return EXIT_BAD


def run(args: argparse.Namespace) -> int:
    """Check the values, then save with the inventory's lock and digest check; one line either way."""
    from wizard.credential_edit import FIELDS, edit_credential

    changes = {f: getattr(args, f) for f in FIELDS if getattr(args, f) is not None}
    if not changes:
        return _fail(
            "nothing to change: give --secret-ref, --expires, --owner, --notes, --google-publishing-status "
            "or --n8n-id"
        )
    shown_id = args.cred_id if _SAFE_ID.match(args.cred_id) else "that id"  # never echo an odd (or secret) id
    return save_edit(args, "edit", shown_id, changes, lambda ws: edit_credential(ws, args.cred_id, changes))


def save_edit(
    args: argparse.Namespace,
    prog: str,
    shown: str,
    changes: dict[str, str],
    change: Callable[[Workspace], Workspace],
) -> int:
    """Load the inventory with its digest, apply *change* (EditProblems: one line naming the first field, nothing
    written), save under the lock and digest check; one line either way. *shown* is the entry's name as safe
    to print."""
    from wizard.credential_edit import EditProblems

    if args.demo:
        return _fail("the demo workspace is never written; use --file PATH", prog)
    from wizard.inventory import InventoryError, load_with_digest, save

    try:
        loaded = load_with_digest(args.file)
    except FileNotFoundError:
        return _fail(f"{args.file}: no inventory here", prog)
    except InventoryError as exc:
        return _fail(str(exc).splitlines()[0], prog)
    except OSError as exc:
        return _fail(f"{args.file}: {exc.strerror}", prog)
    try:
        ws = change(loaded.workspace)
    except EditProblems as exc:
        for whole in ("id", "name"):
            if whole in exc.problems:
                return _fail(f"{shown}: {exc.problems[whole]}", prog)
        field, problem = next(iter(exc.problems.items()))
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return _fail(f"{shown}: --{field.replace('_', '-')}: {problem}{more}; nothing was changed", prog)
    try:
        save(ws, args.file, expected_digest=loaded.digest)
    except InventoryError as exc:
        return _fail(str(exc).splitlines()[0], prog)
    except OSError as exc:
        return _fail(f"{args.file}: {exc.strerror}", prog)
    print(f"edited {shown}: {', '.join(f.replace('_', ' ') for f in changes)} recorded in {args.file}")
    return 0
