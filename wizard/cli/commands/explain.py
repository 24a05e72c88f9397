"""`idspine explain TOPIC`: read an explainer in the terminal, personalised with your inventory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `explain` command."""
    p = subparsers.add_parser("explain", help="explain a concept (OAuth, PKCE, service principals, ...)")
    p.add_argument("topic", nargs="?", help="explainer id, e.g. pkce (see --list)")
    p.add_argument("--list", action="store_true", help="list every explainer")
    p.add_argument("--search", metavar="TEXT", help="find explainers mentioning TEXT")
    p.add_argument("--file", "-f", metavar="PATH", help="fill 'In your setup' from this inventory")
    p.add_argument("--demo", action="store_true", help="fill 'In your setup' from the demo workspace")
    p.add_argument("--plain", action="store_true", help="print Markdown instead of rendering it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List, search or show explainers."""
    from wizard import explainer_library as lib

    if args.list or args.search is not None or not args.topic:
        results = lib.search(args.search or "")
        for r in results:
            print(f"{r.explainer.id:28} {r.explainer.summary}")
        return 0 if results else 1
    try:
        exp = lib.get(args.topic)
    except KeyError:
        hits = [r.explainer.id for r in lib.search(args.topic.replace("-", " "))[:5]]
        import difflib

        hits = hits or difflib.get_close_matches(args.topic, [e.id for e in lib.all_explainers()], n=5)
        print(f"idspine: no explainer {args.topic!r}. Try: {', '.join(hits) or 'idspine explain --list'}",
              file=sys.stderr)
        return 2
    ws = None
    if args.demo or args.file:
        from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable

        args.file = args.file or str(Path("idspine.toml"))
        try:
            ws = open_workspace(args)
        except WorkspaceUnavailable as exc:
            return report_unavailable(exc)
    text = lib.fill(exp, ws, links="plain")
    if args.plain:
        sys.stdout.write(text)
        return 0
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(text))
    return 0
