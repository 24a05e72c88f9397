"""Reviewer checks: key vendor facts in the explainers stay true, so an edit cannot silently break them.

Each fact was checked against the source listed in the explainer (the URL is repeated here). The check is a
phrase the explainer must contain, plus, where a plausible wrong value exists, a phrase it must not contain.
"""

from __future__ import annotations

import re

import pytest

from wizard import explainer_library as lib


def text_of(explainer_id: str) -> str:
    e = lib.get(explainer_id)
    return re.sub(r"\s+", " ", " ".join([e.summary, *e.sections.values()]))


FACTS = [
    # (explainer, must contain, must not contain, source)
    ("pkce", "S256", None, "https://datatracker.ietf.org/doc/html/rfc7636"),
    ("pkce", "43 to 128 characters", None, "https://datatracker.ietf.org/doc/html/rfc7636"),
    ("pkce", "SHA-256", None, "https://datatracker.ietf.org/doc/html/rfc7636"),
    ("pkce", "RFC 9700", None, "https://datatracker.ietf.org/doc/html/rfc9700"),
    (
        "client-credentials-flow",
        "No user account is involved",
        None,
        "https://datatracker.ietf.org/doc/html/rfc6749#section-4.4",
    ),
    (
        "client-credentials-flow",
        "no refresh token",
        None,
        "https://datatracker.ietf.org/doc/html/rfc6749#section-4.4",
    ),
    (
        "client-credentials-flow",
        "/.default",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow",
    ),
    (
        "client-credentials-flow",
        "admin center caps new secrets at 24 months",
        None,
        "https://devblogs.microsoft.com/microsoft365dev/client-secret-expiration-now-limited-to-a-maximum-of-two-years/",
    ),
    (
        "client-credentials-flow",
        "Graph and the Azure CLI can set longer",
        None,
        "https://learn.microsoft.com/en-us/graph/api/application-addpassword",
    ),
    (
        "consent-screens",
        "expires after 7 days",
        None,
        "https://developers.google.com/identity/protocols/oauth2",
    ),
    ("consent-screens", "at most 100", None, "https://support.google.com/cloud/answer/10311615"),
    ("consent-screens", "invalid_grant", None, "https://developers.google.com/identity/protocols/oauth2"),
    (
        "tokens",
        "between 60 and 90 minutes",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens",
    ),
    (
        "tokens",
        "90 days (24 hours for single-page apps)",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens",
    ),
    ("tokens", "after 7 days", None, "https://developers.google.com/identity/protocols/oauth2"),
    (
        "tokens",
        "up to 28 hours",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-continuous-access-evaluation",
    ),
    (
        "workload-identity-federation",
        "repo:northwind/pipelines:environment:prod",
        None,
        "https://docs.github.com/en/actions/reference/security/oidc",
    ),
    (
        "workload-identity-federation",
        "repo:northwind/pipelines:ref:refs/heads/main",
        None,
        "https://docs.github.com/en/actions/reference/security/oidc",
    ),
    (
        "workload-identity-federation",
        "repo:northwind/pipelines:pull_request",
        None,
        "https://docs.github.com/en/actions/reference/security/oidc",
    ),
    (
        "workload-identity-federation",
        "https://token.actions.githubusercontent.com",
        None,
        "https://docs.github.com/en/actions/reference/security/oidc",
    ),
    (
        "workload-identity-federation",
        "api://AzureADTokenExchange",
        None,
        "https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-create-trust",
    ),
    (
        "workload-identity-federation",
        "id-token: write",
        None,
        "https://docs.github.com/en/actions/reference/security/oidc",
    ),
    (
        "workload-identity-federation",
        "At most 20 per app",
        None,
        "https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-create-trust",
    ),
    (
        "device-code-flow",
        "15 minutes",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code",
    ),
    (
        "device-code-flow",
        "900",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code",
    ),
    ("device-code-flow", "RFC 8628", None, "https://datatracker.ietf.org/doc/html/rfc8628"),
    (
        "service-accounts-and-iam-roles",
        "1 to 12 hours",
        None,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html",
    ),
    (
        "service-accounts-and-iam-roles",
        "one hour when roles are chained",
        None,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html",
    ),
    (
        "service-accounts-and-iam-roles",
        "iam.disableServiceAccountKeyCreation",
        None,
        "https://cloud.google.com/resource-manager/docs/organization-policy/restricting-service-accounts",
    ),
    (
        "managed-identity",
        "up to about 24 hours",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/"
        "managed-identity-best-practice-recommendations",
    ),
    # Deleting the identity (or its resource) leaves its Azure role assignments behind.
    (
        "managed-identity",
        'role assignments stay behind, listed as "Identity not found"',
        None,
        "https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/"
        "managed-identity-best-practice-recommendations",
    ),
    # The ~24 h cache delays group and app-role claims; direct grants are not in the token.
    (
        "managed-identity",
        "Group memberships and app roles travel as claims inside that token",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/"
        "managed-identity-best-practice-recommendations",
    ),
    (
        "rotation-and-revocation",
        "Group memberships and app roles travel as claims inside that token",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/"
        "managed-identity-best-practice-recommendations",
    ),
    (
        "device-code-flow",
        "Block device code flow",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/conditional-access/managed-policies",
    ),
    (
        "device-code-flow",
        "at least 45 days",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/conditional-access/managed-policies",
    ),
    (
        "delegated-admin",
        "permanent (active) authorization for the same user or group with Reader",
        None,
        "https://learn.microsoft.com/en-us/azure/lighthouse/how-to/create-eligible-authorizations",
    ),
    (
        "delegated-admin",
        "Eligible authorizations cannot target service principals",
        None,
        "https://learn.microsoft.com/en-us/azure/lighthouse/how-to/create-eligible-authorizations",
    ),
    (
        "b2b-and-multi-tenant",
        "only their home tenant can revoke those",
        None,
        "https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions",
    ),
    # Issue 19's explainers.
    (
        "app-management-policies",
        "24 months",
        None,
        "https://devblogs.microsoft.com/microsoft365dev/client-secret-expiration-now-limited-to-a-maximum-of-two-years/",
    ),
    (
        "app-management-policies",
        "lives in the **portal** only",
        None,
        "https://devblogs.microsoft.com/microsoft365dev/client-secret-expiration-now-limited-to-a-maximum-of-two-years/",
    ),
    (
        "app-management-policies",
        "/policies/defaultAppManagementPolicy",
        None,
        "https://learn.microsoft.com/en-us/graph/api/resources/applicationauthenticationmethodpolicy",
    ),
    (
        "app-management-policies",
        "switched off until you enable it",
        None,
        "https://learn.microsoft.com/en-us/graph/api/resources/applicationauthenticationmethodpolicy",
    ),
    (
        "app-management-policies",
        "Existing secrets keep working",
        None,
        "https://learn.microsoft.com/en-us/graph/api/resources/applicationauthenticationmethodpolicy",
    ),
    (
        "app-management-policies",
        "`passwordLifetime`",
        None,
        "https://learn.microsoft.com/en-us/graph/api/resources/passwordcredentialconfiguration",
    ),
    # The "less than" boundary is the field report; Microsoft's reference does not state it.
    (
        "app-management-policies",
        "`P181D` for 180 days, `P366D` for 365 days",
        None,
        "https://learn.microsoft.com/en-us/graph/api/resources/passwordcredentialconfiguration",
    ),
    (
        "app-management-policies",
        "Microsoft Entra Workload ID Premium",
        None,
        "https://learn.microsoft.com/en-us/entra/workload-id/workload-identities-faqs",
    ),
    (
        "dangerous-graph-permissions",
        "RoleManagement.ReadWrite.Directory",
        None,
        "https://learn.microsoft.com/en-us/graph/permissions-reference",
    ),
    (
        "dangerous-graph-permissions",
        "AppRoleAssignment.ReadWrite.All",
        None,
        "https://learn.microsoft.com/en-us/graph/permissions-reference",
    ),
    (
        "dangerous-graph-permissions",
        "Application.ReadWrite.All",
        None,
        "https://learn.microsoft.com/en-us/graph/permissions-reference",
    ),
    (
        "dangerous-graph-permissions",
        "Directory.ReadWrite.All",
        None,
        "https://learn.microsoft.com/en-us/graph/permissions-reference",
    ),
    (
        "dangerous-graph-permissions",
        "give extra privileges to itself, other apps or any user",
        None,
        "https://learn.microsoft.com/en-us/graph/permissions-reference",
    ),
    (
        "app-ownership",
        "they can add a client secret or a certificate",
        None,
        "https://learn.microsoft.com/en-us/entra/fundamentals/users-default-permissions",
    ),
    (
        "app-ownership",
        "at least two owners per app",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/overview-assign-app-owners",
    ),
    (
        "app-ownership",
        "serviceManagementReference",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/overview-assign-app-owners",
    ),
    (
        "identity-checks-in-ci",
        "**version 2.1.0** only",
        None,
        "https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/"
        "uploading-a-sarif-file-to-github",
    ),
    (
        "identity-checks-in-ci",
        "security-events: write",
        None,
        "https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/"
        "uploading-a-sarif-file-to-github",
    ),
    (
        "identity-checks-in-ci",
        "id-token: write",
        None,
        "https://docs.github.com/en/actions/reference/security/oidc",
    ),
    (
        "eventual-consistency",
        "`Request_ResourceNotFound`",
        None,
        "https://learn.microsoft.com/en-us/graph/api/group-get",
    ),
    (
        "eventual-consistency",
        "`principalType: ServicePrincipal`",
        None,
        "https://learn.microsoft.com/en-us/azure/role-based-access-control/role-assignments-template",
    ),
    (
        "eventual-consistency",
        "`429 Too Many Requests`",
        None,
        "https://learn.microsoft.com/en-us/graph/throttling",
    ),
    ("eventual-consistency", "**`Retry-After`**", None, "https://learn.microsoft.com/en-us/graph/throttling"),
    (
        "dual-phase-rotation",
        "returns the secret text once",
        None,
        "https://learn.microsoft.com/en-us/graph/api/application-addpassword",
    ),
    (
        "dual-phase-rotation",
        "`removePassword` with its `keyId`",
        None,
        "https://learn.microsoft.com/en-us/graph/api/application-removepassword",
    ),
    (
        "dual-phase-rotation",
        "two access keys",
        None,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
    ),
    (
        "discovery-and-drift",
        "the first three characters",
        None,
        "https://learn.microsoft.com/en-us/graph/api/resources/passwordcredential",
    ),
    (
        "discovery-and-drift",
        "returned only once",
        None,
        "https://learn.microsoft.com/en-us/graph/api/resources/passwordcredential",
    ),
    (
        "break-glass-monitoring",
        "SigninLogs | where UserId ==",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/security-emergency-access",
    ),
    (
        "break-glass-monitoring",
        "number of results greater than 0",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/security-emergency-access",
    ),
    (
        "break-glass-monitoring",
        "at least every 90 days",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/security-emergency-access",
    ),
    (
        "google-oauth-verification",
        "expires after 7 days",
        None,
        "https://developers.google.com/identity/protocols/oauth2",
    ),
    (
        "google-oauth-verification",
        "at most 100 test users",
        None,
        "https://support.google.com/cloud/answer/15549945",
    ),
    (
        "google-oauth-verification",
        "capped at 100 new users",
        None,
        "https://support.google.com/cloud/answer/7454865",
    ),
    (
        "google-oauth-verification",
        "independent security assessment",
        None,
        "https://developers.google.com/identity/protocols/oauth2/production-readiness/restricted-scope-verification",
    ),
    (
        "tenant-placement",
        "/adminconsent?client_id=",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/grant-admin-consent",
    ),
    (
        "tenant-placement",
        "*groups in your tenant*",
        None,
        "https://learn.microsoft.com/en-us/azure/lighthouse/concepts/tenants-users-roles",
    ),
    (
        "tenant-placement",
        "Consent creates a service principal",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/howto-convert-app-to-be-multi-tenant",
    ),
    (
        "authn-vs-authz",
        "200 groups in a JWT and 150 in a SAML token",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/reference-saml-tokens",
    ),
    ("authn-vs-authz", "401", None, "https://www.rfc-editor.org/rfc/rfc9110#name-401-unauthorized"),
    (
        "pat-vs-api-key-vs-oauth",
        "1 February 2024",
        None,
        "https://support.airtable.com/docs/airtable-api-key-deprecation-notice",
    ),
    (
        "pat-vs-api-key-vs-oauth",
        "366 days",
        None,
        "https://docs.github.com/en/organizations/managing-programmatic-access-to-your-organization/"
        "setting-a-personal-access-token-policy-for-your-organization",
    ),
    (
        "pat-vs-api-key-vs-oauth",
        "expire after one hour",
        None,
        "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/"
        "generating-an-installation-access-token-for-a-github-app",
    ),
    (
        "secret-stores",
        "7 to 90 days (90 by default)",
        None,
        "https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview",
    ),
    (
        "secret-stores",
        "N8N_ENCRYPTION_KEY",
        None,
        "https://docs.n8n.io/hosting/configuration/environment-variables/",
    ),
    (
        "rotation-and-revocation",
        "keep working until they expire",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens",
    ),
    (
        "rotation-and-revocation",
        "within about 15 minutes",
        None,
        "https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-continuous-access-evaluation",
    ),
    (
        "rotation-and-revocation",
        "two access keys",
        None,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
    ),
    ("saml-oidc-oauth", "RFC 6749", None, "https://datatracker.ietf.org/doc/html/rfc6749"),
    ("saml-oidc-oauth", "ID token", None, "https://openid.net/specs/openid-connect-core-1_0.html"),
    (
        "authorization-code-flow",
        "at most ten minutes",
        None,
        "https://datatracker.ietf.org/doc/html/rfc6749#section-4.1",
    ),
    (
        "authorization-code-flow",
        "/rest/oauth2-credential/callback",
        None,
        "https://docs.n8n.io/integrations/builtin/credentials/google/oauth-single-service/",
    ),
    (
        "scopes",
        "Sites.Selected",
        None,
        "https://learn.microsoft.com/en-us/graph/permissions-selected-overview",
    ),
    (
        "scopes",
        "offline_access",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc",
    ),
    (
        "service-principals",
        "restore for 30 days",
        None,
        "https://learn.microsoft.com/en-us/entra/identity-platform/app-objects-and-service-principals",
    ),
]

WRONG = [
    # Plausible mistakes that must never appear.
    ("pkce", r"use (the )?plain method", "plain is only a fallback; S256 is the method to use"),
    (
        "client-credentials-flow",
        r"refresh token is (returned|issued)",
        "client credentials issues no refresh token",
    ),
    ("consent-screens", r"expires? after (30|14|90) days", "Testing-mode refresh tokens last 7 days"),
    (
        "tokens",
        r"access tokens? (last|lives?) (24 hours|a day|90 days)",
        "Entra access tokens last 60-90 minutes",
    ),
    (
        "workload-identity-federation",
        r"repo:[^ ]*:branch:",
        "GitHub subjects use ref:refs/heads/, not branch:",
    ),
    ("device-code-flow", r"expires? after (about )?(5|60) minutes", "Entra device codes last 15 minutes"),
    (
        "client-credentials-flow",
        r"\bEntra caps new secrets",
        "the portal caps new secrets; Graph and the CLI can set longer",
    ),
    (
        "app-management-policies",
        r"\bEntra caps new secrets",
        "the portal caps new secrets; Graph and the CLI can set longer",
    ),
    (
        "managed-identity",
        r"identity and its role assignments go too",
        "role assignments are not deleted with the identity; they linger as 'Identity not found'",
    ),
    (
        "rotation-and-revocation",
        r"so removing a role takes effect slowly",
        "the 24 h delay is for group and app-role claims in the token, not direct role assignments",
    ),
    (
        "google-oauth-verification",
        r"expires? after (30|14|90) days",
        "Testing-mode refresh tokens last 7 days",
    ),
    (
        "discovery-and-drift",
        r"graph (returns|shows|lists) the (client )?secret (value|text)\b(?! itself is returned only once)",
        "Graph never returns a stored secret's value",
    ),
    ("tenant-placement", r"authority = (common|/common|home)", "client tokens come from the client's tenant"),
]


@pytest.mark.parametrize(
    ("explainer_id", "phrase", "absent", "source"), FACTS, ids=[f"{f[0]}:{f[1][:30]}" for f in FACTS]
)
def test_key_fact_is_stated(explainer_id: str, phrase: str, absent: str | None, source: str) -> None:
    text = text_of(explainer_id)
    assert phrase in text, f"{explainer_id} should say {phrase!r} (see {source})"
    if absent:
        assert absent not in text


@pytest.mark.parametrize(
    ("explainer_id", "pattern", "why"), WRONG, ids=[f"{w[0]}:{w[1][:30]}" for w in WRONG]
)
def test_known_wrong_statement_is_absent(explainer_id: str, pattern: str, why: str) -> None:
    assert not re.search(pattern, text_of(explainer_id), re.IGNORECASE), why


def test_every_fact_source_is_cited_by_an_explainer() -> None:
    cited = {s for e in lib.all_explainers() for s in e.sources}
    assert {f[3] for f in FACTS} <= cited, {f[3] for f in FACTS} - cited
