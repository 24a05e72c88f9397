"""Fixtures: a real n8n peer, a scriptable loopback HTTP server, and the contract-checked Supabase stand-in."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
CONTRACT = HERE / "contracts" / "supabase-auth-config.json"


def _load_peer_module() -> Any:
    spec = importlib.util.spec_from_file_location("idspine_n8n_peer", HERE.parent / "peers" / "n8n_peer.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


n8n_peer_module = _load_peer_module()


@pytest.fixture(scope="session")
def n8n_peer() -> Iterator[Any]:
    """A real n8n on a free loopback port with an owner and an API key; fails (never skips) when missing."""
    try:
        n8n_peer_module.n8n_binary()
    except n8n_peer_module.PeerMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    with n8n_peer_module.running_n8n() as peer:
        yield peer


# ------------------------------------------------------------------ a scriptable loopback server


@dataclass
class Seen:
    """One request the loopback server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[BaseHTTPRequestHandler, Seen], None]


@dataclass
class LoopbackServer:
    """Routes (METHOD, path) to handler functions; records every request."""

    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler


def send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes | str | Any = b"",
    headers: dict[str, str] | None = None,
    content_type: str = "application/json",
) -> None:
    """Write a whole response."""
    if not isinstance(body, (bytes, str)):
        body = json.dumps(body)
    data = body.encode() if isinstance(body, str) else body
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(data)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(data)


# Test modules import `send` from here (conftest modules cannot be imported by name under importlib mode).
_support = types.ModuleType("idspine_n8n_supabase_support")
_support.send = send  # type: ignore[attr-defined]
sys.modules[_support.__name__] = _support


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    state = LoopbackServer()

    class _Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            state.seen.append(seen)
            handler = state.routes.get((self.command, self.path.split("?")[0]))
            if handler is None:
                send(self, 404, {"message": "Not Found"})
            else:
                handler(self, seen)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ Supabase stand-in


def _openapi30_to_jsonschema(node: Any) -> Any:
    """OpenAPI 3.0 `nullable: true` to JSON Schema type lists; $refs point into the contract's components."""
    if isinstance(node, dict):
        out = {k: _openapi30_to_jsonschema(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable") and "type" in node:
            out["type"] = [node["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        return out
    if isinstance(node, list):
        return [_openapi30_to_jsonschema(v) for v in node]
    return node


def contract_schema(name: str) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12 dialect) for one component of the copied Supabase contract."""
    doc = json.loads(CONTRACT.read_text())
    components = _openapi30_to_jsonschema(doc["components"])
    return {"$ref": f"#/components/schemas/{name}", "components": components}


def path_param_schema() -> dict[str, Any]:
    doc = json.loads(CONTRACT.read_text())
    params = doc["paths"]["/v1/projects/{ref}/config/auth"]["patch"]["parameters"]
    return next(p["schema"] for p in params if p["name"] == "ref")


def default_auth_config() -> dict[str, Any]:
    """An AuthConfigResponse with every required field, built from the contract (nullables as null)."""
    doc = json.loads(CONTRACT.read_text())
    schema = doc["components"]["schemas"]["AuthConfigResponse"]
    out: dict[str, Any] = {}
    for key, prop in schema["properties"].items():
        if prop.get("nullable"):
            out[key] = None
        elif "enum" in prop:
            out[key] = prop["enum"][0]
        else:
            out[key] = {
                "string": "",
                "boolean": False,
                "integer": 0,
                "number": 0,
                "array": [],
                "object": {},
            }.get(prop.get("type"))
    return out


@dataclass
class SupabaseStandIn:
    """State and request log of the stand-in Management API."""

    server: LoopbackServer
    token: str
    config: dict[str, Any]
    patches: list[dict[str, Any]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    drop_fields_on_patch: tuple[str, ...] = ()  # simulate a server that ignores some changes


@pytest.fixture
def supabase_standin(loopback: LoopbackServer) -> SupabaseStandIn:
    """GET/PATCH /v1/projects/{ref}/config/auth; every request and response is checked against the contract."""
    import re

    import jsonschema

    update_validator = jsonschema.Draft202012Validator(contract_schema("UpdateAuthConfigBody"))
    response_validator = jsonschema.Draft202012Validator(contract_schema("AuthConfigResponse"))
    ref_validator = jsonschema.Draft202012Validator(path_param_schema())
    stand = SupabaseStandIn(loopback, token="standin-access-token-value", config=default_auth_config())
    assert not list(response_validator.iter_errors(stand.config)), (
        "the stand-in's default config breaks the contract"
    )

    def authorised(h: BaseHTTPRequestHandler, seen: Seen) -> bool:
        if seen.headers.get("authorization") != f"Bearer {stand.token}":
            send(h, 401, {"message": "Unauthorized"})
            return False
        return True

    def check_ref(path: str) -> str | None:
        m = re.match(r"^/v1/projects/([^/]+)/config/auth$", path)
        if not m:
            return None
        errors = list(ref_validator.iter_errors(m.group(1)))
        if errors:
            stand.violations.append(f"path ref: {errors[0].message}")
        return m.group(1)

    def respond(h: BaseHTTPRequestHandler) -> None:
        errors = list(response_validator.iter_errors(stand.config))
        if errors:
            stand.violations.append(f"response: {errors[0].message}")
        send(h, 200, stand.config)

    def handle(h: BaseHTTPRequestHandler, seen: Seen) -> None:
        if not authorised(h, seen):
            return
        check_ref(seen.path)
        if seen.method == "GET":
            respond(h)
            return
        try:
            body = json.loads(seen.body)
        except ValueError:
            stand.violations.append("PATCH body is not JSON")
            send(h, 400, {"message": "bad json"})
            return
        errors = list(update_validator.iter_errors(body))
        if errors:
            stand.violations.append(f"PATCH body: {errors[0].message}")
            send(h, 400, {"message": "body does not match UpdateAuthConfigBody"})
            return
        stand.patches.append(body)
        for key, value in body.items():
            if key not in stand.drop_fields_on_patch:
                stand.config[key] = value
        respond(h)

    stand.handle = handle  # type: ignore[attr-defined]
    return stand


@pytest.fixture
def supabase_ref() -> str:
    return "abcdefghijklmnopqrst"


@pytest.fixture
def standin_routes(supabase_standin: SupabaseStandIn, supabase_ref: str) -> SupabaseStandIn:
    path = f"/v1/projects/{supabase_ref}/config/auth"
    supabase_standin.server.route("GET", path, supabase_standin.handle)  # type: ignore[attr-defined]
    supabase_standin.server.route("PATCH", path, supabase_standin.handle)  # type: ignore[attr-defined]
    return supabase_standin
