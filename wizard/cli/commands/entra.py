"""`idspine plan`, `apply`, `verify`, `signin`, `signout`: carry the inventory's Entra plan into a tenant.

Sign-in settings come from options or the environment: IDSPINE_CLIENT_ID (the public client app the
consultant registered for idspine), IDSPINE_TENANT, IDSPINE_OIDC_AUTHORITY (any OpenID issuer instead of
Entra), IDSPINE_CA_BUNDLE (trust a private CA, for the IdP and for Graph/Key Vault calls),
IDSPINE_TOKEN_CACHE (cache file), IDSPINE_GRAPH_URL. signin, apply and verify resolve them the same way
(`signin.signin_config_from`), so verify never sends a secret anywhere but the configured IdP.
For scripts, `apply --token-env VAR` takes a Graph access token from an environment variable (one tenant),
or `--token-env TENANT=VAR` once per tenant. `plan` and `apply` work per tenant (wizard.placement decides where
each object lives): one section, one confirmation and one sign-in per tenant, with that tenant's authority;
a token for one tenant is never used against another.
apply and verify save through `inventory_writer` (lock + digest check, merging concurrent changes); a
long Retry-After is waited out with a countdown or apply stops, exit 1, saying when to resume.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from wizard.cli import add_file_option

EXIT_FAILED = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add plan, apply, verify, signin and signout."""
    plan = subparsers.add_parser("plan", help="show every Entra change apply would make (dry run)")
    _plan_options(plan)
    plan.set_defaults(func=run_plan)

    apply = subparsers.add_parser("apply", help="create or adopt the planned groups, apps and credentials")
    _plan_options(apply)
    apply.add_argument("--yes", "-y", action="store_true", help="do not ask before changing anything")
    apply.add_argument(
        "--graph-url",
        default=None,
        help="Graph address (default: $IDSPINE_GRAPH_URL or https://graph.microsoft.com/v1.0)",
    )
    apply.add_argument(
        "--token-env",
        metavar="[TENANT=]VAR",
        action="append",
        default=[],
        help="read a Graph access token from this environment variable instead of the signed-in "
        "account; TENANT=VAR for one tenant (home, a client slug, or the tenant id/domain), "
        "repeatable; a bare VAR only when one tenant is involved",
    )
    apply.add_argument(
        "--env-file",
        metavar="PATH",
        help="env file (0600) for new client secrets when the "
        "secret store is env-file (default: the user config dir's secrets.env)",
    )
    apply.add_argument(
        "--keyvault-url",
        metavar="URL",
        help="Key Vault address when the secret store is "
        "keyvault (default: https://VAULT.vault.azure.net from the inventory)",
    )
    apply.add_argument(
        "--keyvault-token-env", metavar="VAR", help="Key Vault access token from this variable"
    )
    _signin_options(apply)
    apply.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    apply.set_defaults(func=run_apply)

    verify = subparsers.add_parser(
        "verify", help="prove a service principal's secret works (client credentials)"
    )
    verify.add_argument("name", metavar="NAME", help="service principal name in the inventory")
    add_file_option(verify)
    verify.add_argument("--tenant", help="tenant id or domain (default: where its service principal lives)")
    verify.add_argument("--oidc-authority", metavar="URL", help="an OpenID issuer instead of Entra")
    verify.add_argument("--client-id", help="client id to use (default: the inventory's app id)")
    verify.add_argument("--scope", action="append", help="scope to ask for (default: Graph's .default)")
    verify.add_argument("--ca-bundle", metavar="PEM", default=None, help="trust this CA file (private IdPs)")
    verify.add_argument("--no-save", action="store_true", help="do not record the result in the inventory")
    verify.set_defaults(func=run_verify)

    signin = subparsers.add_parser("signin", help="sign in (device code by default) and cache the token")
    _signin_options(signin)
    signin.add_argument(
        "--browser", action="store_true", help="use the system browser instead of a device code"
    )
    signin.add_argument("--scope", action="append", help="scopes (default: what apply needs)")
    signin.set_defaults(func=run_signin)

    signout = subparsers.add_parser("signout", help="forget the signed-in account (delete the token cache)")
    signout.add_argument("--cache", metavar="PATH", default=None, help="token cache file")
    signout.set_defaults(func=run_signout)


def _plan_options(p: argparse.ArgumentParser) -> None:
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


def _signin_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--client-id", default=None, help="public client app id for sign-in ($IDSPINE_CLIENT_ID)")
    p.add_argument("--oidc-authority", metavar="URL", default=None, help="an OpenID issuer instead of Entra")
    p.add_argument("--ca-bundle", metavar="PEM", default=None, help="trust this CA file ($IDSPINE_CA_BUNDLE)")
    p.add_argument("--cache", metavar="PATH", default=None, help="token cache file ($IDSPINE_TOKEN_CACHE)")
    if not any(a.dest == "tenant" for a in p._actions):
        p.add_argument("--tenant", help="tenant id or domain ($IDSPINE_TENANT)")


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    from wizard.cli.output import err

    err(message)
    return code


def _one_line(text: object) -> str:
    """Outside text (names, server messages) as one terminal-safe line."""
    from wizard.safe_text import one_line

    return one_line(text)


def _open(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from wizard.cli.workspace_arg import open_workspace

    return open_workspace(args)


def _build_plans(args: argparse.Namespace, ws):  # type: ignore[no-untyped-def]
    from wizard.providers.entra.plan import build_plans

    if args.client and ws.client(args.client) is None:
        raise ValueError(f"unknown client {args.client!r}")
    unknown = [n for n in args.rotate if ws.service_principal(n) is None]
    if unknown:
        raise ValueError(f"unknown service principal(s) to rotate: {', '.join(unknown)}")
    plans = build_plans(ws, client=args.client, rotate=frozenset(args.rotate), tenant=args.tenant or None)
    if args.tenant and not plans:
        raise ValueError(f"no planned object lives in tenant {args.tenant!r}")
    return plans


def run_plan(args: argparse.Namespace) -> int:
    """Print the dry run, one section per tenant."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, report_unavailable
    from wizard.providers.entra.plan import render_plans

    try:
        ws = _open(args)
        plans = _build_plans(args, ws)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    print(render_plans(plans), end="")
    return 0


def _signin_config(
    args: argparse.Namespace,
    client_id: str | None = None,  # type: ignore[no-untyped-def]
    tenant: str | None = None,
):
    from wizard.providers.entra.signin import signin_config_from

    return signin_config_from(
        client_id or getattr(args, "client_id", None),
        tenant or getattr(args, "tenant", None),
        oidc_authority=getattr(args, "oidc_authority", None),
        ca_bundle=getattr(args, "ca_bundle", None),
        cache=getattr(args, "cache", None),
    )


def _token_vars(args: argparse.Namespace) -> tuple[str | None, dict[str, str]]:
    """(a bare VAR or None, {tenant name: VAR}) from the --token-env options."""
    bare: str | None = None
    named: dict[str, str] = {}
    for entry in args.token_env:
        name, sep, var = entry.partition("=")
        if not sep:
            if bare is not None:
                raise ValueError("--token-env VAR can be given once; use TENANT=VAR for each tenant")
            bare = name.strip()
        elif not name.strip() or not var.strip():
            raise ValueError("--token-env takes VAR or TENANT=VAR")
        else:
            named[name.strip().lower()] = var.strip()
    return bare, named


def _graph_token(args: argparse.Namespace, plan, signing: list) -> str:  # type: ignore[no-untyped-def]
    """The Graph token for *plan*'s tenant alone: from --token-env, else a silent sign-in at that tenant's
    authority. *signing* holds every plan that needs a token (a bare --token-env serves only one)."""
    from wizard.providers.entra.signin import GRAPH_ADMIN_SCOPES, silent_token

    bare, named = _token_vars(args)
    names = {plan.key, plan.key.removeprefix("client:"), plan.tenant.lower()} - {""}
    var = next((v for k, v in named.items() if k in names), None)
    if var is None and bare is not None:
        if len(signing) > 1:
            raise ValueError(
                f"--token-env {bare} names one token, but {len(signing)} tenants are involved ("
                + ", ".join(p.title for p in signing)
                + "): give TENANT=VAR for each, or use --tenant"
            )
        var = bare
    if var is not None:
        token = os.environ.get(var, "").strip()
        if not token:
            raise ValueError(f"the environment variable {var} is empty or not set")
        return token
    if named:
        raise ValueError(f"no --token-env for {plan.title}: add {plan.key.removeprefix('client:')}=VAR")
    if len(signing) > 1 and (
        getattr(args, "oidc_authority", None) or os.environ.get("IDSPINE_OIDC_AUTHORITY")
    ):
        raise ValueError(
            "an OIDC authority is one issuer; with several tenants apply one at a time (--tenant)"
        )
    result = silent_token(_signin_config(args, tenant=plan.tenant), GRAPH_ADMIN_SCOPES)
    if result is None or not result.ok:
        raise ValueError(
            f"not signed in to {plan.title} (or the sign-in expired): run "
            f"`idspine signin --tenant {plan.tenant}` first"
        )
    return result.access_token


def _secret_sink(args: argparse.Namespace, ws, settings):  # type: ignore[no-untyped-def]
    from wizard.secrets.sinks import EnvFileSink, KeyVaultSink

    integ = ws.consultancy.integrations
    if integ.secret_store == "keyvault":
        url = args.keyvault_url or (
            f"https://{integ.keyvault_name}.vault.azure.net" if integ.keyvault_name else ""
        )
        if not url:
            raise ValueError(
                "the secret store is keyvault but no vault is named (integrations.keyvault_name)"
            )
        token = os.environ.get(args.keyvault_token_env or "", "").strip() if args.keyvault_token_env else ""
        if not token:
            raise ValueError("Key Vault needs an access token: pass --keyvault-token-env VAR")
        from wizard.providers.http import build_client

        return KeyVaultSink(
            url, build_client(settings), token, vault_name=integ.keyvault_name, settings=settings
        )
    if args.env_file:
        return EnvFileSink(args.env_file)
    from platformdirs import user_config_dir

    return EnvFileSink(Path(user_config_dir("idspine")) / "secrets.env")


def run_apply(args: argparse.Namespace) -> int:
    """Per tenant: show its plan, ask, sign in to that tenant, carry the plan out (ids written back after each
    step). The home tenant goes first; a failure stops before the next tenant."""
    from functools import partial

    from wizard.cli.output import ask
    from wizard.cli.workspace_arg import WorkspaceUnavailable, report_unavailable
    from wizard.providers import ProviderError
    from wizard.providers.entra.apply import apply_plan
    from wizard.providers.entra.client import GRAPH_BASE, GraphClient
    from wizard.providers.entra.plan import pin_placement, render_plans
    from wizard.providers.entra.signin import SigninError
    from wizard.providers.entra.tenant_tokens import TenantTokens
    from wizard.providers.http import HttpSettings, build_client

    if args.demo:
        return _fail(
            "apply changes a real tenant and records ids in a file; use --file, not --demo", EXIT_USAGE
        )
    try:
        ws, digest = _open_with_digest(args)
        plans = _build_plans(args, ws)
        _token_vars(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    except ValueError as exc:
        return _fail(str(exc), EXIT_USAGE)
    print(render_plans(plans), end="")
    todo = [p for p in plans if p.steps]
    if not todo:
        return 0
    missing = [p.title for p in todo if not p.tenant and p.automatic]
    if missing:
        return _fail(f"{'; '.join(missing)}: record the tenant id or domain before apply", EXIT_USAGE)
    signing = [p for p in todo if p.automatic]
    settings = HttpSettings(
        allow_loopback_http=bool(args.allow_loopback_http),
        ca_bundle=args.ca_bundle or os.environ.get("IDSPINE_CA_BUNDLE") or None,
    )
    tokens = TenantTokens()
    try:  # every tenant's token first, so a missing sign-in stops before anything changes
        for plan in signing:
            tokens.put(plan.key, plan.tenant, _graph_token(args, plan, signing), plan.title)
    except (ValueError, SigninError, ProviderError) as exc:
        return _fail(getattr(exc, "message", None) or str(exc), EXIT_USAGE)
    from wizard.inventory import InventoryError
    from wizard.inventory_writer import InventoryWriter
    from wizard.providers.entra.apply import RetryPolicy

    base = args.graph_url or os.environ.get("IDSPINE_GRAPH_URL") or GRAPH_BASE
    writer = InventoryWriter(Path(args.file), digest)  # one writer: its digest follows each tenant's saves
    retry = RetryPolicy(on_wait=_announce_wait, sleep=_countdown_sleep)
    sink = None
    declined = False
    for plan in todo:
        if not args.yes:
            answer = ask(f"Apply these changes to {plan.title}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print(f"Nothing changed in {_one_line(plan.title)}.")
                declined = True
                continue
        try:
            if sink is None and any(s.kind == "client-secret" for s in plan.steps):
                sink = _secret_sink(args, ws, settings)
            graph = GraphClient(base, build_client(settings), tokens.get(plan.key) or "", settings)
        except (ValueError, ProviderError) as exc:
            return _fail(getattr(exc, "message", None) or str(exc), EXIT_USAGE)

        def progress(i: int, total: int, step, status: str) -> None:  # type: ignore[no-untyped-def]
            if status != "running":
                print(f"[{i}/{total}] {status:>8}  {_one_line(step.key)}", file=sys.stderr)

        print(f"-- {_one_line(plan.title)}")
        try:
            writer.change(ws, partial(pin_placement, plan=plan))  # replayed if another writer saved meanwhile
            report = apply_plan(
                ws,
                plan,
                graph,
                writer=writer,
                sink=sink,
                progress=progress,
                retry=retry,
                verify_secret=_rotation_verifier(args, ws),
            )
        except InventoryError as exc:
            return _fail(f"stopped: the inventory could not be saved ({exc})")
        print("\n".join(_one_line(line) for line in report.render_text().splitlines()))  # server text inside
        if not report.ok:
            later = [p.title for p in todo[todo.index(plan) + 1 :]]
            if later:
                print(_one_line("Not started: " + "; ".join(later) + "."))
            return EXIT_FAILED
    return EXIT_FAILED if declined else 0


def _open_with_digest(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The inventory and the digest of its bytes, so apply's saves never revert another writer's change."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable
    from wizard.inventory import InventoryError, load_with_digest

    path = Path(args.file)
    if not path.exists():
        raise WorkspaceUnavailable(f"{path}: no inventory here. Run `idspine` to set one up, or use --demo.")
    try:
        loaded = load_with_digest(path)
    except InventoryError as exc:
        raise WorkspaceUnavailable(str(exc)) from None
    return loaded.workspace, loaded.digest


def _announce_wait(key: str, seconds: float, why: str) -> None:
    print(
        f"  waiting {_mmss(seconds)} before retrying {_one_line(key)}: {_one_line(why)}",
        file=sys.stderr,
        flush=True,
    )


def _mmss(seconds: float) -> str:
    s = int(seconds + 0.999)
    return f"{s // 60}:{s % 60:02d}"


def _countdown_sleep(seconds: float) -> None:
    """Sleep, showing the time left on a terminal (a long Retry-After is obeyed, visibly)."""
    import time

    if seconds < 3 or not sys.stderr.isatty():
        time.sleep(seconds)
        return
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        print(f"\r  {_mmss(left)} left ", end="", file=sys.stderr, flush=True)
        time.sleep(min(1.0, left))
    print("\r" + " " * 20 + "\r", end="", file=sys.stderr, flush=True)


def _rotation_verifier(args: argparse.Namespace, ws):  # type: ignore[no-untyped-def]
    """For --rotate: prove a new secret gets a token (same authority and CA as verify) before the old goes."""
    if not args.rotate:
        return None
    from wizard.placement import service_principal_tenant
    from wizard.providers.entra.signin import GRAPH_DEFAULT_SCOPE
    from wizard.providers.entra.verify import verify_service_principal

    def check(sp, secret: str) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
        try:  # apply's --tenant is a filter, not an authority: the tenant where the principal lives
            config = _verify_config(args, ws, sp, sp.app_id or "", service_principal_tenant(ws, sp).tenant)
        except ValueError as exc:
            return False, str(exc)
        result = verify_service_principal(sp, config, secret, [GRAPH_DEFAULT_SCOPE])
        return result.ok, result.detail

    return check


def _verify_config(args: argparse.Namespace, ws, sp, client_id: str, tenant: str | None = None):  # type: ignore[no-untyped-def]
    """Where a service principal proves its secret: the same authority and CA settings as signin and apply."""
    from wizard.placement import service_principal_tenant
    from wizard.providers.entra.signin import signin_config_from

    # tokens for an app come from the tenant its service principal lives in (wizard.placement)
    tenant = (
        tenant
        or getattr(args, "tenant", None)
        or service_principal_tenant(ws, sp).tenant
        or ws.consultancy.home_tenant
    )
    return signin_config_from(
        client_id,
        tenant,
        oidc_authority=getattr(args, "oidc_authority", None),
        ca_bundle=getattr(args, "ca_bundle", None),
    )


def run_verify(args: argparse.Namespace) -> int:
    """Acquire a token with the service principal's own secret; print and record the result."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, report_unavailable
    from wizard.providers.entra.signin import GRAPH_DEFAULT_SCOPE, SigninError
    from wizard.providers.entra.verify import record_verification, verify_service_principal
    from wizard.secrets.resolver import SecretUnavailable, resolve

    try:
        ws = _open(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    sp = ws.service_principal(args.name)
    if sp is None:
        known = ", ".join(s.name for s in ws.service_principals) or "none"
        return _fail(
            f"no service principal named {_one_line(args.name)!r} (known: {_one_line(known)})", EXIT_USAGE
        )
    client_id = args.client_id or sp.app_id
    if not client_id:
        return _fail(f"{sp.name} has no app id yet: run `idspine apply` first", EXIT_USAGE)
    if not sp.secret_ref:
        return _fail(
            f"{sp.name} has no secret reference; verify works for client-secret identities", EXIT_USAGE
        )
    try:
        config = _verify_config(args, ws, sp, client_id)
    except (ValueError, SigninError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        secret = resolve(sp.secret_ref)
    except SecretUnavailable as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        verification = verify_service_principal(sp, config, secret, args.scope or [GRAPH_DEFAULT_SCOPE])
    finally:
        secret = ""
    print(f"{_one_line(sp.name)}: {'ok' if verification.ok else 'FAILED'}: {_one_line(verification.detail)}")
    if not args.no_save and not args.demo:
        from wizard.inventory import InventoryError

        try:
            record_verification(Path(args.file), sp.name, verification)
        except InventoryError as exc:
            return _fail(str(exc))
    return 0 if verification.ok else EXIT_FAILED


def run_signin(args: argparse.Namespace) -> int:
    """Device code sign-in (or the browser with --browser); the token is cached privately."""
    from wizard.providers.entra.signin import (
        GRAPH_ADMIN_SCOPES,
        DeviceSignin,
        SigninError,
        interactive_signin,
    )

    try:
        config = _signin_config(args)
    except (ValueError, SigninError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    try:
        scopes = args.scope or list(GRAPH_ADMIN_SCOPES)
        if args.browser:
            result = interactive_signin(config, scopes)
        else:
            device = DeviceSignin(config, scopes)
            code = device.start()
            print(
                f"Open {code.verification_uri} and enter the code {code.user_code} "
                f"(valid {code.seconds_left() // 60} min). Waiting...",
                flush=True,
            )
            result = device.finish(code)
    except SigninError as exc:  # the IdP failed (5xx, error page, TLS): one line, not a usage error
        return _fail(str(exc))
    if not result.ok:
        return _fail(f"sign-in failed: {result.detail}")
    who = f" as {result.account}" if result.account else ""
    print(f"Signed in{who}. The token cache is {config.cache_file} (readable only by you).")
    return 0


def run_signout(args: argparse.Namespace) -> int:
    """Delete the token cache."""
    from wizard.providers.entra.signin import default_cache_path, sign_out

    path = Path(args.cache or os.environ.get("IDSPINE_TOKEN_CACHE") or default_cache_path())
    print("Signed out." if sign_out(path) else "Nobody was signed in.")
    return 0
