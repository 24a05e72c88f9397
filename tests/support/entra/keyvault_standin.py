"""A loopback Azure Key Vault stand-in for `PUT /secrets/{name}?api-version=7.4` (versions kept in memory)."""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Vault:
    token: str
    secrets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    refuse: bool = False  # answer 403 (and, like a careless server, echo the value back)


class _Handler(BaseHTTPRequestHandler):
    vault: Vault
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:
        pass

    def do_PUT(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.vault.requests.append(("PUT", parts.path, query))
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        if self.headers.get("Authorization") != f"Bearer {self.vault.token}":
            return self._send(401, {"error": {"code": "Unauthorized", "message": "no token"}})
        if self.vault.refuse:
            return self._send(
                403,
                {
                    "error": {
                        "code": "Forbidden",
                        "message": f"caller may not set secrets; value was {body.get('value')}",
                    }
                },
            )
        if query.get("api-version") != ["7.4"] or not parts.path.startswith("/secrets/"):
            return self._send(400, {"error": {"code": "BadParameter", "message": "unexpected request"}})
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("value"), str)
            or set(body) - {"value", "attributes", "contentType", "tags"}
        ):
            return self._send(400, {"error": {"code": "BadParameter", "message": "bad body"}})
        name = parts.path.removeprefix("/secrets/")
        version = uuid.uuid4().hex
        self.vault.secrets.setdefault(name, []).append({**body, "version": version})
        host = self.headers.get("Host")
        self._send(
            200, {"id": f"https://{host}/secrets/{name}/{version}", "attributes": body.get("attributes", {})}
        )

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class VaultStandIn:
    def __init__(self, vault: Vault):
        self.vault = vault
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), type("BoundVault", (_Handler,), {"vault": vault}))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> VaultStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
