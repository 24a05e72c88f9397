"""Shared data for the explainer tests: the required ids, the first half of issue 5's set and issue 19's additions."""

from __future__ import annotations

from pathlib import Path

EXPLAINER_DIR = Path(__file__).resolve().parents[3] / "explainers"

ISSUE_5_IDS = frozenset(
    {
        "identity-provider",
        "authn-vs-authz",
        "sso",
        "saml-oidc-oauth",
        "tokens",
        "scopes",
        "consent-screens",
        "pkce",
        "authorization-code-flow",
        "device-code-flow",
        "client-credentials-flow",
        "service-principals",
        "service-accounts-and-iam-roles",
        "managed-identity",
        "workload-identity-federation",
        "pat-vs-api-key-vs-oauth",
        "secret-stores",
        "rotation-and-revocation",
        "least-privilege",
        "group-types",
        "naming-policy",
        "administrative-units",
        "app-roles",
        "scope-based-authorization",
        "jit-provisioning",
        "scim",
        "conditional-access-mfa",
        "pim",
        "b2b-and-multi-tenant",
        "delegated-admin",
        "data-residency",
        "magic-links",
        "identity-planes",
        "break-glass",
        "audit-logs",
        "idp-comparison",
        "n8n-credentials-vs-sso",
        "supabase-keys",
        "credential-inventory",
        "consultant-hats",
    }
)

# Issue 19: the learning companion grows to at least 50 concepts.
ISSUE_19_IDS = (
    "app-management-policies",
    "dangerous-graph-permissions",
    "app-ownership",
    "identity-checks-in-ci",
    "eventual-consistency",
    "dual-phase-rotation",
    "discovery-and-drift",
    "break-glass-monitoring",
    "google-oauth-verification",
    "tenant-placement",
    "unused-credentials",  # issue 17/19: sign-in activity and the credential-unused rule
)

# Issue 16: how each IdP names and limits groups and workload identities, and where to revoke.
ISSUE_16_IDS = ("idp-objects",)

# Issue 17: signing in before any app of yours exists (Azure CLI, Graph Command Line Tools, idspine bootstrap),
# and verifying certificate credentials (private_key_jwt).
ISSUE_17_IDS = ("first-sign-in", "certificate-credentials")

REQUIRED_IDS = ISSUE_5_IDS | frozenset(ISSUE_19_IDS) | frozenset(ISSUE_16_IDS) | frozenset(ISSUE_17_IDS)

FIRST_HALF = (
    "identity-provider",
    "authn-vs-authz",
    "sso",
    "saml-oidc-oauth",
    "tokens",
    "scopes",
    "consent-screens",
    "pkce",
    "authorization-code-flow",
    "device-code-flow",
    "client-credentials-flow",
    "service-principals",
    "service-accounts-and-iam-roles",
    "managed-identity",
    "workload-identity-federation",
    "pat-vs-api-key-vs-oauth",
    "secret-stores",
    "rotation-and-revocation",
)
