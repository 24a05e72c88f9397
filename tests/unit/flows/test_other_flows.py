"""Client onboarding, groups, service principals, credentials, n8n and Supabase flows, driven as plain Python."""

from __future__ import annotations

import pytest

from flows import get_flow
from wizard.flow_runner import FlowRunner
from wizard.inventory import dumps, parse
from wizard.model import CredentialKind, Status, TenantModel, Workspace, new_workspace
from wizard.naming import check_group_name
from wizard.secrets.refs import needs_secret
from wizard.steps import StepProblems

ONBOARD = {
    "client": {
        "name": "Acme Logistics",
        "slug": "",
        "tenant_model": "separate-tenant",
        "tenant": "acmelogistics.onmicrosoft.com",
        "residency": "EU",
    },
    "roles": {"roles": ["Data-Engineer", "Analyst"], "admin_roles": ["Owner"]},
    "automations": {
        "automations": ["n8n:graph", "github:deploy", "n8n:graph"],
        "kind": "auto",
        "repo": "acme/etl",
        "owner": "alex@northwind.example",
    },
    "services": {"services": ["microsoft-graph", "airtable", "quickbooks-online"], "host": "n8n-cloud"},
    "methods": {},
    "secrets": {},
    "consent": {"data_export_consent": "Exports stay in the client's EU storage", "confirm": True},
}


def onboard(ws: Workspace, **changes: dict[str, object]) -> Workspace:
    runner = FlowRunner(get_flow("client-onboarding"), ws, restart=True)
    while not runner.completed:
        sid = runner.step.id
        runner.submit({**runner.saved_answers(), **ONBOARD[sid], **changes.get(sid, {})})
    return runner.ws


def empty_demo(ws: Workspace) -> Workspace:
    return ws.model_copy(
        update={"clients": [], "groups": [], "service_principals": [], "credentials": [], "checklist": []}
    )


def counts(ws: Workspace) -> dict[str, int]:
    return {
        a: len(getattr(ws, a))
        for a in ("clients", "groups", "service_principals", "credentials", "checklist")
    }


def test_onboarding_a_client_creates_its_plan_checklist_and_inventory_entries(demo_ws: Workspace) -> None:
    ws = onboard(empty_demo(demo_ws))
    client = ws.client("acme-logistics")
    assert client and client.tenant_model == TenantModel.SEPARATE_TENANT and client.residency == "EU"
    assert client.data_export_consent == "Exports stay in the client's EU storage"
    groups = [g for g in ws.groups if g.client == "acme-logistics"]
    assert [g.name for g in groups] == [
        "Tenant-Acme-Logistics-Data-Engineer",
        "Tenant-Acme-Logistics-Analyst",
        "Admin-Acme-Logistics-Owner",
    ]
    assert [g.admin for g in groups] == [False, False, True]
    assert all(not check_group_name(g.name, ws.consultancy.naming, ws.consultancy.idp) for g in groups)
    sps = {sp.name: sp for sp in ws.service_principals}
    assert set(sps) == {"svc-n8n-graph-acme-logistics", "svc-github-deploy-acme-logistics"}  # repeat dropped
    assert sps["svc-github-deploy-acme-logistics"].credential_kind == CredentialKind.FEDERATED
    assert all(sp.client == "acme-logistics" and sp.status == Status.PLANNED for sp in sps.values())
    creds = {c.service: c for c in ws.credentials if c.client == "acme-logistics"}
    assert set(creds) == {"microsoft-graph", "airtable", "quickbooks-online"}
    assert all(c.status == Status.PLANNED for c in creds.values())
    # the suggested references were accepted: every credential with a secret of its own says where it lives
    assert all(c.secret_ref for c in creds.values() if needs_secret(ws, c.id))
    ids = {i.id for i in ws.checklist if i.client == "acme-logistics"}
    assert {
        "acme-logistics:tenant",
        "acme-logistics:consent",
        "acme-logistics:residency",
        "acme-logistics:secret:svc-n8n-graph-acme-logistics",
    } <= ids
    review = get_flow("client-onboarding").review(ws)
    assert "the client's tenant (acmelogistics.onmicrosoft.com)" in review
    assert "Admin-Acme-Logistics-Owner (admin" in review and "Stays manual" in review
    # Everything belongs to this client: nothing was added for anyone else.
    assert {g.client for g in ws.groups} == {"acme-logistics"}
    assert {c.client for c in ws.checklist} == {"acme-logistics"}
    again, _, _ = parse(dumps(ws).encode())
    assert again == ws


def test_onboarding_acme_twice_creates_nothing_twice(demo_ws: Workspace) -> None:
    acme = {"client": {"name": "Acme Logistics", "slug": "acme"}}
    before = counts(demo_ws)
    once = onboard(demo_ws, **acme)
    twice = onboard(once, **acme)
    assert counts(twice) == counts(once)
    assert counts(once)["clients"] == before["clients"]  # acme was already a client: updated, not added
    # The demo's acme groups and its active n8n identity are recognised, not duplicated.
    assert counts(once)["groups"] == before["groups"]
    names = [sp.name for sp in twice.service_principals]
    assert len(names) == len(set(names)) and names.count("svc-n8n-graph-acme") == 1
    assert twice.service_principal("svc-n8n-graph-acme").status == Status.ACTIVE
    assert len({c.id for c in twice.credentials}) == len(twice.credentials)
    assert len({i.id for i in twice.checklist}) == len(twice.checklist)


def test_tenant_models_say_where_things_are_created(demo_ws: Workspace) -> None:
    ws = onboard(empty_demo(demo_ws), client={"tenant_model": "partition", "name": "Initech", "tenant": ""})
    review = get_flow("client-onboarding").review(ws)
    assert "a partition for Initech" in review
    assert "administrative unit" in next(i.text for i in ws.checklist if i.id == "initech:tenant")


def test_onboarding_rejects_bad_input_without_echoing_secrets(
    demo_ws: Workspace, canaries: dict[str, str]
) -> None:
    runner = FlowRunner(get_flow("client-onboarding"), demo_ws, restart=True)
    with pytest.raises(StepProblems) as info:
        runner.submit({**ONBOARD["client"], "slug": "9 Bad Slug"})
    assert "slug" in info.value.problems
    with pytest.raises(StepProblems) as info:
        runner.submit({**ONBOARD["client"], "name": "", "tenant_model": "franchise"})
    assert set(info.value.problems) == {"name", "tenant_model"}
    for value in canaries.values():
        with pytest.raises(StepProblems) as info:
            runner.submit({**ONBOARD["client"], "tenant": value})
        assert value not in str(info.value)
    runner.submit(ONBOARD["client"])
    runner.submit(ONBOARD["roles"])
    with pytest.raises(StepProblems) as info:
        runner.submit({**ONBOARD["automations"], "automations": ["just-a-tool"], "repo": "not a repo"})
    assert set(info.value.problems) == {"automations", "repo"}


def test_an_offboarded_client_is_not_silently_revived(demo_ws: Workspace) -> None:
    acme = demo_ws.client("acme")
    assert acme is not None
    acme.status = Status.RETIRED
    runner = FlowRunner(get_flow("client-onboarding"), demo_ws, restart=True)
    with pytest.raises(StepProblems) as info:
        runner.submit({**ONBOARD["client"], "slug": "acme"})
    assert "off-boarded" in info.value.problems["slug"]


def test_groups_flow_uses_role_templates_with_admins_apart() -> None:
    ws = new_workspace("Fjord", "fjord")
    runner = FlowRunner(get_flow("groups"), ws)
    preview = runner.preview({**runner.saved_answers(), "template": "team"}) or ""
    assert "Org-Contractor" in preview and "Admin-Identity (admin)" in preview
    with pytest.raises(StepProblems):
        runner.submit({"template": "custom", "roles": [], "admin_roles": [], "kind": "security"})
    ws = runner.submit({"template": "team", "roles": ["Analyst", "Finance"], "kind": "m365"})
    names = [g.name for g in ws.groups]
    assert names == [
        "Org-Data-Engineer",
        "Org-Analyst",
        "Org-Automation-Owner",
        "Org-Contractor",
        "Org-Finance",
        "Admin-Global",
        "Admin-Identity",
    ]
    assert all(g.kind.value == ("security" if g.admin else "m365") for g in ws.groups)
    with pytest.raises(StepProblems) as info:
        FlowRunner(get_flow("groups"), ws, restart=True).submit({"template": "solo", "roles": ["R&D (EU)"]})
    assert "Org-R&D-(EU)" in info.value.problems["roles"]


def test_service_principals_are_updated_in_place_when_rerun() -> None:
    ws = FlowRunner(get_flow("service-principals"), new_workspace("Fjord", "fjord")).submit(
        {"automations": ["n8n:graph", "azure:ingest"], "kind": "auto", "repo": "", "owner": ""}
    )
    kinds = {sp.name: sp.credential_kind for sp in ws.service_principals}
    assert kinds == {
        "svc-n8n-graph-internal": CredentialKind.SECRET,
        "svc-azure-ingest-internal": CredentialKind.MANAGED_IDENTITY,
    }
    ws = FlowRunner(get_flow("service-principals"), ws, restart=True).submit(
        {"automations": ["n8n:graph"], "kind": "certificate", "owner": "ola@fjord.example"}
    )
    sp = ws.service_principal("svc-n8n-graph-internal")
    assert len(ws.service_principals) == 2 and sp.credential_kind == CredentialKind.CERTIFICATE
    assert sp.owner == "ola@fjord.example"


def test_credentials_flow_records_the_advisors_pick_per_tool(demo_ws: Workspace) -> None:
    runner = FlowRunner(get_flow("credentials"), demo_ws)
    runner.submit({"host": "azure", "hat": "own-production", "owner": "ops@northwind.example"})
    step = runner.step
    assert step.questions and all(q.default == q.options[0].value for q in step.questions)
    before = len(runner.ws.credentials)
    ws = runner.submit(runner.saved_answers())
    added = ws.credentials[before:]
    assert added and all(c.status == Status.PLANNED and c.owner == "ops@northwind.example" for c in added)
    assert all(c.client == "" for c in added)
    again = FlowRunner(get_flow("credentials"), ws, restart=True)
    again.submit({"host": "azure", "hat": "own-production"})
    assert len(again.submit(again.saved_answers()).credentials) == len(ws.credentials)


def test_n8n_flow_records_address_sso_checklist_and_usage(demo_ws: Workspace) -> None:
    runner = FlowRunner(get_flow("n8n"), demo_ws)
    answers = runner.saved_answers()
    offered = {o.value for o in runner.step.question("credentials").options}
    assert offered and not any(demo_ws.credential(cid).privileged for cid in offered)
    preview = runner.preview({**answers, "url": "https://n8n.fjord.example/"}) or ""
    assert "https://n8n.fjord.example/rest/sso/saml/acs" in preview
    assert "https://n8n.fjord.example/rest/sso/oidc/callback" in preview
    assert "https://n8n.fjord.example/rest/oauth2-credential/callback" in preview
    for bad in ("http://n8n.fjord.example", "https://user:pw@n8n.fjord.example", "n8n.fjord.example"):
        with pytest.raises(StepProblems) as info:
            runner.submit({**answers, "url": bad})
        assert "url" in info.value.problems
    keep = sorted(offered)[:1]
    ws = runner.submit({**answers, "url": "https://n8n.fjord.example/", "sso": "oidc", "credentials": keep})
    assert ws.consultancy.integrations.n8n_url == "https://n8n.fjord.example"
    ids = {i.id for i in ws.checklist}
    assert {"org:n8n-sso-idp", "org:n8n-sso-n8n", "org:n8n-oauth-callback"} <= ids
    sso_item = next(i.text for i in ws.checklist if i.id == "org:n8n-sso-idp")
    assert "oidc/callback" in sso_item and "saml" not in sso_item
    assert all(any(u.startswith("n8n:") for u in ws.credential(c).used_by) for c in keep)


def test_n8n_flow_without_sso_asks_for_mfa(demo_ws: Workspace) -> None:
    runner = FlowRunner(get_flow("n8n"), demo_ws)
    ws = runner.submit({**runner.saved_answers(), "url": "https://n8n.example.org", "sso": "none"})
    assert "org:n8n-mfa" in {i.id for i in ws.checklist} and "org:n8n-sso-idp" not in {
        i.id for i in ws.checklist
    }


def test_supabase_flow_records_azure_provider_steps_and_privileged_key(demo_ws: Workspace) -> None:
    runner = FlowRunner(get_flow("supabase"), demo_ws)
    answers = {
        **runner.saved_answers(),
        "project_ref": "qwertyuiopasdfghjklz",
        "tenant": "northwind.example",
        "service_role_ref": "keyvault://kv-northwind-ops/supabase-service-role",
    }
    preview = runner.preview(answers) or ""
    assert "https://qwertyuiopasdfghjklz.supabase.co/auth/v1/callback" in preview
    assert "https://login.microsoftonline.com/northwind.example" in preview
    with pytest.raises(StepProblems) as info:
        runner.submit({**answers, "project_ref": "short", "tenant": ""})
    assert set(info.value.problems) == {"project_ref", "tenant"}
    ws = runner.submit(answers)
    key = ws.credential("northwind-supabase-service-role")
    assert key and key.privileged and key.secret_ref.startswith("keyvault://")
    assert not any(u.startswith("n8n:") for u in key.used_by)
    assert "org:supabase-azure-redirect:qwertyuiopasdfghjklz" in {i.id for i in ws.checklist}
    rerun = FlowRunner(get_flow("supabase"), ws, restart=True).submit(answers)
    assert counts(rerun) == counts(ws)


def test_supabase_flow_flags_a_service_role_key_found_in_n8n(demo_ws: Workspace) -> None:
    role = demo_ws.credential("acme-supabase-service-role")
    assert role is not None and role.privileged
    role.used_by = [*role.used_by, "n8n:Nightly sync"]
    runner = FlowRunner(get_flow("supabase"), demo_ws)
    ws = runner.submit({**runner.saved_answers(), "project_ref": "qwertyuiopasdfghjklz", "azure": False})
    item = next(i for i in ws.checklist if i.id.startswith("org:supabase-role-out-of-n8n"))
    assert "acme-supabase-service-role" in item.text


def test_reference_questions_refuse_secret_values(demo_ws: Workspace, canaries: dict[str, str]) -> None:
    for flow_id, qid in (
        ("n8n", "api_key_ref"),
        ("supabase", "service_role_ref"),
        ("supabase", "access_token_ref"),
    ):
        runner = FlowRunner(get_flow(flow_id), demo_ws)
        base = {
            **runner.saved_answers(),
            "url": "https://n8n.example.org",
            "project_ref": "qwertyuiopasdfghjklz",
            "tenant": "northwind.example",
        }
        for value in canaries.values():
            with pytest.raises(StepProblems) as info:
                runner.submit({**base, qid: value})
            assert qid in info.value.problems and value not in str(info.value)
