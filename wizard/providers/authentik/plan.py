"""authentik: the dry run in the authentik API v3 (groups, OAuth2 provider + application, service account).

Sources (checked against the authentik API schema as published in its generated clients, authentik-client):
- Groups: POST /api/v3/core/groups/ with name (GET /api/v3/core/groups/?name=... first); members:
  POST /api/v3/core/groups/{group_uuid}/add_user/ with pk.
- OAuth2 provider: POST /api/v3/providers/oauth2/ (OAuth2ProviderRequest: name, authorization_flow and
  invalidation_flow (required flow ids), client_type confidential, redirect_uris, jwt_federation_sources).
- Application: POST /api/v3/core/applications/ with name, slug and provider (the provider's pk).
- Service account: POST /api/v3/core/users/service_account/ (UserServiceAccountRequest: name, create_group,
  expiring, expires); the response holds the username and an app password token, which is the credential
  the workload presents with client_credentials (username + app password).
"""

from __future__ import annotations

import re

from wizard.idps import profile_for
from wizard.model import ServicePrincipal, Workspace
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

PLACEHOLDER = "https://{authentik-host}"


def slug(name: str) -> str:
    """An application slug from a name: lowercase letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-") or "app"


def build_plan(ws: Workspace, client: str | None = None) -> IdpPlan:
    """Groups, then per workload identity an OAuth2 provider, its application and a service account."""
    profile = profile_for(IdP.AUTHENTIK.value)
    base, note = address(ws, PLACEHOLDER, "authentik address")
    plan = IdpPlan(IdP.AUTHENTIK.value, profile.name, profile.workload.api, base, note)
    groups, sps = selected(ws, client)
    if sps:
        plan.steps.append(
            PlanStep(
                "flows",
                "manual",
                "",
                "pick the authorization and invalidation flows the providers use (Flows and Stages > Flows; "
                "the defaults are default-provider-authorization-implicit-consent and "
                "default-provider-invalidation-flow) and note their ids",
                manual=True,
            )
        )
    for g in groups:
        plan.steps.append(
            PlanStep(
                f"group:{g.name}",
                "group",
                g.name,
                f"group {g.name}",
                (
                    ApiCall("GET", f"/api/v3/core/groups/?name={g.name}"),
                    ApiCall("POST", "/api/v3/core/groups/", f"name {g.name}, is_superuser false"),
                ),
            )
        )
    for sp in sps:
        plan.steps.extend(_app_steps(sp, base))
    return plan


def _app_steps(sp: ServicePrincipal, base: str) -> list[PlanStep]:
    name = sp.name
    app_slug = slug(name)
    people = sign_in_only(sp)
    provider = ApiCall(
        "POST",
        "/api/v3/providers/oauth2/",
        f"name {name}, client_type confidential, authorization_flow {{flow}}, invalidation_flow {{flow}}"
        + (", redirect_uris" if people else ""),
    )
    application = ApiCall(
        "POST", "/api/v3/core/applications/", f"name {name}, slug {app_slug}, provider {{providerPk}}"
    )
    steps = [
        PlanStep(
            f"provider:{name}",
            "sign-in-app" if people else "workload",
            name,
            f"OAuth2/OpenID provider and application {app_slug}"
            + (" for people to sign in" if people else " for the workload"),
            (ApiCall("GET", f"/api/v3/core/applications/?slug={app_slug}"), provider, application),
        )
    ]
    if people:
        for role in sp.app_roles:
            for group in role.groups:
                steps.append(
                    PlanStep(
                        f"binding:{name}/{group}",
                        "binding",
                        name,
                        f"let group {group} use {app_slug} (role {role.value})",
                        (
                            ApiCall(
                                "POST",
                                "/api/v3/policies/bindings/",
                                f"target {{applicationPk}}, group {{groupPk of {group}}}, order 0",
                            ),
                        ),
                    )
                )
        return steps
    steps.append(
        PlanStep(
            f"service-account:{name}",
            "credential",
            name,
            f"service account {name}; its app password (shown once) goes to the secret store",
            (
                ApiCall("GET", f"/api/v3/core/users/?username={name}"),
                ApiCall(
                    "POST",
                    "/api/v3/core/users/service_account/",
                    f"name {name}, create_group false, expiring true",
                ),
            ),
            link="authentik admin interface > Directory > Tokens and App passwords",
        )
    )
    foreign = foreign_permissions_step(
        sp,
        lambda p: False,
        "authentik",
        "add the service account to the group(s) the target checks, or give the target its own credential",
    )
    if foreign:
        steps.append(foreign)
    if sp.federated_credentials:
        steps.append(
            PlanStep(
                f"federation:{name}",
                "manual",
                name,
                f"{name} is federated elsewhere: authentik can accept the pipeline's JWT through an OAuth "
                "source listed in the provider's jwt_federation_sources; set that source up by hand",
                manual=True,
            )
        )
    return steps
