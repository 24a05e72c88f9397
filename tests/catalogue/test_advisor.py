"""The advisor ranks what each service supports for each hat and caller, and explains the choice."""

from __future__ import annotations

import itertools
import json

import pytest

from wizard.advisor import BASE_RANK, advise
from wizard.catalogue import load_catalogue
from wizard.model import Hat, Host, Method

ALL = list(itertools.product(sorted(load_catalogue().services), list(Hat), list(Host)))


@pytest.mark.parametrize(("service", "hat", "host"), ALL)
def test_every_combination_recommends_only_what_the_service_and_host_support(
    service: str, hat: Hat, host: Host
) -> None:
    svc = load_catalogue().get(service)
    try:
        advice = advise(service, hat, host)
    except LookupError as exc:
        # Acceptable only when nothing fits this caller; the message says why.
        assert "no credential" in str(exc)
        return
    for option in advice.ranked:
        info = svc.method(option.method)
        assert info is not None, option.method
        assert info.hosts is None or host in info.hosts
        assert option.why and option.rotation and option.where and option.explainer
    if host in (Host.N8N_CLOUD, Host.N8N_SELF_HOSTED, Host.LAPTOP):
        assert all(o.method not in (Method.FEDERATION, Method.MANAGED_IDENTITY) for o in advice.ranked)
    if host != Host.AZURE:
        assert all(o.method != Method.MANAGED_IDENTITY for o in advice.ranked)
    scores = [o.score for o in advice.ranked]
    assert scores == sorted(scores)


@pytest.mark.parametrize(("service", "hat", "host", "expected"), [
    ("azure", Hat.CLIENT_DELIVERY, Host.GITHUB_ACTIONS, Method.FEDERATION),
    ("azure", Hat.OWN_PRODUCTION, Host.AZURE, Method.MANAGED_IDENTITY),
    ("azure-openai", Hat.OWN_PRODUCTION, Host.AZURE, Method.MANAGED_IDENTITY),
    ("aws", Hat.CLIENT_DELIVERY, Host.GITHUB_ACTIONS, Method.FEDERATION),
    ("aws", Hat.OWN_PRODUCTION, Host.N8N_CLOUD, Method.API_KEY),
    ("microsoft-graph", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_CLIENT_CREDENTIALS),
    ("airtable", Hat.PROTOTYPE, Host.LAPTOP, Method.PAT),
    ("airtable", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_USER),
    ("github", Hat.CLIENT_DELIVERY, Host.N8N_SELF_HOSTED, Method.OAUTH_USER),
    ("databricks", Hat.OWN_PRODUCTION, Host.N8N_SELF_HOSTED, Method.OAUTH_CLIENT_CREDENTIALS),
    ("databricks", Hat.OWN_PRODUCTION, Host.LAPTOP, Method.OAUTH_USER),
    ("quickbooks-online", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_USER),
    ("google-cloud", Hat.OWN_PRODUCTION, Host.GITHUB_ACTIONS, Method.FEDERATION),
    ("bigquery", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_USER),
])
def test_expected_recommendations(service: str, hat: Hat, host: Host, expected: Method) -> None:
    assert advise(service, hat, host).recommended.method == expected


def test_prototype_pat_advice_says_it_is_a_compromise() -> None:
    advice = advise("airtable", Hat.PROTOTYPE, Host.LAPTOP)
    assert "prototype" in advice.recommended.why
    assert "OAuth" in advice.migration and "later" in advice.migration


def test_client_delivery_steers_away_from_personal_tokens() -> None:
    advice = advise("github", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD)
    pat = next(o for o in advice.ranked if o.method == Method.PAT)
    assert "personal account" in pat.why
    assert advice.ranked.index(pat) > 0


def test_migration_names_the_caller_move_when_needed() -> None:
    advice = advise("microsoft-graph", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD)
    assert "Federated" in advice.migration and "needs the caller to move" in advice.migration
    assert {m for m, _ in advice.unavailable} == {Method.FEDERATION, Method.MANAGED_IDENTITY}


def test_record_has_no_secret_and_names_n8n_type() -> None:
    record = advise("airtable", Hat.OWN_PRODUCTION, Host.N8N_CLOUD).record()
    assert record["n8n_type"] in {"airtableOAuth2Api", "airtableTokenApi"}
    assert "env:" in str(record["secret_ref"])


def test_static_keys_never_outrank_anything_better_at_equal_fit() -> None:
    for service in load_catalogue().services.values():
        advice = advise(service.id, Hat.OWN_PRODUCTION, Host.AZURE) if service.methods else None
        if advice and advice.recommended.method == Method.SERVICE_ACCOUNT_KEY:
            assert all(BASE_RANK[o.method] >= BASE_RANK[Method.SERVICE_ACCOUNT_KEY] for o in advice.ranked)


def test_cli_text_json_list_and_unknown(run_cli) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("advise", "airtable", "--hat", "prototype", "--host", "laptop")
    assert r.code == 0 and "Recommended" in r.out and "Personal access token" in r.out
    data = json.loads(run_cli("advise", "azure", "--host", "github-actions", "--format", "json").out)
    assert data["recommended"] == "federation" and data["sources"]
    listing = run_cli("advise", "--list").out
    assert all(sid in listing for sid in ("airtable", "quickbooks-online", "snowflake"))
    bad = run_cli("advise", "airtabel")
    assert bad.code == 2 and "airtable" in bad.err
