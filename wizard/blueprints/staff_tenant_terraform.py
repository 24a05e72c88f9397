"""Blueprint (d): a staff tenant under Terraform — app registrations, app roles, groups → roles, and GitHub
Actions federated credentials pinned per environment and branch.

Drawn from a rollout that moved staff sign-in to an Entra tenant managed as code: a login app, an API
that carries the app roles (assignment required), a CI app with federated credentials only, groups mapped
to roles, and membership left to HR. Improved here: the subjects are generated from explicit environment
and branch lists and can never contain a wildcard.
"""

from __future__ import annotations

import re

from wizard.blueprints.model import AppSpec, Blueprint, Param, Params, RoleGroup
from wizard.keyless import GITHUB_ISSUER
from wizard.model import CredentialKind, FederatedCredential


def github_subjects(params: Params) -> list[FederatedCredential]:
    """One federated credential per environment and per branch of the repository; never a wildcard."""
    repo = params["repo"]
    out = []
    for env in Param("environments", "").items(params.get("environments", "")):
        out.append(
            FederatedCredential(
                name=f"env-{_slug(env)}",
                issuer=GITHUB_ISSUER,
                subject=f"repo:{repo}:environment:{env}",
                description=f"GitHub Actions, environment {env} of {repo}",
            )
        )
    for branch in Param("branches", "").items(params.get("branches", "")):
        out.append(
            FederatedCredential(
                name=f"branch-{_slug(branch)}",
                issuer=GITHUB_ISSUER,
                subject=f"repo:{repo}:ref:refs/heads/{branch}",
                description=f"GitHub Actions, branch {branch} of {repo}",
            )
        )
    seen: set[str] = set()
    for i, fc in enumerate(out):  # two branch names may slug alike ("a.b", "a-b"): keep names unique
        if fc.name in seen:
            out[i] = fc.model_copy(update={"name": f"{fc.name[:110]}-{i + 1}"})
        seen.add(out[i].name)
    return out


def _slug(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-")[:100] or "x"


def _redirects(params: Params) -> list[str]:
    return [params["app_url"].rstrip("/") + "/auth/callback"]


def _checklist(params: Params) -> list[str]:
    envs = ", ".join(Param("environments", "").items(params["environments"])) or "none"
    return [
        "Keep the Terraform state in a private, access-controlled backend: it holds object ids and, for "
        "application passwords, the secret values",
        f"Protect the GitHub environments ({envs}) with required reviewers so an environment subject means a "
        "reviewed deployment",
        "Set app_role_assignment_required = true on the API's and the CI app's service principals",
        "Terraform decides which groups exist and which roles they confer; HR and security decide who is in "
        "them (not in Terraform)",
        "Conditional Access stays outside Terraform: record each policy's name and check it exists after apply",
        f"Export with `idspine export terraform --client {params['client']}`, review the plan, "
        "apply from CI using the federated credential (no client secret in the repository)",
    ]


BLUEPRINT = Blueprint(
    id="staff-tenant-terraform",
    title="Staff tenant under Terraform with GitHub Actions federation",
    summary="A login app, an API carrying the app roles, and a CI app with federated credentials only; groups "
    "map to roles; GitHub Actions deploys with one federated credential per environment and branch, "
    "never a wildcard subject.",
    explainers=(
        "workload-identity-federation",
        "app-roles",
        "naming-policy",
        "least-privilege",
        "conditional-access-mfa",
    ),
    groups=(
        RoleGroup("Staff-Engineering", "Engineer", ("deploy:staging",), description="Engineers"),
        RoleGroup(
            "Staff-Operations", "Operator", ("deploy:production", "ops:read"), description="Operations"
        ),
        RoleGroup("Staff-Auditors", "Auditor", ("audit:read",), description="Read-only audit access"),
        RoleGroup("Staff-Finance", "Finance", ("billing:read",), description="Billing and costs"),
        RoleGroup("Staff", "Admin", ("*",), admin=True, description="Tenant platform admins"),
    ),
    apps=(
        AppSpec(
            "staff",
            "signin",
            CredentialKind.SECRET,
            "login app for staff (web, code flow)",
            redirects=_redirects,
        ),
        AppSpec(
            "staff",
            "api",
            CredentialKind.NONE,
            "resource server carrying the staff app roles",
            carries_group_roles=True,
        ),
        AppSpec(
            "github",
            "deploy",
            CredentialKind.FEDERATED,
            "CI identity: federated credentials only, one per environment and branch",
            federation=github_subjects,
        ),
    ),
    checklist=_checklist,
    params=(
        Param(
            "repo",
            "GitHub repository as owner/name",
            required=True,
            pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
        ),
        Param(
            "environments",
            "GitHub environments allowed to deploy, comma-separated",
            "staging,production",
            pattern=r"^[A-Za-z0-9_.-]{1,60}$",
        ),
        Param(
            "branches",
            "branches allowed to deploy, comma-separated",
            "main",
            pattern=r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$",
        ),
        Param(
            "app_url",
            "the staff portal's https base address",
            "https://manage.{client}.example",
            pattern=r"^https://\S+$",
        ),
    ),
)
