"""`idspine bootstrap [--tenant T] [--client SLUG]`: register idspine's own least-privilege public client app in
the tenant, record it in the inventory (a service principal with tool "idspine") and make later sign-ins to that
tenant use it. IDSPINE_CLIENT_ID (or --client-id) still wins when set.

It needs a Graph token that may create app registrations: from --token-env VAR, else the Azure CLI's sign-in or a
cached sign-in (`idspine signin --tenant T` first). Running it twice changes nothing (wizard.providers.entra.
bootstrap finds the app by the app id recorded, else by the uniqueName idspine gave it, never by display name).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli import add_file_option

if TYPE_CHECKING:
    from wizard.model import ServicePrincipal, Workspace

EXIT_FAILED = 1
EXIT_USAGE = 2
APP_SCOPE = "https://graph.microsoft.com/Application.ReadWrite.All"


def register(subparsers: argparse._SubParsersAction) -> None:
    from wizard.cli.commands.entra import signin_options

    p = subparsers.add_parser(
        "bootstrap",
        help="register idspine's own least-privilege sign-in app in the tenant and record it",
        description="Register idspine's own public client app (delegated Graph permissions only) in the "
        "tenant, record it in the inventory, and use it for later sign-ins.",
    )
    add_file_option(p)
    p.add_argument("--client", metavar="SLUG", help="the client whose tenant gets the app (default: home)")
    p.add_argument("--graph-url", default=None, help="Graph address (default: $IDSPINE_GRAPH_URL or Graph)")
    p.add_argument("--token-env", metavar="VAR", help="read the Graph access token from this variable")
    signin_options(p)
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run_bootstrap)


def _fail(message: str, code: int) -> int:
    from wizard.cli.output import err

    err(message)
    return code


def _tenant(ws: Workspace, args: argparse.Namespace) -> str:
    if args.tenant:
        return str(args.tenant)
    if args.client:
        client = next((c for c in ws.clients if c.slug == args.client), None)
        if client is None:
            raise ValueError(f"unknown client {args.client!r}")
        if not client.tenant:
            raise ValueError(f"client {args.client!r} has no tenant recorded: pass --tenant")
        return client.tenant
    if not ws.consultancy.home_tenant:
        raise ValueError("no tenant: pass --tenant or record the home tenant in the inventory")
    return ws.consultancy.home_tenant


def own_app_entry(ws: Workspace, client: str) -> ServicePrincipal | None:
    """The inventory's record of idspine's own app for this client ('' for home), if any."""
    return next((sp for sp in ws.service_principals if sp.tool == "idspine" and sp.client == client), None)


def _token(args: argparse.Namespace, tenant: str) -> str:
    from wizard.cli.commands.entra import signin_config
    from wizard.providers.entra.signin_chain import cached_token

    if args.token_env:
        token = os.environ.get(args.token_env, "").strip()
        if not token:
            raise ValueError(f"${args.token_env} is empty")
        return token
    result, _way = cached_token(signin_config(args, tenant=tenant, public_fallback=True), [APP_SCOPE])
    if result is None or not result.ok:
        raise ValueError(f"not signed in to {tenant}: run `idspine signin --tenant {tenant}` first")
    return result.access_token


def run_bootstrap(args: argparse.Namespace) -> int:
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable
    from wizard.inventory_errors import InventoryError
    from wizard.providers import ProviderError
    from wizard.providers.entra.bootstrap import GRAPH_SCOPES, OwnAppRegistrar
    from wizard.providers.entra.signin_config import SigninError
    from wizard.providers.http import HttpSettings
    from wizard.safe_text import one_line
    from wizard.settings import GRAPH_URL, Environment

    if getattr(args, "demo", False):
        return _fail("bootstrap records the app in an inventory: use --file, not --demo", EXIT_USAGE)
    try:
        ws = open_workspace(args)
        tenant = _tenant(ws, args)
        recorded = own_app_entry(ws, args.client or "")
        token = _token(args, tenant)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    except (ValueError, SigninError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    env = Environment.read()
    settings = HttpSettings(
        allow_loopback_http=bool(args.allow_loopback_http), ca_bundle=args.ca_bundle or env.ca_bundle
    )
    print(
        f"idspine's own sign-in app for tenant {one_line(tenant)} asks for these delegated Graph permissions:"
    )
    for name, why in GRAPH_SCOPES:
        print(f"  {name}: {why}")
    try:
        registrar = OwnAppRegistrar.connect(args.graph_url or env.graph_url or GRAPH_URL, token, settings)
        done = registrar.ensure(recorded.app_id if recorded and recorded.app_id else None)
    except ProviderError as exc:
        return _fail(f"bootstrap stopped: {exc.message}", EXIT_FAILED)
    try:
        _record(Path(args.file), args.client or "", tenant, done)
    except InventoryError as exc:
        return _fail(
            f"the app {done.app_id} exists but the inventory could not be saved ({exc})", EXIT_FAILED
        )
    _remember(args, tenant, token, done.app_id)
    print(
        f"idspine's own app {done.app_id}: {done.action}. Later sign-ins to {one_line(tenant)} use it "
        "(IDSPINE_CLIENT_ID still wins when set). The first sign-in asks for consent to the permissions "
        "above; an administrator can grant it for everyone in Entra admin center > Enterprise applications."
    )
    return 0


def _remember(args: argparse.Namespace, tenant: str, token: str, app_id: str) -> None:
    """Make later sign-ins to *tenant* use the app: recorded beside the token cache, under the tenant as given
    and under the id of the tenant that issued the token (so a domain and its GUID both find it)."""
    from wizard.providers.entra.signin_config import (
        SIGNIN_APPS_FILE_NAME,
        default_cache_path,
        record_client_id,
    )
    from wizard.providers.entra.tenant_tokens import issuing_tenant
    from wizard.settings import Environment

    cache = args.cache or Environment.read().token_cache
    apps_file = (Path(cache) if cache else default_cache_path()).parent / SIGNIN_APPS_FILE_NAME
    for name in dict.fromkeys([tenant, issuing_tenant(token) or ""]):
        if name:
            record_client_id(apps_file, name, app_id)


def _record(path: Path, client: str, tenant: str, done: object) -> None:
    """Add or update the inventory entry for idspine's own app (lock + digest check)."""
    from wizard.inventory_writer import update_inventory
    from wizard.model import Discovered, ServicePrincipal
    from wizard.providers.entra.bootstrap import OWN_APP_UNIQUE_NAME, Bootstrapped
    from wizard.vocabulary import CredentialKind, Status

    assert isinstance(done, Bootstrapped)

    def change(ws: Workspace) -> None:
        entry = own_app_entry(ws, client)
        new = entry is None
        if entry is None:
            name = OWN_APP_UNIQUE_NAME + (f"-{client}" if client else "")
            entry = ServicePrincipal(
                name=name, client=client, tool="idspine", credential_kind=CredentialKind.NONE
            )
            ws.service_principals.append(entry)
        entry.purpose = "idspine's own sign-in (public client, delegated Graph permissions only)"
        entry.app_id = done.app_id
        entry.application_object_id = done.application_object_id
        entry.object_id = done.service_principal_id
        entry.status = Status.ACTIVE
        if new and done.action != "created":  # found in the tenant, not made by this run nor recorded before
            now = dt.datetime.now(dt.UTC).replace(microsecond=0)
            entry.discovered = Discovered(source=f"entra:{tenant[:100]}", at=now, key=done.app_id)

    update_inventory(path, change)
