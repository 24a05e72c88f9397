"""A misbehaving OpenID provider over TLS on loopback: 5xx HTML error pages from discovery, the token endpoint
or device-code polling, the way a provider behind a failing gateway or load balancer answers.

The happy path is tested against the real oidc-provider (oidc_peer); this stand-in only serves the failures
a real provider cannot be made to produce on demand. Every request is recorded (method, path, form keys).
"""

from __future__ import annotations

import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ERROR_PAGE = (
    b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Service "
    b"Unavailable</h1><p>The server is temporarily unable to service your request.</p></body></html>"
)


class IdpStandIn:
    """fail: "discovery" | "token" | "device-poll" | "device-start" | "" (all well); status: the 5xx sent."""

    def __init__(self, cert: Path, key: Path, fail: str, status: int = 503):
        self.fail, self.status = fail, status
        self.requests: list[tuple[str, str, list[str]]] = []
        self.on_token: Any = None  # called before the token endpoint answers (tests' hook)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                outer._handle(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                outer._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(cert), str(key))
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"https://localhost:{self.server.server_address[1]}/idp"

    def __enter__(self) -> IdpStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        form = parse_qs(h.rfile.read(length).decode()) if length else {}
        path = urlsplit(h.path).path
        self.requests.append((method, path, sorted(form)))
        issuer = self.issuer
        if path.endswith("/.well-known/openid-configuration"):
            if self.fail == "discovery":
                return self._page(h)
            return self._json(
                h,
                200,
                {
                    "issuer": issuer,
                    "authorization_endpoint": f"{issuer}/auth",
                    "token_endpoint": f"{issuer}/token",
                    "device_authorization_endpoint": f"{issuer}/device/auth",
                    "jwks_uri": f"{issuer}/jwks",
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                },
            )
        if path.endswith("/device/auth"):
            if self.fail == "device-start":
                return self._page(h)
            return self._json(
                h,
                200,
                {
                    "device_code": "dc-123",
                    "user_code": "ABCD-EFGH",
                    "interval": 1,
                    "verification_uri": f"{issuer}/device",
                    "expires_in": 30,
                },
            )
        if path.endswith("/token"):
            if self.on_token is not None:
                self.on_token()
            if self.fail in ("token", "device-poll"):
                return self._page(h)
            return self._json(
                h, 400, {"error": "invalid_client", "error_description": "client authentication failed"}
            )
        return self._json(h, 404, {"error": "not_found"})

    def _page(self, h: BaseHTTPRequestHandler) -> None:
        h.send_response(self.status)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(ERROR_PAGE)))
        h.end_headers()
        h.wfile.write(ERROR_PAGE)

    def _json(self, h: BaseHTTPRequestHandler, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
