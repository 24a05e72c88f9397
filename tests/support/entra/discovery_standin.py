"""A read-only Microsoft Graph stand-in for `discover entra`: a seeded tenant served on loopback, paged, and
misbehaving on request.

Shapes: every seeded application, service principal, password/key credential, federated credential, app role
assignment and group is validated against the published Graph v1.0 typings (contracts/graph-v1.0-types-subset
.json through graph_contract.py); users and the beta servicePrincipalSignInActivity and
appCredentialSignInActivity against tests/support/contracts/graph-discovery-subset.json (copied from the
Graph reference, sources inside).

Behaviour modelled on the Graph documentation:
- paging (https://learn.microsoft.com/en-us/graph/paging): at most `$top` items (default 100) per page and an
  absolute `@odata.nextLink` carrying a `$skiptoken`;
- `$select` returns only the named properties (plus id); `$filter` supports `appId eq '...'` and
  `startswith(displayName,'...')` with doubled quotes inside literals;
- throttling (https://learn.microsoft.com/en-us/graph/throttling): 429 with Retry-After seconds;
- a stale replica: `repeat_across_pages` repeats the last item of a page at the top of the next one, and
  `vanished` app object ids answer 404 Request_ResourceNotFound on their owners (deleted meanwhile);
- sign-in activity (beta /reports/servicePrincipalSignInActivities per app and /reports/
  appCredentialSignInActivities per key, both paged) answers 403
  Authentication_RequestFromNonPremiumTenantOrB2CTenant when the tenant has no P1/P2 licence;
- bad answers on request (`Misbehave`): garbage, truncated JSON, 401 expired token, 403 missing consent,
  a next link to another host, 503.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

sys.path.insert(0, str(Path(__file__).parent))

from graph_contract import schema_for, violations  # noqa: E402

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
ROLES = {  # a few Microsoft Graph application permissions (ids from the Graph permissions reference)
    "Sites.Selected": "883ea226-0bf2-4a8f-9f9d-92c9162a727d",
    "Mail.Send": "b633e1c5-b582-4048-a93e-9f11b44c7e96",
    "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
}
USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"
SHAPES = Path(__file__).parents[1] / "contracts" / "graph-discovery-subset.json"


def iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Misbehave:
    """Answer requests whose path matches *path_re* badly, *times* times: garbage, truncated, 401, 403, 503,
    429 (Retry-After seconds), foreign-next (a next link to another host)."""

    kind: str
    path_re: str = ""
    times: int = 1
    retry_after: int = 1

    def matches(self, path: str) -> bool:
        return not self.path_re or re.search(self.path_re, path) is not None


def _shape_problems(kind: str, obj: dict[str, Any]) -> list[str]:
    if kind in ("User", "ServicePrincipalSignInActivity", "AppCredentialSignInActivity"):
        import jsonschema

        doc = json.loads(SHAPES.read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator({"$defs": doc["$defs"], "$ref": f"#/$defs/{kind}"})
        return [e.message for e in validator.iter_errors(obj)]
    return violations(obj, schema_for(kind, create=False))


@dataclass
class Tenant:
    """The seeded tenant and the stand-in's bookkeeping."""

    token: str = "discover-token"
    applications: dict[str, dict] = field(default_factory=dict)  # object id -> application
    service_principals: dict[str, dict] = field(default_factory=dict)
    users: dict[str, dict] = field(default_factory=dict)
    groups: dict[str, dict] = field(default_factory=dict)
    owners: dict[str, list[str]] = field(default_factory=dict)  # app object id -> user ids
    fics: dict[str, list[dict]] = field(default_factory=dict)  # app object id -> credentials
    grants: dict[str, list[dict]] = field(default_factory=dict)  # sp id -> appRoleAssignments
    sign_ins: dict[str, dict] = field(default_factory=dict)  # appId -> servicePrincipalSignInActivity
    credential_sign_ins: list[dict] = field(default_factory=list)  # appCredentialSignInActivity entries
    licensed: bool = True  # Entra ID P1/P2: sign-in activity readable
    repeat_across_pages: bool = False
    vanished: set[str] = field(default_factory=set)  # app object ids whose owners answer 404
    faults: list[Misbehave] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    validate: bool = True  # check every seeded object's shape (the bench turns it off for speed)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.graph_sp = self._add(
            "ServicePrincipal",
            self.service_principals,
            {
                "appId": GRAPH_APP_ID,
                "displayName": "Microsoft Graph",
                "appOwnerOrganizationId": "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
                "servicePrincipalType": "Application",
                "appRoleAssignmentRequired": False,
                "appRoles": [
                    {"id": rid, "value": name, "allowedMemberTypes": ["Application"], "isEnabled": True}
                    for name, rid in ROLES.items()
                ],
                "oauth2PermissionScopes": [{"id": USER_READ, "value": "User.Read", "type": "User"}],
            },
        )

    def _add(self, kind: str, store: dict[str, dict], obj: dict[str, Any]) -> str:
        oid = obj.setdefault("id", str(uuid.uuid4()))
        if self.validate:
            found = _shape_problems(kind, obj)
            if found:
                raise AssertionError(f"seeded {kind} breaks the published shape: {found}")
        store[oid] = obj
        return oid

    # ------------------------------------------------------------------ seeding
    def add_user(self, upn: str, enabled: bool = True) -> str:
        return self._add(
            "User",
            self.users,
            {"displayName": upn.split("@")[0], "userPrincipalName": upn, "accountEnabled": enabled},
        )

    def add_app(
        self,
        name: str,
        *,
        audience: str = "AzureADMyOrg",
        redirect_uris: list[str] | None = None,
        secrets: list[tuple[dt.datetime, dt.datetime]] = (),  # type: ignore[assignment]
        certificates: list[tuple[dt.datetime, dt.datetime]] = (),  # type: ignore[assignment]
        owners: list[str] = (),  # type: ignore[assignment]
        roles: list[str] = (),  # type: ignore[assignment]
        granted: list[str] = (),  # type: ignore[assignment]
        federated: list[tuple[str, str]] = (),  # type: ignore[assignment]  # (issuer, subject)
        service_principal: bool = True,
        assignment_required: bool = False,
        app_id: str | None = None,
    ) -> dict[str, Any]:
        app: dict[str, Any] = {
            "appId": app_id or str(uuid.uuid4()),
            "displayName": name,
            "signInAudience": audience,
            "web": {"redirectUris": list(redirect_uris or []), "implicitGrantSettings": None},
            "spa": {"redirectUris": []},
            "publicClient": {"redirectUris": []},
            "passwordCredentials": [
                {
                    "keyId": str(uuid.uuid4()),
                    "displayName": f"{name} secret {i}",
                    "startDateTime": iso(start),
                    "endDateTime": iso(end),
                    "hint": "abc",
                    "secretText": None,  # never returned on reads
                    "customKeyIdentifier": None,
                }
                for i, (start, end) in enumerate(secrets)
            ],
            "keyCredentials": [
                {
                    "keyId": str(uuid.uuid4()),
                    "displayName": f"CN={name}",
                    "startDateTime": iso(start),
                    "endDateTime": iso(end),
                    "type": "AsymmetricX509Cert",
                    "usage": "Verify",
                    "customKeyIdentifier": "52E1A6F2C4A3B1D0E9F8A7B6C5D4E3F2A1B0C9D8",
                    "key": None,
                }
                for start, end in certificates
            ],
            "requiredResourceAccess": (
                [
                    {
                        "resourceAppId": GRAPH_APP_ID,
                        "resourceAccess": [{"id": ROLES[r], "type": "Role"} for r in roles],
                    }
                ]
                if roles
                else []
            ),
        }
        oid = self._add("Application", self.applications, app)
        self.owners[oid] = list(owners)
        self.fics[oid] = []
        for i, (issuer, subject) in enumerate(federated):
            fic = {
                "id": str(uuid.uuid4()),
                "name": f"fic-{i}",
                "issuer": issuer,
                "subject": subject,
                "audiences": ["api://AzureADTokenExchange"],
                "description": None,
            }
            if self.validate and violations(fic, schema_for("FederatedIdentityCredential", create=False)):
                raise AssertionError("seeded federated credential breaks the published shape")
            self.fics[oid].append(fic)
        if service_principal:
            sp_id = self._add(
                "ServicePrincipal",
                self.service_principals,
                {
                    "appId": app["appId"],
                    "displayName": name,
                    "appRoleAssignmentRequired": assignment_required,
                    "servicePrincipalType": "Application",
                    "appOwnerOrganizationId": str(uuid.UUID(int=7)),
                },
            )
            self.grants[sp_id] = []
            for role in granted:
                grant = {
                    "id": str(uuid.uuid4()),
                    "appRoleId": ROLES[role],
                    "principalId": sp_id,
                    "principalType": "ServicePrincipal",
                    "resourceId": self.graph_sp,
                    "resourceDisplayName": "Microsoft Graph",
                }
                if self.validate and violations(grant, schema_for("AppRoleAssignment", create=False)):
                    raise AssertionError("seeded grant breaks the published shape")
                self.grants[sp_id].append(grant)
        return app

    def add_group(self, name: str, unified: bool = False) -> str:
        return self._add(
            "Group",
            self.groups,
            {
                "displayName": name,
                "description": None,
                "securityEnabled": not unified,
                "mailEnabled": unified,
                "groupTypes": ["Unified"] if unified else [],
            },
        )

    def add_sign_in(self, app_id: str, at: dt.datetime) -> None:
        activity = {"lastSignInDateTime": iso(at), "lastSignInRequestId": str(uuid.uuid4())}
        item = {
            "id": str(uuid.uuid4()),
            "appId": app_id,
            "applicationAuthenticationClientSignInActivity": activity,
            "lastSignInActivity": activity,
        }
        if self.validate and _shape_problems("ServicePrincipalSignInActivity", item):
            raise AssertionError("seeded sign-in activity breaks the published shape")
        self.sign_ins[app_id] = item

    def add_credential_sign_in(self, key_id: str, at: dt.datetime, resource_id: str | None = None) -> None:
        """A beta appCredentialSignInActivity: the key *key_id* of a seeded app signed in at *at* (one entry per
        key and accessed resource, as the report lists them)."""
        app = next(
            a
            for a in self.applications.values()
            if any(c["keyId"] == key_id for c in a["passwordCredentials"] + a["keyCredentials"])
        )
        secret = any(c["keyId"] == key_id for c in app["passwordCredentials"])
        sp = next((s for s in self.service_principals.values() if s["appId"] == app["appId"]), None)
        cred = next(c for c in app["passwordCredentials"] + app["keyCredentials"] if c["keyId"] == key_id)
        item = {
            "id": str(uuid.uuid4()),
            "appId": app["appId"],
            "appObjectId": app["id"],
            "servicePrincipalObjectId": sp["id"] if sp else None,
            "resourceId": resource_id or self.graph_sp,
            "keyId": key_id,
            "keyType": "clientSecret" if secret else "certificate",
            "keyUsage": "sign" if secret else "verify",
            "credentialOrigin": "application",
            "createdDateTime": cred["startDateTime"],
            "expirationDateTime": cred["endDateTime"],
            "signInActivity": {"lastSignInDateTime": iso(at), "lastSignInRequestId": str(uuid.uuid4())},
        }
        if self.validate and _shape_problems("AppCredentialSignInActivity", item):
            raise AssertionError("seeded credential sign-in activity breaks the published shape")
        self.credential_sign_ins.append(item)

    def app(self, name: str) -> dict[str, Any]:
        return next(a for a in self.applications.values() if a["displayName"] == name)


class _Reply(Exception):
    def __init__(
        self, status: int, body: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None
    ):
        self.status, self.body, self.headers, self.raw = status, body, headers or {}, raw


def _err(status: int, code: str, message: str) -> _Reply:
    return _Reply(
        status, {"error": {"code": code, "message": message, "innerError": {"request-id": str(uuid.uuid4())}}}
    )


def _select(obj: dict[str, Any], select: str) -> dict[str, Any]:
    if not select:
        return obj
    keep = {s.strip() for s in select.split(",")} | {"id"}
    return {k: v for k, v in obj.items() if k in keep}


_EQ = re.compile(r"^appId eq '((?:[^']|'')*)'$")
_STARTS = re.compile(r"^startswith\(displayName,'((?:[^']|'')*)'\)$")


class _Handler(BaseHTTPRequestHandler):
    tenant: Tenant
    tenants: dict[str, Tenant]  # token -> tenant: one server can play several tenants
    base: str  # http://127.0.0.1:PORT
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        bearer = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        t = self.tenant = self.tenants.get(bearer, self.tenant)  # the tenant this token belongs to
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with t.lock:
            t.calls.append(parts.path)
            fault = next((f for f in t.faults if f.times > 0 and f.matches(parts.path)), None)
            if fault:
                fault.times -= 1
        try:
            if fault:
                self._misbehave(fault)
            if self.headers.get("Authorization") != f"Bearer {t.token}":
                raise _err(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
            status, body = self._route(parts.path, query)
            if fault and fault.kind == "foreign-next" and isinstance(body, dict):
                body["@odata.nextLink"] = "https://graph.example.net/v1.0/applications?$skiptoken=1"
            self._send(status, body)
        except _Reply as reply:
            self._send(reply.status, reply.body, reply.headers, reply.raw)

    def do_POST(self) -> None:
        self._write("POST")

    def do_PATCH(self) -> None:
        self._write("PATCH")

    def do_DELETE(self) -> None:
        self._write("DELETE")

    def _write(self, method: str) -> None:
        with self.tenant.lock:
            self.tenant.writes.append(f"{method} {self.path}")
        self._send(405, {"error": {"code": "MethodNotAllowed", "message": "read-only stand-in"}})

    def _misbehave(self, fault: Misbehave) -> None:
        if fault.kind == "garbage":
            raise _Reply(200, raw=b"<html><body>Service Unavailable</body></html>")
        if fault.kind == "truncated":  # the connection drops before the announced length arrives
            raise _Reply(200, raw=b'{"value": [{"id": "6a1f', headers={"X-Announce-Length": "4096"})
        if fault.kind == "401":
            raise _err(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
        if fault.kind == "403":
            raise _err(
                403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
            )
        if fault.kind == "503":
            raise _err(503, "serviceNotAvailable", "Service Unavailable")
        if fault.kind == "429":
            raise _Reply(
                429,
                _err(429, "TooManyRequests", "Too many requests").body,
                {"Retry-After": str(fault.retry_after)},
            )

    def _send(
        self, status: int, body: Any = None, headers: dict[str, str] | None = None, raw: bytes | None = None
    ) -> None:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        try:
            self.send_response(status)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", (headers or {}).get("X-Announce-Length", str(len(data))))
            self.end_headers()
            self.wfile.write(data)
            if headers and "X-Announce-Length" in headers:
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            pass

    # ------------------------------------------------------------------ routes
    def _route(self, path: str, query: dict[str, str]) -> tuple[int, Any]:
        t = self.tenant
        version, _, rest = path.lstrip("/").partition("/")
        segs = [s for s in rest.split("/") if s]
        select = query.get("$select", "")
        if version == "beta":
            reports = {
                "servicePrincipalSignInActivities": list(t.sign_ins.values()),
                "appCredentialSignInActivities": list(t.credential_sign_ins),
            }
            if len(segs) == 2 and segs[0] == "reports" and segs[1] in reports:
                if not t.licensed:
                    raise _err(
                        403,
                        "Authentication_RequestFromNonPremiumTenantOrB2CTenant",
                        "Neither tenant is B2C or tenant doesn't have premium license",
                    )
                return self._page(path, query, reports[segs[1]])
            raise _err(404, "BadRequest", "Resource not found for the segment.")
        if version != "v1.0":
            raise _err(404, "BadRequest", "Invalid version.")
        flt = query.get("$filter", "")
        if segs == ["applications"]:
            return self._page(path, query, [_select(a, select) for a in t.applications.values()])
        if segs == ["servicePrincipals"]:
            items = list(t.service_principals.values())
            eq = _EQ.match(flt)
            if flt and not eq:
                raise _err(400, "Request_UnsupportedQuery", "Unsupported query.")
            if eq:
                items = [s for s in items if s["appId"] == eq.group(1).replace("''", "'")]
            return self._page(path, query, [_select(s, select) for s in items])
        if segs == ["groups"]:
            starts = _STARTS.match(flt)
            if not starts:
                raise _err(400, "Request_UnsupportedQuery", "Unsupported query.")
            prefix = starts.group(1).replace("''", "'")
            items = [g for g in t.groups.values() if g["displayName"].lower().startswith(prefix.lower())]
            return self._page(path, query, [_select(g, select) for g in items])
        if len(segs) == 3 and segs[0] == "applications":
            oid = segs[1]
            if oid not in t.applications or (segs[2] == "owners" and oid in t.vanished):
                raise _err(
                    404,
                    "Request_ResourceNotFound",
                    f"Resource '{oid}' does not exist or one of its queried reference-property objects are not present.",
                )
            if segs[2] == "owners":
                owners = [
                    {"@odata.type": "#microsoft.graph.user", **_select(t.users[u], select)}
                    for u in t.owners[oid]
                ]
                return self._page(path, query, owners)
            if segs[2] == "federatedIdentityCredentials":
                return self._page(path, query, t.fics[oid])
        if len(segs) == 3 and segs[0] == "servicePrincipals" and segs[2] == "appRoleAssignments":
            if segs[1] not in t.service_principals:
                raise _err(404, "Request_ResourceNotFound", f"Resource '{segs[1]}' does not exist.")
            return self._page(path, query, t.grants.get(segs[1], []))
        if len(segs) == 2 and segs[0] == "servicePrincipals":
            sp = t.service_principals.get(segs[1])
            if sp is None:
                raise _err(404, "Request_ResourceNotFound", f"Resource '{segs[1]}' does not exist.")
            return 200, _select(sp, select)
        with t.lock:
            t.problems.append(f"unexpected call GET {path}")
        raise _err(501, "NotImplemented", path)

    def _page(self, path: str, query: dict[str, str], items: list[Any]) -> tuple[int, Any]:
        top = min(int(query.get("$top") or 100), 999)
        skip = int(query.get("$skiptoken") or 0)
        start = skip
        if self.tenant.repeat_across_pages and skip:
            start = skip - 1  # a stale replica shows the previous page's last item again
        body: dict[str, Any] = {"value": items[start : skip + top]}
        if skip + top < len(items):
            rest = {k: v for k, v in query.items() if k != "$skiptoken"}
            rest["$skiptoken"] = str(skip + top)
            qs = "&".join(f"{k}={quote(v, safe=',()=')}" for k, v in rest.items())
            body["@odata.nextLink"] = f"{self.base}{path}?{qs}"
        return 200, body


class DiscoveryStandIn:
    """Serve *tenant* (and *more* tenants, each chosen by its own token) on a free loopback port; `graph_url`
    ends in /v1.0 (beta beside it)."""

    def __init__(self, tenant: Tenant, *more: Tenant):
        self.tenant = tenant
        tenants = {t.token: t for t in (tenant, *more)}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.server.RequestHandlerClass = type(
            "BoundDiscoveryHandler", (_Handler,), {"tenant": tenant, "tenants": tenants, "base": base}
        )
        self.graph_url = f"{base}/v1.0"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> DiscoveryStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
