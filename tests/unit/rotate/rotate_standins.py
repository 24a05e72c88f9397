"""Stand-ins for rotation tests: an n8n public API on loopback, and a token check backed by the Graph stand-in.

The n8n stand-in follows n8n's public API v1 (n8n-io/n8n packages/cli/src/public-api/v1/openapi.yml and the
handlers under public-api/v1/handlers/{credentials,workflows,audit}): the key in X-N8N-API-KEY (401 without
it), POST /credentials answering the new id, DELETE /credentials/{id} (404 "Not Found" when gone), no GET of
credentials, GET /credentials/schema/{type}, GET /workflows paged by `limit` and `nextCursor`, PUT
/workflows/{id} taking name, nodes, connections and settings only ("request/body must NOT have additional
properties" otherwise), and POST /audit whose credentials report lists the credentials no workflow uses as
{kind: credential, id, name}. The real n8n 1.123.81 is exercised by tests/peers/test_rotate_peer.py.
The credential schema it serves lists the fields tests/unit/catalogue/n8n_types.py records from the real n8n.
Faults: "lost" (the work is done, the answer comes too late) and "500" for a method and path pattern.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

sys.path.insert(0, str(Path(__file__).parents[1] / "catalogue"))
from n8n_types import N8N_TYPES  # noqa: E402

_WORKFLOW_KEYS = {"name", "nodes", "connections", "settings", "staticData"}
_OAUTH2_BASE = {
    "serverUrl": "string",
    "sendAdditionalBodyProperties": "boolean",
    "additionalBodyProperties": "json",
}


@dataclass
class N8nFault:
    kind: str  # lost | 500
    method: str
    path_re: str
    times: int = 1


@dataclass
class N8nState:
    api_key: str
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)
    workflows: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[N8nFault] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    page_size_cap: int = 2  # small pages, so paging is always exercised
    slow_seconds: float = 1.5
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_credential(self, name: str, type_: str, data: dict[str, Any]) -> str:
        cid = uuid.uuid4().hex[:16]
        self.credentials[cid] = {"id": cid, "name": name, "type": type_, "data": data}
        return cid

    def add_workflow(
        self, name: str, cred_type: str, cred_id: str, extra_settings: dict | None = None
    ) -> str:
        wid = uuid.uuid4().hex[:16]
        self.workflows[wid] = {
            "id": wid,
            "name": name,
            "active": False,
            "nodes": [
                {
                    "id": str(uuid.uuid4()),
                    "name": "Call Graph",
                    "type": "n8n-nodes-base.httpRequest",
                    "typeVersion": 4.2,
                    "position": [0, 0],
                    "parameters": {"url": "https://graph.microsoft.com/v1.0/sites"},
                    "credentials": {cred_type: {"id": cred_id, "name": "x"}},
                }
            ],
            "connections": {},
            "settings": {"executionOrder": "v1", **(extra_settings or {})},
            "createdAt": "2026-11-01T00:00:00.000Z",
            "updatedAt": "2026-11-01T00:00:00.000Z",
        }
        return wid

    def credential_ids_used(self, wid: str) -> set[str]:
        return {
            ref["id"]
            for node in self.workflows[wid]["nodes"]
            for ref in (node.get("credentials") or {}).values()
        }


def _schema(type_: str) -> dict[str, Any] | None:
    known = N8N_TYPES.get(type_)
    if known is None:
        return None
    props: dict[str, Any] = {f: {"type": "string"} for f in known.fields}
    if "OAuth2" in type_:
        props.update({k: {"type": v} for k, v in _OAUTH2_BASE.items()})
    return {
        "additionalProperties": False,
        "type": "object",
        "properties": props,
        "required": list(known.required),
    }


class _Handler(BaseHTTPRequestHandler):
    state: N8nState
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _any(self) -> None:
        st = self.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        with st.lock:
            st.calls.append((self.command, path))
            fault = next(
                (
                    f
                    for f in st.faults
                    if f.times > 0 and f.method == self.command and re.search(f.path_re, path)
                ),
                None,
            )
            if fault:
                fault.times -= 1
        if fault and fault.kind == "500":
            return self._send(500, {"message": "Internal Server Error"})
        if self.headers.get("X-N8N-API-KEY") != st.api_key:
            return self._send(401, {"message": "unauthorized"})
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._send(400, {"message": "request body is not JSON"})
        with st.lock:
            status, answer = self._route(self.command, path, parse_qs(parts.query), body)
        if fault and fault.kind == "lost":
            time.sleep(st.slow_seconds)
        self._send(status, answer)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        st = self.state
        segs = [s for s in path.split("/") if s][2:]  # after api/v1
        if segs == ["credentials"] and method == "POST":
            if not isinstance(body, dict) or set(body) - {"name", "type", "data"} or not body.get("name"):
                return 400, {"message": "request/body must have name, type and data"}
            schema = _schema(str(body.get("type")))
            if schema is None:
                return 400, {"message": "req.body.type is not a known type"}
            extra = set(body["data"]) - set(schema["properties"])
            if extra:
                st.problems.append(f"unknown credential fields {sorted(extra)}")
                return 400, {"message": "request.body.data is not valid"}
            cid = st.add_credential(body["name"], body["type"], body["data"])
            now = "2026-11-27T00:00:00.000Z"
            return 200, {
                "id": cid,
                "name": body["name"],
                "type": body["type"],
                "createdAt": now,
                "updatedAt": now,
            }
        if segs == ["credentials"] and method == "GET":
            return 405, {"message": "GET method not allowed"}
        if len(segs) == 3 and segs[:2] == ["credentials", "schema"] and method == "GET":
            schema = _schema(segs[2])
            return (200, schema) if schema else (404, {"message": "Not Found"})
        if len(segs) == 2 and segs[0] == "credentials" and method == "DELETE":
            cred = st.credentials.pop(segs[1], None)
            if cred is None:
                return 404, {"message": "Not Found"}
            return 200, {k: v for k, v in cred.items() if k != "data"}
        if len(segs) == 3 and segs[0] == "credentials" and segs[2] == "transfer" and method == "PUT":
            if segs[1] not in st.credentials:
                return 404, {"message": "Could not find the credential"}
            return 404, {"message": "Could not find project"}
        if segs == ["workflows"] and method == "GET":
            limit = min(int((query.get("limit") or ["100"])[0]), st.page_size_cap)
            start = int((query.get("cursor") or ["0"])[0])
            items = list(st.workflows.values())
            page = items[start : start + limit]
            nxt = str(start + limit) if start + limit < len(items) else None
            return 200, {"data": page, "nextCursor": nxt}
        if len(segs) == 2 and segs[0] == "workflows" and method == "PUT":
            wf = st.workflows.get(segs[1])
            if wf is None:
                return 404, {"message": "Not Found"}
            if (
                not isinstance(body, dict)
                or set(body) - _WORKFLOW_KEYS
                or not {"name", "nodes", "connections", "settings"} <= set(body)
            ):
                st.problems.append(f"PUT workflow body keys {sorted(body or {})}")
                return 400, {"message": "request/body must NOT have additional properties"}
            unknown_settings = set(body["settings"]) - {
                "saveExecutionProgress", "saveManualExecutions", "saveDataErrorExecution",
                "saveDataSuccessExecution", "executionTimeout", "errorWorkflow", "timezone",
                "executionOrder", "callerPolicy", "callerIds", "timeSavedPerExecution", "availableInMCP",
            }  # fmt: skip
            if unknown_settings:
                st.problems.append(f"PUT workflow settings {sorted(unknown_settings)}")
                return 400, {"message": "request/body/settings must NOT have additional properties"}
            for node in body["nodes"]:
                for ref in (node.get("credentials") or {}).values():
                    if ref.get("id") not in st.credentials:
                        return 400, {"message": f'Credential with ID "{ref.get("id")}" does not exist'}
            wf.update({k: body[k] for k in ("name", "nodes", "connections", "settings")})
            return 200, wf
        if segs == ["audit"] and method == "POST":
            used = {i for w in st.workflows for i in st.credential_ids_used(w)}
            unused = [c for c in st.credentials.values() if c["id"] not in used]
            if not unused:
                return 200, []
            return 200, {
                "Credentials Risk Report": {
                    "risk": "credentials",
                    "sections": [
                        {
                            "title": "Credentials not used in any workflow",
                            "description": "These credentials are not used in any workflow.",
                            "recommendation": "Consider deleting these credentials.",
                            "location": [
                                {"kind": "credential", "id": c["id"], "name": c["name"]} for c in unused
                            ],
                        }
                    ],
                }
            }
        st.problems.append(f"unexpected call {method} {path}")
        return 501, {"message": "not implemented in the stand-in"}


class N8nStandIn:
    """The n8n stand-in on a free loopback port."""

    def __init__(self, state: N8nState):
        handler = type("BoundN8nHandler", (_Handler,), {"state": state})
        self.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> N8nStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def token_for(directory: Any, issued: list[str], app_oid: str, secret: str) -> tuple[bool, str]:
    """The Graph stand-in's verdict on a client secret: issued by it, still on the app and replicated."""
    if secret not in issued:
        return False, "AADSTS7000215: Invalid client secret provided."
    with directory.lock:
        app = directory.applications.get(app_oid) or {}
        for cred in app.get("passwordCredentials", []):
            if cred.get("hint") == secret[:3]:
                if not directory.visible(cred["keyId"]):
                    return False, "AADSTS7000215: Invalid client secret provided (not replicated yet)."
                return True, "token issued"
    return False, "AADSTS7000222: The provided client secret keys are expired or removed."


class TokenStandIn:
    """POST /token (form: client_secret) answered from the Graph stand-in's state, for subprocess tests."""

    def __init__(self, directory: Any, issued: list[str], app_oid: str):
        outer = (directory, issued, app_oid)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                secret = (parse_qs(raw).get("client_secret") or [""])[0]
                ok, detail = token_for(outer[0], outer[1], outer[2], secret)
                data = json.dumps(
                    {"access_token": "t"} if ok else {"error": "invalid_client", "error_description": detail}
                ).encode()
                self.send_response(200 if ok else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/token"

    def __enter__(self) -> TokenStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
