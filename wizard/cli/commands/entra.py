"""`idspine entra plan|apply|verify|signin|signout` (and the same five at the top level, as aliases).

Sign-in settings come from options or the environment (wizard.settings.Environment): IDSPINE_CLIENT_ID (the
public client app the consultant registered for idspine; without it, signin and apply use idspine's own app
from `idspine bootstrap`, else the Azure CLI's sign-in, else Microsoft Graph Command Line Tools, see
wizard.providers.entra.signin_chain), IDSPINE_TENANT, IDSPINE_OIDC_AUTHORITY (any OpenID
issuer instead of Entra), IDSPINE_CA_BUNDLE (trust a private CA, for the IdP and for Graph/Key Vault calls),
IDSPINE_TOKEN_CACHE (cache file), IDSPINE_GRAPH_URL. signin, apply and verify resolve them the same way
(`signin_config.signin_config_from`), so verify never sends a secret anywhere but the configured IdP.
`plan` and `apply` work per tenant (wizard.placement decides where each object lives): one section, one
confirmation and one sign-in per tenant. apply is in entra_apply, verify in entra_verify; the operations
themselves are in wizard.providers.entra (apply_tenants, verify), shared with the Entra screen.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli import add_file_option

if TYPE_CHECKING:
    from wizard.model import Workspace
    from wizard.providers.entra.device_flow import DeviceCode
    from wizard.providers.entra.signin_config import SigninConfig

EXIT_FAILED = 1
EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace], int]


def _commands() -> list[tuple[str, str, Callable[[argparse.ArgumentParser], None], Handler]]:
    """(name, help, add options, handler) of each Entra command, in the order help lists them."""
    from wizard.cli.commands.entra_apply import apply_options, run_apply
    from wizard.cli.commands.entra_verify import run_verify, verify_options

    return [
        (
            "plan",
            "show every change apply would make (dry run; for an IdP other than Entra, in its own API)",
            plan_options,
            run_plan,
        ),
        ("apply", "create or adopt the planned groups, apps and credentials", apply_options, run_apply),
        (
            "verify",
            "prove a service principal's secret works (client credentials)",
            verify_options,
            run_verify,
        ),
        (
            "signin",
            "sign in (Azure CLI, device code or browser) and cache the token",
            _signin_command_options,
            run_signin,
        ),
        (
            "signout",
            "forget the signed-in account (delete the token cache); --forget-app also forgets idspine's own app",
            _signout_options,
            run_signout,
        ),
    ]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `entra` with its subcommands, and plan, apply, verify, signin and signout as aliases of them."""
    commands = _commands()
    entra = subparsers.add_parser(
        "entra",
        help="Entra ID: " + ", ".join(name for name, *_ in commands),
        description="Carry the inventory's Entra plan into your tenants, and prove secrets work.",
    )
    inner = entra.add_subparsers(dest="entra_command", metavar="COMMAND", required=True)
    for name, summary, options, handler in commands:
        parser = inner.add_parser(name, help=summary, description=summary[:1].upper() + summary[1:] + ".")
        options(parser)
        parser.set_defaults(func=handler, command=f"entra {name}")
    for name, summary, options, handler in commands:
        parser = subparsers.add_parser(
            name,
            help=f"alias of `idspine entra {name}`: {summary}",
            description=f"An alias of `idspine entra {name}`: {summary}.",
        )
        options(parser)
        parser.set_defaults(func=handler)


def plan_options(p: argparse.ArgumentParser) -> None:
    """The options plan and apply share: which workspace, which tenant or client, which secrets to rotate."""
    add_file_option(p)
    p.add_argument(
        "--tenant",
        help="only the objects of this tenant: home, a client slug, or its id/domain "
        "(default: every tenant, one section each)",
    )
    p.add_argument("--client", metavar="SLUG", help="only this client's groups and service principals")
    p.add_argument(
        "--rotate",
        action="append",
        default=[],
        metavar="NAME",
        help="replace this service principal's client secret (repeatable)",
    )


def signin_options(p: argparse.ArgumentParser) -> None:
    """Where to sign in: the options signin and apply share."""
    p.add_argument("--client-id", default=None, help="public client app id for sign-in ($IDSPINE_CLIENT_ID)")
    p.add_argument("--oidc-authority", metavar="URL", default=None, help="an OpenID issuer instead of Entra")
    p.add_argument("--ca-bundle", metavar="PEM", default=None, help="trust this CA file ($IDSPINE_CA_BUNDLE)")
    p.add_argument("--cache", metavar="PATH", default=None, help="token cache file ($IDSPINE_TOKEN_CACHE)")
    if not any(a.dest == "tenant" for a in p._actions):
        p.add_argument("--tenant", help="tenant id or domain ($IDSPINE_TENANT)")


def _signin_command_options(p: argparse.ArgumentParser) -> None:
    signin_options(p)
    p.add_argument("--browser", action="store_true", help="use the system browser instead of a device code")
    p.add_argument(
        "--no-azure-cli",
        action="store_true",
        help="do not use an existing Azure CLI sign-in (used only when no app of yours or idspine's is known)",
    )
    p.add_argument("--scope", action="append", help="scopes (default: what apply needs)")


def _signout_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cache", metavar="PATH", default=None, help="token cache file")
    p.add_argument(
        "--forget-app",
        action="store_true",
        help="also forget the app `idspine bootstrap` recorded for the tenant (--tenant, $IDSPINE_TENANT, or "
        "every tenant when neither is set), so later sign-ins use Microsoft's public app again",
    )
    p.add_argument("--tenant", help="the tenant whose recorded app --forget-app forgets ($IDSPINE_TENANT)")


def fail(message: str, code: int = EXIT_FAILED) -> int:
    """Say *message* on stderr (one line) and return *code*."""
    from wizard.cli.output import err

    err(message)
    return code


def signin_config(
    args: argparse.Namespace,
    client_id: str | None = None,
    tenant: str | None = None,
    public_fallback: bool = False,
) -> SigninConfig:
    """The sign-in settings the options name, completed from IDSPINE_* (ValueError or SigninError).

    *public_fallback*: the consultant's own sign-in may use idspine's bootstrapped app or Microsoft Graph
    Command Line Tools when no client id is given (signin_config.signin_config_from)."""
    from wizard.providers.entra.signin_config import signin_config_from

    return signin_config_from(
        client_id or getattr(args, "client_id", None),
        tenant or getattr(args, "tenant", None),
        oidc_authority=getattr(args, "oidc_authority", None),
        ca_bundle=getattr(args, "ca_bundle", None),
        cache=getattr(args, "cache", None),
        public_fallback=public_fallback,
    )


def other_idp(ws: Workspace) -> str:
    """The chosen IdP's name when idspine cannot apply to it live (not Entra ID); '' for Entra."""
    from wizard.idps import profile_for

    profile = profile_for(ws.consultancy.idp.value if ws.consultancy.idp else None)
    return "" if profile.live_apply else profile.name


def live_apply_refused(name: str) -> int:
    """apply for an IdP other than Entra: one line, exit 2; nothing is signed in to or sent."""
    return fail(
        f"this consultancy uses {name}: live apply is Entra-only for now; use `idspine plan` for the dry run "
        "and `idspine export checklist` or `idspine export terraform` to carry it out",
        EXIT_USAGE,
    )


def run_plan(args: argparse.Namespace) -> int:
    """Print the dry run: per tenant for Entra ID; in the chosen IdP's own API for any other IdP
    (`idspine plan`). `idspine entra plan` for a consultancy on another IdP says so and points to `idspine plan`."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable
    from wizard.providers.entra.apply_tenants import checked_plans
    from wizard.providers.entra.plan import render_plans

    try:
        ws = open_workspace(args)
        other = other_idp(ws)
        if other and getattr(args, "command", None) == "entra plan":
            return fail(
                f"this consultancy uses {other}, not Entra ID: run `idspine plan` for its dry run in the "
                f"{other} API",
                EXIT_USAGE,
            )
        if other:
            from wizard.providers.idp_plan import build_idp_plan, render_text

            print(render_text(build_idp_plan(ws, client=args.client)), end="")
            return 0
        plans = checked_plans(ws, client=args.client, rotate=args.rotate, tenant=args.tenant)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    print(render_plans(plans), end="")
    return 0


def run_signin(args: argparse.Namespace) -> int:
    """Sign in and cache the token (0600): the Azure CLI's sign-in when no app is known, else the device code
    (or the browser with --browser, or when the tenant refuses device codes). Which way it went is said."""
    from wizard.providers.entra.signin_chain import sign_in
    from wizard.providers.entra.signin_config import GRAPH_ADMIN_SCOPES, WAY_AZURE_CLI, SigninError

    try:
        config = signin_config(args, public_fallback=True)
    except (ValueError, SigninError) as exc:
        return fail(str(exc), EXIT_USAGE)

    def say(line: str) -> None:
        print(line, flush=True)

    def show_code(code: DeviceCode) -> None:
        print(
            f"Open {code.verification_uri} and enter the code {code.user_code} "
            f"(valid {code.seconds_left() // 60} min). Waiting...",
            flush=True,
        )

    try:
        scopes = args.scope or list(GRAPH_ADMIN_SCOPES)
        result, way = sign_in(
            config,
            scopes,
            say=say,
            show_code=show_code,
            open_browser=_open_browser,
            browser_only=args.browser,
            try_azure_cli=not args.no_azure_cli,
        )
    except SigninError as exc:  # the IdP failed (5xx, error page, TLS): one line, not a usage error
        return fail(str(exc))
    if not result.ok:
        return fail(f"sign-in failed ({way}): {result.detail}")
    if way == WAY_AZURE_CLI:
        print(
            "Signed in with your Azure CLI sign-in. idspine asks the Azure CLI for a fresh token each time "
            "and keeps none itself; run `idspine bootstrap` to register idspine's own app."
        )
        return 0
    who = f" as {result.account}" if result.account else ""
    print(f"Signed in{who} with {way}. The token cache is {config.cache_file} (readable only by you).")
    return 0


def _open_browser(url: str) -> None:
    """Say the address (a sign-in on another screen can use it), and open the browser where there is one."""
    from wizard.providers.entra.signin import browser_available

    print(f"Open this address in a browser on this computer to sign in: {url}", flush=True)
    if browser_available():
        import webbrowser

        webbrowser.open(url)


def run_signout(args: argparse.Namespace) -> int:
    """Delete the token cache; with --forget-app, forget idspine's own app for the tenant too. Without it, say
    that the app is kept (it is a setting, not a sign-in) and how to forget it."""
    from wizard.providers.entra.signin_config import (
        SIGNIN_APPS_FILE_NAME,
        default_cache_path,
        forget_client_id,
        recorded_tenants,
    )
    from wizard.providers.entra.token_cache import sign_out
    from wizard.safe_text import one_line
    from wizard.settings import Environment

    env = Environment.read()
    path = Path(args.cache or env.token_cache or default_cache_path())
    apps_file = path.parent / SIGNIN_APPS_FILE_NAME
    print("Signed out." if sign_out(path) else "Nobody was signed in.")
    tenant = (args.tenant or env.tenant or "").strip() or None
    if args.forget_app:
        gone = forget_client_id(apps_file, tenant)
        if not gone:
            where = f" for {one_line(tenant)}" if tenant else ""
            print(f"No app of idspine's was recorded{where}; nothing else to forget.")
            return 0
        print(
            f"Forgot idspine's own app for {one_line(', '.join(gone))}: later sign-ins use Microsoft Graph "
            "Command Line Tools (or the Azure CLI). The app registration itself stays in the tenant; delete "
            "it in Entra admin center > App registrations if nobody uses it."
        )
        return 0
    kept = recorded_tenants(apps_file)
    if kept:
        print(
            f"idspine's own app is still recorded for {one_line(', '.join(kept))} (in {one_line(str(apps_file))}), so the "
            "next sign-in uses it; `idspine signout --forget-app [--tenant TENANT]` forgets it."
        )
    return 0
