"""`idspine check`: audit the inventory; exit 0 when healthy, 1 when findings fail, 2 when unreadable."""

from __future__ import annotations

import argparse
import json

from wizard.cli import add_file_option


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `check` command."""
    p = subparsers.add_parser("check", help="audit the inventory for expired, risky or inconsistent entries")
    add_file_option(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    p.add_argument("--client", metavar="SLUG", help="only findings about this client")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="audit as of this date")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the audit and print the findings."""
    from wizard.audit import Severity, counts, run_audit
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable, today_from

    try:
        ws = open_workspace(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    findings = run_audit(ws, today_from(args))
    if args.client:
        mine = ({f"credential:{c.id}" for c in ws.credentials if c.client == args.client}
                | {f"service-principal:{s.name}" for s in ws.service_principals if s.client == args.client}
                | {f"group:{g.name}" for g in ws.groups if g.client == args.client})
        findings = [f for f in findings if f.subject in mine]
    totals = counts(findings)
    failing = totals[Severity.ERROR] + (totals[Severity.WARNING] if args.strict else 0)
    if args.format == "json":
        print(json.dumps({"counts": {k.value: v for k, v in totals.items()},
                          "findings": [f.as_dict() for f in findings]}, indent=2))
    else:
        _print_text(findings, totals)
    return 1 if failing else 0


def _print_text(findings, totals) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not findings:
        console.print("[green]No findings: the inventory is healthy.[/]")
        return
    table = Table(show_lines=False, expand=True)
    for col in ("severity", "subject", "finding", "fix"):
        table.add_column(col, overflow="fold")
    style = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    for f in findings:
        table.add_row(f"[{style[f.severity.value]}]{f.severity.value}[/]", f.subject, f.message,
                      f"{f.fix} [dim](idspine explain {f.explainer})[/]")
    console.print(table)
    console.print(", ".join(f"{n} {s.value}" for s, n in totals.items()))
