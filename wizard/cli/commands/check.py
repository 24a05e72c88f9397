"""`idspine check`: audit the inventory; exit 0 when clean, 1 on findings, 2 when the file is unreadable.

Formats: text, json, sarif (SARIF 2.1.0), junit (JUnit XML). With $GITHUB_STEP_SUMMARY set, a Markdown summary
is appended to that file too (never to standard output).
"""

from __future__ import annotations

import argparse
import json
import os

from wizard.cli import add_file_option, iso_date, non_negative


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `check` command."""
    p = subparsers.add_parser("check", help="audit the inventory for expired, risky or inconsistent entries")
    p.add_argument("path", nargs="?", metavar="FILE", help="inventory file (same as --file)")
    add_file_option(p)
    p.add_argument(
        "--format",
        choices=["text", "json", "sarif", "junit"],
        default="text",
        help="sarif: SARIF 2.1.0 for code scanning; junit: JUnit XML for CI test views (both on standard output)",
    )
    p.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        default="warning",
        help="lowest severity that makes the check fail with exit 1 (default: warning)",
    )
    p.add_argument("--client", metavar="SLUG", help="only findings about this client")
    p.add_argument(
        "--limit",
        type=non_negative,
        default=60,
        metavar="N",
        help="text output: show at most N findings in the table (0: all, one per line)",
    )
    p.add_argument("--today", metavar="YYYY-MM-DD", type=iso_date, help="audit as of this date")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the audit and print the findings (with Python's cycle collector paused: a short process whose
    10,000 credentials stay alive to the end; its passes over them were a sixth of a run)."""
    from wizard.inventory import collector_paused

    with collector_paused():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from wizard.audit import Severity, counts, run_audit
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable, today_from

    if args.path:
        from wizard.cli import DEFAULT_FILE, UsageError

        if args.demo or args.file not in (DEFAULT_FILE, args.path):
            raise UsageError("give the inventory once: FILE, --file or --demo")
        args.file = args.path
    try:
        ws = open_workspace(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)
    findings = run_audit(ws, today_from(args))
    if args.client:
        mine = (
            {f"credential:{c.id}" for c in ws.credentials if c.client == args.client}
            | {f"service-principal:{s.name}" for s in ws.service_principals if s.client == args.client}
            | {f"group:{g.name}" for g in ws.groups if g.client == args.client}
        )
        findings = [f for f in findings if f.subject in mine]
    totals = counts(findings)
    fail_on = list(Severity)[: list(Severity).index(Severity(args.fail_on)) + 1]
    failing = sum(totals[s] for s in fail_on)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        from wizard.audit.step_summary import append_summary

        try:
            append_summary(summary, findings)
        except OSError as exc:
            from wizard.cli.output import err

            err(f"GITHUB_STEP_SUMMARY: cannot append to {summary}: {exc.strerror or exc}")
    if args.format == "sarif":
        from wizard.audit.sarif import sarif_log

        print(json.dumps(sarif_log(findings, None if args.demo else args.file), indent=2))
    elif args.format == "junit":
        from wizard.audit.junit import junit_xml

        print(junit_xml(findings), end="")
    elif args.format == "json":
        print(
            json.dumps(
                {
                    "counts": {k.value: v for k, v in totals.items()},
                    "findings": [f.as_dict() for f in findings],
                },
                indent=2,
            )
        )
    else:
        _print_text(findings, totals, args.limit)
    return 1 if failing else 0


def _print_text(findings, totals, limit: int) -> None:  # type: ignore[no-untyped-def]
    from collections import Counter

    from rich.table import Table
    from rich.text import Text

    from wizard.cli.output import cell, console

    out = console()
    if not findings:
        out.print("[green]No findings: the inventory is healthy.[/]")
        return
    style = {"error": "bold red", "warning": "yellow", "info": "cyan"}
    if limit == 0:  # every finding, one line each: fast at any size
        for f in findings:
            out.print(
                Text.assemble(
                    cell(f"{f.severity.value:7}", style[f.severity.value]),
                    " ",
                    cell(f.subject),
                    "  ",
                    cell(f.message),
                    "  ",
                    cell(f"fix: {f.fix}", "dim"),
                ),
                soft_wrap=True,
            )
    else:
        table = Table(show_lines=False, expand=True)
        for col in ("severity", "subject", "finding", "fix"):
            table.add_column(col, overflow="fold")
        for f in findings[:limit]:
            table.add_row(
                cell(f.severity.value, style[f.severity.value]),
                cell(f.subject),
                cell(f.message),
                Text.assemble(cell(f.fix), " ", cell(f"(idspine explain {f.explainer})", "dim")),
            )
        out.print(table)
        if len(findings) > limit:
            by_rule = Counter((f.severity.value, f.rule_id) for f in findings)
            out.print(
                cell(
                    f"… and {len(findings) - limit} more (--limit 0 lists all; --format json for scripts). "
                    "By rule: " + ", ".join(f"{r} {n}" for (_, r), n in sorted(by_rule.items()))
                )
            )
    out.print(cell(", ".join(f"{n} {s.value}" for s, n in totals.items())))
