"""Microsoft Graph client for find-or-create of groups, app registrations, service principals and credentials.

Every `ensure_*` call reads before it writes: an object that already exists (found by its recorded id,
its display name, or the uniqueName idspine gave it) is adopted, never duplicated. Creates use Graph's
upsert (`PATCH /groups(uniqueName='...')` with `Prefer: create-if-missing`) where Graph offers it, so a
repeated request after a lost answer still makes one object. Sources (Graph v1.0 reference):
https://learn.microsoft.com/en-us/graph/api/group-upsert, .../application-upsert,
.../application-addpassword, .../serviceprincipal-post-serviceprincipals,
.../application-post-federatedidentitycredentials.

HTTP goes through `http_safety.JsonApi` (https only, timeouts, 429 Retry-After, strict JSON, scrubbed
errors). The bearer token is held only inside the JsonApi headers and never appears in a message.

How Graph's answers are read (replication lag, "already exists") and what the calls take and give
(specs, ensured ids, new secrets) are in wizard.providers.entra.graph_objects.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

import httpx

from wizard.providers import ProviderError
from wizard.providers.entra.graph_objects import (
    WELL_KNOWN_RESOURCES,
    ApplicationSpec,
    Ensured,
    GroupSpec,
    NewSecret,
    is_already_exists,
    mail_nickname,
    not_replicated_yet,
    object_id_of,
    odata_literal,
)
from wizard.providers.http import HttpSettings, JsonApi, expect_dict, expect_str
from wizard.settings import GRAPH_URL, GUID


class GraphClient:
    """Calls Microsoft Graph (or a stand-in) at *base_url* through the injected httpx client."""

    def __init__(self, base_url: str, client: httpx.Client, token: str, settings: HttpSettings | None = None):
        auth = {"Authorization": f"Bearer {token}"}
        self._api = JsonApi("Microsoft Graph", base_url, client, auth, settings)
        # JsonApi sends fixed headers per instance; upserts need `Prefer: create-if-missing` as well.
        self._upsert = JsonApi(
            "Microsoft Graph", base_url, client, {**auth, "Prefer": "create-if-missing"}, settings
        )
        self.base_url = self._api.base_url

    def __repr__(self) -> str:
        return f"GraphClient({self.base_url!r})"

    # ------------------------------------------------------------------ small helpers
    def _get(self, path: str, ok: tuple[int, ...] = (200,)) -> Any:
        return self._api.call("GET", path, ok=ok).data

    def _list(self, path: str) -> list[dict[str, Any]]:
        data = expect_dict(self._get(path), f"GET {path.split('?')[0]}")
        value = data.get("value")
        if not isinstance(value, list):
            raise ProviderError(f"GET {path.split('?')[0]}: the answer has no 'value' list", "bad-response")
        return [v for v in value if isinstance(v, dict)]

    def _get_or_none(self, path: str) -> dict[str, Any] | None:
        try:
            return expect_dict(self._get(path), f"GET {path}")
        except ProviderError as exc:
            if exc.kind == "not-found":
                return None
            raise

    def _single(self, items: list[dict[str, Any]], what: str) -> dict[str, Any] | None:
        if len(items) > 1:
            raise ProviderError(
                f"{what}: {len(items)} objects share this name; idspine will not guess which "
                "one to adopt. Rename or remove the extra ones, or record the right object "
                "id in the inventory",
                "conflict",
            )
        return items[0] if items else None

    # ------------------------------------------------------------------ groups
    def find_group(self, name: str) -> dict[str, Any] | None:
        items = self._list(f"/groups?$filter=displayName%20eq%20{odata_literal(name)}&$select=id,displayName")
        return self._single(items, f"group {name!r}")

    def get_group(self, object_id: str) -> dict[str, Any] | None:
        return self._get_or_none(f"/groups/{quote(object_id)}?$select=id,displayName")

    def ensure_group(self, spec: GroupSpec, known_id: str | None = None) -> Ensured:
        """Adopt the group with the recorded id or display name, else create it by upsert."""
        if known_id and self.get_group(known_id):
            return Ensured(known_id, "exists")
        found = self.find_group(spec.name)
        if found:
            return Ensured(object_id_of(found.get("id", ""), "group"), "adopted")
        body: dict[str, Any] = {
            "displayName": spec.name,
            "mailEnabled": spec.m365,
            "mailNickname": mail_nickname(spec.name),
            "securityEnabled": True,
            "groupTypes": ["Unified"] if spec.m365 else [],
        }
        if spec.description:
            body["description"] = spec.description
        if spec.membership_rule:
            body["groupTypes"] = [*body["groupTypes"], "DynamicMembership"]
            body["membershipRule"] = spec.membership_rule
            body["membershipRuleProcessingState"] = "On"
        path = f"/groups(uniqueName={odata_literal(spec.name)})"
        answer = self._upsert.call("PATCH", path, json_body=body, ok=(200, 201, 204), idempotent=True)
        if answer.status == 201 and isinstance(answer.data, dict):
            return Ensured(object_id_of(answer.data.get("id", ""), "group"), "created")
        existing = expect_dict(self._get(f"{path}?$select=id"), f"GET group {spec.name!r}")
        return Ensured(object_id_of(existing.get("id", ""), "group"), "updated")

    def ensure_group_owners(self, group_id: str, owners: list[str]) -> list[str]:
        """Add the users (by user principal name) not yet owners; returns those added."""
        current = self._list(f"/groups/{quote(group_id)}/owners?$select=id,userPrincipalName")
        have = {str(o.get("userPrincipalName", "")).lower() for o in current}
        added = []
        for upn in owners:
            if upn.lower() in have:
                continue
            ref = {"@odata.id": f"{GRAPH_URL}/users/{quote(upn, safe='@')}"}
            try:
                self._api.call("POST", f"/groups/{quote(group_id)}/owners/$ref", json_body=ref, ok=(204, 200))
            except ProviderError as exc:
                if not is_already_exists(exc):  # an earlier try got through; its answer was lost
                    raise
                continue
            added.append(upn)
        return added

    # ------------------------------------------------------------------ applications
    def find_application(self, name: str) -> dict[str, Any] | None:
        items = self._list(
            f"/applications?$filter=displayName%20eq%20{odata_literal(name)}"
            "&$select=id,appId,displayName,appRoles,requiredResourceAccess,web"
        )
        return self._single(items, f"application {name!r}")

    def get_application(self, object_id: str) -> dict[str, Any] | None:
        return self._get_or_none(
            f"/applications/{quote(object_id)}"
            "?$select=id,appId,displayName,appRoles,requiredResourceAccess,web"
        )

    def ensure_application(self, spec: ApplicationSpec, known_id: str | None = None) -> Ensured:
        """Adopt (and top up roles, permissions, redirect addresses) or create an app registration."""
        current = self.get_application(known_id) if known_id else None
        action = "exists" if current else "adopted"
        if current is None:
            current = self.find_application(spec.name)
        if current is None:
            body: dict[str, Any] = {
                "displayName": spec.name,
                "signInAudience": spec.sign_in_audience,
                "appRoles": spec.app_roles,
                "requiredResourceAccess": spec.required_resource_access,
            }
            if spec.description:
                body["description"] = spec.description
            if spec.redirect_uris:
                body["web"] = {"redirectUris": spec.redirect_uris}
            path = f"/applications(uniqueName={odata_literal(spec.name)})"
            answer = self._upsert.call("PATCH", path, json_body=body, ok=(200, 201, 204), idempotent=True)
            data = (
                answer.data
                if answer.status == 201 and isinstance(answer.data, dict)
                else expect_dict(self._get(f"{path}?$select=id,appId"), f"GET application {spec.name!r}")
            )
            return self._app_ensured(data, "created" if answer.status == 201 else "updated")
        patch = _missing_app_parts(current, spec)
        if patch:
            self._api.call(
                "PATCH",
                f"/applications/{quote(current['id'])}",
                json_body=patch,
                ok=(204, 200),
                idempotent=True,
            )
            action = "updated"
        return self._app_ensured(current, action)

    def _app_ensured(self, data: dict[str, Any], action: str) -> Ensured:
        object_id = object_id_of(data.get("id", ""), "application")
        app_id = object_id_of(data.get("appId", ""), "application appId")
        return Ensured(object_id, action, {"app_id": app_id})

    def resource_permissions(self, resource: str) -> tuple[str, dict[tuple[str, str], str]]:
        """(resource appId, {(permission name, "Role"|"Scope"): permission id}) of an API like Microsoft Graph."""
        known = WELL_KNOWN_RESOURCES.get(resource.strip().lower())
        if known:
            flt = f"appId%20eq%20{odata_literal(known)}"
        elif GUID.match(resource.strip()):
            flt = f"appId%20eq%20{odata_literal(resource.strip())}"
        else:
            flt = f"displayName%20eq%20{odata_literal(resource.strip())}"
        items = self._list(
            f"/servicePrincipals?$filter={flt}&$select=id,appId,appRoles,oauth2PermissionScopes"
        )
        sp = self._single(items, f"API {resource!r}")
        if sp is None:
            raise ProviderError(f"the API {resource!r} has no service principal in this tenant", "not-found")
        ids: dict[tuple[str, str], str] = {}
        for role in sp.get("appRoles") or []:
            if isinstance(role, dict) and role.get("value") and role.get("id"):
                ids[(str(role["value"]), "Role")] = str(role["id"])
        for scope in sp.get("oauth2PermissionScopes") or []:
            if isinstance(scope, dict) and scope.get("value") and scope.get("id"):
                ids[(str(scope["value"]), "Scope")] = str(scope["id"])
        return object_id_of(sp.get("appId", ""), "API appId"), ids

    # ------------------------------------------------------------------ service principals
    def ensure_service_principal(self, app_id: str, known_id: str | None = None) -> Ensured:
        if known_id and self._get_or_none(f"/servicePrincipals/{quote(known_id)}?$select=id,appId"):
            return Ensured(known_id, "exists")
        items = self._list(
            f"/servicePrincipals?$filter=appId%20eq%20{odata_literal(app_id)}&$select=id,appId"
        )
        found = self._single(items, f"service principal for {app_id}")
        if found:
            return Ensured(object_id_of(found.get("id", ""), "service principal"), "adopted")
        try:
            answer = self._api.call("POST", "/servicePrincipals", json_body={"appId": app_id}, ok=(201,))
        except ProviderError as exc:
            if not is_already_exists(exc):
                raise
            items = self._list(
                f"/servicePrincipals?$filter=appId%20eq%20{odata_literal(app_id)}&$select=id,appId"
            )
            found = self._single(items, f"service principal for {app_id}")
            if found is None:
                raise not_replicated_yet(f"the service principal for {app_id}") from None
            return Ensured(object_id_of(found.get("id", ""), "service principal"), "adopted")
        data = expect_dict(answer.data, "POST /servicePrincipals")
        return Ensured(object_id_of(data.get("id", ""), "service principal"), "created")

    def ensure_app_role_assignment(self, sp_id: str, group_id: str, role_id: str) -> Ensured:
        """Assign a group to an app role of the service principal (once)."""

        def existing() -> dict[str, Any] | None:
            current = self._list(f"/servicePrincipals/{quote(sp_id)}/appRoleAssignedTo")
            return next(
                (a for a in current if a.get("principalId") == group_id and a.get("appRoleId") == role_id),
                None,
            )

        found = existing()
        if found is not None:
            return Ensured(str(found.get("id", "")), "exists")
        body = {"principalId": group_id, "resourceId": sp_id, "appRoleId": role_id}
        try:
            answer = self._api.call(
                "POST", f"/servicePrincipals/{quote(sp_id)}/appRoleAssignedTo", json_body=body, ok=(201,)
            )
        except ProviderError as exc:
            if not is_already_exists(exc):
                raise
            found = existing()
            if found is None:
                raise not_replicated_yet("the app role assignment") from None
            return Ensured(str(found.get("id", "")), "adopted")
        data = expect_dict(answer.data, "POST appRoleAssignedTo")
        return Ensured(expect_str(data, "id", "POST appRoleAssignedTo"), "created")

    # ------------------------------------------------------------------ credentials
    def password_credentials(self, app_object_id: str) -> list[dict[str, Any]]:
        data = expect_dict(
            self._get(f"/applications/{quote(app_object_id)}?$select=id,passwordCredentials"),
            "GET application passwords",
        )
        return [p for p in data.get("passwordCredentials") or [] if isinstance(p, dict)]

    def add_password(self, app_object_id: str, display_name: str, end: dt.datetime) -> NewSecret:
        """Create a client secret; its value is returned once and never again by Graph."""
        body = {
            "passwordCredential": {
                "displayName": display_name,
                "endDateTime": end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        }
        answer = self._api.call(
            "POST", f"/applications/{quote(app_object_id)}/addPassword", json_body=body, ok=(200, 201)
        )
        data = expect_dict(answer.data, "addPassword")
        value = expect_str(data, "secretText", "addPassword")
        key_id = object_id_of(data.get("keyId", ""), "addPassword keyId")
        end_text = data.get("endDateTime") or body["passwordCredential"]["endDateTime"]
        try:
            end_at = dt.datetime.fromisoformat(str(end_text).replace("Z", "+00:00"))
        except ValueError:
            end_at = end
        return NewSecret(key_id=key_id, end=end_at, hint=str(data.get("hint") or ""), value=value)

    def remove_password(self, app_object_id: str, key_id: str) -> None:
        self._api.call(
            "POST",
            f"/applications/{quote(app_object_id)}/removePassword",
            json_body={"keyId": key_id},
            ok=(204, 200),
            idempotent=True,
        )

    def ensure_federated_credential(
        self,
        app_object_id: str,
        name: str,
        issuer: str,
        subject: str,
        audiences: list[str],
        description: str = "",
    ) -> Ensured:
        path = f"/applications/{quote(app_object_id)}/federatedIdentityCredentials"

        def existing(action: str) -> Ensured | None:
            for fic in self._list(path):
                if fic.get("name") == name:
                    if (fic.get("issuer"), fic.get("subject")) != (issuer, subject):
                        raise ProviderError(
                            f"federated credential {name!r} exists with a different issuer or "
                            "subject; idspine does not overwrite it. Check it in the portal",
                            "conflict",
                        )
                    return Ensured(str(fic.get("id", "")), action)
            return None

        found = existing("exists")
        if found is not None:
            return found
        body: dict[str, Any] = {"name": name, "issuer": issuer, "subject": subject, "audiences": audiences}
        if description:
            body["description"] = description
        try:
            answer = self._api.call("POST", path, json_body=body, ok=(201,))
        except ProviderError as exc:
            if not is_already_exists(exc):
                raise
            found = existing("adopted")
            if found is None:
                raise not_replicated_yet(f"federated credential {name!r}") from None
            return found
        data = expect_dict(answer.data, "POST federatedIdentityCredentials")
        return Ensured(expect_str(data, "id", "POST federatedIdentityCredentials"), "created")


def _missing_app_parts(current: dict[str, Any], spec: ApplicationSpec) -> dict[str, Any]:
    """A PATCH body adding the roles, permissions and redirect addresses the existing app lacks (or {})."""
    patch: dict[str, Any] = {}
    roles = [r for r in current.get("appRoles") or [] if isinstance(r, dict)]
    have_values = {r.get("value") for r in roles}
    new_roles = [r for r in spec.app_roles if r["value"] not in have_values]
    if new_roles:
        patch["appRoles"] = roles + new_roles
    rra = [dict(r) for r in current.get("requiredResourceAccess") or [] if isinstance(r, dict)]
    changed = False
    for want in spec.required_resource_access:
        entry = next((r for r in rra if r.get("resourceAppId") == want["resourceAppId"]), None)
        if entry is None:
            rra.append(want)
            changed = True
            continue
        have = {(a.get("id"), a.get("type")) for a in entry.get("resourceAccess") or []}
        extra = [a for a in want["resourceAccess"] if (a["id"], a["type"]) not in have]
        if extra:
            entry["resourceAccess"] = [*(entry.get("resourceAccess") or []), *extra]
            changed = True
    if changed:
        patch["requiredResourceAccess"] = rra
    uris = list(((current.get("web") or {}).get("redirectUris")) or [])
    missing = [u for u in spec.redirect_uris if u not in uris]
    if missing:
        patch["web"] = {"redirectUris": uris + missing}
    return patch
