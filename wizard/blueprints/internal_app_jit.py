"""Blueprint (a): an internal app with Entra sign-in, users created just in time, scope-based permissions.

Drawn from a rollout that replaced hard-coded users with database users created at first Entra sign-in and
permissions expressed as scopes (`resource:workflow:action`, falling back to `resource:action`, then `*`).
Improved here: Entra groups are mapped to app roles (the token's `roles` claim, which survives group
overage and renames), the app maps roles to scopes, users are keyed on oid + tid rather than e-mail, and
the emergency admin is a sealed, alerted account rather than a plain-text password in the environment.
"""

from __future__ import annotations

from wizard.blueprints.model import AppSpec, Blueprint, Param, Params, RoleGroup
from wizard.model import CredentialKind

VIEWER = ("workflows:read", "results:read", "presentations:read")
EDITOR = (*VIEWER, "workflows:execute", "templates:read", "templates:write", "presentations:generate")


def _workflow_groups(params: Params) -> list[RoleGroup]:
    """One team group per named workflow, with scopes limited to that workflow."""
    out = []
    for wf in Param("workflows", "").items(params.get("workflows", "")):
        out.append(
            RoleGroup(
                f"App-{wf}-Team",
                f"Workflow.{wf}",
                (
                    f"workflows:{wf}:read",
                    f"workflows:{wf}:execute",
                    f"templates:{wf}:read",
                    f"templates:{wf}:write",
                    "results:read",
                ),
                description=f"Team for workflow {wf}: may run it and edit its templates, nothing else",
            )
        )
    return out


def _redirects(params: Params) -> list[str]:
    return [params["app_url"].rstrip("/") + "/auth/callback"]


def _checklist(params: Params) -> list[str]:
    return [
        "JIT provisioning: at each Entra sign-in, find the user by the token's oid and tid claims (never by "
        "e-mail, which can be reassigned); create the user on first sign-in",
        "Recompute the user's scopes from the token's roles claim at every sign-in; a manual override is "
        "recorded with who, why and an end date, and shown in the user list",
        "Scope check in the app: resource:workflow:action, then resource:action, then *; log the grant that "
        "matched for every allowed action (idspine's scope resolver shows the rule)",
        "Deactivate a user when sign-in fails with a disabled account or the user leaves the groups; "
        "review inactive users monthly",
        "Set 'Assignment required' on the enterprise application so only assigned groups can sign in",
        "Break-glass: one app-local emergency admin for when Entra is unreachable; only its password hash is "
        "stored, the password lives sealed in the secret store, every use raises an alert, test it quarterly",
        "Put the tenant's own break-glass accounts (cloud-only, excluded from Conditional Access) in the "
        "Break-Glass group only, never in daily use",
    ]


BLUEPRINT = Blueprint(
    id="internal-app-jit",
    title="Internal app: Entra sign-in, JIT users, scope-based permissions",
    summary="Staff sign in with Entra; the app creates their account at first sign-in, maps their app roles "
    "(assigned through groups) to scopes such as templates:esg2:write, and checks each action with the "
    "fallback resource:workflow:action → resource:action → *. A break-glass admin holds *.",
    explainers=("jit-provisioning", "scope-based-authorization", "app-roles", "break-glass", "sso"),
    groups=(
        RoleGroup("App-Viewer", "Viewer", VIEWER, description="Read workflows, results and presentations"),
        RoleGroup("App-Editor", "Editor", EDITOR, description="Run workflows and edit templates"),
        RoleGroup("App", "Admin", ("*",), admin=True, description="Full access to the app (scope *)"),
        RoleGroup(
            "Break-Glass",
            "Admin",
            ("*",),
            admin=True,
            description="Emergency accounts only; membership alerts on use",
        ),
    ),
    apps=(
        AppSpec(
            "app",
            "signin",
            CredentialKind.SECRET,
            "web app: authorization code flow with PKCE; secret in the secret store (a certificate or a "
            "managed-identity federated credential is better where the host allows)",
            carries_group_roles=True,
            redirects=_redirects,
        ),
    ),
    checklist=_checklist,
    params=(
        Param(
            "app_url",
            "the app's https base address",
            "https://app.{client}.example",
            pattern=r"^https://\S+$",
        ),
        Param(
            "workflows",
            "workflows that get their own team group, comma-separated (e.g. esg2)",
            pattern=r"^[a-z][a-z0-9]{0,19}$",
        ),
    ),
    extra_groups=_workflow_groups,
)
