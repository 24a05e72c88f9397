"""`idspine discover entra`: read what a tenant holds (read-only), show it for review, adopt only what is named.

    idspine discover entra [--tenant T] [--client SLUG | --all-tenants] [--adopt KEY ...|--adopt-all]
                           [--format text|json]

The reading is `wizard.providers.entra.discover.discover_tenant`, the review and adoption
`wizard.discovery.adopt` (the same functions the Discover screen calls). Without --adopt/--adopt-all nothing
is written. Each token is for one tenant: --token-env VAR (or TENANT=VAR, repeatable: TENANT is a tenant
id/domain, `home` or a client slug), else the cached sign-in for that tenant with read-only scopes
(Application.Read.All, Group.Read.All, User.Read.All; AuditLog.Read.All for sign-in activity, optional).

--all-tenants reads the home tenant and every active client's own tenant in one run (the tenants drift
reads, wizard.providers.drift_sources.entra_tenants), one token each, into one review. A tenant that
cannot be read is reported on one line and the others go on (exit 1 at the end); adoption is per tenant,
with that tenant's client. Keys may be qualified as TENANT/KEY; an unqualified key means it in every
tenant where it was found.

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
    from wizard.providers.entra.tenant_tokens import TenantTokens

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
    p.add_argument(
        "--all-tenants",
        action="store_true",
        help="read the home tenant and every active client's tenant (one token each) into one review",
    )
    choose = p.add_mutually_exclusive_group()
    choose.add_argument(
        "--adopt",
        nargs="+",
        action="extend",
        metavar="KEY",
        help="adopt these found objects (keys as listed: app:<appId>, secret:<keyId>, cert:<keyId>, group:<id>; "
        "with --all-tenants also TENANT/KEY)",
    )
    choose.add_argument("--adopt-all", action="store_true", help="adopt everything found")
    p.add_argument(
        "--format", choices=["text", "json"], default="text", help="review table or the snapshot as JSON"
    )
    p.add_argument(
        "--graph-url", default=None, help="Graph address (default: $IDSPINE_GRAPH_URL or Graph v1.0)"
    )
    p.add_argument(
        "--token-env",
        action="append",
        default=[],
        metavar="[TENANT=]VAR",
        help="read a Graph access token from VAR (TENANT=VAR: for that tenant only; repeatable)",
    )
    p.add_argument(
        "--tenant", help="home, a client slug, or a tenant id/domain (default: --client's, else home)"
    )
    signin_options(p)
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run_entra, command="discover entra")


def _token(args: argparse.Namespace, ws: Workspace, tenant: str, tokens: TenantTokens | None = None) -> str:
    """The Graph token for *tenant* alone (TokenMismatch, a ValueError, when a JWT names another tenant or the
    token already served another tenant of this run)."""
    from wizard.providers.entra.tenant_tokens import TenantTokens

    return (tokens or TenantTokens()).put(tenant.lower(), tenant, _raw_token(args, ws, tenant), tenant)


def _tenant_name(ws: Workspace, name: str) -> str:
    """A tenant as the user may name it (`home`, a client slug, an id or domain) as recorded."""
    client = ws.client(name)
    if name == "home":
        return ws.consultancy.home_tenant or name
    if client is not None and client.tenant:
        return client.tenant
    return name


def _token_var(args: argparse.Namespace, ws: Workspace, tenant: str) -> str | None:
    """The --token-env variable for *tenant*: a TENANT=VAR naming it, else a bare VAR, else None."""
    bare = None
    for item in args.token_env:
        name, sep, var = item.partition("=")
        if not sep:
            bare = item.strip()
        elif _tenant_name(ws, name.strip()).lower() == tenant.lower():
            return var.strip()
    return bare


def _raw_token(args: argparse.Namespace, ws: Workspace, tenant: str) -> str:
    from wizard.cli.commands.entra import signin_config
    from wizard.providers.entra.discover import DISCOVER_SCOPES
    from wizard.providers.entra.signin_chain import cached_token

    var = _token_var(args, ws, tenant)
    if var is not None:
        token = os.environ.get(var, "").strip()
        if not token:
            raise ValueError(f"the environment variable {var} (--token-env) is empty or not set")
        return token
    result, _way = cached_token(signin_config(args, tenant=tenant, public_fallback=True), DISCOVER_SCOPES)
    if result is None or not result.ok or not result.access_token:
        raise ValueError(
            f"not signed in to {tenant} (or the sign-in expired): run `idspine entra signin --tenant {tenant} "
            + " ".join(f"--scope {s}" for s in DISCOVER_SCOPES)
            + "` first"
        )
    return result.access_token


def _targets(ws: Workspace, args: argparse.Namespace) -> list[tuple[str, str]]:
    """(tenant, client slug) to read: one from --tenant/--client, or every recorded one with --all-tenants."""
    from wizard.discovery.entra_match import TargetError, discover_target
    from wizard.providers.drift_sources import entra_tenants

    if not args.all_tenants:
        return [discover_target(ws, args.tenant, args.client)]
    targets = entra_tenants(ws)
    if not targets:
        raise TargetError("no tenant id or domain is recorded for the home tenant or any active client")
    return targets


class _Unreadable(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.message, self.code = message, code


def _read_one(
    args: argparse.Namespace, ws: Workspace, tenant: str, client: str, tokens: TenantTokens
) -> EntraSnapshot:
    """One tenant read (read-only); _Unreadable (one line, exit code) when it cannot be."""
    from wizard.cli.output import err
    from wizard.discovery.entra_match import group_prefixes
    from wizard.providers import ProviderError
    from wizard.providers.entra.discover import discover_tenant
    from wizard.providers.entra.signin_config import SigninError
    from wizard.providers.http import HttpSettings
    from wizard.settings import GRAPH_URL, Environment

    env = Environment.read()
    settings = HttpSettings(
        allow_loopback_http=bool(args.allow_loopback_http), ca_bundle=args.ca_bundle or env.ca_bundle
    )
    try:
        token = _token(args, ws, tenant, tokens)
    except (ValueError, SigninError, ProviderError) as exc:
        raise _Unreadable(getattr(exc, "message", None) or str(exc), EXIT_USAGE) from None
    try:
        return discover_tenant(
            tenant,
            token,
            graph_url=args.graph_url or env.graph_url or GRAPH_URL,
            http_settings=settings,
            group_prefixes=group_prefixes(ws, client),
            progress=lambda line: err(line, prefix=f"discover {tenant}" if args.all_tenants else "discover"),
        )
    except ProviderError as exc:
        raise _Unreadable(exc.message, EXIT_FAILED) from None


def _chosen_keys(
    ws: Workspace, args: argparse.Namespace, found: list[tuple[EntraSnapshot, str]]
) -> tuple[list[set[str] | None], list[str]]:
    """The keys to adopt in each read tenant (None: all) and the named keys found in none of them."""
    from wizard.discovery.entra_match import snapshot_keys

    if not args.adopt:
        return [None] * len(found), []
    per: list[set[str] | None] = []
    used: set[str] = set()
    for snapshot, _client in found:
        here = set(snapshot_keys(snapshot))
        chosen = set()
        for key in args.adopt:
            tenant, sep, bare = key.rpartition("/")
            if sep and args.all_tenants:
                if _tenant_name(ws, tenant).lower() != snapshot.tenant.lower():
                    continue
            else:
                bare = key
            if bare in here:
                chosen.add(bare)
                used.add(key)
        per.append(chosen)
    return per, sorted(set(args.adopt) - used)


def run_entra(args: argparse.Namespace) -> int:
    from wizard.cli.output import err
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable
    from wizard.discovery.entra_match import TargetError
    from wizard.providers.entra.tenant_tokens import TenantTokens
    from wizard.safe_text import one_line

    if args.demo and (args.adopt or args.adopt_all):
        return fail("discover adopts into an inventory file; use --file, not --demo", EXIT_USAGE)
    if args.all_tenants and (args.tenant or args.client):
        return fail("--all-tenants reads every recorded tenant; leave out --tenant and --client", EXIT_USAGE)
    try:
        ws = open_workspace(args)
        targets = _targets(ws, args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    except TargetError as exc:
        return fail(str(exc), EXIT_USAGE)
    tokens = TenantTokens()
    found: list[tuple[EntraSnapshot, str]] = []
    unreadable: dict[str, str] = {}
    for tenant, client in targets:
        try:
            found.append((_read_one(args, ws, tenant, client, tokens), client))
        except _Unreadable as exc:
            if not args.all_tenants:
                return fail(f"{exc.message}; nothing was written", exc.code)
            unreadable[tenant] = exc.message
            err(f"{one_line(tenant)} not read: {exc.message}", prefix="discover")
    keys, unknown = _chosen_keys(ws, args, found)
    if unknown:
        where = ", ".join(s.tenant for s, _ in found) or "any tenant"
        return fail(f"not found in {where}: {', '.join(unknown)}; nothing was written", EXIT_USAGE)
    _show(args, ws, found, unreadable)
    failed = EXIT_FAILED if unreadable else 0
    if not args.adopt and not args.adopt_all:
        if args.format == "text":
            print("Nothing was written. Adopt with --adopt KEY ... or --adopt-all.")
        return failed
    for (snapshot, client), chosen in zip(found, keys, strict=True):
        if chosen is not None and not chosen:
            continue
        code = _adopt(args, snapshot, chosen, client)
        if code:
            return code
    return failed


def _show(
    args: argparse.Namespace,
    ws: Workspace,
    found: list[tuple[EntraSnapshot, str]],
    unreadable: dict[str, str],
) -> None:
    from wizard.cli.output import err
    from wizard.discovery.entra_snapshot import snapshot_dict

    if args.format == "json":
        if args.all_tenants:
            data: object = {"tenants": [snapshot_dict(s) for s, _ in found], "unreadable": unreadable}
        else:
            data = snapshot_dict(found[0][0])
        print(json.dumps(data, indent=2))
    else:
        _print_review(ws, [s for s, _ in found], several=args.all_tenants)
    for snapshot, _client in found:
        for note in snapshot.notes:
            err(f"{snapshot.tenant}: {note}" if args.all_tenants else note, prefix="note")


def _print_review(ws: Workspace, snapshots: list[EntraSnapshot], *, several: bool = False) -> None:
    from rich.table import Table

    from wizard.cli.output import cell, console
    from wizard.discovery.adopt import review

    rows = [(s.tenant, item) for s in snapshots for item in review(ws, s)]
    items = [item for _tenant, item in rows]
    title = f"Found in {len(snapshots)} tenant(s)" if several else f"Found in {snapshots[0].tenant}"
    table = Table(title=title, title_justify="left")
    for column in ("Tenant",) * several + ("Key", "Kind", "Name", "Status", "Detail"):
        table.add_column(column, overflow="fold")
    for tenant, item in rows:
        table.add_row(
            *((cell(tenant),) if several else ()),
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
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_with_digest, report_unavailable
    from wizard.discovery.adopt import adopt_and_save
    from wizard.inventory import InventoryError
    from wizard.inventory_writer import InventoryWriter
    from wizard.safe_text import one_line

    try:
        ws, digest = open_with_digest(args)
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
