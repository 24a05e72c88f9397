"""Audit rules on what identities may do: takeover permissions, loose federation, privileged keys where many can read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from wizard.audit import Finding, Severity
from wizard.audit.rules.scope import credential_subject, live
from wizard.model import (
    CredentialKind,
    SupabaseKey,
    Workspace,
)

# Graph application permissions with a known path to Global Administrator. The first five are the ones the
# dangerous-graph-permissions explainer walks through; the rest complete the tier-0 table of Maester's MT.1050
# (https://maester.dev/docs/next/tests/MT.1050, from Emilien Socchi's tiering of Graph application permissions).
# Compared case-insensitively.
TAKEOVER_PERMISSIONS = frozenset(
    {
        "RoleManagement.ReadWrite.Directory",
        "AppRoleAssignment.ReadWrite.All",
        "Application.ReadWrite.All",
        "Application.ReadWrite.OwnedBy",
        "Directory.ReadWrite.All",
    }
)
TIER0_PERMISSIONS = TAKEOVER_PERMISSIONS | frozenset(
    {
        "AdministrativeUnit.ReadWrite.All",
        "DeviceManagementConfiguration.ReadWrite.All",
        "DeviceManagementRBAC.ReadWrite.All",
        "Domain.ReadWrite.All",
        "EntitlementManagement.ReadWrite.All",
        "Group.ReadWrite.All",
        "GroupMember.ReadWrite.All",
        "Organization.ReadWrite.All",
        "Policy.ReadWrite.AuthenticationMethod",
        "Policy.ReadWrite.ConditionalAccess",
        "Policy.ReadWrite.PermissionGrant",
        "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
        "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
        "RoleAssignmentSchedule.ReadWrite.Directory",
        "RoleEligibilitySchedule.ReadWrite.Directory",
        "RoleManagementPolicy.ReadWrite.AzureADGroup",
        "RoleManagementPolicy.ReadWrite.Directory",
        "User.DeleteRestore.All",
        "User.EnableDisableAccount.All",
        "User.ReadWrite.All",
        "User-PasswordProfile.ReadWrite.All",
        "UserAuthenticationMethod.ReadWrite.All",
    }
)
# Callers whose configuration is readable by every workflow editor: a privileged key there is exposed.
SHARED_CALLERS = ("n8n:", "web:", "browser:", "airtable:", "zapier:", "make:")


def federation_subjects(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Federated credentials that trust too much."""
    for sp in live(ws.service_principals):
        for fc in sp.federated_credentials:
            subject = f"service-principal:{sp.name}"
            if not fc.subject:
                yield Finding(
                    "federation-subject",
                    Severity.ERROR,
                    subject,
                    f"Federated credential {fc.name} has no subject, so it names no workload.",
                    "Set the exact subject, e.g. repo:ORG/REPO:environment:prod.",
                    "workload-identity-federation",
                )
            elif "*" in fc.subject:
                yield Finding(
                    "federation-subject",
                    Severity.ERROR,
                    subject,
                    f"Federated credential {fc.name} uses a wildcard subject ({fc.subject}): any "
                    "branch or pull request matching it gets the identity.",
                    "Pin the subject to one branch or, better, one protected environment.",
                    "workload-identity-federation",
                )
            if not fc.issuer.startswith("https://"):
                yield Finding(
                    "federation-issuer",
                    Severity.ERROR,
                    subject,
                    f"Federated credential {fc.name} trusts a non-https issuer.",
                    "Use the issuer's https address exactly as it appears in its tokens.",
                    "workload-identity-federation",
                )
        if sp.credential_kind == CredentialKind.FEDERATED and not sp.federated_credentials:
            yield Finding(
                "federation-missing",
                Severity.WARNING,
                f"service-principal:{sp.name}",
                f"{sp.name} is meant to use federation but has no federated credential.",
                "Add the federated credential for the workload that signs in.",
                "workload-identity-federation",
            )


def privileged_in_workflows(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Keys that bypass authorisation, placed where many people or a browser can read them."""
    for c in live(ws.credentials):
        if not c.privileged:
            continue
        exposed = [u for u in c.used_by if u.startswith(SHARED_CALLERS)]
        if exposed:
            supabase = c.service == "supabase"
            fix = (
                "Give the workflow a narrower identity (a database role, a scoped key, an edge "
                "function) and keep the privileged key in server-side code only."
            )
            if c.key_kind == SupabaseKey.SERVICE_ROLE:  # a legacy JWT key cannot be revoked on its own
                fix = (
                    "Give the workflow a Postgres role limited to its tables (n8n's Postgres credential). The "
                    "legacy service_role key cannot be revoked on its own: move servers to their own secret "
                    "keys (sb_secret_...), then deactivate the legacy keys."
                )
            yield Finding(
                "privileged-in-workflow",
                Severity.ERROR,
                credential_subject(c),
                f"{c.label or c.id} bypasses authorisation and is used by {', '.join(exposed)}.",
                fix,
                "supabase-keys" if supabase else "least-privilege",
            )


def takeover_permissions(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Application permissions that let a workload identity reach Global Administrator. Mirrors Maester MT.1050
    (apps with tier-0 Graph permissions), whose table TIER0_PERMISSIONS follows."""
    wanted = {p.lower(): p for p in TIER0_PERMISSIONS}
    for sp in live(ws.service_principals):
        risky = sorted(
            {
                wanted[p.name.lower()]
                for p in sp.permissions
                if p.type == "application" and p.name.lower() in wanted
            }
        )
        if risky:
            yield Finding(
                "takeover-permission",
                Severity.ERROR,
                f"service-principal:{sp.name}",
                f"{sp.name} has application permission {', '.join(risky)}, which has a known path to Global "
                "Administrator: whoever holds the app's credential can take over the tenant.",
                "Remove the permission and grant the narrowest one the job needs (e.g. Sites.Selected, "
                "Group.Read.All); if an admin task really needs it, run it as a person through PIM.",
                "dangerous-graph-permissions",
            )
