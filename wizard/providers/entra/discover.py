"""`discover entra`: read what one tenant holds through Microsoft Graph, read-only, into an EntraSnapshot.

Reads (Graph v1.0 unless noted; each checked against learn.microsoft.com/en-us/graph/api/...):
- application-list: `GET /applications?$select=id,appId,displayName,signInAudience,web,spa,publicClient,
  passwordCredentials,keyCredentials,requiredResourceAccess&$top=100` (keyId and dates only; Graph never
  returns a secret's value on reads);
- serviceprincipal-list: `GET /servicePrincipals?$select=id,appId,displayName,appRoleAssignmentRequired,
  appOwnerOrganizationId,servicePrincipalType&$top=100`; service principals of apps published by Microsoft's
  own tenants are left out (they are not the consultant's apps);
- application-list-owners: `GET /applications/{id}/owners?$select=id,displayName,userPrincipalName,
  accountEnabled` (a user's UPN and accountEnabled need User.Read.All; without it Graph gives ids only);
- application-list-federatedidentitycredentials: `GET /applications/{id}/federatedIdentityCredentials`;
- serviceprincipal-list-approleassignments: `GET /servicePrincipals/{id}/appRoleAssignments` (the application
  permissions granted to the app);
- the resource APIs' appRoles and oauth2PermissionScopes, read once per resource, to name permissions;
- group-list: `GET /groups?$filter=startswith(displayName,'PREFIX')` for each naming-convention prefix;
- beta sign-in activity (wizard.providers.entra.discover_activity): `GET /beta/reports/
  appCredentialSignInActivities` (per key id) and `/beta/reports/servicePrincipalSignInActivities` (per app),
  AuditLog.Read.All and an Entra ID P1/P2 licence; refused, it is noted and discovery goes on.

Nothing here writes to Graph or to the inventory. `discover_tenant` is the one entry point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from wizard.discovery.entra_snapshot import DiscoveredApp, EntraSnapshot, GrantInfo, PermissionInfo
from wizard.providers import ProviderError
from wizard.providers.entra import discover_map as m
from wizard.providers.entra.discover_activity import read_sign_in_activity
from wizard.providers.entra.discover_read import GraphReader
from wizard.providers.entra.graph_objects import odata_literal
from wizard.providers.entra.retry import RetryPolicy
from wizard.providers.http import HttpSettings, build_client
from wizard.settings import GRAPH_URL

if TYPE_CHECKING:
    from wizard.discovery.findings import DriftReport
    from wizard.model import Workspace

APP_FIELDS = "id,appId,displayName,signInAudience,web,spa,publicClient,passwordCredentials,keyCredentials,requiredResourceAccess"
SP_FIELDS = "id,appId,displayName,appRoleAssignmentRequired,appOwnerOrganizationId,servicePrincipalType"
OWNER_FIELDS = "id,displayName,userPrincipalName,accountEnabled"
GROUP_FIELDS = "id,displayName,description,securityEnabled,groupTypes"
PAGE = 100
# Tenants that publish Microsoft's own first-party apps (Microsoft Services, Microsoft Corp).
MICROSOFT_TENANTS = frozenset(
    {"f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"}
)
# Read-only delegated scopes discover asks for (AuditLog.Read.All is optional: sign-in activity only).
DISCOVER_SCOPES = (
    "https://graph.microsoft.com/Application.Read.All",
    "https://graph.microsoft.com/Group.Read.All",
    "https://graph.microsoft.com/User.Read.All",
    "https://graph.microsoft.com/AuditLog.Read.All",
)

Progress = Callable[[str], None]


@dataclass
class _Resource:
    app_id: str
    name: str
    roles: dict[str, str]  # appRole id -> value
    scopes: dict[str, str]  # oauth2PermissionScope id -> value


def beta_url(graph_url: str) -> str | None:
    """The beta address beside a v1.0 Graph address (None when the address has no /v1.0 to swap)."""
    base = graph_url.rstrip("/")
    return base[: -len("/v1.0")] + "/beta" if base.endswith("/v1.0") else None


def discover_tenant(
    tenant: str,
    token: str,
    *,
    graph_url: str = GRAPH_URL,
    http_settings: HttpSettings | None = None,
    group_prefixes: Iterable[str] = (),
    retry: RetryPolicy | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
    workers: int = 4,
    now: dt.datetime | None = None,
) -> EntraSnapshot:
    """Everything discover reads from *tenant* with *token* (read-only). ProviderError (one line) on a bad answer."""
    settings = http_settings or HttpSettings()
    owned = client is None
    http = client or build_client(settings)
    try:
        reader = GraphReader(graph_url, http, token, settings, retry, tenant)
        snapshot = EntraSnapshot(
            tenant=tenant, read_at=(now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        )
        _Discovery(reader, snapshot, progress, workers).run(group_prefixes)
        beta = beta_url(graph_url)
        if beta is None:
            snapshot.notes.append("sign-in activity not read: the Graph address has no beta beside it")
        else:
            read_sign_in_activity(GraphReader(beta, http, token, settings, retry, tenant), snapshot)
        return snapshot
    finally:
        if owned:
            http.close()


class _Discovery:
    def __init__(self, reader: GraphReader, snapshot: EntraSnapshot, progress: Progress | None, workers: int):
        self.reader = reader
        self.snapshot = snapshot
        self.progress = progress or (lambda _line: None)
        self.workers = max(1, workers)
        self.resources_by_app: dict[str, _Resource | None] = {}
        self.resources_by_id: dict[str, _Resource | None] = {}

    def run(self, group_prefixes: Iterable[str]) -> None:
        apps = self._applications()
        self._service_principals(apps)
        self.snapshot.apps = sorted(apps.values(), key=lambda a: (a.display_name.lower(), a.app_id))
        self._details(self.snapshot.apps)
        self._permissions(self.snapshot.apps)
        self._groups(group_prefixes)

    def _applications(self) -> dict[str, DiscoveredApp]:
        apps: dict[str, DiscoveredApp] = {}
        self.raw_rra: dict[str, list[dict[str, Any]]] = {}
        for page in self.reader.pages(f"/applications?$select={APP_FIELDS}&$top={PAGE}"):
            for item in page:
                app = m.new_app(item)
                if app is None or app.app_id in apps:  # a replica may repeat an object across pages
                    continue
                apps[app.app_id] = app
                self.raw_rra[app.app_id] = [
                    r for r in item.get("requiredResourceAccess") or [] if isinstance(r, dict)
                ]
            self.progress(f"applications: {len(apps)}")
        return apps

    def _service_principals(self, apps: dict[str, DiscoveredApp]) -> None:
        count = 0
        for page in self.reader.pages(f"/servicePrincipals?$select={SP_FIELDS}&$top={PAGE}"):
            for item in page:
                app_id, sp_id = m.guid(item.get("appId")), m.guid(item.get("id"))
                if not app_id or not sp_id:
                    continue
                app = apps.get(app_id)
                if app is None:
                    if m.guid(item.get("appOwnerOrganizationId")) in MICROSOFT_TENANTS:
                        continue
                    if item.get("servicePrincipalType") not in (None, "Application"):
                        continue  # managed identities, legacy and social-IdP principals are not app registrations
                    app = apps[app_id] = DiscoveredApp(
                        app_id=app_id, display_name=m.text(item.get("displayName"))
                    )
                app.service_principal_object_id = sp_id
                required = item.get("appRoleAssignmentRequired")
                app.assignment_required = required if isinstance(required, bool) else None
                count += 1
            self.progress(f"service principals: {count}")

    def _details(self, apps: list[DiscoveredApp]) -> None:
        """Owners, federated credentials and granted permissions of each app, a few calls at a time."""
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            notes = list(pool.map(self._one_app, apps))
        self.snapshot.notes.extend(n for n in notes if n)
        self.progress(f"owners, federated credentials and grants: {len(apps)} apps")

    def _one_app(self, app: DiscoveredApp) -> str:
        gone = []
        if app.application_object_id:
            oid = quote(app.application_object_id)
            owners = self._maybe(f"/applications/{oid}/owners?$select={OWNER_FIELDS}&$top={PAGE}")
            fics = self._maybe(f"/applications/{oid}/federatedIdentityCredentials")
            if owners is None or fics is None:
                gone.append("owners/federated credentials")
            app.owners = m.owners(owners or [])
            app.federated = m.federated(fics or [])
        if app.service_principal_object_id:
            grants = self._maybe(
                f"/servicePrincipals/{quote(app.service_principal_object_id)}/appRoleAssignments"
            )
            if grants is None:
                gone.append("granted permissions")
            app.grants = [
                GrantInfo(
                    m.guid(g.get("resourceId")),
                    m.text(g.get("resourceDisplayName")),
                    m.guid(g.get("appRoleId")),
                    "",
                )
                for g in grants or []
                if m.guid(g.get("resourceId")) and m.guid(g.get("appRoleId"))
            ]
        if not gone:
            return ""
        return (
            f"{app.display_name or app.app_id}: {' and '.join(gone)} not read (Graph says the object does not "
            "exist: it was deleted while discover ran, or has not replicated yet); run discover again"
        )

    def _maybe(self, path: str) -> list[dict[str, Any]] | None:
        """A paged list, or None when Graph says the object is not there (deleted meanwhile, or replication)."""
        try:
            return self.reader.collect(path)
        except ProviderError as exc:
            if exc.kind == "not-found":
                return None
            raise

    # ------------------------------------------------------------------ permission names
    def _permissions(self, apps: list[DiscoveredApp]) -> None:
        for app in apps:
            for entry in self.raw_rra.get(app.app_id, []):
                resource_app = m.guid(entry.get("resourceAppId"))
                if not resource_app:
                    continue
                res = self._resource("appId", resource_app)
                for access in entry.get("resourceAccess") or []:
                    if not isinstance(access, dict) or not m.guid(access.get("id")):
                        continue
                    pid, kind = m.guid(access.get("id")), access.get("type")
                    names = (res.roles if kind == "Role" else res.scopes) if res else {}
                    app.permissions.append(
                        PermissionInfo(
                            resource_app_id=resource_app,
                            resource_name=res.name if res else resource_app,
                            id=pid,
                            name=names.get(pid, pid),
                            type="application" if kind == "Role" else "delegated",
                        )
                    )
            named = []
            for grant in app.grants:
                res = self._resource("id", grant.resource_id)
                role = res.roles.get(grant.app_role_id, grant.app_role_id) if res else grant.app_role_id
                named.append(
                    GrantInfo(
                        grant.resource_id,
                        grant.resource_name or (res.name if res else ""),
                        grant.app_role_id,
                        role,
                    )
                )
            app.grants = named

    def _resource(self, by: str, key: str) -> _Resource | None:
        cache = self.resources_by_app if by == "appId" else self.resources_by_id
        if key in cache:
            return cache[key]
        fields = "id,appId,displayName,appRoles,oauth2PermissionScopes"
        if by == "appId":
            items = self.reader.collect(
                f"/servicePrincipals?$filter=appId%20eq%20{odata_literal(key)}&$select={fields}"
            )
            found = items[0] if items else None
        else:
            found_list = self._maybe_one(f"/servicePrincipals/{quote(key)}?$select={fields}")
            found = found_list
        res = None
        if found is not None:
            res = _Resource(
                m.guid(found.get("appId")),
                m.text(found.get("displayName")),
                _named(found.get("appRoles")),
                _named(found.get("oauth2PermissionScopes")),
            )
            self.resources_by_id[m.guid(found.get("id"))] = res
            self.resources_by_app[res.app_id] = res
        cache[key] = res
        return res

    def _maybe_one(self, path: str) -> dict[str, Any] | None:
        try:
            data = self.reader.get(path)
        except ProviderError as exc:
            if exc.kind == "not-found":
                return None
            raise
        return data if isinstance(data, dict) else None

    # ------------------------------------------------------------------ groups
    def _groups(self, prefixes: Iterable[str]) -> None:
        seen: set[str] = set()
        self.snapshot.group_prefixes = list(dict.fromkeys(p for p in prefixes if p))
        for prefix in self.snapshot.group_prefixes:
            flt = f"startswith(displayName,{odata_literal(prefix)})"
            for page in self.reader.pages(f"/groups?$filter={flt}&$select={GROUP_FIELDS}&$top=999"):
                for item in page:
                    g = m.group(item)
                    if g is not None and g.object_id not in seen:
                        seen.add(g.object_id)
                        self.snapshot.groups.append(g)
        self.snapshot.groups.sort(key=lambda g: (g.display_name.lower(), g.object_id))
        self.progress(f"groups: {len(self.snapshot.groups)}")


def _named(value: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict) and m.guid(item.get("id")) and isinstance(item.get("value"), str):
            out[m.guid(item.get("id"))] = item["value"][:200]
    return out


def entra_drift(
    ws: Workspace,
    token: str,
    *,
    tenant: str | None = None,
    client: str | None = None,
    graph_url: str = GRAPH_URL,
    http_settings: HttpSettings | None = None,
    retry: RetryPolicy | None = None,
) -> DriftReport:
    """One Entra drift source: read the tenant (--tenant/--client rules of discover) and compare it with *ws*.

    Never raises for a tenant that cannot be read: the report names it in `unreadable` (drift exit code 2)."""
    import datetime as _dt

    from wizard.discovery.entra_drift import compare_entra
    from wizard.discovery.entra_match import TargetError, discover_target, group_prefixes
    from wizard.discovery.findings import DriftReport

    try:
        target, slug = discover_target(ws, tenant, client)
    except TargetError as exc:
        return DriftReport(checked_at=_dt.datetime.now(_dt.UTC), unreadable={"entra": str(exc)})
    try:
        snapshot = discover_tenant(
            target,
            token,
            graph_url=graph_url,
            http_settings=http_settings,
            group_prefixes=group_prefixes(ws, slug),
            retry=retry,
        )
    except ProviderError as exc:
        return DriftReport(checked_at=_dt.datetime.now(_dt.UTC), unreadable={f"entra:{target}": exc.message})
    return compare_entra(ws, snapshot)
