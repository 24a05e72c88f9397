"""`idspine edit-sp NAME [--owner EMAIL] [--client-id ID] [--sign-in-audience single-tenant|multi-tenant]
[--assignment-required yes|no] [--notes TEXT]`: a service principal's recorded facts (wizard.sp_edit)."""

from __future__ import annotations

import argparse
import re

from wizard.cli import add_file_option

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `edit-sp` command."""
    p = subparsers.add_parser(
        "edit-sp",
        help="record a service principal's owner, client id (IdPs other than Entra), sign-in audience, "
        "whether assignment is required, or notes",
    )
    p.add_argument("sp_name", metavar="NAME", help="the service principal's name in the inventory")
    add_file_option(p)
    p.add_argument("--owner", metavar="EMAIL", help="who answers for it")
    p.add_argument(
        "--client-id", metavar="ID", help="its client id at an IdP other than Entra ('' clears it)"
    )
    p.add_argument(
        "--sign-in-audience",
        metavar="AUDIENCE",
        help="single-tenant or multi-tenant, as the IdP shows it ('' for not known)",
    )
    p.add_argument(
        "--assignment-required",
        metavar="YES|NO",
        help="whether its enterprise app requires assignment ('' for not known)",
    )
    p.add_argument("--notes", metavar="TEXT", help="one line of notes")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the values with wizard.sp_edit, then save with the lock and digest check; one line either way."""
    from wizard.cli.commands.edit import _fail, save_edit
    from wizard.sp_edit import SP_FIELDS, edit_service_principal

    changes = {f: getattr(args, f) for f in SP_FIELDS if getattr(args, f) is not None}
    if not changes:
        return _fail(
            "nothing to change: give --owner, --client-id, --sign-in-audience, --assignment-required or --notes",
            "edit-sp",
        )
    from wizard.secrets.guard import find_secret_kind

    plain = _SAFE_NAME.match(args.sp_name) and not find_secret_kind(args.sp_name)
    shown = args.sp_name if plain else "that name"  # never echo an odd (or secret) name
    return save_edit(
        args, "edit-sp", shown, changes, lambda ws: edit_service_principal(ws, args.sp_name, changes)
    )
