"""Stand-ins for the reads behind `discover` and `drift`, checked against the published contracts.

- n8n: GET /api/v1/workflows paged with limit/cursor (every answer validated against `workflowList` of n8n
  1.123.81's openapi.yml, copied in contracts/n8n-workflows.json) and the credential existence probe
  (PUT /api/v1/credentials/{id}/transfer answering as n8n does: "Could not find the credential" when the id is
  gone, "Could not find project" when it exists).
- Supabase: GET /v1/projects/{ref}/api-keys (ApiKeyResponse of the Management API, contracts/
  supabase-api-keys.json); it sends `api_key` values even when asked with reveal=false, so tests can prove
  idspine drops them.

Install them on the `loopback` fixture's server with `install(...)`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema

from tests.support.loopback import LoopbackServer, Seen, _openapi30_to_jsonschema, send

CONTRACTS = Path(__file__).parent / "contracts"
N8N_CONTRACT = CONTRACTS / "n8n-workflows.json"
SUPABASE_KEYS_CONTRACT = CONTRACTS / "supabase-api-keys.json"


def _schema(contract: Path, name: str) -> dict[str, Any]:
    doc = json.loads(contract.read_text())
    return {"$ref": f"#/components/schemas/{name}", "components": _openapi30_to_jsonschema(doc["components"])}


def workflow(
    wf_id: str, name: str, creds: list[tuple[str, str, str]], active: bool = False
) -> dict[str, Any]:
    """A workflow as n8n lists it: one node per (credential type, id, name)."""
    nodes = [
        {
            "id": f"node-{i}",
            "name": f"Node {i}",
            "type": "n8n-nodes-base.httpRequest",
            "typeVersion": 4,
            "position": [i * 100, 0],
            "parameters": {},
            "credentials": {ctype: {"id": cid, "name": cname}},
        }
        for i, (ctype, cid, cname) in enumerate(creds)
    ]
    return {
        "id": wf_id,
        "name": name,
        "active": active,
        "nodes": nodes,
        "connections": {},
        "settings": {"executionOrder": "v1"},
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z",
    }


@dataclass
class N8nStandIn:
    server: LoopbackServer
    api_key: str
    workflows: list[dict[str, Any]] = field(default_factory=list)
    credentials: set[str] = field(default_factory=set)  # ids n8n holds (probe answers "exists")
    page_size_seen: list[int] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    garbage: bytes | None = None  # when set, the list answers this instead
    repeat_cursor: bool = False

    @property
    def url(self) -> str:
        return self.server.url


def install_n8n(server: LoopbackServer, api_key: str = "standin-n8n-key") -> N8nStandIn:
    stand = N8nStandIn(server, api_key)
    validator = jsonschema.Draft202012Validator(_schema(N8N_CONTRACT, "workflowList"))

    def authorised(h: BaseHTTPRequestHandler, seen: Seen) -> bool:
        if seen.headers.get("x-n8n-api-key") != stand.api_key:
            send(h, 401, {"message": "unauthorized"})
            return False
        return True

    def list_workflows(h: BaseHTTPRequestHandler, seen: Seen) -> None:
        if not authorised(h, seen):
            return
        if stand.garbage is not None:
            send(h, 200, stand.garbage)
            return
        query = parse_qs(urlsplit(seen.path).query)
        limit = int(float(query.get("limit", ["100"])[0]))
        if limit > 250 or limit < 1:
            stand.violations.append(f"limit {limit} outside 1..250")
        stand.page_size_seen.append(limit)
        start = int(query.get("cursor", ["0"])[0] or 0) if not stand.repeat_cursor else 0
        page = stand.workflows[start : start + limit]
        nxt = start + limit
        body: dict[str, Any] = {"data": page, "nextCursor": str(nxt) if nxt < len(stand.workflows) else None}
        if stand.repeat_cursor:
            body["nextCursor"] = "0"
        errors = list(validator.iter_errors(body))
        if errors:
            stand.violations.append(f"response: {errors[0].message}")
        send(h, 200, body)

    server.route("GET", "/api/v1/workflows", list_workflows)

    def probe(h: BaseHTTPRequestHandler, seen: Seen) -> None:
        if not authorised(h, seen):
            return
        m = re.match(r"^/api/v1/credentials/([^/]+)/transfer$", seen.path)
        cred_id = m.group(1) if m else ""
        if cred_id in stand.credentials:
            send(
                h, 404, {"message": "Could not find project with ID: idspine-existence-probe-no-such-project"}
            )
        else:
            send(h, 404, {"message": f"Could not find the credential with ID: {cred_id}"})

    stand.probe = probe  # type: ignore[attr-defined]
    return stand


def route_probe(stand: N8nStandIn, cred_ids: list[str]) -> None:
    """Answer the existence probe for these ids (routes are exact paths)."""
    for cred_id in cred_ids:
        stand.server.route("PUT", f"/api/v1/credentials/{cred_id}/transfer", stand.probe)  # type: ignore[attr-defined]


@dataclass
class SupabaseKeysStandIn:
    server: LoopbackServer
    token: str
    ref: str
    keys: list[dict[str, Any]] = field(default_factory=list)
    reveal_seen: list[str | None] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


def api_key(
    name: str, kind: str, key_id: str | None, value: str, prefix: str | None = None
) -> dict[str, Any]:
    """An ApiKeyResponse, its value included (as a server might send even with reveal=false)."""
    return {
        "name": name,
        "type": kind,
        "id": key_id,
        "prefix": prefix,
        "api_key": value,
        "hash": "h" + value[-12:],
        "inserted_at": "2026-10-01T09:00:00Z",
        "updated_at": None,
        "secret_jwt_template": None,
    }


def install_supabase_keys(server: LoopbackServer, token: str, ref: str) -> SupabaseKeysStandIn:
    stand = SupabaseKeysStandIn(server, token, ref)
    doc = json.loads(SUPABASE_KEYS_CONTRACT.read_text())
    params = doc["paths"]["/v1/projects/{ref}/api-keys"]["get"]["parameters"]
    ref_validator = jsonschema.Draft202012Validator(next(p["schema"] for p in params if p["name"] == "ref"))
    one = _schema(SUPABASE_KEYS_CONTRACT, "ApiKeyResponse")
    list_validator = jsonschema.Draft202012Validator(
        {"type": "array", "items": {"$ref": one["$ref"]}, "components": one["components"]}
    )
    errors = list(ref_validator.iter_errors(ref))
    assert not errors, f"the stand-in's ref breaks the contract: {errors[0].message}"

    def handle(h: BaseHTTPRequestHandler, seen: Seen) -> None:
        if seen.headers.get("authorization") != f"Bearer {stand.token}":
            send(h, 401, {"message": "Unauthorized"})
            return
        query = parse_qs(urlsplit(seen.path).query)
        reveal = query.get("reveal", [None])[0]
        stand.reveal_seen.append(reveal)
        if reveal not in (None, "true", "false"):
            stand.violations.append(f"reveal={reveal} is not a boolean")
        problems = list(list_validator.iter_errors(stand.keys))
        if problems:
            stand.violations.append(f"response: {problems[0].message}")
        send(h, 200, stand.keys)

    server.route("GET", f"/v1/projects/{ref}/api-keys", handle)
    return stand
