"""`idspine bootstrap`: register idspine's own least-privilege public client app in a tenant, the way Maester and
ScubaGear create their own apps, so later sign-ins no longer borrow Microsoft's public client.

The app is a public client (`isFallbackPublicClient`, so device code works; `publicClient.redirectUris`
http://localhost for the browser's loopback redirect) that asks for these delegated Microsoft Graph scopes and no
application permission at all (GRAPH_SCOPES says why each one is needed). Graph v1.0 reference used:
application-upsert (PATCH /applications(uniqueName='...') with `Prefer: create-if-missing`), the application
resource (isFallbackPublicClient, publicClient, requiredResourceAccess), serviceprincipal-post-
serviceprincipals, and the permission pages of the calls idspine makes (group-post-groups, group-post-owners,
application-addpassword, serviceprincipal-post-approleassignedto).

Idempotent: an app id recorded earlier is looked up by appId (never by display name); without one, the
upsert's uniqueName (a key idspine sets, unlike the display name, unique in the tenant) finds the app a lost
answer or an earlier run made, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from wizard.providers import ProviderError
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.graph_objects import odata_literal
from wizard.providers.http import JsonApi, expect_dict

OWN_APP_UNIQUE_NAME = "idspine-signin"
OWN_APP_DISPLAY_NAME = "idspine (consultant sign-in)"
LOOPBACK_REDIRECT = "http://localhost"

# The delegated Graph scopes idspine's plan/apply/discover need, each with the reason; nothing else.
GRAPH_SCOPES: tuple[tuple[str, str], ...] = (
    ("User.Read", "sign the consultant in and read their own profile (the account shown after sign-in)"),
    (
        "Application.ReadWrite.All",
        "apply/discover/rotate: create, read and update app registrations and service principals, their "
        "client secrets and federated credentials, and read owners and required permissions",
    ),
    (
        "Group.ReadWrite.All",
        "apply/discover: create the role groups, set their owners, read the groups that follow the naming "
        "convention",
    ),
    (
        "AppRoleAssignment.ReadWrite.All",
        "apply: assign an app's roles to the role groups (Graph's least-privileged permission for "
        "POST /servicePrincipals/{id}/appRoleAssignedTo, together with Application.*)",
    ),
)


@dataclass
class Bootstrapped:
    """idspine's own app in a tenant: its ids and what bootstrap did (created, updated, exists)."""

    app_id: str
    application_object_id: str
    service_principal_id: str
    action: str
    scopes: list[str] = field(default_factory=list)


class OwnAppRegistrar:
    """Finds or registers idspine's own public client app through Graph (the *graph* client's token)."""

    def __init__(self, graph: GraphClient, api: JsonApi, upsert: JsonApi):
        self.graph = graph
        self.api = api
        self.upsert = upsert

    @classmethod
    def connect(cls, base_url: str, token: str, settings: Any = None) -> OwnAppRegistrar:
        from wizard.providers.http import build_client

        client = build_client(settings)
        auth = {"Authorization": f"Bearer {token}"}
        return cls(
            GraphClient(base_url, client, token, settings),
            JsonApi("Microsoft Graph", base_url, client, auth, settings),
            JsonApi("Microsoft Graph", base_url, client, {**auth, "Prefer": "create-if-missing"}, settings),
        )

    def required_resource_access(self) -> list[dict[str, Any]]:
        """GRAPH_SCOPES as Graph wants them: the scope ids as this tenant's Microsoft Graph publishes them."""
        resource, ids = self.graph.resource_permissions("Microsoft Graph")
        missing = [name for name, _ in GRAPH_SCOPES if (name, "Scope") not in ids]
        if missing:
            raise ProviderError(
                "Microsoft Graph in this tenant does not publish the delegated permission(s) "
                + ", ".join(missing),
                "bad-response",
            )
        access = [{"id": ids[(name, "Scope")], "type": "Scope"} for name, _ in GRAPH_SCOPES]
        return [{"resourceAppId": resource, "resourceAccess": access}]

    def body(self) -> dict[str, Any]:
        return {
            "displayName": OWN_APP_DISPLAY_NAME,
            "description": "idspine's own public client for the consultant's delegated sign-in; no secrets, "
            "no application permissions. Created by `idspine bootstrap`.",
            "signInAudience": "AzureADMyOrg",
            "isFallbackPublicClient": True,
            "publicClient": {"redirectUris": [LOOPBACK_REDIRECT]},
            "requiredResourceAccess": self.required_resource_access(),
        }

    def _by_app_id(self, app_id: str) -> dict[str, Any] | None:
        answer = self.api.call(
            "GET",
            f"/applications?$filter=appId%20eq%20{odata_literal(app_id)}"
            "&$select=id,appId,displayName,isFallbackPublicClient,publicClient,requiredResourceAccess",
        )
        data = expect_dict(answer.data, "GET /applications")
        found = [v for v in data.get("value") or [] if isinstance(v, dict)]
        return found[0] if found else None

    def ensure(self, recorded_app_id: str | None = None) -> Bootstrapped:
        """Find idspine's app (by the recorded app id, else by its uniqueName) or create it; then its SP."""
        body = self.body()
        current = self._by_app_id(recorded_app_id) if recorded_app_id else None
        if current is not None:
            action = "exists"
            patch = {k: v for k, v in body.items() if k != "description" and current.get(k) != v}
            if patch:
                self.api.call(
                    "PATCH",
                    f"/applications/{quote(current['id'])}",
                    json_body=patch,
                    ok=(204, 200),
                    idempotent=True,
                )
                action = "updated"
            app = current
        else:
            path = f"/applications(uniqueName={odata_literal(OWN_APP_UNIQUE_NAME)})"
            answer = self.upsert.call("PATCH", path, json_body=body, ok=(200, 201, 204), idempotent=True)
            if answer.status == 201 and isinstance(answer.data, dict):
                app, action = answer.data, "created"
            else:  # it was there already (an earlier run, or a lost answer): read it back by its unique name
                app = expect_dict(self.api.call("GET", f"{path}?$select=id,appId").data, "GET application")
                action = "exists"
        app_id, object_id = str(app.get("appId") or ""), str(app.get("id") or "")
        if not app_id or not object_id:
            raise ProviderError(
                "Microsoft Graph's answer for idspine's app has no id or appId", "bad-response"
            )
        sp = self.graph.ensure_service_principal(app_id)
        return Bootstrapped(app_id, object_id, sp.id, action, [name for name, _ in GRAPH_SCOPES])
