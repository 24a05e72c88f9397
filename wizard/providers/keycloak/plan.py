"""Keycloak: the dry run in the Keycloak admin REST API (groups and confidential clients with a service account).

Sources (checked against the Keycloak Admin REST API reference and keycloak/terraform-provider-keycloak):
- Groups: POST /admin/realms/{realm}/groups with a GroupRepresentation (name); GET ...?search=... first.
- Clients: POST /admin/realms/{realm}/clients with a ClientRepresentation: clientId, publicClient false
  (confidential), serviceAccountsEnabled true, standardFlowEnabled false for a workload, and
  clientAuthenticatorType `client-jwt` (signed JWT, keys from a JWKS URL) or `client-secret`.
- The service-account user: GET /admin/realms/{realm}/clients/{id}/service-account-user; its roles:
  GET/POST /admin/realms/{realm}/users/{userId}/role-mappings/... ; group membership:
  PUT /admin/realms/{realm}/users/{userId}/groups/{groupId}.
The admin API lives beside the realm's address: https://HOST/realms/REALM -> https://HOST/admin/realms/REALM.
"""

from __future__ import annotations

from wizard.idps import profile_for
from wizard.model import CredentialKind, ServicePrincipal, Workspace
from wizard.providers.idp_plan import (
    ApiCall,
    IdpPlan,
    PlanStep,
    foreign_permissions_step,
    selected,
    sign_in_only,
)
from wizard.vocabulary import IdP

PLACEHOLDER = "https://{host}"


def admin_base(realm_address: str) -> tuple[str, str]:
    """(server address, admin path of the realm) from https://HOST[/PREFIX]/realms/REALM; ('', '') when the
    address is not of that form. The admin path is /[PREFIX/]admin/realms/REALM."""
    address = realm_address.strip().rstrip("/")
    head, sep, realm = address.rpartition("/realms/")
    if not sep or not realm or "/" in realm:
        return "", ""
    if "://" not in head:
        head = "https://" + head
    scheme, _, rest = head.partition("://")
    host, slash, prefix = rest.partition("/")
    return f"{scheme}://{host}", f"{slash}{prefix}/admin/realms/{realm}".replace("//", "/")


def build_plan(ws: Workspace, client: str | None = None) -> IdpPlan:
    """Realm groups, then a confidential client with its service account per workload identity."""
    profile = profile_for(IdP.KEYCLOAK.value)
    recorded = ws.consultancy.idp_address
    base, root = admin_base(recorded)
    note = ""
    if not base:
        note = (
            ("The realm address is not recorded (consultancy idp_address, https://HOST/realms/REALM)")
            if not recorded.strip()
            else f"The recorded address {recorded!r} is not a realm address (https://HOST/realms/REALM)"
        ) + f", so the paths below use {PLACEHOLDER} and realm {{realm}}: record it with `idspine edit`."
        base, root = PLACEHOLDER, "/admin/realms/{realm}"
    plan = IdpPlan(IdP.KEYCLOAK.value, profile.name, profile.workload.api, base, note)
    groups, sps = selected(ws, client)
    for g in groups:
        plan.steps.append(
            PlanStep(
                f"group:{g.name}",
                "group",
                g.name,
                f"group {g.name} in the realm",
                (
                    ApiCall("GET", f"{root}/groups?search={g.name}&exact=true"),
                    ApiCall("POST", f"{root}/groups", f"name {g.name}"),
                ),
            )
        )
    for sp in sps:
        plan.steps.extend(_client_steps(sp, root))
    return plan


def _client_steps(sp: ServicePrincipal, root: str) -> list[PlanStep]:
    name = sp.name
    find = ApiCall("GET", f"{root}/clients?clientId={name}")
    if sign_in_only(sp):
        steps = [
            PlanStep(
                f"client:{name}",
                "sign-in-app",
                name,
                f"OpenID Connect client {name} for people to sign in (standard flow, "
                f"{len(sp.redirect_uris)} redirect address(es))",
                (
                    find,
                    ApiCall(
                        "POST",
                        f"{root}/clients",
                        f"clientId {name}, protocol openid-connect, publicClient false, standardFlowEnabled "
                        "true, redirectUris",
                    ),
                ),
            )
        ]
        for role in sp.app_roles:
            steps.append(
                PlanStep(
                    f"client-role:{name}/{role.value}",
                    "binding",
                    name,
                    f"client role {role.value} of {name}, mapped to group(s) {', '.join(role.groups) or '(none)'}",
                    (ApiCall("POST", f"{root}/clients/{{id}}/roles", f"name {role.value}"),)
                    + tuple(
                        ApiCall(
                            "POST",
                            f"{root}/groups/{{groupId}}/role-mappings/clients/{{id}}",
                            f"role {role.value} -> {g}",
                        )
                        for g in role.groups
                    ),
                )
            )
        return steps
    secret = sp.credential_kind == CredentialKind.SECRET
    authenticator = "client-secret" if secret else "client-jwt"
    steps = [
        PlanStep(
            f"client:{name}",
            "workload",
            name,
            f"confidential client {name} with a service account (client credentials, {authenticator})",
            (
                find,
                ApiCall(
                    "POST",
                    f"{root}/clients",
                    f"clientId {name}, publicClient false, serviceAccountsEnabled true, standardFlowEnabled "
                    f"false, clientAuthenticatorType {authenticator}",
                ),
            ),
        ),
        PlanStep(
            f"service-account:{name}",
            "binding",
            name,
            f"look up the service-account user of {name} and check its role mappings",
            (
                ApiCall("GET", f"{root}/clients/{{id}}/service-account-user"),
                ApiCall("GET", f"{root}/users/{{userId}}/role-mappings"),
            ),
            link=f"Keycloak admin console > the realm > Clients > {name} > Service accounts roles",
        ),
    ]
    if secret:
        steps.append(
            PlanStep(
                f"client-secret:{name}",
                "credential",
                name,
                f"read the generated secret of {name} once and hand it to the secret store",
                (ApiCall("GET", f"{root}/clients/{{id}}/client-secret"),),
            )
        )
    foreign = foreign_permissions_step(
        sp,
        lambda p: False,
        "Keycloak",
        "map the realm or client roles it needs to its service-account user "
        "(POST /users/{userId}/role-mappings/clients/{clientId})",
    )
    if foreign:
        steps.append(foreign)
    if sp.federated_credentials:
        steps.append(
            PlanStep(
                f"federation:{name}",
                "manual",
                name,
                f"{name} is federated elsewhere: with client-jwt, point the client's JWKS URL at the key the "
                "workload signs with, or keep a client secret in the pipeline's secret store",
                manual=True,
            )
        )
    return steps
