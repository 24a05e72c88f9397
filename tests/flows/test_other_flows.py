"""The IdP interview, client onboarding, n8n and Supabase flows, driven as plain Python."""

from __future__ import annotations

import pytest

from wizard.idp_interview import recommend
from wizard.model import IdP, Status, TenantModel
from wizard.naming import check_group_name
from wizard.steps import FlowRunner, StepProblems, get_flow

NEUTRAL = {"licences": "none", "clients": "mixed", "saas": "few", "self_host": "neutral", "residency": "standard",
           "external": "some", "budget": "moderate"}


@pytest.mark.parametrize(("changes", "expected"), [
    ({"licences": "m365-premium", "clients": "microsoft"}, IdP.ENTRA),
    ({"licences": "google-workspace", "clients": "google"}, IdP.GOOGLE),
    ({"self_host": "prefer", "budget": "minimal", "residency": "strict"}, IdP.KEYCLOAK),
    ({"external": "bursty"}, IdP.AUTH0),
    ({"saas": "many", "budget": "flexible"}, IdP.OKTA),
])
def test_interview_recommendations(changes: dict[str, str], expected: IdP) -> None:
    rec = recommend({**NEUTRAL, **changes})
    assert rec.recommended.idp == expected
    assert rec.recommended.reasons and rec.runner_up.idp != expected
    assert "Recommended" in rec.summary() and "Runner-up" in rec.summary()


def test_self_hosting_is_never_recommended_to_someone_who_wants_to_avoid_it() -> None:
    for lic in ("m365-premium", "none", "google-workspace"):
        rec = recommend({**NEUTRAL, "licences": lic, "self_host": "avoid", "budget": "minimal",
                         "residency": "strict"})
        assert rec.recommended.idp not in (IdP.KEYCLOAK, IdP.AUTHENTIK)


ONBOARD = {
    "client": {"name": "Acme Logistics", "slug": "", "tenant_model": "separate-tenant",
               "tenant": "acmelogistics.onmicrosoft.com", "residency": "EU"},
    "roles": {"roles": ["Data-Engineer", "Analyst"], "admin_roles": ["Owner"]},
    "automations": {"automations": ["n8n:graph", "github:deploy"], "kind": "auto", "repo": "acme/etl",
                    "owner": "alex@northwind.example"},
    "services": {"services": ["microsoft-graph", "airtable", "quickbooks-online"], "host": "n8n-cloud"},
    "methods": {},
    "consent": {"data_export_consent": "Exports stay in the client's EU storage", "confirm": True},
}


def onboard(ws, answers=ONBOARD):  # type: ignore[no-untyped-def]
    runner = FlowRunner(get_flow("client-onboarding"), ws, restart=True)
    while not runner.completed:
        runner.submit({**runner.saved_answers(), **answers[runner.step.id]})
    return runner.ws


def test_onboarding_a_client_creates_groups_identities_credentials_and_checklist(demo_ws) -> None:  # type: ignore[no-untyped-def]
    ws = demo_ws.model_copy(update={"clients": [], "groups": [], "service_principals": [], "credentials": []})
    ws = onboard(ws)
    client = ws.client("acme-logistics")
    assert client and client.tenant_model == TenantModel.SEPARATE_TENANT and client.residency == "EU"
    names = [g.name for g in ws.groups if g.client == "acme-logistics"]
    assert names == ["Tenant-Acme-Logistics-Data-Engineer", "Tenant-Acme-Logistics-Analyst",
                     "Admin-Acme-Logistics-Owner"]
    assert all(not check_group_name(n, ws.consultancy.naming, ws.consultancy.idp) for n in names)
    assert {sp.name for sp in ws.service_principals} == {"svc-n8n-graph-acme-logistics",
                                                         "svc-github-deploy-acme-logistics"}
    creds = {c.service: c for c in ws.credentials if c.client == "acme-logistics"}
    assert set(creds) == {"microsoft-graph", "airtable", "quickbooks-online"}
    assert all(c.status == Status.PLANNED for c in creds.values())
    ids = {i.id for i in ws.checklist if i.client == "acme-logistics"}
    assert {"acme-logistics:tenant", "acme-logistics:consent"} <= ids


def test_onboarding_the_same_client_twice_creates_nothing_twice(demo_ws) -> None:  # type: ignore[no-untyped-def]
    once = onboard(demo_ws)
    twice = onboard(once)
    for attr in ("clients", "groups", "service_principals", "credentials", "checklist"):
        assert len(getattr(twice, attr)) == len(getattr(once, attr)), attr


def test_onboarding_rejects_a_bad_slug(demo_ws) -> None:  # type: ignore[no-untyped-def]
    runner = FlowRunner(get_flow("client-onboarding"), demo_ws, restart=True)
    with pytest.raises(StepProblems) as info:
        runner.submit({**ONBOARD["client"], "slug": "9 Bad Slug"})
    assert "slug" in info.value.problems


def test_n8n_flow_records_address_sso_checklist_and_usage(demo_ws) -> None:  # type: ignore[no-untyped-def]
    runner = FlowRunner(get_flow("n8n"), demo_ws)
    answers = runner.saved_answers()
    preview = runner.preview({**answers, "url": "https://n8n.fjord.example/"})
    assert "https://n8n.fjord.example/rest/sso/saml/acs" in preview
    assert "https://n8n.fjord.example/rest/oauth2-credential/callback" in preview
    with pytest.raises(StepProblems):
        runner.submit({**answers, "url": "http://n8n.fjord.example"})
    ws = runner.submit({**answers, "url": "https://n8n.fjord.example/", "sso": "saml"})
    assert ws.consultancy.integrations.n8n_url == "https://n8n.fjord.example"
    assert {"org:n8n-sso-idp", "org:n8n-sso-n8n", "org:n8n-oauth-callback"} <= {i.id for i in ws.checklist}


def test_supabase_flow_records_azure_provider_steps_and_privileged_key(demo_ws) -> None:  # type: ignore[no-untyped-def]
    runner = FlowRunner(get_flow("supabase"), demo_ws)
    answers = {**runner.saved_answers(), "project_ref": "qwertyuiopasdfghjklz", "tenant": "northwind.example",
               "service_role_ref": "keyvault://kv-northwind-ops/supabase-service-role"}
    assert "https://qwertyuiopasdfghjklz.supabase.co/auth/v1/callback" in runner.preview(answers)
    ws = runner.submit(answers)
    key = ws.credential("northwind-supabase-service-role")
    assert key and key.privileged and key.secret_ref.startswith("keyvault://")
    assert not any(u.startswith("n8n:") for u in key.used_by)
    with pytest.raises(StepProblems):
        FlowRunner(get_flow("supabase"), demo_ws).submit({**answers, "project_ref": "short"})
