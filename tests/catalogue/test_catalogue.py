"""The catalogue is valid, complete and sourced; its explainer links and n8n types are well-formed."""

from __future__ import annotations

import re
import time

import pytest

from wizard.catalogue import load_catalogue
from wizard.model import Method

REQUIRED = {
    "microsoft-graph", "azure", "n8n", "supabase", "supabase-management", "airtable", "github", "github-actions",
    "google-cloud", "google-workspace", "aws", "databricks", "quickbooks-online", "slack", "snowflake", "bigquery",
    "openai", "azure-openai", "okta", "auth0",
}
EXPLAINER_IDS = {
    "identity-provider", "authn-vs-authz", "sso", "saml-oidc-oauth", "tokens", "scopes", "consent-screens", "pkce",
    "authorization-code-flow", "device-code-flow", "client-credentials-flow", "service-principals",
    "service-accounts-and-iam-roles", "managed-identity", "workload-identity-federation", "pat-vs-api-key-vs-oauth",
    "secret-stores", "rotation-and-revocation", "least-privilege", "group-types", "naming-policy",
    "administrative-units", "app-roles", "scope-based-authorization", "jit-provisioning", "scim",
    "conditional-access-mfa", "pim", "b2b-and-multi-tenant", "delegated-admin", "data-residency", "magic-links",
    "identity-planes", "break-glass", "audit-logs", "idp-comparison", "n8n-credentials-vs-sso", "supabase-keys",
    "credential-inventory", "consultant-hats",
}


def test_catalogue_has_every_required_service() -> None:
    assert set(load_catalogue().services) >= REQUIRED


def test_every_service_is_sourced_and_every_method_is_actionable() -> None:
    for s in load_catalogue().services.values():
        assert s.sources and all(u.startswith("https://") for u in s.sources), s.id
        assert s.explainers and set(s.explainers) <= EXPLAINER_IDS, s.id
        assert len({m.method for m in s.methods}) == len(s.methods), f"{s.id} lists a method twice"
        for m in s.methods:
            assert m.where and m.revoke and m.lifetime and m.rotation, (s.id, m.method)
            if m.n8n_type:
                assert re.fullmatch(r"[a-z][A-Za-z0-9]+", m.n8n_type), m.n8n_type


def test_known_traps_are_recorded() -> None:
    c = load_catalogue()
    workspace_traps = " ".join(c.get("google-workspace").traps)
    assert "100 test users" in workspace_traps and "7 days" in workspace_traps
    assert any("row-level security" in t for t in c.get("supabase").traps)
    assert any("retired" in t for t in c.get("airtable").traps)
    assert any("100 days" in t for t in c.get("quickbooks-online").traps)


def test_search_and_method_filter() -> None:
    c = load_catalogue()
    assert [s.id for s in c.search("gemini")] == ["google-cloud"]
    managed = {s.id for s in c.search(method=Method.MANAGED_IDENTITY)}
    assert managed == {"microsoft-graph", "azure", "azure-openai"}
    assert "airtable" in c.close("airtabel")
    with pytest.raises(KeyError):
        c.get("nope")


def test_loading_is_cheap() -> None:
    load_catalogue.cache_clear()
    start = time.perf_counter()
    load_catalogue()
    elapsed = time.perf_counter() - start
    print(f"catalogue load: {elapsed * 1000:.1f} ms")
    assert elapsed < 0.25
