"""`idspine drift`: the inventory against the live systems; exit 0 in sync, 1 drift, 2 a system unreadable.

Formats: text, json, sarif (SARIF 2.1.0), junit (JUnit XML), on standard output or into -o PATH. With
$GITHUB_STEP_SUMMARY set, a Markdown summary is appended there too. The result's summary (time, counts,
systems, unreadable) is remembered beside the user's state for the home screen (wizard.discovery.drift_store).
"""

from __future__ import annotations

import argparse
import json
import os

from wizard.cli import add_file_option

EXIT_UNREADABLE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `drift` command."""
    p = subparsers.add_parser(
        "drift",
        help="compare the inventory with n8n, Supabase and Entra (exit 0 in sync, 1 drift, 2 unreadable)",
    )
    add_file_option(p)
    p.add_argument(
        "--format",
        choices=["text", "json", "sarif", "junit"],
        default="text",
        help="sarif: SARIF 2.1.0 for code scanning; junit: JUnit XML for CI test views",
    )
    p.add_argument("--client", metavar="SLUG", help="only differences about this client")
    p.add_argument("-o", "--output", metavar="PATH", help="write the report here instead of standard output")
    p.add_argument(
        "--system",
        action="append",
        choices=["n8n", "supabase", "entra"],
        help="compare only this kind of system (repeatable; default: every one configured)",
    )
    p.add_argument(
        "--token-env",
        action="append",
        default=[],
        metavar="TENANT=VAR",
        help="Entra: read a Graph token for TENANT (tenant id or domain, home, or a client slug) from the "
        "environment variable VAR (default: the cached sign-in)",
    )
    p.add_argument("--api-url", default=None, help=argparse.SUPPRESS)  # the Supabase Management API (tests)
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def _err(message: str) -> None:
    from wizard.cli.output import err

    err(message, prefix="idspine drift")


def run(args: argparse.Namespace) -> int:
    """Compare, print, remember."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, output_path
    from wizard.discovery.drift import for_client, run_drift
    from wizard.providers.drift_sources import drift_sources
    from wizard.settings import SUPABASE_API_URL, Connections

    if args.demo:
        _err("the demo workspace has no live systems to compare; run drift on your inventory (--file)")
        return EXIT_UNREADABLE
    target = output_path(args.output, args.file) if args.output else None
    try:
        ws = open_workspace(args)
    except WorkspaceUnavailable as exc:
        _err(str(exc))
        return EXIT_UNREADABLE
    if args.client and ws.client(args.client) is None:
        _err(f"no client {args.client!r} in the inventory")
        return EXIT_UNREADABLE
    connections = Connections(
        supabase_api_url=args.api_url or SUPABASE_API_URL, allow_loopback_http=bool(args.allow_loopback_http)
    )
    systems = tuple(args.system) if args.system else ("n8n", "supabase", "entra")
    sources = drift_sources(ws, connections, _entra_token(args, ws), systems)
    if not sources:
        _err(
            "nothing to compare: record an n8n address and API key reference (the n8n flow) or a Supabase "
            "project ref and access token reference (the Supabase flow)"
        )
        return EXIT_UNREADABLE
    report = run_drift(ws, sources)
    _remember(args.file, report)
    if args.client:
        report = for_client(report, ws, args.client)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        from wizard.discovery.drift_formats import append_summary

        try:
            append_summary(summary, report)
        except OSError as exc:
            _err(f"GITHUB_STEP_SUMMARY: cannot append to {summary}: {exc.strerror or exc}")
    text = _render(args.format, report, args.file)
    if target is not None:
        from wizard.files import write_text_atomic

        write_text_atomic(target, text, 0o644)
        _verdict(report)
    else:
        print(text, end="")
    return report.exit_code


def _entra_token(args: argparse.Namespace, ws):  # type: ignore[no-untyped-def]
    """tenant -> Graph token: --token-env TENANT=VAR (TENANT: the tenant id or domain as recorded, `home`, or a
    client slug), else the cached sign-in for that tenant (read scopes)."""
    from wizard.cli import UsageError

    named: dict[str, str] = {}
    for item in args.token_env:
        tenant, sep, var = item.partition("=")
        tenant, var = tenant.strip(), var.strip()
        if not sep or not tenant or not var:
            raise UsageError(f"--token-env {item!r}: give TENANT=VAR")
        client = ws.client(tenant)
        if tenant == "home":
            tenant = ws.consultancy.home_tenant or tenant
        elif client is not None and client.tenant:
            tenant = client.tenant
        named[tenant.lower()] = var

    def token_for(tenant: str) -> str:
        from wizard.secrets.resolver import SecretUnavailable

        var = named.get(tenant.lower())
        if var:
            value = os.environ.get(var, "").strip()
            if not value:
                raise SecretUnavailable(f"the environment variable {var} (--token-env) is empty or not set")
            return value
        from wizard.providers.entra.discover import DISCOVER_SCOPES

        try:
            from wizard.cli.commands.entra import signin_config
            from wizard.providers.entra.signin_chain import cached_token

            result, _way = cached_token(
                signin_config(args, tenant=tenant, public_fallback=True), DISCOVER_SCOPES
            )
        except Exception as exc:  # noqa: BLE001 - sign-in settings or cache: one line, the source is unreadable
            raise SecretUnavailable(f"sign-in for {tenant}: {exc}") from None
        if result is None or not result.ok or not result.access_token:
            raise SecretUnavailable(
                f"not signed in to {tenant} (or the sign-in expired): run `idspine entra signin --tenant "
                f"{tenant}` with read scopes, or pass --token-env {tenant}=VAR"
            )
        return str(result.access_token)

    return token_for


def _remember(inventory: str, report) -> None:  # type: ignore[no-untyped-def]
    from wizard.discovery.drift_store import save_last

    try:
        save_last(inventory, report)
    except OSError as exc:
        _err(f"could not remember the result for the home screen: {exc.strerror or exc}")


def _render(fmt: str, report, inventory: str) -> str:  # type: ignore[no-untyped-def]
    if fmt == "sarif":
        from wizard.discovery.drift_formats import sarif_log

        return json.dumps(sarif_log(report, inventory), indent=2) + "\n"
    if fmt == "junit":
        from wizard.discovery.drift_formats import junit_xml

        return str(junit_xml(report))
    if fmt == "json":
        return json.dumps(report.as_dict(), indent=2) + "\n"
    return text_report(report)


def text_report(report) -> str:  # type: ignore[no-untyped-def]
    """The report for people: one line per difference, then what could not be read, then the verdict."""
    from wizard.discovery.drift_formats import message
    from wizard.safe_text import one_line

    lines = [one_line(message(f)) for f in report.findings]
    lines += [f"cannot read {one_line(s)}: {one_line(r)}" for s, r in sorted(report.unreadable.items())]
    lines += [f"note: {one_line(n)}" for n in report.notes]
    lines.append(_verdict_line(report))
    return "\n".join(lines) + "\n"


def _verdict_line(report) -> str:  # type: ignore[no-untyped-def]
    from wizard.safe_text import one_line

    compared = ", ".join(one_line(s) for s in report.systems)
    if report.exit_code == 0:
        return f"in sync: {compared}"
    counts = ", ".join(f"{n} {k.value}" for k, n in report.counts().items() if n) or "no differences read"
    head = "drift" if report.exit_code == 1 else "incomplete"
    return f"{head}: {counts} (compared {compared})"


def _verdict(report) -> None:  # type: ignore[no-untyped-def]
    """With -o, one line on stderr says how it went (the report itself is in the file)."""
    _err(_verdict_line(report))
