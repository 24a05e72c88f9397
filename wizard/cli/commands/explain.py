"""`idspine explain TOPIC`: read an explainer in the terminal, personalised with your inventory."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli import DEFAULT_FILE, add_file_option

if TYPE_CHECKING:
    from wizard.explainer_library import Explainer

EXIT_UNKNOWN_TOPIC = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `explain` command."""
    p = subparsers.add_parser(
        "explain",
        help="explain a concept (OAuth, PKCE, service principals, ...)",
        description="Print one explainer. 'In your setup' is filled from --demo, from --file, or from "
        f"./{DEFAULT_FILE} when it exists; otherwise it reads generically.",
    )
    p.add_argument("topic", nargs="?", help="explainer id, e.g. pkce (see --list)")
    p.add_argument("--list", action="store_true", help="list every explainer: id and one-line summary")
    p.add_argument("--search", metavar="TEXT", help="find explainers mentioning TEXT, best first")
    add_file_option(p)
    p.add_argument("--plain", action="store_true", help="print Markdown instead of rendering it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """List, search or show explainers."""
    from wizard import explainer_library as lib

    if args.search is not None:
        results = lib.search(args.search)
        if not results:
            print(
                f"idspine: no explainer mentions {args.search!r}; see `idspine explain --list`",
                file=sys.stderr,
            )
            return 1
        _print_rows(r.explainer for r in results)
        return 0
    if args.list or not args.topic:
        _print_rows(lib.all_explainers())
        return 0
    topic = args.topic.strip().lower()
    if not lib.exists(topic):
        print(f"idspine: no explainer {args.topic!r}. Try: {', '.join(suggestions(topic))}", file=sys.stderr)
        return EXIT_UNKNOWN_TOPIC
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable, today_from

    ws = None
    if args.demo or args.file != DEFAULT_FILE or Path(args.file).exists():
        try:
            ws = open_workspace(args)
        except WorkspaceUnavailable as exc:
            return report_unavailable(exc)
    text = lib.fill(lib.get(topic), ws, links="plain", today=today_from(args))
    if args.plain:
        sys.stdout.write(text)
        return 0
    from rich.markdown import Markdown

    from wizard.cli.output import console
    from wizard.safe_text import terminal_text

    console(highlight=True).print(Markdown(terminal_text(text), hyperlinks=False))
    return 0


def suggestions(topic: str, limit: int = 5) -> list[str]:
    """Explainer ids close to a mistyped or partial topic: similar spellings first, then search hits."""
    import difflib

    from wizard import explainer_library as lib

    ids = [e.id for e in lib.all_explainers()]
    found = difflib.get_close_matches(topic, ids, n=limit, cutoff=0.6)
    for r in lib.search(topic.replace("-", " ")):
        if r.explainer.id not in found:
            found.append(r.explainer.id)
    return found[:limit] or ["idspine explain --list"]


def _print_rows(explainers: Iterable[Explainer]) -> None:
    for e in explainers:
        print(f"{e.id:30} {e.summary}")
