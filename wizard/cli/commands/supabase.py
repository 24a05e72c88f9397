"""`idspine supabase enable-azure|redirect`: sign-in with Microsoft for a Supabase project, via its Management API."""

from __future__ import annotations

import argparse

from wizard.cli import add_file_option

EXIT_FAILED = 1
EXIT_UNUSABLE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `supabase` command group."""
    p = subparsers.add_parser("supabase", help="enable Supabase Auth's Azure (Microsoft) provider")
    sub = p.add_subparsers(dest="supabase_command", metavar="ACTION", required=True)

    enable = sub.add_parser("enable-azure", help="turn on the Azure provider and read it back to confirm")
    add_file_option(enable)
    enable.add_argument("--project-ref", metavar="REF", help="project ref (default: the workspace's)")
    enable.add_argument("--client-id", required=True, help="the Entra app's Application (client) ID")
    enable.add_argument(
        "--secret-ref",
        required=True,
        metavar="REF",
        help="where the Entra app's client secret is (env:NAME, file:PATH)",
    )
    enable.add_argument("--tenant", help="Entra tenant id (default: the workspace's home tenant)")
    enable.add_argument(
        "--token-ref",
        metavar="REF",
        help="where the Management API access token is (default: the workspace's)",
    )
    enable.add_argument(
        "--replace-secret",
        action="store_true",
        help="send the client secret even when everything else already matches",
    )
    enable.add_argument("--api-url", default=None, help=argparse.SUPPRESS)
    enable.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    enable.set_defaults(func=run_enable_azure)

    redirect = sub.add_parser("redirect", help="print the redirect URI to register on the Entra app")
    add_file_option(redirect)
    redirect.add_argument("--project-ref", metavar="REF")
    redirect.set_defaults(func=run_redirect)


def _err(message: str) -> None:
    from wizard.cli.output import err

    err(message, prefix="idspine supabase")


def _workspace(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from pathlib import Path

    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace

    if not getattr(args, "demo", False) and not Path(args.file).exists():
        return None
    try:
        return open_workspace(args)
    except WorkspaceUnavailable as exc:
        _err(str(exc))
        raise SystemExit(EXIT_UNUSABLE) from None


def run_redirect(args: argparse.Namespace) -> int:
    """Print the Supabase Auth callback for the project."""
    from wizard.providers import ProviderError
    from wizard.providers.supabase import redirect_uri

    ws = _workspace(args)
    ref = args.project_ref or (ws.consultancy.integrations.supabase_project_ref if ws else None)
    if not ref:
        _err("no project ref: pass --project-ref")
        return EXIT_UNUSABLE
    try:
        print(redirect_uri(ref))
    except ProviderError as exc:
        _err(exc.message)
        return EXIT_UNUSABLE
    return 0


def run_enable_azure(args: argparse.Namespace) -> int:
    """Enable the Azure provider; print what changed, the redirect URI and the tenant address."""
    from wizard.providers import ProviderError, supabase
    from wizard.providers.errors import Service, advice
    from wizard.secrets.resolver import SecretUnavailable
    from wizard.settings import SUPABASE_API_URL, Connections

    ws = _workspace(args)
    integrations = ws.consultancy.integrations if ws else None
    ref = args.project_ref or (integrations.supabase_project_ref if integrations else None)
    token_ref = args.token_ref or (integrations.supabase_access_token_ref if integrations else None)
    tenant = args.tenant or (ws.consultancy.home_tenant if ws else "")
    if not ref or not token_ref or not tenant:
        missing = [
            name
            for name, value in (("--project-ref", ref), ("--token-ref", token_ref), ("--tenant", tenant))
            if not value
        ]
        _err("missing " + ", ".join(missing) + " (not given and not in the workspace)")
        return EXIT_UNUSABLE
    connections = Connections(
        supabase_api_url=args.api_url or SUPABASE_API_URL, allow_loopback_http=args.allow_loopback_http
    )
    try:
        result = supabase.enable_azure_signin(
            connections,
            ref,
            token_ref,
            args.client_id,
            args.secret_ref,
            tenant,
            replace_secret=args.replace_secret,
        )
    except SecretUnavailable as exc:
        _err(str(exc))
        return EXIT_UNUSABLE
    except ProviderError as exc:
        _err(f"{exc.message} — {advice(exc.kind, Service.SUPABASE)}")
        return EXIT_FAILED
    if result.status == "unchanged":
        print("Azure provider already enabled with this client id and tenant; nothing sent")
    else:
        print(
            "Azure provider enabled and confirmed by read-back (changed: "
            + ", ".join(result.changed_fields)
            + ")"
        )
    print(f"Tenant URL: {result.tenant_url}")
    print(f"Register this Web redirect URI on the Entra app: {result.redirect_uri}")
    warning = supabase.tenant_warning(tenant)
    if warning:
        print(f"warning: {warning}")
    return 0
