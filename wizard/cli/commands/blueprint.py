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
    p.add_argument(
        "--client", metavar="SLUG", help="the client to apply it to (with show: preview the names)"
    )
    p.add_argument("--repo", metavar="ORG/REPO", help="GitHub repository for federated credentials")
    p.add_argument("--owner", metavar="EMAIL", help="owner recorded on the new app registrations")
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a blueprint parameter (see show); repeat for several",
    )
    add_file_option(p)
    p.set_defaults(func=run)


def _params(args: argparse.Namespace) -> dict[str, str] | None:
    params = {k: v for k, v in (("repo", args.repo), ("owner", args.owner)) if v}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name:
            print(f"idspine: --param wants NAME=VALUE, got {item!r}", file=sys.stderr)
            return None
        params[name.strip()] = value.strip()
    return params


def run(args: argparse.Namespace) -> int:
    """List, show or apply a blueprint."""
    from wizard.blueprints import BLUEPRINTS

    if args.action == "list":
        for b in BLUEPRINTS.values():
            print(f"{b.id:24} {b.title}")
        return 0
    if args.id not in BLUEPRINTS:
        print(f"idspine: unknown blueprint {args.id!r} (known: {', '.join(BLUEPRINTS)})", file=sys.stderr)
        return 2
    params = _params(args)
    if params is None:
        return 2
    unknown = set(params) - {p.name for p in BLUEPRINTS[args.id].params} - {"owner"}
    if unknown:
        print(
            f"idspine: {args.id} has no parameter {sorted(unknown)[0]!r} (see `idspine blueprint show "
            f"{args.id}`)",
            file=sys.stderr,
        )
        return 2
    if args.action == "show":
        return _show(args, params)
    return _apply(args, params)


def _show(args: argparse.Namespace, params: dict[str, str]) -> int:
    from wizard.blueprints import BLUEPRINTS

    bp = BLUEPRINTS[args.id]
    preview = None
    if args.client:
        from wizard.blueprints import plan
        from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable

        try:
            preview = plan(open_workspace(args), bp.id, args.client, params)
        except WorkspaceUnavailable as exc:
            return report_unavailable(exc)
        except KeyError:
            print(f"idspine: unknown client {args.client!r}", file=sys.stderr)
            return 2
        except ValueError as exc:
            print(f"idspine: {exc}", file=sys.stderr)
            return 2
    print(f"{bp.title}\n\n{bp.summary}\n")
    for p in bp.params:
        need = "required" if p.required else f"default {p.default!r}" if p.default else "optional"
        print(f"parameter {p.name}: {p.help} ({need})")
    if preview is None:
        for g in bp.groups:
            print(
                f"group role {g.role}{' (admin)' if g.admin else ''} → app role {g.app_role}: "
                f"{', '.join(g.scopes) or '-'}"
            )
        for a in bp.apps:
            print(f"app {a.tool}/{a.purpose} ({a.kind}): {a.summary}")
        print(
            f"\nexplainers: {', '.join(bp.explainers)}\n(add --client SLUG --demo or --file to see the names)"
        )
        return 0
    scopes = preview.group_scopes()
    print()
    for group in preview.groups:
        print(f"group {group.name}: {', '.join(scopes.get(group.name, ())) or '-'}")
    for sp in preview.service_principals:
        print(f"app registration {sp.name} ({sp.credential_kind})")
        for r in sp.app_roles:
            print(f"  app role {r.value} ({r.allowed}) ← {', '.join(r.groups) or 'granted to apps'}")
        for uri in sp.redirect_uris:
            print(f"  redirect {uri}")
        for fc in sp.federated_credentials:
            print(f"  federated credential {fc.name}: {fc.subject}")
    for item in preview.checklist:
        print(f"- [ ] {item.text}")
    print(f"\nexplainers: {', '.join(bp.explainers)}")
    return 0


def _apply(args: argparse.Namespace, params: dict[str, str]) -> int:
    from wizard.blueprints import BLUEPRINTS, apply_blueprint

    bp = BLUEPRINTS[args.id]
    if not args.client:
        print("idspine: apply needs --client SLUG", file=sys.stderr)
        return 2
    from wizard.cli.workspace_arg import WorkspaceUnavailable, report_unavailable
    from wizard.inventory import InventoryError, load_with_digest, save

    if args.demo:
        print(
            "idspine: the demo workspace is never written; use `idspine demo --write PATH` first",
            file=sys.stderr,
        )
        return 2
    try:
        loaded = load_with_digest(args.file)
    except (InventoryError, FileNotFoundError) as exc:
        return report_unavailable(WorkspaceUnavailable(str(exc)))
    try:
        ws = apply_blueprint(loaded.workspace, args.id, args.client, params)
    except KeyError:
        print(f"idspine: unknown client {args.client!r}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"idspine: {exc}", file=sys.stderr)
        return 2
    before = loaded.workspace
    added = (
        len(ws.groups) - len(before.groups),
        len(ws.service_principals) - len(before.service_principals),
        len(ws.checklist) - len(before.checklist),
    )
    try:
        save(ws, args.file, expected_digest=loaded.digest)
    except InventoryError as exc:
        print(f"idspine: {exc}", file=sys.stderr)
        return 2
    print(
        f"{bp.id} applied to {args.client}: {added[0]} group(s), {added[1]} app registration(s), "
        f"{added[2]} checklist item(s) added"
    )
    return 0
