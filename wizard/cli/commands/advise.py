"""`idspine advise SERVICE`: which credential method to use for a service, from where, and why."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `advise` command."""
    p = subparsers.add_parser("advise", help="rank the credential methods for a service (OAuth, PAT, key, federation)")
    p.add_argument("service", nargs="?", help="service id, e.g. airtable (see --list)")
    p.add_argument("--list", action="store_true", help="list the services in the catalogue")
    p.add_argument("--hat", default="own-production", choices=["prototype", "own-production", "client-delivery"],
                   help="the role you play for this work")
    p.add_argument("--host", default="n8n-self-hosted",
                   choices=["n8n-cloud", "n8n-self-hosted", "azure", "github-actions", "laptop"],
                   help="where the calling automation runs")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the catalogue list or the advice."""
    from wizard.advisor import advise
    from wizard.catalogue import load_catalogue

    catalogue = load_catalogue()
    if args.list or not args.service:
        services = sorted(catalogue.services.values(), key=lambda s: s.id)
        if args.format == "json":
            print(json.dumps([{"id": s.id, "name": s.name, "methods": [m.value for m in s.supported]}
                              for s in services], indent=2))
        else:
            for s in services:
                print(f"{s.id:20} {s.name} — {', '.join(m.value for m in s.supported)}")
        return 0
    if args.service not in catalogue.services:
        close = ", ".join(catalogue.close(args.service)) or "none"
        print(f"idspine: unknown service {args.service!r}. Did you mean: {close}? (idspine advise --list)",
              file=sys.stderr)
        return 2
    try:
        advice = advise(args.service, args.hat, args.host)
    except LookupError as exc:
        print(f"idspine: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps(_as_json(advice), indent=2))
    else:
        _print_text(advice)
    return 0


def _as_json(advice) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "service": advice.service.id, "hat": advice.hat.value, "host": advice.host.value,
        "recommended": advice.recommended.method.value,
        "ranked": [{"method": a.method.value, "label": a.label, "why": a.why, "scopes": a.scopes,
                    "lifetime": a.lifetime, "rotation": a.rotation, "where": a.where, "revoke": a.revoke,
                    "n8n_type": a.n8n_type, "explainer": a.explainer} for a in advice.ranked],
        "unavailable": [{"method": m.value, "reason": r} for m, r in advice.unavailable],
        "migration": advice.migration, "traps": advice.traps, "record": advice.record(),
        "sources": advice.service.sources,
    }


def _print_text(advice) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    s = advice.service
    console.print(f"[bold]{escape(s.name)}[/] — hat: {advice.hat.value}, caller: {advice.host.value}\n")
    for i, a in enumerate(advice.ranked, 1):
        head = "[bold green]Recommended[/]" if i == 1 else f"{i}."
        console.print(f"{head} [bold]{escape(a.label)}[/] ({a.method.value})")
        console.print(f"   Why: {escape(a.why)}")
        if a.scopes:
            console.print(f"   Scopes: {escape(', '.join(a.scopes))}")
        console.print(f"   Lifetime: {escape(a.lifetime)}  Rotation: {escape(a.rotation)}")
        console.print(f"   Create: {escape(a.where)}")
        console.print(f"   Revoke: {escape(a.revoke)}")
        if a.n8n_type:
            console.print(f"   n8n credential type: {a.n8n_type}")
        console.print(f"   [dim]idspine explain {a.explainer}[/]\n")
    for m, reason in advice.unavailable:
        console.print(f"[dim]Not from here: {m.value} ({escape(reason)})[/]")
    if advice.migration:
        console.print(f"\n[bold]Migration path:[/] {escape(advice.migration)}")
    if advice.traps:
        console.print("\n[bold]Traps:[/]")
        for t in advice.traps:
            console.print(f" • {escape(t)}")
    console.print("\n[bold]Record in the inventory:[/] " + escape(", ".join(
        f"{k}={v}" for k, v in advice.record().items())))
    console.print("[dim]Sources: " + escape(" ".join(s.sources)) + "[/]")
