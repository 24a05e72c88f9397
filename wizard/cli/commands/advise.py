"""`idspine advise SERVICE`: which credential method to use for a service, from where, and why."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the catalogue and advisor load when the command runs, not at CLI start-up
    from wizard.advice.methods import Advice
    from wizard.catalogue import Catalogue

HATS = ["prototype", "own-production", "client-delivery"]
HOSTS = ["n8n-cloud", "n8n-self-hosted", "azure", "github-actions", "laptop"]
METHODS = [
    "oauth-user",
    "oauth-client-credentials",
    "pat",
    "api-key",
    "service-account-key",
    "federation",
    "managed-identity",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `advise` command."""
    p = subparsers.add_parser(
        "advise",
        help="rank the credential methods for a service (OAuth, PAT, key, federation)",
        description="Rank how to authenticate to SERVICE for your hat and the caller's host, with why, scopes, "
        "rotation, where to create and revoke it, the n8n credential type and what to record.",
    )
    p.add_argument("service", nargs="?", help="service id, e.g. airtable (see --list)")
    p.add_argument("--list", action="store_true", help="list the services in the catalogue")
    p.add_argument("--method", choices=METHODS, help="with --list: only services that support this method")
    p.add_argument("--hat", default="own-production", choices=HATS, help="the role you play for this work")
    p.add_argument(
        "--host", default="n8n-self-hosted", choices=HOSTS, help="where the calling automation runs"
    )
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the catalogue list or the advice."""
    from wizard.advice.methods import advise
    from wizard.catalogue import load_catalogue
    from wizard.cli.output import err

    catalogue = load_catalogue()
    if args.list or not args.service:
        return _list(catalogue, args.method, args.format)
    if args.service not in catalogue.services:
        close = ", ".join(catalogue.close(args.service)) or "none"
        err(f"unknown service {args.service!r}. Did you mean: {close}? (idspine advise --list)")
        return 2
    try:
        advice = advise(args.service, args.hat, args.host)
    except LookupError as exc:
        err(str(exc))
        return 1
    if args.format == "json":
        print(json.dumps(as_json(advice), indent=2, ensure_ascii=False))
    else:
        _print_text(advice)
    return 0


def _list(catalogue: Catalogue, method: str | None, fmt: str) -> int:
    services = sorted(catalogue.search(method=method), key=lambda s: s.id)
    if fmt == "json":
        print(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "name": s.name,
                        "category": s.category,
                        "methods": [m.value for m in s.supported],
                        "sso": s.sso_protocols,
                        "scim": s.scim_supported,
                    }
                    for s in services
                ],
                indent=2,
            )
        )
        return 0
    from rich.table import Table

    from wizard.cli.output import cell, console

    table = Table(
        title="Service catalogue" + (f" (supporting {method})" if method else ""), title_justify="left"
    )
    for column in ("id", "service", "category", "credential methods"):
        table.add_column(column, overflow="fold")
    for s in services:
        table.add_row(
            cell(s.id), cell(s.name), cell(s.category), cell(", ".join(m.value for m in s.supported))
        )
    console().print(table)
    return 0


def as_json(advice: Advice) -> dict[str, object]:
    """The advice as plain JSON-able data (dates as ISO strings)."""
    return {
        "service": advice.service.id,
        "hat": advice.hat.value,
        "host": advice.host.value,
        "recommended": advice.recommended.method.value,
        "ranked": [
            {
                "method": a.method.value,
                "label": a.label,
                "why": a.why,
                "notes": a.notes,
                "scopes": a.scopes,
                "lifetime": a.lifetime,
                "expiry_days": a.expiry_days,
                "rotation": a.rotation,
                "where": a.where,
                "revoke": a.revoke,
                "n8n_type": a.n8n_type,
                "n8n_generic": a.n8n_generic,
                "explainer": a.explainer,
                "person_bound": a.person_bound,
                "privileged": a.privileged,
            }
            for a in advice.ranked
        ],
        "unavailable": [{"method": m.value, "reason": r} for m, r in advice.unavailable],
        "migration": advice.migration,
        "traps": advice.traps,
        "record": advice.record(),
        "sources": advice.service.all_sources,
    }


def _print_text(advice: Advice) -> None:
    from rich.panel import Panel

    from wizard.cli.output import console as make_console
    from wizard.cli.output import markup as escape

    console = make_console()
    s = advice.service
    console.print(f"[bold]{escape(s.name)}[/] — hat: {advice.hat.value}, caller: {advice.host.value}\n")
    for i, a in enumerate(advice.ranked, 1):
        lines = [f"[bold]Why:[/] {escape(a.why)}"]
        lines += [f"  {escape(n)}" for n in a.notes]
        if a.scopes:
            lines.append(f"[bold]Scopes:[/] {escape(', '.join(a.scopes))}")
        expiry = f" (set it to {a.expiry_days} days)" if a.expiry_days else ""
        lines.append(f"[bold]Lifetime:[/] {escape(a.lifetime)}{expiry}")
        lines.append(f"[bold]Rotation:[/] {escape(a.rotation)}")
        lines.append(f"[bold]Create:[/] {escape(a.where)}")
        lines.append(f"[bold]Revoke:[/] {escape(a.revoke)}")
        if a.n8n_type:
            lines.append(f"[bold]n8n credential type:[/] {escape(a.n8n_type)}")
        elif a.n8n_generic:
            lines.append(f"[bold]n8n credential type:[/] {escape(a.n8n_generic)} (generic)")
        lines.append(f"[dim]idspine explain {a.explainer}[/]")
        title = f"[bold green]Recommended[/] {escape(a.label)}" if i == 1 else f"{i}. {escape(a.label)}"
        console.print(
            Panel(
                "\n".join(lines),
                title=title,
                subtitle=escape(a.method.value),
                title_align="left",
                border_style="green" if i == 1 else "dim",
            )
        )
    for m, reason in advice.unavailable:
        console.print(f"[dim]Not from here: {m.value} ({escape(reason)})[/]")
    if advice.migration:
        console.print(f"\n[bold]Migration path:[/] {escape(advice.migration)}")
    if advice.traps:
        console.print("\n[bold]Traps:[/]")
        for t in advice.traps:
            console.print(f" • {escape(t)}")
    console.print("\n[bold]Record in the inventory:[/]")
    for k, v in advice.record().items():
        console.print(f"  {k} = {escape(json.dumps(v, default=str, ensure_ascii=False))}")
    console.print("[dim]Sources: " + escape(" ".join(s.all_sources)) + "[/]")
