"""`idspine rotate NAME`: replace an Entra client secret everywhere as one resumable action.

The work is `wizard.providers.entra.rotate.Rotator` (the same operation the inspector's rotate dialog runs);
this module turns options into its parts: the Graph token (--token-env VAR, else the cached sign-in of the
tenant where the service principal lives), the secret store (as `entra apply`: env file or Key Vault),
n8n (the inventory's address and key, or --n8n-url/--n8n-api-key-ref), and the proof (client credentials
with the new secret at Entra, as `entra verify`). Progress goes to stdout, one line per step; every failure
is one line on stderr and exit 1 (2: refused before anything changed). Killed or failed part-way, the same
command resumes where it stopped; see `idspine explain dual-phase-rotation`.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli import add_file_option
from wizard.cli.commands.entra import EXIT_FAILED, EXIT_USAGE, fail, other_idp
from wizard.safe_text import one_line

if TYPE_CHECKING:
    from wizard.model import ServicePrincipal, Workspace
    from wizard.providers.entra.client import GraphClient
    from wizard.providers.entra.retry import RetryPolicy
    from wizard.providers.entra.rotate import Prove
    from wizard.providers.http import HttpSettings
    from wizard.providers.n8n.client import N8nProvider


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "rotate",
        help="replace an Entra client secret everywhere: add, store, prove, switch n8n, remove the old",
        description="Rotate the client secret of a service principal (NAME, or a credential id of one) as one "
        "resumable action: the old secret is removed only after the new one got a token.",
    )
    p.add_argument("name", metavar="NAME", help="service principal, or an inventory credential id of one")
    add_file_option(p)
    p.add_argument(
        "--dry-run", action="store_true", help="print the plan (reads Graph and n8n), change nothing"
    )
    p.add_argument("--yes", "-y", action="store_true", help="do not ask before changing anything")
    p.add_argument(
        "--graph-url", default=None, help="Graph address (default: $IDSPINE_GRAPH_URL or Graph v1.0)"
    )
    p.add_argument(
        "--token-env", metavar="VAR", help="read the Graph access token from this environment variable"
    )
    p.add_argument("--tenant", help="tenant id or domain to sign in to (default: where the principal lives)")
    p.add_argument("--oidc-authority", metavar="URL", default=None, help="an OpenID issuer instead of Entra")
    p.add_argument("--ca-bundle", metavar="PEM", default=None, help="trust this CA file ($IDSPINE_CA_BUNDLE)")
    p.add_argument("--cache", metavar="PATH", default=None, help="token cache file ($IDSPINE_TOKEN_CACHE)")
    p.add_argument(
        "--env-file", metavar="PATH", help="env file (0600) for the new secret when the store is env-file"
    )
    p.add_argument("--keyvault-url", metavar="URL", help="Key Vault address when the store is keyvault")
    p.add_argument("--keyvault-token-env", metavar="VAR", help="Key Vault access token from this variable")
    p.add_argument("--n8n-url", help="n8n address (default: integrations.n8n_url)")
    p.add_argument(
        "--n8n-api-key-ref", metavar="REF", help="n8n API key reference (default: the inventory's)"
    )
    p.add_argument("--secret-days", type=int, default=180, help="lifetime of the new secret in days (180)")
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run_rotate)


def run_rotate(args: argparse.Namespace) -> int:
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable
    from wizard.inventory import InventoryError
    from wizard.providers.entra.rotate import RotateFailed, Rotator
    from wizard.providers.entra.rotate_journal import JournalError, journal_path, load_journal
    from wizard.providers.entra.rotate_plan import RotateRefused, render_plan, rotation_target
    from wizard.providers.errors import ProviderError
    from wizard.providers.http import HttpSettings
    from wizard.secrets.resolver import SecretUnavailable, resolve
    from wizard.secrets.sinks import SecretSinkError
    from wizard.settings import Environment

    if args.demo and not args.dry_run:
        return fail(
            "rotate changes a real tenant and records it in a file; use --file, not --demo", EXIT_USAGE
        )
    if not 1 <= args.secret_days <= 730:
        return fail("--secret-days must be between 1 and 730", EXIT_USAGE)
    try:
        ws = open_workspace(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    if other := other_idp(ws):
        return fail(f"rotate replaces Entra client secrets; this consultancy's IdP is {other}", EXIT_USAGE)
    env = Environment.read()
    settings = HttpSettings(
        allow_loopback_http=bool(args.allow_loopback_http), ca_bundle=args.ca_bundle or env.ca_bundle
    )
    try:
        target = rotation_target(ws, args.name)
        n8n = _n8n(args, ws, settings) if target.in_n8n else None
        graph = _graph(args, ws, target.sp, settings, required=not args.dry_run)
        if args.dry_run:
            jpath = None if args.demo else journal_path(Path(args.file), target.sp.name)
            journal = load_journal(jpath) if jpath else None
            lines = render_plan(
                ws, args.name, graph=graph, n8n=n8n, journal=journal, store_where=_store_where(args, ws)
            )
            print("\n".join(lines))
            if graph is None:
                print("(Graph was not read: sign in or pass --token-env to see the app's secrets)")
            return 0
        assert graph is not None
        if not args.yes:
            from wizard.cli.output import ask

            print("\n".join(render_plan(ws, args.name, store_where=_store_where(args, ws))))
            if ask(f"Rotate the client secret of {target.sp.name} now? [y/N] ").strip().lower() not in (
                "y",
                "yes",
            ):
                print("Nothing changed.")
                return EXIT_FAILED
        from wizard.cli.commands.entra_apply import _secret_sink

        rotator = Rotator(
            ws=ws,
            path=Path(args.file),
            graph=graph,
            sink=_secret_sink(args, ws, settings),
            prove=_prover(args, ws, target.sp),
            resolve=resolve,
            n8n=n8n,
            secret_days=args.secret_days,
            retry=_retry_policy(),
            say=lambda line: print(one_line(line), flush=True),
        )
        result = rotator.run(args.name)
    except (RotateRefused, JournalError) as exc:
        return fail(str(exc), EXIT_USAGE)
    except ValueError as exc:  # no token, no vault named, ...: refused before anything changed
        return fail(str(exc), EXIT_USAGE)
    except (RotateFailed, SecretSinkError, SecretUnavailable, InventoryError) as exc:
        return fail(f"stopped: {exc}; run `idspine rotate {one_line(args.name)}` again to resume")
    except ProviderError as exc:
        return fail(f"stopped: {exc.message}; run `idspine rotate {one_line(args.name)}` again to resume")
    moved = sum(len(s.workflow_names) for s in result.n8n.values())
    print(
        one_line(
            f"{result.service_principal}: rotated to key {result.new_key}, expires {result.expires}; "
            f"{len(result.removed)} old secret(s) removed, {len(result.n8n)} n8n credential(s) replaced, "
            f"{moved} workflow(s) re-pointed"
            + (f"; left alone: {', '.join(result.kept)}" if result.kept else "")
        )
    )
    return 0


def _graph(
    args: argparse.Namespace, ws: Workspace, sp: ServicePrincipal, settings: HttpSettings, required: bool
) -> GraphClient | None:
    """Graph with the token of the tenant where *sp* lives: --token-env, else a silent sign-in (ValueError)."""
    from wizard.cli.commands.entra import signin_config
    from wizard.providers.entra.client import GraphClient
    from wizard.providers.entra.signin import silent_token
    from wizard.providers.entra.signin_config import GRAPH_ADMIN_SCOPES
    from wizard.providers.entra.verify import verification_tenant
    from wizard.providers.http import build_client
    from wizard.settings import GRAPH_URL, Environment

    if args.token_env:
        token = os.environ.get(args.token_env, "").strip()
        if not token:
            raise ValueError(f"the environment variable {args.token_env} is empty or not set")
    else:
        tenant = args.tenant or verification_tenant(ws, sp)
        result = silent_token(signin_config(args, tenant=tenant), GRAPH_ADMIN_SCOPES)
        if result is None or not result.ok:
            if not required:
                return None
            raise ValueError(
                f"not signed in to {tenant} (or the sign-in expired): run `idspine entra signin --tenant {tenant}`"
            )
        token = result.access_token
    url = args.graph_url or Environment.read().graph_url or GRAPH_URL
    return GraphClient(url, build_client(settings), token, settings)


def _n8n(args: argparse.Namespace, ws: Workspace, settings: HttpSettings) -> N8nProvider:
    from wizard.providers.n8n.connect import open_n8n
    from wizard.settings import Connections

    integ = ws.consultancy.integrations
    url, ref = args.n8n_url or integ.n8n_url, args.n8n_api_key_ref or integ.n8n_api_key_ref
    if not url or not ref:
        raise ValueError(
            "this secret is used by n8n credentials: set integrations.n8n_url and n8n_api_key_ref "
            "(or pass --n8n-url and --n8n-api-key-ref)"
        )
    from wizard.providers.errors import ProviderError
    from wizard.secrets.resolver import SecretUnavailable

    conn = Connections(allow_loopback_http=settings.allow_loopback_http, ca_bundle=settings.ca_bundle)
    try:  # before anything changes: a refusal (exit 2), not a stop
        return open_n8n(url, ref, conn)
    except SecretUnavailable as exc:
        raise ValueError(f"n8n {exc}") from None
    except ProviderError as exc:
        raise ValueError(f"n8n: {exc.message}") from None


def _store_where(args: argparse.Namespace, ws: Workspace) -> str:
    from wizard.providers.secret_store import store_where

    return store_where(ws, Path(args.env_file) if args.env_file else None, args.keyvault_url)


def _retry_policy() -> RetryPolicy:
    """apply's patience, with every wait announced on stderr (and counted down on a terminal)."""
    from wizard.cli.commands.entra_apply import _announce_wait, _countdown_sleep
    from wizard.providers.entra.retry import RetryPolicy

    return RetryPolicy(on_wait=_announce_wait, sleep=_countdown_sleep)


def _prover(args: argparse.Namespace, ws: Workspace, sp: ServicePrincipal) -> Prove:
    """Client credentials with the new secret at the principal's own tenant (the same call as `entra verify`)."""
    from wizard.providers.entra.signin_config import GRAPH_DEFAULT_SCOPE, SigninError, signin_config_from
    from wizard.providers.entra.verify import verification_tenant, verify_service_principal

    def prove(secret: str) -> tuple[bool, str]:
        try:
            config = signin_config_from(
                sp.app_id or "",
                verification_tenant(ws, sp),
                oidc_authority=args.oidc_authority,
                ca_bundle=args.ca_bundle,
            )
        except (ValueError, SigninError) as exc:
            return False, str(exc)
        result = verify_service_principal(sp, config, secret, [GRAPH_DEFAULT_SCOPE])
        return result.ok, result.detail

    return prove
