"""`idspine discover n8n [--adopt]`: read n8n's workflows, show which credential each uses, adopt what is unknown.

Without --adopt nothing is written: the review lists, for each inventory credential n8n uses, the workflows
that use it (its `used_by` to be), and the credentials workflows use that the inventory does not record.
With --adopt, used_by is filled and each unknown credential becomes an inventory entry marked discovered
(source n8n, its id; no secret: it stays in n8n). Saved under the inventory's lock and digest check.

Registration: under the `discover` group through wizard/cli/commands/discover.py's `discover_sources` hook.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from wizard.cli import add_file_option
from wizard.cli.commands.discover import discover_sources

EXIT_FAILED = 1
EXIT_UNUSABLE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `discover n8n`."""
    p = discover_sources(subparsers).add_parser(
        "n8n", help="which credential each n8n workflow uses; credentials the inventory does not know"
    )
    add_file_option(p)
    p.add_argument("--url", help="n8n address (default: the workspace's integrations.n8n_url)")
    p.add_argument("--api-key-ref", metavar="REF", help="where the API key is (default: the workspace's)")
    p.add_argument("--adopt", action="store_true", help="record used_by and the unknown credentials")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def _err(message: str) -> None:
    from wizard.cli.output import err

    err(message, prefix="idspine discover n8n")


def run(args: argparse.Namespace) -> int:
    """Read, review, and with --adopt record."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_with_digest
    from wizard.discovery.n8n_drift import adopt, discovery_plan
    from wizard.inventory import InventoryError, save
    from wizard.providers.errors import ProviderError, Service, advice
    from wizard.providers.n8n.connect import open_n8n
    from wizard.providers.n8n.workflows import read_workflows
    from wizard.secrets.resolver import SecretUnavailable
    from wizard.settings import Connections

    if args.adopt and args.demo:
        _err("the demo is never saved; --adopt needs an inventory file")
        return EXIT_UNUSABLE
    try:
        ws, digest = open_with_digest(args)
    except WorkspaceUnavailable as exc:
        _err(str(exc))
        return EXIT_UNUSABLE
    integrations = ws.consultancy.integrations
    url, ref = args.url or integrations.n8n_url, args.api_key_ref or integrations.n8n_api_key_ref
    if not url or not ref:
        _err(
            "no n8n address or API key reference: pass --url and --api-key-ref, or set them with the n8n flow"
        )
        return EXIT_UNUSABLE
    try:
        provider = open_n8n(url, ref, Connections(allow_loopback_http=bool(args.allow_loopback_http)))
        workflows = read_workflows(provider)
    except SecretUnavailable as exc:
        _err(str(exc))
        return EXIT_UNUSABLE
    except ProviderError as exc:
        _err(f"{exc.message} — {advice(exc.kind, Service.N8N)}")
        return EXIT_UNUSABLE
    plan = discovery_plan(ws, workflows)
    result = None
    if args.adopt:
        result = adopt(ws, plan)
        if result.updated or result.adopted:
            try:
                save(ws, args.file, expected_digest=digest)
            except InventoryError as exc:
                _err(str(exc))
                return EXIT_FAILED
    _print(args.format, plan, result)
    return 0


def _print(fmt: str, plan: Any, result: Any) -> None:
    from wizard.safe_text import one_line

    if fmt == "json":
        print(
            json.dumps(
                {
                    "workflows": plan.workflows,
                    "used_by": plan.used_by,
                    "unknown": [lc.__dict__ for lc in plan.unknown],
                    "adopted": result.adopted if result else [],
                    "updated": result.updated if result else [],
                    "skipped": result.skipped if result else [],
                },
                indent=2,
            )
        )
        return
    print(f"{plan.workflows} workflow(s) read")
    for cred_id, uses in sorted(plan.used_by.items()):
        print(f"known    {cred_id}: {one_line(', '.join(uses))}")
    for lc in plan.unknown:
        print(
            f"unknown  {one_line(lc.id)} {one_line(lc.name)!r} type {one_line(lc.type)}; "
            f"used by {one_line(', '.join(lc.workflows))}"
        )
    if result is None:
        if plan.unknown or plan.used_by:
            print("nothing written; --adopt records used_by and the unknown credentials")
        return
    for line in result.skipped:
        print(f"skipped  {one_line(line)}")
    print(f"adopted {len(result.adopted)}, used_by updated on {len(result.updated)}")
