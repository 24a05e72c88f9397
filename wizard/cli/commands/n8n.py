"""`idspine n8n push|sso|delete|rotate|audit`: wire the inventory's credentials and SSO to an n8n instance."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from wizard.cli import add_file_option
from wizard.providers.http_settings import http_settings_for

if TYPE_CHECKING:
    from wizard.model import Workspace
    from wizard.providers.errors import ErrorKind
    from wizard.providers.n8n.client import N8nProvider
    from wizard.settings import Connections

EXIT_FAILED = 1
EXIT_UNUSABLE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `n8n` command group."""
    p = subparsers.add_parser("n8n", help="push credentials to n8n, show its SSO values, delete or rotate")
    sub = p.add_subparsers(dest="n8n_command", metavar="ACTION", required=True)

    push = sub.add_parser(
        "push", help="create the inventory's n8n credentials in n8n (created/adopted/failed)"
    )
    _connection_options(push)
    push.add_argument("--client", metavar="SLUG", help="only this client's credentials")
    push.add_argument(
        "--dry-run", action="store_true", help="resolve secrets and build the data, send nothing"
    )
    push.add_argument("--format", choices=["text", "json"], default="text")
    push.set_defaults(func=run_push)

    sso = sub.add_parser("sso", help="print the addresses and claims the IdP needs for n8n sign-in")
    add_file_option(sso)
    sso.add_argument("--url", help="n8n address (default: the workspace's)")
    sso.add_argument("--protocol", choices=["saml", "oidc"], default="saml")
    sso.add_argument("--verify", action="store_true", help="check that the routes exist on the running n8n")
    sso.add_argument("--format", choices=["text", "json"], default="text")
    sso.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    sso.set_defaults(func=run_sso)

    delete = sub.add_parser("delete", help="delete a credential in n8n (inventory id or n8n id)")
    _connection_options(delete)
    delete.add_argument("cred_id", metavar="CRED_ID")
    delete.set_defaults(func=run_delete)

    rotate = sub.add_parser(
        "rotate", help="recreate a credential from its current secret, repoint workflows, delete the old one"
    )
    _connection_options(rotate)
    rotate.add_argument("cred_id", metavar="CRED_ID", help="inventory credential id")
    rotate.set_defaults(func=run_rotate)

    audit = sub.add_parser("audit", help="n8n's own security audit of credentials, beside the inventory")
    _connection_options(audit)
    audit.set_defaults(func=run_audit)


def _connection_options(p: argparse.ArgumentParser) -> None:
    add_file_option(p)
    p.add_argument("--url", help="n8n address (default: the workspace's integrations.n8n_url)")
    p.add_argument(
        "--api-key-ref",
        metavar="REF",
        help="where the API key is (env:NAME, file:PATH); default: "
        "the workspace's integrations.n8n_api_key_ref",
    )
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)


# ---------------------------------------------------------------------------- plumbing


class _Stop(Exception):
    def __init__(self, message: str, code: int = EXIT_UNUSABLE):
        super().__init__(message)
        self.code = code


def _err(message: str) -> None:
    from wizard.cli.output import err

    err(message, prefix="idspine n8n")


def _open(args: argparse.Namespace) -> tuple[Any, Any]:
    """(workspace, saver) where saver(ws) writes the inventory atomically (a no-op for --demo)."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace

    if getattr(args, "demo", False):
        try:
            return open_workspace(args), None
        except WorkspaceUnavailable as exc:
            raise _Stop(str(exc)) from None
    from pathlib import Path

    from wizard.inventory import InventoryError, load_with_digest, save

    path = Path(args.file)
    if not path.exists():
        raise _Stop(f"{path}: no inventory here. Run `idspine` to set one up, or use --demo.")
    try:
        loaded = load_with_digest(path)
    except InventoryError as exc:
        raise _Stop(str(exc)) from None
    state = {"digest": loaded.digest}

    def saver(ws: Any) -> None:
        state["digest"] = save(ws, path, expected_digest=state["digest"])

    return loaded.workspace, saver


def _connections(args: argparse.Namespace) -> Connections:
    """Where n8n is reached from: the settings every face shares (loopback http only when a test asks)."""
    from wizard.settings import Connections

    return Connections(allow_loopback_http=bool(getattr(args, "allow_loopback_http", False)))


def _address(args: argparse.Namespace, ws: Workspace) -> tuple[str, str]:
    """(n8n address, API key reference) from --url/--api-key-ref or the workspace."""
    integrations = ws.consultancy.integrations
    url = args.url or integrations.n8n_url
    ref = args.api_key_ref or integrations.n8n_api_key_ref
    if not url:
        raise _Stop("no n8n address: pass --url or set it with the n8n flow")
    if not ref:
        raise _Stop("no API key reference: pass --api-key-ref env:NAME or set it with the n8n flow")
    return url, ref


def _provider(args: argparse.Namespace, ws: Workspace) -> N8nProvider:
    """An N8nProvider from --url/--api-key-ref or the workspace; the key is resolved now and kept in memory."""
    from wizard.providers.n8n import connect

    url, ref = _address(args, ws)
    with _opening():
        return connect.open_n8n(url, ref, _connections(args))


@contextlib.contextmanager
def _opening() -> Iterator[None]:
    """A key that cannot be read or an unusable address stops the command before anything is sent."""
    from wizard.providers import ProviderError
    from wizard.secrets.resolver import SecretUnavailable

    try:
        yield
    except SecretUnavailable as exc:
        raise _Stop(str(exc)) from None
    except ProviderError as exc:
        raise _Stop(exc.message + _advice(exc.kind)) from None


def _guarded(func: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        from wizard.inventory import InventoryError
        from wizard.providers import ProviderError
        from wizard.providers.n8n.credentials import CredentialBuildError
        from wizard.secrets.resolver import SecretUnavailable

        try:
            return int(func(args))
        except _Stop as exc:
            _err(str(exc))
            return exc.code
        except ProviderError as exc:
            _err(exc.message + _advice(exc.kind))
            return EXIT_FAILED
        except (CredentialBuildError, SecretUnavailable, InventoryError) as exc:
            _err(str(exc))
            return EXIT_FAILED

    run.__doc__ = func.__doc__
    return run


def _advice(kind: ErrorKind | None) -> str:
    """The advice the n8n screen shows for the same kind (wizard.providers.errors, the one table)."""
    from wizard.providers.errors import Service, advice

    return f" — {advice(kind, Service.N8N)}" if kind else ""


# ---------------------------------------------------------------------------- actions


@_guarded
def run_push(args: argparse.Namespace) -> int:
    """Create missing credentials in n8n and record their ids; report created/adopted/failed."""
    from wizard.providers.n8n import push

    ws, saver = _open(args)
    if args.client and ws.client(args.client) is None:
        raise _Stop(f"no client {args.client!r} in the inventory")
    url, ref = ("", "") if args.dry_run else _address(args, ws)
    with _opening():  # only opening n8n raises: failures while pushing are in the report
        report = push.push_to_n8n(
            ws,
            _connections(args),
            url,
            ref,
            client=args.client,
            dry_run=args.dry_run,
            on_change=None if args.dry_run else saver,
        )
    if args.format == "json":
        print(
            json.dumps(
                {
                    "outcomes": [o.__dict__ for o in report.outcomes],
                    "aborted": report.aborted,
                    "counts": {r: report.count(r) for r in ("created", "adopted", "planned", "failed")},
                },
                indent=2,
            )
        )
    else:
        if not report.outcomes:
            print("no credentials with an n8n type" + (f" for client {args.client}" if args.client else ""))
        for o in report.outcomes:
            print(f"{o.result:<8} {o.credential:<32} {o.n8n_type:<24} {o.n8n_id or '-':<18} {o.detail}")
        print(
            f"created {report.count('created')}, adopted {report.count('adopted')}, "
            f"failed {report.count('failed')}"
            + (f", planned {report.count('planned')}" if args.dry_run else "")
        )
        if report.aborted:
            _err("stopped: " + report.aborted + _advice(report.aborted_kind))
    return 0 if report.ok else EXIT_FAILED


@_guarded
def run_sso(args: argparse.Namespace) -> int:
    """Print the SSO values and both checklists; --verify probes the routes on the live n8n."""
    from wizard.providers.n8n.sso import (
        REST_ROUTES,
        SsoAddressError,
        idp_checklist,
        n8n_checklist,
        sso_values,
    )

    url = args.url
    if not url:
        ws, _ = _open(args)
        url = ws.consultancy.integrations.n8n_url
    if not url:
        raise _Stop("no n8n address: pass --url or set it with the n8n flow")
    try:
        values = sso_values(url, allow_http_loopback=args.allow_loopback_http)
    except SsoAddressError as exc:
        raise _Stop(str(exc)) from None
    verified: dict[str, int] = {}
    if args.verify:
        from wizard.providers.http import build_client
        from wizard.providers.n8n.client import N8nProvider

        settings = http_settings_for(_connections(args))
        # The route probe sends no API key; the provider wants one, so it gets a placeholder.
        probe = N8nProvider(values.base_url, build_client(settings), "route-probe", settings)
        verified = {path: probe.route_status(path) for path in REST_ROUTES.values()}
    if args.format == "json":
        print(
            json.dumps(
                {
                    "values": dict(values.rows()),
                    "idp_checklist": idp_checklist(values, args.protocol),
                    "n8n_checklist": n8n_checklist(values, args.protocol),
                    "route_status": verified,
                },
                indent=2,
            )
        )
    else:
        for label, value in values.rows():
            print(f"{label}: {value}")
        print("\nIn the IdP:")
        print("\n".join(f"  - {step}" for step in idp_checklist(values, args.protocol)))
        print("\nIn n8n:")
        print("\n".join(f"  - {step}" for step in n8n_checklist(values, args.protocol)))
        if verified:
            print("\nRoutes on this n8n:")
            for path, status in verified.items():
                print(f"  {path}: {'missing' if status == 404 else 'present'} (HTTP {status})")
    missing = [p for p, s in verified.items() if s == 404]
    if missing:
        _err("these routes do not exist on this n8n: " + ", ".join(missing))
        return EXIT_FAILED
    return 0


@_guarded
def run_delete(args: argparse.Namespace) -> int:
    """Delete one credential in n8n and clear its recorded id."""
    ws, saver = _open(args)
    cred = ws.credential(args.cred_id) or next((c for c in ws.credentials if c.n8n_id == args.cred_id), None)
    n8n_id = cred.n8n_id if cred else args.cred_id
    if cred and not n8n_id:
        raise _Stop(f"{cred.id} has no n8n id recorded; nothing to delete")
    provider = _provider(args, ws)
    existed = provider.delete_credential(n8n_id)
    if cred:
        cred.n8n_id = ""
        if saver:
            saver(ws)
    label = f"{cred.id} ({n8n_id})" if cred else n8n_id
    print(f"deleted {label}" if existed else f"{label} was already gone from n8n; inventory updated")
    return 0


@_guarded
def run_rotate(args: argparse.Namespace) -> int:
    """Rotate one credential in n8n."""
    from wizard.providers.n8n.client import rotate_credential

    ws, saver = _open(args)
    if ws.credential(args.cred_id) is None:
        raise _Stop(f"no credential {args.cred_id!r} in the inventory")
    provider = _provider(args, ws)
    result = rotate_credential(ws, args.cred_id, provider, _connections(args).resolve, on_change=saver)
    print(
        f"new n8n id {result.new_id}; repointed {len(result.workflows)} workflow(s)"
        + (f": {', '.join(result.workflows)}" if result.workflows else "")
    )
    if result.old_id:
        print(f"old credential {result.old_id} " + ("deleted" if result.old_deleted else "was already gone"))
    return 0


@_guarded
def run_audit(args: argparse.Namespace) -> int:
    """Show n8n's credential risk report with the inventory's names beside n8n's ids."""
    ws, _ = _open(args)
    report = _provider(args, ws).audit(("credentials",))
    by_id = {c.n8n_id: c.id for c in ws.credentials if c.n8n_id}
    risky = 0
    for title, section in _audit_sections(report):
        print(title)
        for loc in section:
            risky += 1
            inv = by_id.get(str(loc.get("id")), "not in the inventory")
            print(f"  {loc.get('id')}  {loc.get('name')}  -> {inv}")
    if not risky:
        print("n8n reports no credential risks")
    return 0


def _audit_sections(report: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    out = []
    for value in report.values():
        if not isinstance(value, dict) or value.get("risk") != "credentials":
            continue
        for section in value.get("sections") or []:
            if isinstance(section, dict):
                locs = [loc for loc in section.get("location") or [] if isinstance(loc, dict)]
                out.append((str(section.get("title", "")), locs))
    return out
