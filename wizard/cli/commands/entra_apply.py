"""`idspine entra apply`: per tenant, show its plan, ask, and carry it out through the core apply operation.

The work is `wizard.providers.entra.apply_tenants` (the same functions the Entra screen calls); this module
supplies what the command line does its own way: tokens from --token-env or a cached sign-in per tenant, the
secret store from options, a confirmation per tenant, progress on stderr, and a long Retry-After waited out
with a countdown (or apply stops, exit 1, saying when to resume).
For scripts, `--token-env VAR` takes a Graph access token from an environment variable (one tenant), or
`--token-env TENANT=VAR` once per tenant; a token for one tenant is never used against another.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli.commands.entra import (
    EXIT_FAILED,
    EXIT_USAGE,
    fail,
    live_apply_refused,
    other_idp,
    plan_options,
    signin_options,
)
from wizard.safe_text import one_line

if TYPE_CHECKING:
    from wizard.model import ServicePrincipal, Workspace
    from wizard.providers.entra.apply_recording import SecretVerifier
    from wizard.providers.entra.apply_report import ApplyReport
    from wizard.providers.entra.plan import Plan, PlanStep
    from wizard.providers.http import HttpSettings
    from wizard.secrets.sinks import SecretSink


def apply_options(p: argparse.ArgumentParser) -> None:
    """plan's options, and how to reach Graph, the tokens and the secret store."""
    plan_options(p)
    p.add_argument("--yes", "-y", action="store_true", help="do not ask before changing anything")
    p.add_argument(
        "--graph-url",
        default=None,
        help="Graph address (default: $IDSPINE_GRAPH_URL or https://graph.microsoft.com/v1.0)",
    )
    p.add_argument(
        "--token-env",
        metavar="[TENANT=]VAR",
        action="append",
        default=[],
        help="read a Graph access token from this environment variable instead of the signed-in "
        "account; TENANT=VAR for one tenant (home, a client slug, or the tenant id/domain), "
        "repeatable; a bare VAR only when one tenant is involved",
    )
    p.add_argument(
        "--env-file",
        metavar="PATH",
        help="env file (0600) for new client secrets when the "
        "secret store is env-file (default: the user config dir's secrets.env)",
    )
    p.add_argument(
        "--keyvault-url",
        metavar="URL",
        help="Key Vault address when the secret store is "
        "keyvault (default: https://VAULT.vault.azure.net from the inventory)",
    )
    p.add_argument("--keyvault-token-env", metavar="VAR", help="Key Vault access token from this variable")
    signin_options(p)
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)


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


def _graph_token(args: argparse.Namespace, plan: Plan, signing: list[Plan]) -> str:
    """The Graph token for *plan*'s tenant alone: from --token-env, else a silent sign-in at that tenant's
    authority. *signing* holds every plan that needs a token (a bare --token-env serves only one)."""
    from wizard.cli.commands.entra import signin_config
    from wizard.providers.entra.signin_chain import cached_token
    from wizard.providers.entra.signin_config import GRAPH_ADMIN_SCOPES
    from wizard.settings import Environment

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
        token = os.environ.get(var, "").strip()  # a variable the user named, not an IDSPINE_* setting
        if not token:
            raise ValueError(f"the environment variable {var} is empty or not set")
        return token
    if named:
        raise ValueError(f"no --token-env for {plan.title}: add {plan.key.removeprefix('client:')}=VAR")
    if len(signing) > 1 and (getattr(args, "oidc_authority", None) or Environment.read().oidc_authority):
        raise ValueError(
            "an OIDC authority is one issuer; with several tenants apply one at a time (--tenant)"
        )
    result, _way = cached_token(
        signin_config(args, tenant=plan.tenant, public_fallback=True), GRAPH_ADMIN_SCOPES
    )
    if result is None or not result.ok:
        raise ValueError(
            f"not signed in to {plan.title} (or the sign-in expired): run "
            f"`idspine entra signin --tenant {plan.tenant}` first"
        )
    return result.access_token


def _secret_sink(args: argparse.Namespace, ws: Workspace, settings: HttpSettings) -> SecretSink:
    """The workspace's secret store (wizard.providers.secret_store, shared with rotate and the app)."""
    from wizard.providers.secret_store import secret_sink_for

    return secret_sink_for(
        ws,
        env_file=_env_file(args),
        vault_url=args.keyvault_url,
        vault_token=lambda: _cli_vault_token(args),
        settings=settings,
    )


def _env_file(args: argparse.Namespace) -> Path:
    """--env-file, else secrets.env in idspine's config folder."""
    if args.env_file:
        return Path(args.env_file)
    from platformdirs import user_config_dir

    return Path(user_config_dir("idspine")) / "secrets.env"


def _cli_vault_token(args: argparse.Namespace) -> str:
    """The Key Vault token named by --keyvault-token-env, else the signed-in account's (ValueError: none)."""
    if not args.keyvault_token_env:  # the signed-in account's (idspine's sign-in, then the Azure CLI)
        from wizard.providers.secret_store import signed_in_vault_token

        return signed_in_vault_token()
    token = os.environ.get(args.keyvault_token_env, "").strip()
    if not token:
        raise ValueError(f"Key Vault needs an access token: {args.keyvault_token_env} is empty or not set")
    return token


def run_apply(args: argparse.Namespace) -> int:
    """Per tenant: show its plan, ask, sign in to that tenant, carry the plan out (ids written back after each
    step). The home tenant goes first; a failure stops before the next tenant."""
    from wizard.cli.output import ask
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_with_digest, report_unavailable
    from wizard.inventory import InventoryError
    from wizard.inventory_writer import InventoryWriter
    from wizard.providers import ProviderError
    from wizard.providers.entra.apply_tenants import (
        ApplyRefused,
        acquire_tokens,
        apply_tenants,
        checked_plans,
        tenants_to_apply,
    )
    from wizard.providers.entra.plan import render_plans
    from wizard.providers.entra.retry import RetryPolicy
    from wizard.providers.entra.signin_config import SigninError
    from wizard.providers.http import HttpSettings
    from wizard.settings import GRAPH_URL, Environment

    if args.demo:
        return fail(
            "apply changes a real tenant and records ids in a file; use --file, not --demo", EXIT_USAGE
        )
    try:
        ws, digest = open_with_digest(args)
        if other := other_idp(ws):  # before any sign-in or Graph call
            return live_apply_refused(other)
        plans = checked_plans(ws, client=args.client, rotate=args.rotate, tenant=args.tenant)
        _token_vars(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    print(render_plans(plans), end="")
    try:
        todo = tenants_to_apply(plans)
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    if not todo:
        return 0
    env = Environment.read()
    settings = HttpSettings(
        allow_loopback_http=bool(args.allow_loopback_http), ca_bundle=args.ca_bundle or env.ca_bundle
    )
    try:  # every tenant's token first, so a missing sign-in stops before anything changes
        tokens = acquire_tokens(todo, lambda plan, signing: _graph_token(args, plan, signing))
    except (ValueError, SigninError, ProviderError) as exc:
        return fail(getattr(exc, "message", None) or str(exc), EXIT_USAGE)

    def confirm(plan: Plan) -> bool:
        if args.yes:
            return True
        if ask(f"Apply these changes to {plan.title}? [y/N] ").strip().lower() in ("y", "yes"):
            return True
        print(f"Nothing changed in {one_line(plan.title)}.")
        return False

    def progress(i: int, total: int, step: PlanStep, status: str) -> None:
        if status != "running":
            print(f"[{i}/{total}] {status:>8}  {one_line(step.key)}", file=sys.stderr)

    def finished(plan: Plan, report: ApplyReport) -> None:
        print("\n".join(one_line(line) for line in report.render_text().splitlines()))  # server text inside

    try:
        run = apply_tenants(
            ws,
            todo,
            tokens,
            graph_url=args.graph_url or env.graph_url or GRAPH_URL,
            http_settings=settings,
            writer=InventoryWriter(Path(args.file), digest),  # one writer: its digest follows every save
            retry=RetryPolicy(on_wait=_announce_wait, sleep=_countdown_sleep),
            sink_for=lambda: _secret_sink(args, ws, settings),
            confirm=confirm,
            started=lambda plan: print(f"-- {one_line(plan.title)}"),
            progress_for=lambda plan, done: progress,
            finished=finished,
            verify_secret=_rotation_verifier(args, ws),
        )
    except InventoryError as exc:
        return fail(f"stopped: the inventory could not be saved ({exc})")
    except ApplyRefused as exc:  # the secret store or Graph could not be reached as configured
        return fail(str(exc), EXIT_USAGE)
    if run.last is not None and not run.last.ok:
        if run.not_started:
            print(one_line("Not started: " + "; ".join(p.title for p in run.not_started) + "."))
        return EXIT_FAILED
    return EXIT_FAILED if run.declined else 0


def _announce_wait(key: str, seconds: float, why: str) -> None:
    print(
        f"  waiting {_mmss(seconds)} before retrying {one_line(key)}: {one_line(why)}",
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


def _rotation_verifier(args: argparse.Namespace, ws: Workspace) -> SecretVerifier | None:
    """For --rotate: prove a new secret gets a token (same authority and CA as verify) before the old goes."""
    if not args.rotate:
        return None
    from wizard.providers.entra.signin_config import GRAPH_DEFAULT_SCOPE, SigninError, signin_config_from
    from wizard.providers.entra.verify import verification_tenant, verify_service_principal

    def check(sp: ServicePrincipal, secret: str) -> tuple[bool, str]:
        try:  # apply's --tenant is a filter, not an authority: the tenant where the principal lives
            config = signin_config_from(
                sp.app_id or "",
                verification_tenant(ws, sp),
                oidc_authority=getattr(args, "oidc_authority", None),
                ca_bundle=getattr(args, "ca_bundle", None),
            )
        except (ValueError, SigninError) as exc:
            return False, str(exc)
        result = verify_service_principal(sp, config, secret, [GRAPH_DEFAULT_SCOPE])
        return result.ok, result.detail

    return check
