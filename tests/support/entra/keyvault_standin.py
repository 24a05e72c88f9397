"""A loopback Azure Key Vault stand-in: set, get and list versions of secrets (api-version 7.4), kept in memory.

Shapes follow tests/support/contracts/keyvault-secrets.json (copied from Microsoft's REST reference, sources
there): PUT /secrets/{name} adds a version; GET /secrets/{name}[/{version}] answers the SecretBundle with its
value (403 Forbidden / inner SecretDisabled for a disabled version, 404 SecretNotFound); GET
/secrets/{name}/versions?maxresults=N pages with nextLink (values never listed). Tokens: a request without the
vault's token gets 401 with a Bearer challenge; one in `expired_tokens` gets 401 too; `throttle` answers 429
with Retry-After that many times; `forbidden` answers 403 Forbidden (no access policy / RBAC role).
"""

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
    expired_tokens: set[str] = field(default_factory=set)  # tokens answered with 401 (expired)
    throttle: int = 0  # answer this many requests with 429 + Retry-After first
    retry_after: int = 0
    forbidden: bool = False  # answer reads with 403 Forbidden, as for a caller without secrets/get
    tenant: str = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    def add(self, name: str, value: str, enabled: bool = True, exp: int | None = None) -> str:
        """Store a version directly (test set-up); returns its version id."""
        version = uuid.uuid4().hex
        attributes: dict[str, Any] = {"enabled": enabled, "created": 1700000000, "updated": 1700000000}
        if exp is not None:
            attributes["exp"] = exp
        self.secrets.setdefault(name, []).append(
            {"value": value, "attributes": attributes, "version": version}
        )
        return version


class _Handler(BaseHTTPRequestHandler):
    vault: Vault
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:
        pass

    def _authorised(self) -> bool:
        """False (and the 401 or 429 answer sent) when the request may not go on."""
        auth = self.headers.get("Authorization") or ""
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
        challenge = (
            f'Bearer authorization="https://login.microsoftonline.com/{self.vault.tenant}", '
            'resource="https://vault.azure.net"'
        )
        if token in self.vault.expired_tokens:
            self._send(
                401,
                {"error": {"code": "Unauthorized", "message": "[stand-in] the token expired"}},
                {"WWW-Authenticate": challenge},
            )
            return False
        if token != self.vault.token:
            self._send(
                401,
                {
                    "error": {
                        "code": "Unauthorized",
                        "message": "AKV10000: Request is missing a Bearer or PoP token.",
                    }
                },
                {"WWW-Authenticate": challenge},
            )
            return False
        if self.vault.throttle > 0:
            self.vault.throttle -= 1
            self._send(
                429,
                {
                    "error": {
                        "code": "Throttled",
                        "message": "Request was not processed because too many requests were received.",
                    }
                },
                {"Retry-After": str(self.vault.retry_after)},
            )
            return False
        return True

    def do_GET(self) -> None:  # noqa: N802
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.vault.requests.append(("GET", parts.path, query))
        if not self._authorised():
            return None
        segments = parts.path.strip("/").split("/")
        if query.get("api-version") != ["7.4"] or len(segments) not in (2, 3) or segments[0] != "secrets":
            return self._send(400, {"error": {"code": "BadParameter", "message": "unexpected request"}})
        if self.vault.forbidden:
            return self._send(
                403,
                {
                    "error": {
                        "code": "Forbidden",
                        "message": "Caller is not authorized to perform action on resource.",
                        "innererror": {"code": "ForbiddenByRbac"},
                    }
                },
            )
        name = segments[1]
        versions = self.vault.secrets.get(name, [])
        if len(segments) == 3 and segments[2] == "versions":
            return self._versions(name, versions, query)
        if not versions:
            return self._send(
                404,
                {
                    "error": {
                        "code": "SecretNotFound",
                        "message": f"A secret with (name/id) {name} was not found in this key vault.",
                    }
                },
            )
        if len(segments) == 3:
            chosen = next((v for v in versions if v["version"] == segments[2]), None)
            if chosen is None:
                return self._send(
                    404,
                    {
                        "error": {
                            "code": "SecretNotFound",
                            "message": f"A secret with (name/id) {name}/{segments[2]} was not found in this key vault.",
                        }
                    },
                )
        else:
            chosen = versions[-1]
        attributes = chosen.get("attributes") or {"enabled": True}
        if attributes.get("enabled") is False:
            return self._send(
                403,
                {
                    "error": {
                        "code": "Forbidden",
                        "message": "Operation get is not allowed on a disabled secret.",
                        "innererror": {"code": "SecretDisabled"},
                    }
                },
            )
        host = self.headers.get("Host")
        return self._send(
            200,
            {
                "value": chosen["value"],
                "id": f"http://{host}/secrets/{name}/{chosen['version']}",
                "attributes": {"recoveryLevel": "Recoverable+Purgeable", **attributes},
                **({"contentType": chosen["contentType"]} if "contentType" in chosen else {}),
            },
        )

    def _versions(self, name: str, versions: list[dict[str, Any]], query: dict[str, list[str]]) -> None:
        if not versions:
            return self._send(
                404,
                {
                    "error": {
                        "code": "SecretNotFound",
                        "message": f"A secret with (name/id) {name} was not found in this key vault.",
                    }
                },
            )
        size = min(max(int((query.get("maxresults") or ["25"])[0]), 1), 25)
        start = int((query.get("skip") or ["0"])[0])
        host = self.headers.get("Host")
        page = versions[start : start + size]
        body: dict[str, Any] = {
            "value": [
                {
                    "id": f"http://{host}/secrets/{name}/{v['version']}",
                    "attributes": v.get("attributes") or {"enabled": True},
                }
                for v in page
            ]
        }
        if start + size < len(versions):
            body["nextLink"] = (
                f"http://{host}/secrets/{name}/versions?api-version=7.4&maxresults={size}&skip={start + size}"
            )
        else:
            body["nextLink"] = None
        return self._send(200, body)

    def do_PUT(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        self.vault.requests.append(("PUT", parts.path, query))
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        if not self._authorised():
            return None
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
        attributes = {"enabled": True, **(body.get("attributes") or {})}
        self.vault.secrets.setdefault(name, []).append({**body, "attributes": attributes, "version": version})
        host = self.headers.get("Host")
        self._send(
            200, {"id": f"https://{host}/secrets/{name}/{version}", "attributes": body.get("attributes", {})}
        )

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
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
