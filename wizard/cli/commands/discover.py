"""`idspine discover entra`: read what a tenant holds (read-only), show it for review, adopt only what is named.

    idspine discover entra [--tenant T] [--client SLUG] [--adopt KEY ...|--adopt-all] [--format text|json]

The reading is `wizard.providers.entra.discover.discover_tenant`, the review and adoption
`wizard.discovery.adopt` (the same functions the Discover screen calls). Without --adopt/--adopt-all nothing
is written. The token is for one tenant: --token-env VAR, else the cached sign-in for that tenant with
read-only scopes (Application.Read.All, Group.Read.All, User.Read.All; AuditLog.Read.All for sign-in
activity, optional).

Other sources (`discover n8n`, `discover supabase`) register beside `entra` through the hook
`discover_sources(subparsers)`: it returns the `discover` parser's subcommand set, creating it once, whichever
command module runs first. A source module does

    from wizard.cli.commands.discover import discover_sources
    def register(subparsers):
        p = discover_sources(subparsers).add_parser("n8n", help=...)
        p.set_defaults(func=run_n8n, command="discover n8n")
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli import add_file_option
from wizard.cli.commands.entra import EXIT_FAILED, EXIT_USAGE, fail, signin_options

if TYPE_CHECKING:
    from wizard.discovery.adopt import ReviewItem
    from wizard.discovery.entra_snapshot import EntraSnapshot
    from wizard.model import Workspace

_SOURCES_ATTR = "_idspine_discover_sources"


def discover_sources(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The subcommand set under `idspine discover` (made on first use): each source adds its parser to it."""
    parser = subparsers.choices.get("discover")
    if parser is None:
        parser = subparsers.add_parser(
            "discover",
            help="read what live systems hold, review it, adopt it into the inventory",
            description="Read what exists in a live system (read-only), review it, and adopt what you choose.",
        )
    inner = getattr(parser, _SOURCES_ATTR, None)
    if inner is None:
        inner = parser.add_subparsers(dest="discover_source", metavar="SOURCE", required=True)
        setattr(parser, _SOURCES_ATTR, inner)
    return inner


def register(subparsers: argparse._SubParsersAction) -> None:
    p = discover_sources(subparsers).add_parser(
        "entra",
        help="app registrations, service principals, credentials, owners and groups of a tenant",
        description="Read a tenant's apps, credentials (ids and dates, never values), owners and "
        "naming-convention groups through Microsoft Graph, read-only; adopt what you name.",
    )
    add_file_option(p)
    p.add_argument(
        "--client", metavar="SLUG", help="the client whose tenant to read; adopted entries belong to it"
    )
    choose = p.add_mutually_exclusive_group()
    choose.add_argument(
        "--adopt",
        nargs="+",
        action="extend",
        metavar="KEY",
        help="adopt these found objects (keys as listed: app:<appId>, secret:<keyId>, cert:<keyId>, group:<id>)",
    )
    choose.add_argument("--adopt-all", action="store_true", help="adopt everything found")
    p.add_argument(
        "--format", choices=["text", "json"], default="text", help="review table or the snapshot as JSON"
    )
    p.add_argument(
        "--graph-url", default=None, help="Graph address (default: $IDSPINE_GRAPH_URL or Graph v1.0)"
    )
    p.add_argument("--token-env", metavar="VAR", help="read a Graph access token for this tenant from VAR")
    p.add_argument(
        "--tenant", help="home, a client slug, or a tenant id/domain (default: --client's, else home)"
    )
    signin_options(p)
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run_entra, command="discover entra")


def _token(args: argparse.Namespace, tenant: str) -> str:
    """The Graph token for *tenant* alone (TokenMismatch, a ValueError, when a JWT names another tenant)."""
    from wizard.providers.entra.tenant_tokens import TenantTokens

    return TenantTokens().put("discover", tenant, _raw_token(args, tenant), tenant)


def _raw_token(args: argparse.Namespace, tenant: str) -> str:
    from wizard.cli.commands.entra import signin_config
    from wizard.providers.entra.discover import DISCOVER_SCOPES
    from wizard.providers.entra.signin_chain import cached_token

    if args.token_env:
        token = os.environ.get(args.token_env, "").strip()
        if not token:
            raise ValueError(f"the environment variable {args.token_env} is empty or not set")
        return token
    result, _way = cached_token(signin_config(args, tenant=tenant, public_fallback=True), DISCOVER_SCOPES)
    if result is None or not result.ok or not result.access_token:
        raise ValueError(
            f"not signed in to {tenant} (or the sign-in expired): run `idspine entra signin --tenant {tenant} "
            + " ".join(f"--scope {s}" for s in DISCOVER_SCOPES)
            + "` first"
        )
    return result.access_token


def run_entra(args: argparse.Namespace) -> int:
    from wizard.cli.output import err
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable
    from wizard.discovery.entra_match import TargetError, discover_target, group_prefixes, snapshot_keys
    from wizard.providers import ProviderError
    from wizard.providers.entra.discover import discover_tenant
    from wizard.providers.entra.signin_config import SigninError
    from wizard.providers.http import HttpSettings
    from wizard.settings import GRAPH_URL, Environment

    if args.demo and (args.adopt or args.adopt_all):
        return fail("discover adopts into an inventory file; use --file, not --demo", EXIT_USAGE)
    try:
        ws = open_workspace(args)
        tenant, client = discover_target(ws, args.tenant, args.client)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    except TargetError as exc:
        return fail(str(exc), EXIT_USAGE)
    env = Environment.read()
    settings = HttpSettings(
        allow_loopback_http=bool(args.allow_loopback_http), ca_bundle=args.ca_bundle or env.ca_bundle
    )
    try:
        token = _token(args, tenant)
    except (ValueError, SigninError, ProviderError) as exc:
        return fail(getattr(exc, "message", None) or str(exc), EXIT_USAGE)
    try:
        snapshot = discover_tenant(
            tenant,
            token,
            graph_url=args.graph_url or env.graph_url or GRAPH_URL,
            http_settings=settings,
            group_prefixes=group_prefixes(ws, client),
            progress=lambda line: err(line, prefix="discover"),
        )
    except ProviderError as exc:
        return fail(f"{exc.message}; nothing was written")
    keys: set[str] | None = None
    if args.adopt:
        keys = set(args.adopt)
        unknown = sorted(keys - set(snapshot_keys(snapshot)))
        if unknown:
            return fail(f"not found in {tenant}: {', '.join(unknown)}; nothing was written", EXIT_USAGE)
    if args.format == "json":
        from wizard.discovery.entra_snapshot import snapshot_dict

        print(json.dumps(snapshot_dict(snapshot), indent=2))
    else:
        _print_review(ws, snapshot)
    for note in snapshot.notes:
        err(note, prefix="note")
    if keys is None and not args.adopt_all:
        if args.format == "text":
            print("Nothing was written. Adopt with --adopt KEY ... or --adopt-all.")
        return 0
    return _adopt(args, snapshot, keys, client)


def _print_review(ws: Workspace, snapshot: EntraSnapshot) -> None:
    from rich.table import Table

    from wizard.cli.output import cell, console
    from wizard.discovery.adopt import review

    items = review(ws, snapshot)
    table = Table(title=f"Found in {snapshot.tenant}", title_justify="left")
    for column in ("Key", "Kind", "Name", "Status", "Detail"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(
            cell(item.key),
            cell(item.kind),
            cell(item.name),
            cell(item.status, _style(item)),
            cell(item.detail),
        )
    out = console() if sys.stdout.isatty() else console(width=240)  # piped or captured: ids stay whole
    out.print(table)
    counts = {s: sum(1 for i in items if i.status == s) for s in ("new", "changed", "in inventory")}
    print(
        f"{len(items)} found: {counts['new']} new, {counts['changed']} changed, {counts['in inventory']} in inventory."
    )


def _style(item: ReviewItem) -> str:
    return {"new": "bold", "changed": "yellow"}.get(item.status, "")


def _adopt(args: argparse.Namespace, snapshot: EntraSnapshot, keys: set[str] | None, client: str) -> int:
    """Reload the file with its digest and adopt through the writer (lock + digest, replay on a concurrent save)."""
    from wizard.cli.commands.entra_apply import _open_with_digest
    from wizard.cli.workspace_arg import WorkspaceUnavailable, report_unavailable
    from wizard.discovery.adopt import adopt_and_save
    from wizard.inventory import InventoryError
    from wizard.inventory_writer import InventoryWriter
    from wizard.safe_text import one_line

    try:
        ws, digest = _open_with_digest(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    try:
        report = adopt_and_save(InventoryWriter(Path(args.file), digest), ws, snapshot, keys, client=client)
    except (InventoryError, ValueError) as exc:
        return fail(f"nothing adopted: {exc}", EXIT_FAILED)
    for note in report.notes:
        print(f"note: {one_line(note)}", file=sys.stderr)
    print(
        f"Adopted {len(report.added)} new, updated {len(report.updated)}, "
        f"{len(report.unchanged)} already recorded; saved to {one_line(args.file)}."
    )
    return 0
