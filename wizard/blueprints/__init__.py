"""Identity blueprints the consultant builds for clients, turned into groups, app registrations, app roles,
group-to-role mappings, federated credentials and checklist items in the workspace (idempotently).

Drawn from real rollouts: an internal app with JIT provisioning and scope-based permissions; a data API
trusting several OIDC issuers; a platform with three identity planes; a staff tenant under Terraform.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wizard.model import (
    AppRole,
    ChecklistItem,
    CredentialKind,
    FederatedCredential,
    Group,
    ServicePrincipal,
    Workspace,
)
from wizard.naming import group_name, service_principal_name

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


@dataclass(frozen=True)
class RoleGroup:
    """A group the blueprint creates and the app roles (scopes) its members get."""

    role: str
    scopes: tuple[str, ...]
    admin: bool = False


@dataclass(frozen=True)
class AppSpec:
    """An app registration the blueprint creates."""

    tool: str
    purpose: str
    kind: CredentialKind
    roles: tuple[str, ...] = ()  # app role values
    role_allowed: str = "user"
    redirect_path: str = ""  # e.g. /auth/callback for a PKCE web app
    federated: tuple[str, ...] = ()  # subject templates with {repo}


@dataclass(frozen=True)
class Blueprint:
    """A reusable identity design."""

    id: str
    title: str
    summary: str
    explainers: tuple[str, ...]
    groups: tuple[RoleGroup, ...]
    apps: tuple[AppSpec, ...]
    checklist: tuple[str, ...]
    params: tuple[str, ...] = field(default=())


BLUEPRINTS: dict[str, Blueprint] = {b.id: b for b in (
    Blueprint(
        "internal-app-jit", "Internal app: Entra sign-in, JIT users, scope-based permissions",
        "Staff sign in with Entra; the app creates their account at first sign-in and maps groups to scopes "
        "(resource:workflow:action → resource:action → *); a break-glass admin holds *.",
        ("jit-provisioning", "scope-based-authorization", "app-roles", "break-glass"),
        (RoleGroup("App-Viewer", ("reports:read",)), RoleGroup("App-Operator", ("workflows:run", "reports:read")),
         RoleGroup("App-Admin", ("*",), admin=True)),
        (AppSpec("app", "portal", CredentialKind.NONE, ("reports:read", "workflows:run", "*"),
                 redirect_path="/auth/callback"),),
        ("Create users just in time from the ID token (key on the oid claim, not the email); overwrite roles "
         "from the token at every sign-in",
         "Keep one break-glass admin (member of the App-Admin group) excluded from Conditional Access",
         "Log the scope that allowed each action (the matched grant) for audits"),
    ),
    Blueprint(
        "data-api-oidc", "Data API trusting OIDC tokens from several issuers",
        "A data API that accepts access tokens from a list of issuers and audiences: people through the "
        "authorization code flow with PKCE, services through client credentials; API keys only while migrating.",
        ("pkce", "client-credentials-flow", "tokens", "scopes"),
        (RoleGroup("Data-Reader", ("data.read",)), RoleGroup("Data-Writer", ("data.read", "data.write"))),
        (AppSpec("api", "data", CredentialKind.NONE, ("data.read", "data.write"), role_allowed="both",
                 redirect_path="/oauth/callback"),
         AppSpec("etl", "ingest", CredentialKind.SECRET)),
        ("Configure the API with the accepted issuers and audiences (one entry per tenant or IdP); reject "
         "tokens whose iss/aud pair is not listed",
         "Give the ingest service the application role data.write on the API (admin consent)",
         "List every remaining API key with an owner and an end date; migrate each caller to client credentials"),
    ),
    Blueprint(
        "three-planes", "Platform with three identity planes",
        "Customers' staff federate from their own tenants, your operators sign in through your IdP with PIM, "
        "end users use magic links; all three land in one session shape {plane, tenant, subject, roles}.",
        ("identity-planes", "b2b-and-multi-tenant", "magic-links", "pim"),
        (RoleGroup("Platform-Customer-Admin", ("tenant:admin",)), RoleGroup("Platform-Operator", ("ops:read",)),
         RoleGroup("Platform-Ops-Admin", ("*",), admin=True)),
        (AppSpec("platform", "signin", CredentialKind.NONE, ("tenant:admin", "ops:read", "*"),
                 redirect_path="/auth/callback"),),
        ("Register one IdP connection per customer tenant (issuer + audience), never a shared one",
         "Operators reach customer data only through time-limited, logged support access",
         "End users: magic links or one-time codes through the customer-identity service; no staff roles",
         "Normalise every sign-in to the same session shape: plane, tenant, subject, roles"),
    ),
    Blueprint(
        "staff-tenant-terraform", "Staff tenant under Terraform with GitHub Actions federation",
        "App registrations, app roles and group-to-role assignments managed as code; GitHub Actions deploys "
        "with federated credentials pinned per environment and branch, never wildcards.",
        ("workload-identity-federation", "app-roles", "naming-policy", "least-privilege"),
        (RoleGroup("Staff-Engineer", ("deploy:staging",)), RoleGroup("Staff-Release-Manager", ("deploy:prod",)),
         RoleGroup("Staff-Tenant-Admin", ("*",), admin=True)),
        (AppSpec("github", "deploy", CredentialKind.FEDERATED, ("deploy:staging", "deploy:prod"),
                 role_allowed="user",
                 federated=("repo:{repo}:environment:staging", "repo:{repo}:environment:production",
                            "repo:{repo}:ref:refs/heads/main")),),
        ("Keep the Terraform state in a private, access-controlled backend; it records object ids",
         "Protect the production environment in GitHub (required reviewers) so its subject means something",
         "Export with `idspine export terraform --client <slug>` and review the plan before applying"),
        params=("repo",),
    ),
)}


def apply_blueprint(ws: Workspace, blueprint_id: str, client: str, params: dict[str, str] | None = None) -> Workspace:
    """A copy of the workspace with the blueprint's objects for `client` (existing names are left alone)."""
    bp = BLUEPRINTS[blueprint_id]
    params = params or {}
    missing = [p for p in bp.params if not params.get(p)]
    if missing:
        raise ValueError(f"{bp.id} needs: {', '.join(missing)}")
    if ws.client(client) is None:
        raise KeyError(client)
    out = ws.model_copy(deep=True)
    conv = out.consultancy.naming
    names: dict[str, str] = {}
    have_groups = {g.name for g in out.groups}
    for rg in bp.groups:
        name = group_name(conv, rg.role, client, admin=rg.admin)
        names[rg.role] = name
        if name not in have_groups:
            out.groups.append(Group(name=name, client=client, role=rg.role, admin=rg.admin,
                                    description=f"{bp.title}: {', '.join(rg.scopes)}"))
    have_sps = {s.name for s in out.service_principals}
    client_obj = out.client(client)
    domain = f"https://{client}.example" if client_obj is None else f"https://app.{client}.example"
    for app in bp.apps:
        name = service_principal_name(conv, app.tool, app.purpose, client)
        if name in have_sps:
            continue
        roles = [AppRole(value=v, display_name=v, allowed=app.role_allowed,
                         groups=[names[rg.role] for rg in bp.groups if v in rg.scopes])
                 for v in app.roles]
        fcs = [FederatedCredential(name=f"{app.purpose}-{i + 1}", issuer=GITHUB_ISSUER,
                                   subject=tpl.format(repo=params.get("repo", "")), description=tpl.split(":")[-2])
               for i, tpl in enumerate(app.federated)]
        out.service_principals.append(ServicePrincipal(
            name=name, client=client, tool=app.tool, purpose=app.purpose, credential_kind=app.kind, app_roles=roles,
            redirect_uris=[domain + app.redirect_path] if app.redirect_path else [], federated_credentials=fcs,
            owner=params.get("owner", "")))
    have_items = {i.id for i in out.checklist}
    for n, text in enumerate(bp.checklist, 1):
        item_id = f"{client}:blueprint:{bp.id}:{n}"
        if item_id not in have_items:
            out.checklist.append(ChecklistItem(id=item_id, client=client, text=text))
    return out
