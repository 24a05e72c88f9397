"""`idspine offboard CLIENT` (or `--owner EMAIL`): the ordered revocation checklist, and retiring entries."""

from __future__ import annotations

import argparse
import sys

from wizard.cli import add_file_option


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `offboard` command."""
    p = subparsers.add_parser(
        "offboard", help="revocation checklist for a client who leaves (or a contractor)"
    )
    p.add_argument("client", nargs="?", help="client slug")
    p.add_argument(
        "--client", dest="client_option", metavar="SLUG", help="the same, spelled as plan and export take it"
    )
    p.add_argument("--owner", metavar="EMAIL", help="off-board a person instead: everything they own")
    add_file_option(p)
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument(
        "--mark-retired", action="store_true", help="mark every listed entry retired in the inventory"
    )
    p.add_argument("--yes", action="store_true", help="do not ask before marking entries retired")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the checklist; optionally retire the entries."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable
    from wizard.offboarding import mark_retired, plan_offboarding, render_json, render_markdown

    if args.client_option:
        if args.client and args.client != args.client_option:
            print("idspine: give the client once (CLIENT or --client SLUG)", file=sys.stderr)
            return 2
        args.client = args.client_option
    if bool(args.client) == bool(args.owner):
        print("idspine: give a client slug or --owner EMAIL (one of them)", file=sys.stderr)
        return 2
    try:
        ws = open_workspace(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    try:
        steps = plan_offboarding(ws, client=args.client, owner=args.owner)
    except KeyError:
        known = ", ".join(c.slug for c in ws.clients) or "none"
        print(f"idspine: unknown client {args.client!r} (known: {known})", file=sys.stderr)
        return 2
    who = f"client {args.client}" if args.client else args.owner
    sys.stdout.write(render_json(steps) + "\n" if args.format == "json" else render_markdown(ws, steps, who))
    if not args.mark_retired:
        return 0
    if args.demo:
        print("idspine: the demo workspace is never written", file=sys.stderr)
        return 2
    if not args.yes:
        from wizard.cli.output import ask

        answer = ask(f"Mark {len({s.subject for s in steps})} entries retired in {args.file}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing changed", file=sys.stderr)
            return 1
    from wizard.inventory import InventoryError, load_with_digest, save

    try:
        loaded = load_with_digest(args.file)
        save(mark_retired(loaded.workspace, steps, args.client), args.file, expected_digest=loaded.digest)
    except InventoryError as exc:
        print(f"idspine: {exc}", file=sys.stderr)
        return 2
    print(f"marked retired in {args.file}", file=sys.stderr)
    return 0
