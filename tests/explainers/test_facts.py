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
    ("client-credentials-flow", "No user account is involved", None,
     "https://datatracker.ietf.org/doc/html/rfc6749#section-4.4"),
    ("client-credentials-flow", "no refresh token", None, "https://datatracker.ietf.org/doc/html/rfc6749#section-4.4"),
    ("client-credentials-flow", "/.default", None,
     "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow"),
    ("client-credentials-flow", "caps new secrets at two years", None,
     "https://devblogs.microsoft.com/microsoft365dev/client-secret-expiration-now-limited-to-a-maximum-of-two-years/"),
    ("consent-screens", "expires after 7 days", None, "https://developers.google.com/identity/protocols/oauth2"),
    ("consent-screens", "at most 100", None, "https://support.google.com/cloud/answer/10311615"),
    ("consent-screens", "invalid_grant", None, "https://developers.google.com/identity/protocols/oauth2"),
    ("tokens", "between 60 and 90 minutes", None, "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens"),
    ("tokens", "90 days (24 hours for single-page apps)", None,
     "https://learn.microsoft.com/en-us/entra/identity-platform/refresh-tokens"),
    ("tokens", "after 7 days", None, "https://developers.google.com/identity/protocols/oauth2"),
    ("tokens", "up to 28 hours", None,
     "https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-continuous-access-evaluation"),
    ("workload-identity-federation", "repo:northwind/pipelines:environment:prod", None,
     "https://docs.github.com/en/actions/reference/security/oidc"),
    ("workload-identity-federation", "repo:northwind/pipelines:ref:refs/heads/main", None,
     "https://docs.github.com/en/actions/reference/security/oidc"),
    ("workload-identity-federation", "repo:northwind/pipelines:pull_request", None,
     "https://docs.github.com/en/actions/reference/security/oidc"),
    ("workload-identity-federation", "https://token.actions.githubusercontent.com", None,
     "https://docs.github.com/en/actions/reference/security/oidc"),
    ("workload-identity-federation", "api://AzureADTokenExchange", None,
     "https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-create-trust"),
    ("workload-identity-federation", "id-token: write", None, "https://docs.github.com/en/actions/reference/security/oidc"),
    ("workload-identity-federation", "At most 20 per app", None,
     "https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-create-trust"),
    ("device-code-flow", "15 minutes", None, "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code"),
    ("device-code-flow", "900", None, "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code"),
    ("device-code-flow", "RFC 8628", None, "https://datatracker.ietf.org/doc/html/rfc8628"),
    ("service-accounts-and-iam-roles", "1 to 12 hours", None,
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html"),
    ("service-accounts-and-iam-roles", "one hour when roles are chained", None,
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html"),
    ("service-accounts-and-iam-roles", "iam.disableServiceAccountKeyCreation", None,
     "https://cloud.google.com/resource-manager/docs/organization-policy/restricting-service-accounts"),
    ("managed-identity", "up to about 24 hours", None,
     "https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/"
     "managed-identity-best-practice-recommendations"),
    ("authn-vs-authz", "200 groups in a JWT and 150 in a SAML token", None,
     "https://learn.microsoft.com/en-us/entra/identity-platform/reference-saml-tokens"),
    ("authn-vs-authz", "401", None, "https://www.rfc-editor.org/rfc/rfc9110#name-401-unauthorized"),
    ("pat-vs-api-key-vs-oauth", "1 February 2024", None, "https://support.airtable.com/docs/airtable-api-key-deprecation-notice"),
    ("pat-vs-api-key-vs-oauth", "366 days", None,
     "https://docs.github.com/en/organizations/managing-programmatic-access-to-your-organization/"
     "setting-a-personal-access-token-policy-for-your-organization"),
    ("pat-vs-api-key-vs-oauth", "expire after one hour", None,
     "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/"
     "generating-an-installation-access-token-for-a-github-app"),
    ("secret-stores", "7 to 90 days (90 by default)", None,
     "https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview"),
    ("secret-stores", "N8N_ENCRYPTION_KEY", None, "https://docs.n8n.io/hosting/configuration/environment-variables/"),
    ("rotation-and-revocation", "keep working until they expire", None,
     "https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens"),
    ("rotation-and-revocation", "within about 15 minutes", None,
     "https://learn.microsoft.com/en-us/entra/identity/conditional-access/concept-continuous-access-evaluation"),
    ("rotation-and-revocation", "two access keys", None,
     "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"),
    ("saml-oidc-oauth", "RFC 6749", None, "https://datatracker.ietf.org/doc/html/rfc6749"),
    ("saml-oidc-oauth", "ID token", None, "https://openid.net/specs/openid-connect-core-1_0.html"),
    ("authorization-code-flow", "at most ten minutes", None, "https://datatracker.ietf.org/doc/html/rfc6749#section-4.1"),
    ("authorization-code-flow", "/rest/oauth2-credential/callback", None,
     "https://docs.n8n.io/integrations/builtin/credentials/google/oauth-single-service/"),
    ("scopes", "Sites.Selected", None, "https://learn.microsoft.com/en-us/graph/permissions-selected-overview"),
    ("scopes", "offline_access", None, "https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc"),
    ("service-principals", "restore for 30 days", None,
     "https://learn.microsoft.com/en-us/entra/identity-platform/app-objects-and-service-principals"),
]

WRONG = [
    # Plausible mistakes that must never appear.
    ("pkce", r"use (the )?plain method", "plain is only a fallback; S256 is the method to use"),
    ("client-credentials-flow", r"refresh token is (returned|issued)", "client credentials issues no refresh token"),
    ("consent-screens", r"expires? after (30|14|90) days", "Testing-mode refresh tokens last 7 days"),
    ("tokens", r"access tokens? (last|lives?) (24 hours|a day|90 days)", "Entra access tokens last 60-90 minutes"),
    ("workload-identity-federation", r"repo:[^ ]*:branch:", "GitHub subjects use ref:refs/heads/, not branch:"),
    ("device-code-flow", r"expires? after (about )?(5|60) minutes", "Entra device codes last 15 minutes"),
]


@pytest.mark.parametrize(("explainer_id", "phrase", "absent", "source"), FACTS,
                         ids=[f"{f[0]}:{f[1][:30]}" for f in FACTS])
def test_key_fact_is_stated(explainer_id: str, phrase: str, absent: str | None, source: str) -> None:
    text = text_of(explainer_id)
    assert phrase in text, f"{explainer_id} should say {phrase!r} (see {source})"
    if absent:
        assert absent not in text


@pytest.mark.parametrize(("explainer_id", "pattern", "why"), WRONG, ids=[w[0] for w in WRONG])
def test_known_wrong_statement_is_absent(explainer_id: str, pattern: str, why: str) -> None:
    assert not re.search(pattern, text_of(explainer_id), re.IGNORECASE), why


def test_every_fact_source_is_cited_by_an_explainer() -> None:
    cited = {s for e in lib.all_explainers() for s in e.sources}
    assert {f[3] for f in FACTS} <= cited, {f[3] for f in FACTS} - cited
