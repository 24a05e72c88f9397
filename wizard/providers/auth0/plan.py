"""Auth0: the dry run in the Auth0 Management API (roles in place of groups, M2M applications, client grants).

Sources (checked against Auth0's Management API v2 reference and its SDKs):
- Roles: POST /api/v2/roles with name and description; GET /api/v2/roles?name_filter=... first. Auth0 has no
  groups in the core tenant, so roles stand in for them.
- Clients: POST /api/v2/clients with name, app_type non_interactive (a machine-to-machine application),
  grant_types client_credentials, token_endpoint_auth_method (client_secret_post) or
  client_authentication_methods.private_key_jwt.credentials for a public key (regular_web for a sign-in app,
  with callbacks).
- Client grants: POST /api/v2/client-grants with client_id, audience (the API identifier) and scope (a list);
  GET /api/v2/client-grants?client_id=... lists them (auth0.com/docs/api/management/v2/client-grants).
"""

from __future__ import annotations

from wizard.idps import profile_for
from wizard.model import CredentialKind, Permission, ServicePrincipal, Workspace
from wizard.providers.idp_plan import (
    ApiCall,
    IdpPlan,
    PlanStep,
    address,
    foreign_permissions_step,
    selected,
    sign_in_only,
)
from wizard.vocabulary import IdP

PLACEHOLDER = "https://{tenant}.auth0.com"


def _is_api(p: Permission) -> bool:
    """A permission on an Auth0 API: its resource is the API identifier (https://... or urn:...)."""
    return p.resource.startswith(("https://", "urn:"))


def _api_scopes(sp: ServicePrincipal) -> dict[str, list[str]]:
    """Scopes by audience: permissions whose resource is an API identifier (https://... or urn:...)."""
    out: dict[str, list[str]] = {}
    for p in sp.permissions:
        if _is_api(p):
            out.setdefault(p.resource, []).append(p.name)
    return out


def build_plan(ws: Workspace, client: str | None = None) -> IdpPlan:
    """Roles for the groups, then one machine-to-machine application per workload identity with its grants."""
    profile = profile_for(IdP.AUTH0.value)
    base, note = address(ws, PLACEHOLDER, "Auth0 tenant address")
    plan = IdpPlan(IdP.AUTH0.value, profile.name, profile.workload.api, base, note)
    plan.notes.append("Auth0 has no groups: each group of the inventory becomes a role.")
    groups, sps = selected(ws, client)
    for g in groups:
        plan.steps.append(
            PlanStep(
                f"role:{g.name}",
                "group",
                g.name,
                f"role {g.name}",
                (
                    ApiCall("GET", f"/api/v2/roles?name_filter={g.name}"),
                    ApiCall("POST", "/api/v2/roles", f"name {g.name}, description"),
                ),
            )
        )
    for sp in sps:
        plan.steps.extend(_client_steps(sp, base))
    return plan


def _client_steps(sp: ServicePrincipal, base: str) -> list[PlanStep]:
    name = sp.name
    find = ApiCall("GET", "/api/v2/clients?fields=client_id,name")
    if sign_in_only(sp):
        return [
            PlanStep(
                f"client:{name}",
                "sign-in-app",
                name,
                f"regular web application {name} for people to sign in; roles reach it in the token "
                "through an Action",
                (
                    find,
                    ApiCall(
                        "POST",
                        "/api/v2/clients",
                        f"name {name}, app_type regular_web, grant_types authorization_code, callbacks",
                    ),
                ),
            )
        ]
    if sp.credential_kind == CredentialKind.SECRET:
        auth = "token_endpoint_auth_method client_secret_post (Auth0 generates the secret)"
    else:
        auth = "client_authentication_methods private_key_jwt with the public key (credentials)"
    steps = [
        PlanStep(
            f"client:{name}",
            "workload",
            name,
            f"machine-to-machine application {name}",
            (
                find,
                ApiCall(
                    "POST",
                    "/api/v2/clients",
                    f"name {name}, app_type non_interactive, grant_types client_credentials, {auth}",
                ),
            ),
        )
    ]
    for audience, scopes in _api_scopes(sp).items():
        steps.append(
            PlanStep(
                f"client-grant:{name}/{audience}",
                "grant",
                name,
                f"client grant for {name} to {audience}: {', '.join(scopes)}",
                (
                    ApiCall("GET", "/api/v2/client-grants?client_id={clientId}"),
                    ApiCall(
                        "POST",
                        "/api/v2/client-grants",
                        f"client_id {{clientId}}, audience {audience}, scope [{', '.join(scopes)}]",
                    ),
                ),
                link=f"Auth0 Dashboard > Applications > APIs > {audience} > Machine to Machine Applications",
            )
        )
    foreign = foreign_permissions_step(
        sp,
        _is_api,
        "Auth0",
        f"authorise {name} for the API it calls with a client grant (POST /api/v2/client-grants, audience = "
        "that API's identifier)",
    )
    if foreign:
        steps.append(foreign)
    if sp.federated_credentials:
        steps.append(
            PlanStep(
                f"federation:{name}",
                "manual",
                name,
                f"{name} is federated elsewhere; an Auth0 application takes no federated credential: register "
                "a public key (private_key_jwt) and keep the private key in the pipeline's secret store",
                manual=True,
            )
        )
    return steps
