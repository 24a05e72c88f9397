"""The advisor ranks what each service supports for each hat and caller, explains the choice, and stays pure."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wizard.advice.methods import BASE_RANK, advise
from wizard.catalogue import load_catalogue
from wizard.model import Credential, Hat, Host, Method

CATALOGUE = load_catalogue()
SERVICES = sorted(CATALOGUE.services)
ALL = list(itertools.product(SERVICES, list(Hat), list(Host)))
OIDC_HOSTS = {Host.GITHUB_ACTIONS, Host.AZURE}
TODAY = dt.date(2025, 3, 1)


def _advice_or_none(service: str, hat: Hat, host: Host):  # noqa: ANN202
    try:
        return advise(service, hat, host)
    except LookupError as exc:
        assert "no credential" in str(exc)
        return None


def _sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s])


@given(st.sampled_from(SERVICES), st.sampled_from(list(Hat)), st.sampled_from(list(Host)))
@settings(max_examples=300, deadline=None)
def test_property_only_supported_methods_each_explained(service: str, hat: Hat, host: Host) -> None:
    svc = CATALOGUE.get(service)
    advice = _advice_or_none(service, hat, host)
    if advice is None:
        assert all(
            m.hosts is not None or m.method in (Method.FEDERATION, Method.MANAGED_IDENTITY)
            for m in svc.methods
        )
        return
    offered = set(svc.supported)
    ranked = [o.method for o in advice.ranked]
    assert set(ranked) <= offered and len(ranked) == len(set(ranked))
    assert set(ranked) | {m for m, _ in advice.unavailable} == offered  # nothing lost, nothing invented
    for option in advice.ranked:
        info = svc.method(option.method)
        assert info is not None and (info.hosts is None or host in info.hosts)
        assert option.why and option.rotation and option.where and option.revoke and option.explainer
        assert 1 <= _sentences(option.why) <= 2, option.why
    for _method, reason in advice.unavailable:
        assert reason
    scores = [o.score for o in advice.ranked]
    assert scores == sorted(scores)
    assert advice.recommended is advice.ranked[0]


@pytest.mark.parametrize(("service", "hat", "host"), ALL)
def test_workload_identities_only_where_the_host_has_one(service: str, hat: Hat, host: Host) -> None:
    advice = _advice_or_none(service, hat, host)
    methods = {o.method for o in advice.ranked} if advice else set()
    if host != Host.AZURE:
        assert Method.MANAGED_IDENTITY not in methods
    if host not in OIDC_HOSTS:
        assert Method.FEDERATION not in methods
    if host == Host.N8N_CLOUD:
        assert not methods & {Method.FEDERATION, Method.MANAGED_IDENTITY}
        reasons = dict(advice.unavailable) if advice else {}
        for m in (Method.FEDERATION, Method.MANAGED_IDENTITY):
            if m in reasons:
                assert "n8n Cloud" in reasons[m]


@pytest.mark.parametrize(("service", "hat", "host"), ALL)
def test_a_workload_identity_wins_wherever_it_is_available(service: str, hat: Hat, host: Host) -> None:
    advice = _advice_or_none(service, hat, host)
    if advice is None:
        return
    secretless = [o for o in advice.ranked if o.method in (Method.FEDERATION, Method.MANAGED_IDENTITY)]
    if secretless:
        assert advice.recommended.method in (Method.FEDERATION, Method.MANAGED_IDENTITY)
        assert advice.recommended.expiry_days is None and "secret_ref" not in advice.record()


@pytest.mark.parametrize(("service", "hat", "host"), ALL)
def test_record_is_valid_credential_fields(
    service: str, hat: Hat, host: Host, canaries: dict[str, str]
) -> None:
    advice = _advice_or_none(service, hat, host)
    if advice is None:
        return
    record = advice.record(today=TODAY)
    credential = Credential(id="probe", **record)  # every key is a Credential field and passes its validators
    assert credential.service == service and credential.method == advice.recommended.method
    if advice.recommended.expiry_days:
        assert credential.expires == TODAY + dt.timedelta(days=advice.recommended.expiry_days)
    info = CATALOGUE.get(service).method(advice.recommended.method)
    assert info is not None
    if info.max_days and info.expiry_choice and credential.expires:
        assert (credential.expires - TODAY).days <= info.max_days
    assert not any(secret in json.dumps(record, default=str) for secret in canaries.values())
    assert advice.record() == {k: v for k, v in record.items() if k != "expires"}  # no clock without `today`


@pytest.mark.parametrize(
    ("service", "hat", "host", "expected"),
    [
        ("azure", Hat.CLIENT_DELIVERY, Host.GITHUB_ACTIONS, Method.FEDERATION),
        ("azure", Hat.PROTOTYPE, Host.GITHUB_ACTIONS, Method.FEDERATION),
        ("azure", Hat.OWN_PRODUCTION, Host.AZURE, Method.MANAGED_IDENTITY),
        ("azure", Hat.OWN_PRODUCTION, Host.N8N_CLOUD, Method.OAUTH_CLIENT_CREDENTIALS),
        ("azure-openai", Hat.OWN_PRODUCTION, Host.AZURE, Method.MANAGED_IDENTITY),
        ("azure-openai", Hat.PROTOTYPE, Host.N8N_CLOUD, Method.OAUTH_CLIENT_CREDENTIALS),
        ("microsoft-graph", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_CLIENT_CREDENTIALS),
        ("microsoft-graph", Hat.OWN_PRODUCTION, Host.LAPTOP, Method.OAUTH_USER),
        ("microsoft-graph", Hat.PROTOTYPE, Host.LAPTOP, Method.OAUTH_USER),
        ("azure-openai", Hat.OWN_PRODUCTION, Host.LAPTOP, Method.OAUTH_USER),
        ("databricks", Hat.PROTOTYPE, Host.LAPTOP, Method.PAT),
        ("aws", Hat.CLIENT_DELIVERY, Host.GITHUB_ACTIONS, Method.FEDERATION),
        ("aws", Hat.OWN_PRODUCTION, Host.AZURE, Method.FEDERATION),
        ("aws", Hat.OWN_PRODUCTION, Host.N8N_CLOUD, Method.API_KEY),
        ("aws", Hat.OWN_PRODUCTION, Host.LAPTOP, Method.OAUTH_USER),
        ("google-cloud", Hat.OWN_PRODUCTION, Host.GITHUB_ACTIONS, Method.FEDERATION),
        ("google-cloud", Hat.PROTOTYPE, Host.N8N_CLOUD, Method.API_KEY),
        ("bigquery", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_USER),
        ("github-actions", Hat.OWN_PRODUCTION, Host.GITHUB_ACTIONS, Method.FEDERATION),
        ("airtable", Hat.PROTOTYPE, Host.LAPTOP, Method.PAT),
        ("airtable", Hat.PROTOTYPE, Host.N8N_CLOUD, Method.PAT),
        ("airtable", Hat.OWN_PRODUCTION, Host.N8N_CLOUD, Method.OAUTH_USER),
        ("airtable", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_USER),
        ("github", Hat.PROTOTYPE, Host.N8N_SELF_HOSTED, Method.PAT),
        ("github", Hat.CLIENT_DELIVERY, Host.N8N_SELF_HOSTED, Method.OAUTH_USER),
        ("github", Hat.CLIENT_DELIVERY, Host.GITHUB_ACTIONS, Method.OAUTH_CLIENT_CREDENTIALS),
        ("databricks", Hat.OWN_PRODUCTION, Host.N8N_SELF_HOSTED, Method.OAUTH_CLIENT_CREDENTIALS),
        ("databricks", Hat.OWN_PRODUCTION, Host.LAPTOP, Method.OAUTH_USER),
        ("databricks", Hat.CLIENT_DELIVERY, Host.AZURE, Method.FEDERATION),
        ("snowflake", Hat.OWN_PRODUCTION, Host.N8N_CLOUD, Method.PAT),
        ("snowflake", Hat.CLIENT_DELIVERY, Host.GITHUB_ACTIONS, Method.FEDERATION),
        ("quickbooks-online", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_USER),
        ("slack", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_USER),
        ("supabase-management", Hat.PROTOTYPE, Host.LAPTOP, Method.PAT),
        ("supabase-management", Hat.CLIENT_DELIVERY, Host.N8N_SELF_HOSTED, Method.OAUTH_USER),
        ("okta", Hat.OWN_PRODUCTION, Host.GITHUB_ACTIONS, Method.OAUTH_CLIENT_CREDENTIALS),
        ("okta", Hat.OWN_PRODUCTION, Host.N8N_CLOUD, Method.API_KEY),
        ("auth0", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD, Method.OAUTH_CLIENT_CREDENTIALS),
        ("openai", Hat.PROTOTYPE, Host.LAPTOP, Method.API_KEY),
    ],
)
def test_expected_recommendations(service: str, hat: Hat, host: Host, expected: Method) -> None:
    assert advise(service, hat, host).recommended.method == expected


def test_github_actions_to_azure_federates_and_says_why() -> None:
    advice = advise("azure", Hat.OWN_PRODUCTION, Host.GITHUB_ACTIONS)
    best = advice.recommended
    assert best.method == Method.FEDERATION and best.explainer == "workload-identity-federation"
    assert "Nothing is stored" in best.why and "GitHub Actions" in best.why
    assert best.rotation.startswith("None")
    assert (Method.MANAGED_IDENTITY, advice.unavailable[0][1]) in advice.unavailable
    assert advice.migration == ""  # nothing better exists from here


def test_laptop_prototype_airtable_is_a_pat_with_a_planned_end() -> None:
    advice = advise("airtable", Hat.PROTOTYPE, Host.LAPTOP)
    pat = advice.recommended
    assert pat.method == Method.PAT and pat.n8n_type == "airtableTokenApi"
    assert "prototype" in pat.why and "cannot expire" in pat.why and "30 days" in pat.why
    assert pat.expiry_days == 30
    assert advice.record(today=TODAY)["expires"] == TODAY + dt.timedelta(days=30)
    assert advice.migration.startswith("Personal access token") and "→ OAuth integration" in advice.migration
    assert "later" in advice.migration


def test_prototype_pat_with_a_settable_expiry_is_told_to_use_a_short_one() -> None:
    advice = advise("github", Hat.PROTOTYPE, Host.LAPTOP)
    pat = advice.recommended
    assert pat.method == Method.PAT and pat.expiry_days == 30
    assert "short expiry (30 days)" in pat.why
    production = advise("github", Hat.OWN_PRODUCTION, Host.LAPTOP).option(Method.PAT)
    assert production is not None and production.expiry_days == 90 and "named owner" in production.why


def test_suggested_expiry_never_exceeds_what_the_service_allows() -> None:
    for service, hat, host in ALL:
        advice = _advice_or_none(service, hat, host)
        for option in advice.ranked if advice else []:
            info = CATALOGUE.get(service).method(option.method)
            assert info is not None
            if option.expiry_days and info.max_days and info.expiry_choice:
                assert option.expiry_days <= info.max_days


def test_client_delivery_steers_away_from_personal_tokens() -> None:
    advice = advise("github", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD)
    pat = advice.option(Method.PAT)
    assert pat is not None and "personal account" in pat.why and advice.ranked.index(pat) > 0
    own = advise("github", Hat.OWN_PRODUCTION, Host.N8N_CLOUD).option(Method.PAT)
    assert own is not None and pat.score > own.score
    graph = advise("microsoft-graph", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD).recommended
    assert "client's own tenant" in graph.why


@pytest.mark.parametrize("host", [Host.AZURE, Host.GITHUB_ACTIONS])
@pytest.mark.parametrize("service", SERVICES)
def test_client_delivery_off_the_laptop_prefers_what_the_client_can_own(service: str, host: Host) -> None:
    advice = _advice_or_none(service, Hat.CLIENT_DELIVERY, host)
    if advice is None:
        return
    impersonal = [
        o for o in advice.ranked if not o.person_bound and BASE_RANK[o.method] <= BASE_RANK[Method.PAT]
    ]
    if impersonal:
        assert not advice.recommended.person_bound


def test_a_bot_token_is_not_treated_as_a_person() -> None:
    option = advise("slack", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD).recommended
    assert not option.person_bound and "personal account" not in option.why


def test_n8n_generic_types_are_named_and_costed() -> None:
    advice = advise("microsoft-graph", Hat.OWN_PRODUCTION, Host.N8N_SELF_HOSTED)
    best = advice.recommended
    assert best.method == Method.OAUTH_CLIENT_CREDENTIALS
    assert best.n8n_type is None and best.n8n_generic == "oAuth2Api" and best.n8n_credential == "oAuth2Api"
    assert "generic oAuth2Api" in best.why
    assert any("graph.microsoft.com/.default" in n for n in best.notes)
    laptop = advise("microsoft-graph", Hat.OWN_PRODUCTION, Host.GITHUB_ACTIONS).option(
        Method.OAUTH_CLIENT_CREDENTIALS
    )
    assert laptop is not None and best.score > laptop.score  # the n8n detour costs a little


def test_no_n8n_type_at_all_is_a_real_penalty_in_n8n() -> None:
    advice = advise("github", Hat.OWN_PRODUCTION, Host.N8N_CLOUD)
    app = advice.option(Method.OAUTH_CLIENT_CREDENTIALS)
    assert app is not None and "no credential type" in app.why
    assert advice.recommended.method != Method.OAUTH_CLIENT_CREDENTIALS


def test_migration_names_the_caller_move_when_needed() -> None:
    advice = advise("microsoft-graph", Hat.CLIENT_DELIVERY, Host.N8N_CLOUD)
    assert "Federated" in advice.migration and "needs the caller to move" in advice.migration
    assert {m for m, _ in advice.unavailable} == {Method.FEDERATION, Method.MANAGED_IDENTITY}


def test_record_names_n8n_type_privilege_and_no_secret() -> None:
    record = advise("supabase", Hat.OWN_PRODUCTION, Host.N8N_CLOUD).record()
    assert record["n8n_type"] == "supabaseApi" and record["privileged"] is True
    assert str(record["secret_ref"]).startswith("env:")
    laptop = advise("supabase", Hat.OWN_PRODUCTION, Host.LAPTOP).record()
    assert "n8n_type" not in laptop and laptop["used_by"] == ["laptop:supabase"]
    chosen = advise("airtable", Hat.OWN_PRODUCTION, Host.N8N_CLOUD).record(method=Method.PAT)
    assert chosen["method"] == "pat" and "Chosen over" in str(chosen["planned_migration"])
    with pytest.raises(LookupError):
        advise("azure", Hat.OWN_PRODUCTION, Host.N8N_CLOUD).record(method=Method.MANAGED_IDENTITY)


def test_advice_is_deterministic_and_validates_its_inputs() -> None:
    assert advise("aws", "own-production", "laptop") == advise("aws", Hat.OWN_PRODUCTION, Host.LAPTOP)
    with pytest.raises(KeyError, match="airtable"):
        advise("airtabel", Hat.PROTOTYPE, Host.LAPTOP)
    with pytest.raises(ValueError):
        advise("aws", "intern", Host.LAPTOP)
    with pytest.raises(ValueError):
        advise("aws", Hat.PROTOTYPE, "mainframe")


def test_static_keys_never_outrank_a_better_method_at_equal_fit() -> None:
    for service, hat, host in ALL:
        advice = _advice_or_none(service, hat, host)
        if advice is None or hat == Hat.PROTOTYPE or host in (Host.N8N_CLOUD, Host.N8N_SELF_HOSTED):
            continue
        if advice.recommended.method in (Method.API_KEY, Method.SERVICE_ACCOUNT_KEY):
            assert all(BASE_RANK[o.method] >= BASE_RANK[Method.PAT] for o in advice.ranked), (
                service,
                hat,
                host,
            )


def test_advice_and_catalogue_explainers_have_files() -> None:
    from pathlib import Path

    folder = Path(__file__).resolve().parents[3] / "explainers"
    linked = {e for s in CATALOGUE.services.values() for e in s.explainers}
    for service, hat, host in ALL:
        advice = _advice_or_none(service, hat, host)
        linked |= {o.explainer for o in advice.ranked} if advice else set()
    missing = sorted(e for e in linked if not (folder / f"{e}.md").is_file())
    assert missing == []
