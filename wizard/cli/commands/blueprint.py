"""`idspine blueprint list|show|apply`: proven identity designs turned into inventory entries for a client."""

from __future__ import annotations

import argparse
import sys

from wizard.cli import add_file_option


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `blueprint` command."""
    p = subparsers.add_parser("blueprint", help="identity blueprints: list, show, apply to a client")
    p.add_argument("action", choices=["list", "show", "apply"])
    p.add_argument("id", nargs="?", help="blueprint id (see list)")
    p.add_argument("--client", metavar="SLUG", help="the client to apply it to")
    p.add_argument("--repo", metavar="ORG/REPO", help="GitHub repository for federated credentials")
    p.add_argument("--owner", metavar="EMAIL", help="owner recorded on the new app registrations")
    add_file_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List, show or apply a blueprint."""
    from wizard.blueprints import BLUEPRINTS, apply_blueprint

    if args.action == "list":
        for b in BLUEPRINTS.values():
            print(f"{b.id:24} {b.title}")
        return 0
    if args.id not in BLUEPRINTS:
        print(f"idspine: unknown blueprint {args.id!r} (known: {', '.join(BLUEPRINTS)})", file=sys.stderr)
        return 2
    bp = BLUEPRINTS[args.id]
    if args.action == "show":
        print(f"{bp.title}\n\n{bp.summary}\n")
        for g in bp.groups:
            print(f"group role {g.role}{' (admin)' if g.admin else ''}: scopes {', '.join(g.scopes)}")
        for a in bp.apps:
            print(f"app {a.tool}:{a.purpose} ({a.kind}) roles {', '.join(a.roles) or '-'}")
        for item in bp.checklist:
            print(f"- {item}")
        print(f"\nexplainers: {', '.join(bp.explainers)}")
        return 0
    if not args.client:
        print("idspine: apply needs --client SLUG", file=sys.stderr)
        return 2
    from wizard.cli.workspace_arg import WorkspaceUnavailable, report_unavailable
    from wizard.inventory import InventoryError, load_with_digest, save

    if args.demo:
        print("idspine: the demo workspace is never written; use `idspine demo --write PATH` first", file=sys.stderr)
        return 2
    try:
        loaded = load_with_digest(args.file)
    except (InventoryError, FileNotFoundError) as exc:
        return report_unavailable(WorkspaceUnavailable(str(exc)))
    params = {k: v for k, v in (("repo", args.repo), ("owner", args.owner)) if v}
    try:
        ws = apply_blueprint(loaded.workspace, args.id, args.client, params)
    except KeyError:
        print(f"idspine: unknown client {args.client!r}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"idspine: {exc}", file=sys.stderr)
        return 2
    added = (len(ws.groups) - len(loaded.workspace.groups), len(ws.service_principals)
             - len(loaded.workspace.service_principals))
    try:
        save(ws, args.file, expected_digest=loaded.digest)
    except InventoryError as exc:
        print(f"idspine: {exc}", file=sys.stderr)
        return 2
    print(f"{bp.id} applied to {args.client}: {added[0]} group(s), {added[1]} app registration(s) added")
    return 0
