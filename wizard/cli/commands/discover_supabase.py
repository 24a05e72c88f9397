"""`idspine discover supabase [--adopt]`: a Supabase project's API keys (metadata) and Auth providers.

Without --adopt nothing is written: the review lists each live key (name, type, id, prefix: never its value)
with the inventory entry that stands for it, the keys the inventory lacks, and the Auth providers that are on.
With --adopt each unknown key becomes a Supabase credential marked discovered (source supabase:<ref>, its id),
with no secret reference: record where its value is kept afterwards. Registers under `idspine discover` as
discover_n8n does.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from wizard.cli import add_file_option
from wizard.cli.commands.discover import discover_sources
from wizard.cli.commands.discover_n8n import EXIT_FAILED, EXIT_UNUSABLE


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `discover supabase`."""
    p = discover_sources(subparsers).add_parser(
        "supabase", help="a Supabase project's API key metadata and Auth providers; keys the inventory lacks"
    )
    add_file_option(p)
    p.add_argument("--project-ref", metavar="REF", help="project ref (default: the workspace's)")
    p.add_argument("--token-ref", metavar="REF", help="where the access token is (default: the workspace's)")
    p.add_argument("--adopt", action="store_true", help="record the keys the inventory lacks")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--api-url", default=None, help=argparse.SUPPRESS)
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=run)


def _err(message: str) -> None:
    from wizard.cli.output import err

    err(message, prefix="idspine discover supabase")


def run(args: argparse.Namespace) -> int:
    """Read, review, and with --adopt record."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_with_digest
    from wizard.discovery.supabase_drift import adopt_keys, azure_app, match_keys
    from wizard.inventory import InventoryError, save
    from wizard.providers.errors import ProviderError, Service, advice
    from wizard.providers.supabase import open_supabase
    from wizard.providers.supabase_read import read_project
    from wizard.secrets.resolver import SecretUnavailable
    from wizard.settings import SUPABASE_API_URL, Connections

    if args.adopt and args.demo:
        _err("the demo is never saved; --adopt needs an inventory file")
        return EXIT_UNUSABLE
    try:
        ws, digest = open_with_digest(args)
    except WorkspaceUnavailable as exc:
        _err(str(exc))
        return EXIT_UNUSABLE
    i = ws.consultancy.integrations
    ref, token_ref = args.project_ref or i.supabase_project_ref, args.token_ref or i.supabase_access_token_ref
    if not ref or not token_ref:
        _err(
            "no project ref or access token reference: pass --project-ref and --token-ref, or run the Supabase flow"
        )
        return EXIT_UNUSABLE
    connections = Connections(
        supabase_api_url=args.api_url or SUPABASE_API_URL, allow_loopback_http=bool(args.allow_loopback_http)
    )
    try:
        snap = read_project(open_supabase(token_ref, connections), ref)
    except SecretUnavailable as exc:
        _err(str(exc))
        return EXIT_UNUSABLE
    except ProviderError as exc:
        _err(f"{exc.message} — {advice(exc.kind, Service.SUPABASE)}")
        return EXIT_UNUSABLE
    matched, missing, unknown = match_keys(ws, snap)
    implied, _ = azure_app(ws, ref)
    result = None
    if args.adopt and unknown:
        result = adopt_keys(ws, snap)
        if result.adopted:
            try:
                save(ws, args.file, expected_digest=digest)
            except InventoryError as exc:
                _err(str(exc))
                return EXIT_FAILED
    review = {
        "project": ref,
        "keys": [
            {
                "id": k.key,
                "name": k.name,
                "type": k.type,
                "prefix": k.prefix,
                "entry": matched[k.key].id if k.key in matched else "",
            }
            for k in snap.keys
        ],
        "recorded_without_live_key": [c.id for c in missing],
        "unknown": [k.key for k in unknown],
        "auth_providers_enabled": list(snap.auth.enabled),
        "azure": {
            "enabled": snap.auth.azure_enabled,
            "client_id": snap.auth.azure_client_id,
            "url": snap.auth.azure_url,
            "inventory_implies_enabled": implied,
        },
        "adopted": result.adopted if result else [],
        "skipped": result.skipped if result else [],
    }
    _print(args.format, review, adopt=args.adopt)
    return 0


def _print(fmt: str, review: dict[str, Any], adopt: bool) -> None:
    from wizard.safe_text import one_line

    if fmt == "json":
        print(json.dumps(review, indent=2))
        return
    print(f"project {review['project']}: {len(review['keys'])} API key(s)")
    for k in review["keys"]:
        where = f"-> {k['entry']}" if k["entry"] else "not in the inventory"
        print(
            f"  {one_line(k['type'] or '?'):<11} {one_line(k['name'])!r} id {one_line(k['id'])}"
            f"{' prefix ' + one_line(k['prefix']) if k['prefix'] else ''}  {where}"
        )
    for cred_id in review["recorded_without_live_key"]:
        print(f"  recorded but not in the project: {cred_id}")
    azure = review["azure"]
    print("Auth providers enabled: " + (one_line(", ".join(review["auth_providers_enabled"])) or "none"))
    print(
        f"Azure provider: {'enabled' if azure['enabled'] else 'disabled'}"
        + (
            f" (client id {one_line(azure['client_id'])}, URL {one_line(azure['url'])})"
            if azure["enabled"]
            else ""
        )
        + f"; the inventory implies {'enabled' if azure['inventory_implies_enabled'] else 'disabled'}"
    )
    for line in review["skipped"]:
        print(f"skipped  {one_line(line)}")
    if adopt:
        print(f"adopted {len(review['adopted'])}")
    elif review["unknown"]:
        print("nothing written; --adopt records the keys the inventory lacks")
