"""Search across explainers: expected top hits for typical questions, sensible ordering, and speed."""

from __future__ import annotations

import pytest

from wizard import explainer_library as lib


@pytest.mark.parametrize(
    ("query", "top"),
    [
        ("code verifier", "pkce"),
        ("PKCE", "pkce"),
        ("refresh token", "tokens"),
        ("refresh token lifetimes", "tokens"),
        ("device code", "device-code-flow"),
        ("managed identity", "managed-identity"),
        ("GitHub Actions subject", "workload-identity-federation"),
        ("AzureADTokenExchange", "workload-identity-federation"),
        ("secret reference", "secret-stores"),
        ("test users", "consent-screens"),
        ("7 days google testing", "google-oauth-verification"),  # the publishing-status explainer (issue 19)
        ("SAML", "saml-oidc-oauth"),
        ("service principal", "service-principals"),
        ("enterprise application", "service-principals"),
        ("revocation window", "rotation-and-revocation"),
        ("api key", "pat-vs-api-key-vs-oauth"),
        ("client credentials", "client-credentials-flow"),
        ("403 forbidden", "authn-vs-authz"),
        ("assume role", "service-accounts-and-iam-roles"),
        ("single sign-on", "sso"),
        ("lighthouse", "delegated-admin"),
        # issue 19's explainers
        ("passwordLifetime", "app-management-policies"),
        ("maxLifetime", "app-management-policies"),
        ("RoleManagement.ReadWrite.Directory", "dangerous-graph-permissions"),
        ("tenant takeover", "dangerous-graph-permissions"),
        ("orphaned app", "app-ownership"),
        ("app owner", "app-ownership"),
        ("SARIF", "identity-checks-in-ci"),
        ("Retry-After", "eventual-consistency"),
        ("Request_ResourceNotFound", "eventual-consistency"),
        ("replication delay", "eventual-consistency"),
        ("overlap window", "dual-phase-rotation"),
        ("drift", "discovery-and-drift"),
        ("SigninLogs", "break-glass-monitoring"),
        ("verification restricted scopes", "google-oauth-verification"),
        ("admin consent client tenant", "tenant-placement"),
    ],
)
def test_typical_questions_find_the_right_explainer_first(query: str, top: str) -> None:
    results = lib.search(query)
    assert results and results[0].explainer.id == top, [r.explainer.id for r in results[:3]]


@pytest.mark.parametrize("explainer", lib.all_explainers(), ids=lambda e: e.id)
def test_every_explainer_is_found_first_by_its_own_title(explainer: lib.Explainer) -> None:
    assert lib.search(explainer.title)[0].explainer.id == explainer.id


def test_consent_screens_still_answers_google_testing_questions() -> None:
    assert "consent-screens" in [r.explainer.id for r in lib.search("7 days google testing")[:3]]


def test_title_hits_rank_above_body_mentions() -> None:
    ids = [r.explainer.id for r in lib.search("consent")]
    assert ids[0] == "consent-screens"
    assert len(ids) > 3, "consent is mentioned in other explainers' text too"


def test_every_word_must_match_and_words_match_at_their_start() -> None:
    assert lib.search("zzzz-nothing") == []
    assert lib.search("pkce zzzz") == []
    assert "pkce" in [r.explainer.id for r in lib.search("verif")]
    assert lib.search("erifier") == [], "the middle of a word does not match"


def test_scores_lie_between_zero_and_one_and_are_ordered() -> None:
    results = lib.search("token")
    scores = [r.score for r in results]
    assert all(0 < s <= 1 for s in scores) and scores == sorted(scores, reverse=True)


def test_empty_query_lists_everything() -> None:
    assert len(lib.search("   ")) == len(lib.all_explainers())


def test_search_finds_the_same_answer_twice() -> None:
    # (how long a search takes is a benchmark figure: `python -m bench --only library`)
    first = [r.explainer.id for r in lib.search("refresh token lifetime entra")]
    assert first and first == [r.explainer.id for r in lib.search("refresh token lifetime entra")]
