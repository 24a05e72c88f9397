"""A Graph stand-in for several tenants behind one address, as real Graph is: the bearer token picks the tenant's
directory. A service principal for another tenant's app is allowed only when that app is multi-tenant."""

from __future__ import annotations

import threading
import uuid
from http.server import ThreadingHTTPServer
from typing import Any

from graph_standin import Directory, GraphHandler, GraphStandIn


class TenantsGraph(GraphStandIn):
    """One Graph address serving several tenants' directories; the bearer token picks the directory."""

    def __init__(self, directories: dict[str, Directory]):
        nobody = Directory(token="-")
        by_token = {d.token: d for d in directories.values()}

        class Handler(GraphHandler):
            @property  # type: ignore[override]
            def directory(self) -> Directory:
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                return by_token.get(token, nobody)

            def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
                # A service principal for another tenant's app: Graph allows it only when that app is
                # multi-tenant (signInAudience AzureADMultipleOrgs); a single-tenant app is not found.
                here = self.directory
                if (
                    method == "POST"
                    and path == "/servicePrincipals"
                    and isinstance(body, dict)
                    and not any(a["appId"] == body.get("appId") for a in here.applications.values())
                ):
                    elsewhere = [
                        a
                        for d in by_token.values()
                        if d is not here
                        for a in d.applications.values()
                        if a["appId"] == body.get("appId")
                    ]
                    if (
                        elsewhere
                        and elsewhere[0].get("signInAudience") == "AzureADMultipleOrgs"
                        and not any(s["appId"] == body["appId"] for s in here.service_principals.values())
                    ):
                        sid = str(uuid.uuid4())
                        here.service_principals[sid] = {"id": sid, "appId": body["appId"], "appRoles": []}
                        return 201, here.service_principals[sid]
                return super()._route(method, path, query, body)

        self.directory = nobody
        self.scheme = "http"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
