"""A loopback Microsoft Graph stand-in: keeps directory objects in memory, checks every request body against
the published Graph types, and misbehaves on request (429 with Retry-After, 503, slow answers, lost
answers, going down after N calls, replication delay, stale replica reads).

Misbehaviour modelled on what Microsoft documents and users report:
- replication delay (`Directory.replication_delay` seconds on `Directory.clock`): a new object is not
  visible to reads (lists, filters, GET by id or alternate key) nor usable as a reference; such calls
  answer 404 Request_ResourceNotFound "Resource '<id>' does not exist or one of its queried
  reference-property objects are not present." and creating a service principal for a new app answers
  400 Request_BadRequest "The appId '<id>' of the service principal does not reference a valid
  application object." (microsoftgraph/msgraph-sdk-dotnet#3108, hashicorp/vault-plugin-secrets-azure#8).
  New password credentials and federated credentials appear in reads only after the delay too;
- throttling (https://learn.microsoft.com/en-us/graph/throttling): 429 TooManyRequests with Retry-After
  in seconds or as an HTTP date; with `strict_retry_after` every call made before the allowed moment is
  throttled again and recorded as a problem;
- duplicates after a lost answer: 409 Request_MultipleObjectsWithSameKeyValue "Another object with the
  same value for property ... already exists.", 400 "Permission being assigned already exists on the
  object", 400 "One or more added object references already exist ..." (owners);
- reads of passwordCredentials never carry secretText.

It serves plain http on 127.0.0.1 (the client is built with allow_loopback_http for tests). Only the
calls idspine makes are implemented; anything else is a 501 and is recorded as unexpected.
"""

from __future__ import annotations

import email.utils
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from graph_contract import schema_for, violations, wrapper_schema

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
SITES_SELECTED = "883ea226-0bf2-4a8f-9f9d-92c9162a727d"
MAIL_SEND = "b633e1c5-b582-4048-a93e-9f11b44c7e96"
USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"


@dataclass
class Fault:
    """Misbehaviour for requests matching *method*/*path_re*: kind is 429, 503, slow, lost.

    A 429 sends Retry-After as seconds, or as an HTTP date when retry_after_date is set.
    """

    kind: str
    times: int = 1
    method: str = ""
    path_re: str = ""
    retry_after: int = 1
    retry_after_date: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (not self.method or self.method == method) and (
            not self.path_re or re.search(self.path_re, path)
        )


@dataclass
class Directory:
    """The stand-in tenant's objects and the stand-in's bookkeeping."""

    token: str
    secret_factory: Any = None  # callable returning a new secretText
    groups: dict[str, dict] = field(default_factory=dict)
    applications: dict[str, dict] = field(default_factory=dict)
    service_principals: dict[str, dict] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)
    owners: dict[str, list[str]] = field(default_factory=dict)
    fics: dict[str, list[dict]] = field(default_factory=dict)
    assignments: dict[str, list[dict]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # contract violations and unexpected calls
    down_after: int | None = None  # answer nothing (close the connection) after this many calls
    slow_seconds: float = 2.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock: Callable[[], float] = time.time  # the tests' fake clock, shared with the client's sleeps
    replication_delay: float = 0.0  # seconds before a new object is visible to reads and references
    born: dict[str, float] = field(default_factory=dict)  # object id / keyId -> when it was created
    strict_retry_after: bool = False  # throttle again (and record a problem) when a call comes too early
    throttled_until: float = 0.0
    on_call: Callable[[str, str], None] | None = (
        None  # called (method, path) before each answer (tests' hook)
    )

    def __post_init__(self) -> None:
        sp_id = str(uuid.uuid4())
        self.service_principals[sp_id] = {
            "id": sp_id,
            "appId": GRAPH_APP_ID,
            "displayName": "Microsoft Graph",
            "appRoles": [
                {"id": SITES_SELECTED, "value": "Sites.Selected", "allowedMemberTypes": ["Application"]},
                {"id": MAIL_SEND, "value": "Mail.Send", "allowedMemberTypes": ["Application"]},
            ],
            "oauth2PermissionScopes": [{"id": USER_READ, "value": "User.Read", "type": "User"}],
        }

    def add_user(self, upn: str) -> str:
        uid = str(uuid.uuid4())
        self.users[uid] = {"id": uid, "userPrincipalName": upn}
        return uid

    # counts the tests look at
    def count(self, kind: str, **match: Any) -> int:
        store = {
            "group": self.groups,
            "application": self.applications,
            "servicePrincipal": self.service_principals,
        }[kind]
        return sum(1 for o in store.values() if all(o.get(k) == v for k, v in match.items()))

    def writes(self) -> list[tuple[str, str]]:
        return [c for c in self.calls if c[0] != "GET"]

    def created(self, oid: str) -> None:
        self.born[oid] = self.clock()

    def visible(self, oid: str) -> bool:
        """False while a new object is still replicating (reads from a replica do not show it)."""
        return self.born.get(oid, float("-inf")) + self.replication_delay <= self.clock()


class _Reply(Exception):
    def __init__(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


def _err(status: int, code: str, message: str) -> _Reply:
    return _Reply(
        status,
        {
            "error": {
                "code": code,
                "message": message,
                "innerError": {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "request-id": str(uuid.uuid4())},
            }
        },
    )


def _lag(oid: str) -> _Reply:
    """Graph's answer about an object that exists but has not replicated to the replica serving the call."""
    return _err(
        404,
        "Request_ResourceNotFound",
        f"Resource '{oid}' does not exist or one of its queried reference-property objects are not present.",
    )


def _exists(prop: str) -> _Reply:
    return _err(
        409,
        "Request_MultipleObjectsWithSameKeyValue",
        f"Another object with the same value for property {prop} already exists.",
    )


_ALT_KEY = re.compile(r"^/(groups|applications)\(uniqueName='((?:[^']|'')*)'\)$")
_FILTER = re.compile(r"^(displayName|appId) eq '((?:[^']|'')*)'$")


class GraphHandler(BaseHTTPRequestHandler):
    directory: Directory  # set per server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # one small answer per call: no 40 ms delayed-ACK stalls

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")  # noqa: E704

    def do_POST(self) -> None:
        self._handle("POST")  # noqa: E704

    def do_PATCH(self) -> None:
        self._handle("PATCH")  # noqa: E704

    def do_PUT(self) -> None:
        self._handle("PUT")  # noqa: E704

    # ------------------------------------------------------------------ plumbing
    def _handle(self, method: str) -> None:
        d = self.directory
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        if path.startswith("/v1.0"):
            path = path[len("/v1.0") :]
        query = {}
        for pair in parts.query.split("&") if parts.query else []:
            k, _, v = pair.partition("=")
            query[unquote(k)] = unquote(v)
        if d.on_call is not None:
            d.on_call(method, path)
        with d.lock:
            d.calls.append((method, path))
            n = len(d.calls)
            fault = next((f for f in d.faults if f.times > 0 and f.matches(method, path)), None)
            if fault:
                fault.times -= 1
        if d.down_after is not None and n > d.down_after:
            self.close_connection = True
            self.connection.close()
            return
        now = d.clock()
        if d.strict_retry_after and now < d.throttled_until:
            with d.lock:
                d.problems.append(
                    f"{method} {path} sent {d.throttled_until - now:.0f} s before Retry-After allowed"
                )
            return self._send(
                429,
                _err(429, "TooManyRequests", "Too many requests; try again later.").body,
                {"Retry-After": str(int(d.throttled_until - now) + 1)},
            )
        if fault and fault.kind == "429":
            with d.lock:
                d.throttled_until = max(d.throttled_until, now + fault.retry_after)
            when = email.utils.formatdate(now + fault.retry_after, usegmt=True)
            return self._send(
                429,
                _err(429, "TooManyRequests", "Too many requests; try again later.").body,
                {"Retry-After": when if fault.retry_after_date else str(fault.retry_after)},
            )
        if fault and fault.kind == "503":
            return self._send(503, {"error": {"code": "serviceNotAvailable", "message": "try later"}})
        if fault and fault.kind == "slow":
            time.sleep(d.slow_seconds)  # the client times out before this answer; nothing was done
            return self._send(503, {"error": {"code": "late", "message": "late"}})
        if self.headers.get("Authorization") != f"Bearer {d.token}":
            return self._send(401, {"error": {"code": "InvalidAuthenticationToken", "message": "bad token"}})
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return self._send(400, {"error": {"code": "BadRequest", "message": "body is not JSON"}})
        try:
            with d.lock:
                status, answer = self._route(method, path, query, body)
        except _Reply as reply:
            return self._send(reply.status, reply.body, reply.headers)
        if fault and fault.kind == "lost":
            time.sleep(d.slow_seconds)  # the work is done but the answer arrives too late for the client
        self._send(status, answer)

    def _send(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        try:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            if data:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _check(self, what: str, body: Any, schema: dict) -> None:
        found = violations(body, schema)
        if found:
            self.directory.problems.extend(f"{what}: {v}" for v in found)
            raise _err(400, "Request_BadRequest", "; ".join(found))

    # ------------------------------------------------------------------ routes
    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        d = self.directory
        alt = _ALT_KEY.match(path)
        if alt:
            return self._alt_key(method, alt.group(1), alt.group(2).replace("''", "'"), body)
        segs = [s for s in path.split("/") if s]
        if segs in (["groups"], ["applications"], ["servicePrincipals"]) and method == "GET":
            store = {
                "groups": d.groups,
                "applications": d.applications,
                "servicePrincipals": d.service_principals,
            }[segs[0]]
            found = self._filtered(store, query.get("$filter", ""))
            return 200, {"value": [o for o in found if d.visible(o["id"])]}
        if segs == ["servicePrincipals"] and method == "POST":
            self._check("POST /servicePrincipals", body, schema_for("ServicePrincipal"))
            app = next((a for a in d.applications.values() if a["appId"] == body["appId"]), None)
            if app is None or not d.visible(app["id"]):
                raise _err(
                    400,
                    "Request_BadRequest",
                    f"The appId '{body['appId']}' of the service principal "
                    "does not reference a valid application object.",
                )
            if any(s["appId"] == body["appId"] for s in d.service_principals.values()):
                raise _exists("servicePrincipalNames")
            sid = str(uuid.uuid4())
            d.service_principals[sid] = {"id": sid, "appId": body["appId"], "appRoles": []}
            d.created(sid)
            return 201, d.service_principals[sid]
        if len(segs) >= 2:
            return self._object(method, segs, body)
        d.problems.append(f"unexpected call {method} {path}")
        raise _err(501, "NotImplemented", f"{method} {path}")

    def _filtered(self, store: dict[str, dict], flt: str) -> list[dict]:
        if not flt:
            return list(store.values())
        m = _FILTER.match(flt)
        if not m:
            self.directory.problems.append(f"unsupported filter {flt!r}")
            raise _err(400, "BadRequest", "unsupported filter")
        key, value = m.group(1), m.group(2).replace("''", "'")
        return [o for o in store.values() if o.get(key) == value]

    def _alt_key(self, method: str, kind: str, unique: str, body: Any) -> tuple[int, Any]:
        d = self.directory
        store = d.groups if kind == "groups" else d.applications
        found = next((o for o in store.values() if o.get("uniqueName") == unique), None)
        if method == "GET":
            if not found:
                raise _err(404, "Request_ResourceNotFound", "no such object")
            if not d.visible(found["id"]):
                raise _lag(unique)
            return 200, found
        if method != "PATCH":
            raise _err(405, "MethodNotAllowed", method)
        type_name = "Group" if kind == "groups" else "Application"
        if found:
            self._check(f"PATCH /{kind}(uniqueName)", body, schema_for(type_name, create=False))
            found.update(body)
            return 204, None
        if self.headers.get("Prefer") != "create-if-missing":
            raise _err(404, "Request_ResourceNotFound", "no such object (and no Prefer: create-if-missing)")
        self._check(f"PATCH /{kind}(uniqueName) create", body, schema_for(type_name))
        oid = str(uuid.uuid4())
        obj = {"id": oid, "uniqueName": unique, **body}
        if kind == "applications":
            obj.setdefault("appRoles", [])
            obj.setdefault("requiredResourceAccess", [])
            obj["appId"] = str(uuid.uuid4())
            obj["passwordCredentials"] = []
            d.fics[oid] = []
        else:
            d.owners[oid] = []
        store[oid] = obj
        d.created(oid)
        return 201, obj

    def _object(self, method: str, segs: list[str], body: Any) -> tuple[int, Any]:
        d = self.directory
        kind, oid, rest = segs[0], segs[1], segs[2:]
        store = {
            "groups": d.groups,
            "applications": d.applications,
            "servicePrincipals": d.service_principals,
        }.get(kind)
        if store is None or oid not in store:
            raise _err(404, "Request_ResourceNotFound", f"{kind}/{oid} does not exist")
        if not d.visible(oid):
            raise _lag(oid)
        obj = store[oid]
        if not rest and method == "GET":
            if kind == "applications":  # a replica may not show the newest passwords yet; never secretText
                return 200, {
                    **obj,
                    "passwordCredentials": [p for p in obj["passwordCredentials"] if d.visible(p["keyId"])],
                }
            return 200, obj
        if not rest and method == "PATCH" and kind == "applications":
            self._check("PATCH /applications/{id}", body, schema_for("Application", create=False))
            obj.update(body)
            return 204, None
        if kind == "groups" and rest == ["owners"] and method == "GET":
            return 200, {"value": [d.users[u] for u in d.owners[oid]]}
        if kind == "groups" and rest == ["owners", "$ref"] and method == "POST":
            self._check("POST owners/$ref", body, wrapper_schema(**{"@odata.id": "string"}))
            upn = body["@odata.id"].rsplit("/users/", 1)[-1]
            uid = next((u for u, v in d.users.items() if v["userPrincipalName"] == unquote(upn)), None)
            if uid is None:
                raise _err(404, "Request_ResourceNotFound", "no such user")
            if uid in d.owners[oid]:
                raise _err(
                    400,
                    "Request_BadRequest",
                    "One or more added object references already exist for "
                    "the following modified properties: 'owners'.",
                )
            d.owners[oid].append(uid)
            return 204, None
        if kind == "applications" and rest == ["addPassword"] and method == "POST":
            self._check("addPassword", body, wrapper_schema(passwordCredential="PasswordCredential"))
            value = d.secret_factory()
            cred = {
                "keyId": str(uuid.uuid4()),
                "displayName": body["passwordCredential"].get("displayName"),
                "endDateTime": body["passwordCredential"].get("endDateTime"),
                "hint": value[:3],
            }
            obj["passwordCredentials"].append(cred)
            d.created(cred["keyId"])
            return 200, {**cred, "secretText": value}
        if kind == "applications" and rest == ["removePassword"] and method == "POST":
            self._check("removePassword", body, wrapper_schema(keyId="string"))
            before = len(obj["passwordCredentials"])
            obj["passwordCredentials"] = [
                p for p in obj["passwordCredentials"] if p["keyId"] != body["keyId"]
            ]
            if len(obj["passwordCredentials"]) == before:
                raise _err(404, "Request_ResourceNotFound", "no such key")
            return 204, None
        if kind == "applications" and rest == ["federatedIdentityCredentials"]:
            if method == "GET":
                return 200, {"value": [f for f in d.fics[oid] if d.visible(f["id"])]}
            self._check("POST federatedIdentityCredentials", body, schema_for("FederatedIdentityCredential"))
            if any(f["name"] == body["name"] for f in d.fics[oid]):
                raise _exists("name")
            fic = {"id": str(uuid.uuid4()), **body}
            d.fics[oid].append(fic)
            d.created(fic["id"])
            return 201, fic
        if kind == "servicePrincipals" and rest == ["appRoleAssignedTo"]:
            current = d.assignments.setdefault(oid, [])
            if method == "GET":
                return 200, {"value": [a for a in current if d.visible(a["id"])]}
            self._check("POST appRoleAssignedTo", body, schema_for("AppRoleAssignment"))
            app = next(a for a in d.applications.values() if a["appId"] == obj["appId"])
            if body["appRoleId"] not in {r["id"] for r in app.get("appRoles", [])}:
                raise _err(400, "Request_BadRequest", "no such app role")
            if body["principalId"] not in d.groups:
                raise _err(404, "Request_ResourceNotFound", "no such principal")
            if not d.visible(body["principalId"]):
                raise _lag(body["principalId"])
            if any(
                a["principalId"] == body["principalId"] and a["appRoleId"] == body["appRoleId"]
                for a in current
            ):
                raise _err(
                    400, "Request_BadRequest", "Permission being assigned already exists on the object"
                )
            assignment = {"id": str(uuid.uuid4()), **body}
            current.append(assignment)
            d.created(assignment["id"])
            return 201, assignment
        d.problems.append(f"unexpected call {method} /{'/'.join(segs)}")
        raise _err(501, "NotImplemented", "/".join(segs))


class GraphStandIn:
    """Run the stand-in on a free loopback port; `base_url` ends in /v1.0."""

    def __init__(self, directory: Directory, tls: tuple[Any, Any] | None = None):
        """tls: (certificate file, key file) to serve https instead of plain http."""
        handler = type("BoundGraphHandler", (GraphHandler,), {"directory": directory})
        self.directory = directory
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            import ssl

            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host = "localhost" if self.scheme == "https" else "127.0.0.1"
        return f"{self.scheme}://{host}:{self.server.server_address[1]}/v1.0"

    def __enter__(self) -> GraphStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
