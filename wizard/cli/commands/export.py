"""`idspine export FORMAT`: checklists, CSV and infrastructure-as-code from the inventory."""

from __future__ import annotations

import argparse
import sys

from wizard.cli import add_file_option, iso_date
from wizard.export import FORMATS, NotForThisIdp


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `export` command."""
    formats = "; ".join(f"{k}: {f.description}" for k, f in FORMATS.items())
    p = subparsers.add_parser("export", help="export checklists, CSV or IaC scripts", description=formats)
    p.add_argument("format", choices=sorted(FORMATS))
    add_file_option(p)
    p.add_argument("--client", metavar="SLUG", help="only this client")
    p.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        help="write to a file instead of standard output ('-': standard output)",
    )
    p.add_argument("--today", metavar="YYYY-MM-DD", type=iso_date, help="date used for expiry checks")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the export and write it."""
    from wizard.cli.output import err
    from wizard.cli.workspace_arg import (
        WorkspaceUnavailable,
        open_workspace,
        output_path,
        report_unavailable,
        today_from,
    )

    to_file = args.output is not None and args.output != "-"  # '-' is standard output, as Unix tools read it
    target = output_path(args.output, args.file) if to_file else None
    try:
        ws = open_workspace(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    if args.client and ws.client(args.client) is None:
        known = ", ".join(c.slug for c in ws.clients) or "none"
        err(f"unknown client {args.client!r} (known: {known})")
        return 2
    try:
        text = FORMATS[args.format].render(ws, client=args.client, today=today_from(args))
    except NotForThisIdp as exc:
        err(str(exc))
        return 2
    if target is not None:
        from wizard.files import write_text_atomic

        write_text_atomic(target, text)
        err(f"wrote {target}", prefix="idspine export")
    else:
        sys.stdout.write(text)
    return 0
