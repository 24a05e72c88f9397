"""`idspine schema`: print the JSON Schema of the inventory file."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `schema` command."""
    p = subparsers.add_parser("schema", help="print the JSON Schema of idspine.toml")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the schema."""
    from wizard.model import Workspace

    schema = Workspace.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "idspine inventory"
    print(json.dumps(schema, indent=2, sort_keys=True))
    return 0
