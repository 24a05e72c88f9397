"""Blueprint (c): one platform, three identity planes — customer tenant, provider tenant, end users.

Drawn from a platform where the customer's own tenant owns the cloud resources (and may never use the app),
the provider's engineers run the platform through their own Entra tenant, and end users sign in with
e-mailed magic links after an admin approves them; all three land in one session shape. Improved here:
operators' admin rights are PIM-eligible instead of standing, magic links are one-time and short-lived,
and the session records which plane and tenant it came from so authorisation can tell them apart.
"""

from __future__ import annotations

from wizard.blueprints.model import AppSpec, Blueprint, Param, Params, RoleGroup
from wizard.model import CredentialKind

SESSION_SHAPE = ("plane", "tenant", "subject", "email", "roles", "groups")
END_USER_ROLES = ("viewer", "developer")


def _redirects(params: Params) -> list[str]:
    return [params["app_url"].rstrip("/") + "/auth/entra/callback"]


def _checklist(params: Params) -> list[str]:
    return [
        "Customer plane: the customer's IT creates the workload's managed identity and its Azure role "
        "assignments in their own subscription (their Terraform); nobody from that plane needs an app account",
        "Provider plane: operators sign in through your tenant with MFA; the Platform Manager role is "
        "PIM-eligible (activated for hours, with a reason), never a standing assignment",
        "Operators reach a customer's data only through logged, time-limited support access the customer "
        "can see",
        "End-user plane: self-registration creates a pending account; an admin approves it once; magic links "
        "are one-time, expire within 15 minutes and are bound to the requesting browser",
        f"End-user roles ({', '.join(END_USER_ROLES)}) and their groups live in the platform's own store; they "
        "never receive operator roles",
        "Every sign-in path produces the same session: "
        + ", ".join(SESSION_SHAPE)
        + "; authorisation reads the session, never the sign-in method, but may refuse a plane",
        f"Sign-in page at {params['app_url']}: Microsoft sign-in for operators, magic link for end users",
    ]


BLUEPRINT = Blueprint(
    id="three-planes",
    title="Platform with three identity planes",
    summary="The customer's tenant owns the infrastructure (managed identity, their Terraform), your tenant's "
    "operators run the platform with PIM-eligible admin rights, end users sign in with magic links; "
    "all three produce one session shape {plane, tenant, subject, email, roles, groups}.",
    explainers=("identity-planes", "b2b-and-multi-tenant", "magic-links", "pim", "managed-identity"),
    groups=(
        RoleGroup(
            "Platform-Operator",
            "Operator",
            ("ops:read", "users:approve"),
            description="Provider plane: monitor the platform and approve end users",
        ),
        RoleGroup(
            "Platform",
            "Manager",
            ("*",),
            admin=True,
            description="Provider plane: full platform admin (PIM-eligible membership)",
        ),
    ),
    apps=(
        AppSpec(
            "platform",
            "signin",
            CredentialKind.SECRET,
            "provider-plane sign-in for operators (single tenant); end users use magic links instead",
            carries_group_roles=True,
            redirects=_redirects,
        ),
        AppSpec(
            "platform",
            "workload",
            CredentialKind.MANAGED_IDENTITY,
            "customer plane: managed identity created in the customer's subscription by their IT; "
            "the platform's services run as it",
        ),
    ),
    checklist=_checklist,
    params=(
        Param(
            "app_url",
            "the platform's https base address",
            "https://app.{client}.example",
            pattern=r"^https://\S+$",
        ),
    ),
)
