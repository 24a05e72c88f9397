"""Issue #19: what an outside fact-check of the explainers found wrong or missing stays fixed.

Each row names the explainer, key phrases the corrected or added statement must contain, and the
vendor page it was checked against; that page must also be listed in the explainer's sources.
A second table holds claims that were removed or corrected and must not come back.
"""

from __future__ import annotations

import re

import pytest

from wizard import explainer_library as lib

MI_BEST = (
    "https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/"
    "managed-identity-best-practice-recommendations"
)
MANAGED_CA = "https://learn.microsoft.com/en-us/entra/identity/conditional-access/managed-policies"
LIGHTHOUSE_ELIGIBLE = (
    "https://learn.microsoft.com/en-us/azure/lighthouse/how-to/create-eligible-authorizations"
)
REVOKE = "https://learn.microsoft.com/en-us/graph/api/user-revokesigninsessions"
SB_LEAK = "https://supabase.com/docs/guides/security/rotate-leaked-api-keys"
SB_FUNCTIONS = "https://supabase.com/docs/guides/functions/auth"
SB_MIGRATE = "https://supabase.com/docs/guides/getting-started/migrating-to-new-api-keys"
N8N_DEPLOY = "https://docs.n8n.io/hosting/configuration/environment-variables/deployment/"
N8N_PROXY = "https://docs.n8n.io/hosting/configuration/configuration-examples/webhook-url/"


def text_of(explainer_id: str) -> str:
    e = lib.get(explainer_id)
    return re.sub(r"\s+", " ", " ".join([e.summary, *e.sections.values()]))


FIXED = [
    # (explainer, phrases that must all appear, source that must be cited)
    # 1. the portal, not Entra, caps new secrets at 24 months
    (
        "client-credentials-flow",
        ["admin center caps new secrets at 24 months", "Graph and the Azure CLI can set longer"],
        "https://learn.microsoft.com/en-us/graph/api/application-addpassword",
    ),
    # 2. role assignments outlive a deleted managed identity
    ("managed-identity", ["role assignments stay behind", '"Identity not found"'], MI_BEST),
    # 3. the ~24 h lag is for group and app-role claims; direct grants act sooner
    (
        "managed-identity",
        ["up to about 24 hours", "Group memberships and app roles travel as claims", "much sooner"],
        MI_BEST,
    ),
    (
        "rotation-and-revocation",
        ["up to about 24 hours", "Group memberships and app roles travel as claims", "much sooner"],
        MI_BEST,
    ),
    ("group-types", ["around 24 hours", "group and app-role claims", "directly"], MI_BEST),
    # 4. Supabase: leak rotation, legacy deprecation, Edge Functions verify_jwt
    (
        "supabase-keys",
        ["create a new secret key", "deactivating the legacy keys", "only if that secret itself leaked"],
        SB_LEAK,
    ),
    ("supabase-keys", ["deprecated by the end of 2026"], SB_MIGRATE),
    (
        "supabase-keys",
        ["`verify_jwt` check accepts only JWTs", "legacy anon and service_role keys", "`apikey` header"],
        SB_FUNCTIONS,
    ),
    # 5. missing pitfalls
    ("device-code-flow", ["Block device code flow"], MANAGED_CA),
    ("conditional-access-mfa", ["*Block device code flow*", "no less than 45 days"], MANAGED_CA),
    (
        "delegated-admin",
        ["permanent (active) authorization", "Reader", "cannot target service principals"],
        LIGHTHOUSE_ELIGIBLE,
    ),
    (
        "delegated-admin",
        ["Microsoft Entra ID P2 (or EMS E5)", "held by your managing tenant, not the client's"],
        LIGHTHOUSE_ELIGIBLE,
    ),
    (
        "rotation-and-revocation",
        ["**B2B guests** sign in at their home tenant", "does not reach them"],
        REVOKE,
    ),
    ("n8n-credentials-vs-sso", ["`N8N_EDITOR_BASE_URL`", "public address"], N8N_DEPLOY),
    ("n8n-credentials-vs-sso", ["`WEBHOOK_URL`", "`N8N_PROXY_HOPS=1`", "reverse proxy"], N8N_PROXY),
]

GONE = [
    # (explainer, pattern that must not match, why)
    ("supabase-keys", r"ten years", "Supabase's docs give no ten-year lifetime for legacy keys"),
    (
        "supabase-keys",
        r"Leaked legacy keys force a JWT secret change",
        "a leaked legacy key is replaced by a new secret key; the JWT secret changes only if it leaked",
    ),
    (
        "delegated-admin",
        r"licensed in your tenant\.",
        "the licence is Entra ID P2 or EMS E5 in the managing tenant",
    ),
    (
        "rotation-and-revocation",
        r"from a group or an app role takes effect slowly; remove permissions",
        "the older wording did not say the lag comes from claims in the cached token",
    ),
]


@pytest.mark.parametrize(
    ("explainer_id", "phrases", "source"), FIXED, ids=[f"{f[0]}:{f[1][0][:30]}" for f in FIXED]
)
def test_corrected_statement_is_present(explainer_id: str, phrases: list[str], source: str) -> None:
    text = text_of(explainer_id)
    for phrase in phrases:
        assert phrase in text, f"{explainer_id} should say {phrase!r} (see {source})"


@pytest.mark.parametrize(
    ("explainer_id", "phrases", "source"), FIXED, ids=[f"{f[0]}:{f[1][0][:30]}" for f in FIXED]
)
def test_source_of_the_fix_is_cited(explainer_id: str, phrases: list[str], source: str) -> None:
    assert source in lib.get(explainer_id).sources


@pytest.mark.parametrize(("explainer_id", "pattern", "why"), GONE, ids=[f"{g[0]}:{g[1][:30]}" for g in GONE])
def test_removed_claim_stays_gone(explainer_id: str, pattern: str, why: str) -> None:
    assert not re.search(pattern, text_of(explainer_id), re.IGNORECASE), why


def test_ten_years_is_gone_from_every_explainer() -> None:
    hits = [e.id for e in lib.all_explainers() if re.search(r"ten years", text_of(e.id), re.IGNORECASE)]
    assert hits == []
