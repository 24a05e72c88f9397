"""JSON Schemas for Graph request bodies, built from the published Graph v1.0 typings (see contracts/SOURCE.md)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema

CONTRACT = Path(__file__).parent / "contracts" / "graph-v1.0-types-subset.json"

# What each create call must carry, per the Graph API reference (the typings make everything optional).
REQUIRED = {
    "Group": ["displayName", "mailEnabled", "mailNickname", "securityEnabled"],
    "Application": ["displayName"],
    "ServicePrincipal": ["appId"],
    "FederatedIdentityCredential": ["name", "issuer", "subject", "audiences"],
    "AppRoleAssignment": ["principalId", "resourceId", "appRoleId"],
}


@functools.cache
def _document() -> dict[str, Any]:
    return json.loads(CONTRACT.read_text(encoding="utf-8"))


def _convert(ts: str) -> dict[str, Any]:
    ts = ts.strip()
    doc = _document()
    nullable = re.fullmatch(r"NullableOption<(.+)>", ts)
    if nullable:
        return {"anyOf": [_convert(nullable.group(1)), {"type": "null"}]}
    if ts.endswith("[]"):
        return {"type": "array", "items": _convert(ts[:-2])}
    if ts in ("string", "boolean", "number"):
        return {"type": ts}
    if ts == "any":
        return {}
    if ts in doc["types"]:
        return {"$ref": f"#/$defs/{ts}"}
    if ts in doc["enums"]:
        return {"enum": re.findall(r'"([^"]+)"', doc["enums"][ts])}
    return {}  # a type outside the subset: idspine never sends those, so anything is accepted


def _properties(name: str) -> dict[str, str]:
    t = _document()["types"][name]
    props: dict[str, str] = {}
    for parent in t["extends"]:
        props.update(_properties(parent))
    props.update(t["properties"])
    return props


@functools.cache
def _defs() -> dict[str, Any]:
    defs = {}
    for name in _document()["types"]:
        defs[name] = {
            "type": "object",
            "properties": {k: _convert(v) for k, v in _properties(name).items()},
            "patternProperties": {r"^[A-Za-z]*@odata\.": {}},
            "additionalProperties": False,
        }
    # Graph refuses an app role without its id.
    defs["AppRole"]["required"] = ["id", "value", "allowedMemberTypes"]
    return defs


def schema_for(type_name: str, create: bool = True) -> dict[str, Any]:
    """The schema of a request body of *type_name* (with the create-time required fields)."""
    schema = {"$defs": _defs(), "allOf": [{"$ref": f"#/$defs/{type_name}"}]}
    if create and type_name in REQUIRED:
        schema["required"] = REQUIRED[type_name]
    return schema


def wrapper_schema(**props: str) -> dict[str, Any]:
    """An action body like addPassword's {"passwordCredential": PasswordCredential}."""
    return {
        "$defs": _defs(),
        "type": "object",
        "properties": {k: _convert(v) for k, v in props.items()},
        "required": list(props),
        "additionalProperties": False,
    }


def violations(body: Any, schema: dict[str, Any]) -> list[str]:
    """Every way *body* breaks *schema* (empty when it conforms)."""
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(body)'}: {e.message}" for e in validator.iter_errors(body)
    ]
