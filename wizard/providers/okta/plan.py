"""Okta: the dry run in the Okta management API (groups, API service apps, Okta API scope grants).

Sources (checked against Okta's documentation and SDKs):
- Groups API: POST /api/v1/groups with a `profile` (name, description); GET /api/v1/groups?search=... first.
- Applications API: POST /api/v1/apps creates an OAuth 2.0 client app (name `oidc_client`, signOnMode
  OPENID_CONNECT); a service app has `application_type` service, grant type client_credentials, and
  `token_endpoint_auth_method` private_key_jwt with the public keys in a JWKS (developer.okta.com, "Implement
  OAuth for Okta with a service app" and "Use the Client Credentials grant flow").
- Application grants: POST /api/v1/apps/{appId}/grants with `scopeId` (e.g. okta.groups.read) and `issuer`
  (the org address); GET /api/v1/apps/{appId}/grants lists them (okta-sdk ApplicationGrantsAPI).
- Group assignment to an app: PUT /api/v1/apps/{appId}/groups/{groupId}.
- Admin roles for a service app are assigned in the Admin Console (Security > Administrators), a manual step.
private_key_jwt is the only client authentication Okta accepts for tokens with Okta API scopes.
"""

from __future__ import annotations

from wizard.idps import profile_for
from wizard.model import ServicePrincipal, Workspace
from wizard.providers.idp_plan import (
    ApiCall,
    IdpPlan,
    PlanStep,
    address,
    foreign_permissions_step,
    own_scopes,
    selected,
    sign_in_only,
)
from wizard.vocabulary import IdP

PLACEHOLDER = "https://{yourOktaDomain}"


def build_plan(ws: Workspace, client: str | None = None) -> IdpPlan:
    """Okta groups, then one API service app per workload identity with its scope grants."""
    profile = profile_for(IdP.OKTA.value)
    base, note = address(ws, PLACEHOLDER, "Okta org address")
    plan = IdpPlan(IdP.OKTA.value, profile.name, profile.workload.api, base, note)
    groups, sps = selected(ws, client)
    for g in groups:
        plan.steps.append(
            PlanStep(
                f"group:{g.name}",
                "group",
                g.name,
                f"Okta group {g.name}",
                (
                    ApiCall("GET", f'/api/v1/groups?search=profile.name eq "{g.name}"'),
                    ApiCall("POST", "/api/v1/groups", f"profile: name {g.name}, description"),
                ),
            )
        )
    for sp in sps:
        plan.steps.extend(_app_steps(sp, base))
    return plan


def _app_steps(sp: ServicePrincipal, base: str) -> list[PlanStep]:
    name = sp.name
    find = ApiCall("GET", f"/api/v1/apps?q={name}")
    if sign_in_only(sp):
        steps = [
            PlanStep(
                f"app:{name}",
                "sign-in-app",
                name,
                f"OIDC web app {name} for people to sign in ({len(sp.redirect_uris)} redirect address(es))",
                (
                    find,
                    ApiCall(
                        "POST",
                        "/api/v1/apps",
                        f"name oidc_client, label {name}, signOnMode OPENID_CONNECT, application_type web, "
                        "grant_types authorization_code, redirect_uris",
                    ),
                ),
            )
        ]
        for role in sp.app_roles:
            for group in role.groups:
                steps.append(
                    PlanStep(
                        f"assign:{name}/{group}",
                        "binding",
                        name,
                        f"assign Okta group {group} to {name} (role {role.value} goes in a groups claim)",
                        (ApiCall("PUT", "/api/v1/apps/{appId}/groups/{groupId}", f"group {group}"),),
                    )
                )
        return steps
    steps = [
        PlanStep(
            f"app:{name}",
            "workload",
            name,
            f"API service app {name} (client credentials, private_key_jwt; the public key goes in its JWKS, "
            "the private key stays with the workload)",
            (
                find,
                ApiCall(
                    "POST",
                    "/api/v1/apps",
                    f"name oidc_client, label {name}, signOnMode OPENID_CONNECT, application_type service, "
                    "grant_types client_credentials, token_endpoint_auth_method private_key_jwt, jwks",
                ),
            ),
        )
    ]
    scopes = own_scopes(sp, "okta.")
    if scopes:
        steps.append(
            PlanStep(
                f"grant:{name}",
                "grant",
                name,
                f"grant Okta API scopes to {name}: {', '.join(scopes)}",
                (ApiCall("GET", "/api/v1/apps/{appId}/grants"),)
                + tuple(
                    ApiCall("POST", "/api/v1/apps/{appId}/grants", f"scopeId {s}, issuer {base}")
                    for s in scopes
                ),
                link=f"Okta Admin Console > Applications > Applications > {name} > Okta API Scopes",
            )
        )
        steps.append(
            PlanStep(
                f"admin-role:{name}",
                "manual",
                name,
                f"give {name} the smallest admin role its scopes need (Admin Console > Security > "
                "Administrators > Add administrator, or the app's Admin roles tab); Okta checks both",
                manual=True,
            )
        )
    foreign = foreign_permissions_step(
        sp,
        lambda p: p.name.startswith("okta."),
        "Okta",
        "grant the Okta API scopes it needs (POST /api/v1/apps/{appId}/grants), or give the target service "
        "its own credential",
    )
    if foreign:
        steps.append(foreign)
    if sp.federated_credentials:
        steps.append(
            PlanStep(
                f"federation:{name}",
                "manual",
                name,
                f"{name} is federated elsewhere; an Okta service app takes no federated credential: keep its "
                "private key in the pipeline's secret store and sign the client assertion with it",
                manual=True,
            )
        )
    return steps
