"""Both IaC exports put every object in the tenant wizard.placement gives it, and agree with the Entra plan:
the az script signs in to each tenant before touching it, the Terraform has one provider per tenant."""

from __future__ import annotations

from pathlib import Path

from tests.support.tenant_views import az_view, plan_view, terraform_view
from wizard import placement
from wizard.demo import DEMO_TODAY
from wizard.export import azure_cli, terraform
from wizard.model import AppRole, Group, Placement, ServicePrincipal, Workspace


def demo_ws_with(ws: Workspace, acme_tenant: str) -> Workspace:
    copy = ws.model_copy(deep=True)
    copy.client("acme").tenant = acme_tenant  # type: ignore[union-attr]
    return copy


HOME = "northwinddata.onmicrosoft.com"
ACME = "acmelogistics.onmicrosoft.com"


def test_az_script_signs_in_to_each_tenant_before_its_objects(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    script = azure_cli.render(demo_ws, today=DEMO_TODAY)
    seen, calls = az_view(script, tmp_path)
    assert all(tenant != "NONE" for tenant, *_ in calls)  # nothing runs before a sign-in to a tenant
    assert seen[("application", "svc-n8n-graph-acme")] == ACME
    assert seen[("service-principal", "svc-n8n-graph-acme")] == ACME
    assert seen[("group", "Tenant-Acme-Analyst")] == HOME
    assert seen[("application", "svc-api-portal-acme")] == HOME  # with the groups its roles go to
    assert seen[("application", "svc-n8n-graph-globex")] == HOME  # b2b-guests: your tenant
    assert seen == plan_view(demo_ws)
    assert f"https://login.microsoftonline.com/{ACME}/adminconsent" in script


def test_terraform_has_a_provider_per_tenant_and_agrees_with_the_plan(demo_ws) -> None:  # type: ignore[no-untyped-def]
    demo_ws.clients[0].tenant = "0a0a0a0a-0000-4000-8000-00000000000a"  # a GUID goes straight into tenant_id
    seen, doc = terraform_view(terraform.render(demo_ws, today=DEMO_TODAY), demo_ws)
    providers = {
        b["alias"].strip('"'): b["tenant_id"].strip('"') for block in doc["provider"] for b in block.values()
    }
    assert providers == {"home": "${var.tenant_id_home}", "acme": "0a0a0a0a-0000-4000-8000-00000000000a"}
    assert seen == plan_view(demo_ws)
    for block in doc["data"]:
        for instances in block.values():
            assert all("provider" in body for body in instances.values())


def test_multi_tenant_app_in_both_exports(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo_ws.client("acme").app_placement = Placement.MULTI_TENANT
    script = azure_cli.render(demo_ws, client="acme", today=DEMO_TODAY)
    seen, calls = az_view(script, tmp_path)
    assert seen[("application", "svc-n8n-graph-acme")] == HOME
    assert seen[("service-principal", "svc-n8n-graph-acme")] == ACME
    create = next(c for c in calls if c[1:4] == ["ad", "app", "create"] and "svc-n8n-graph-acme" in c)
    assert create[create.index("--sign-in-audience") + 1] == "AzureADMultipleOrgs"
    hcl = terraform.render(demo_ws, client="acme", today=DEMO_TODAY)
    tf, doc = terraform_view(hcl, demo_ws)
    assert tf == seen == plan_view(demo_ws, client="acme")
    apps = {
        n.strip('"'): b
        for block in doc["resource"]
        for t, inst in block.items()
        if t.strip('"') == "azuread_application"
        for n, b in inst.items()
    }
    assert apps["svc_n8n_graph_acme"]["sign_in_audience"].strip('"') == "AzureADMultipleOrgs"
    assert apps["svc_api_portal_acme"]["sign_in_audience"].strip('"') == "AzureADMyOrg"


def test_a_role_for_a_group_of_another_tenant_is_left_out_with_the_reason(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo_ws.groups.append(Group(name="Tenant-Acme-Reader", client="acme"))
    demo_ws.service_principals.append(
        ServicePrincipal(
            name="svc-api-reports-acme",
            client="acme",
            tenant=Placement.CLIENT,
            app_roles=[AppRole(value="reports:read", display_name="Read", groups=["Tenant-Acme-Reader"])],
        )
    )
    assert placement.role_assignment_problem(
        demo_ws, demo_ws.service_principal("svc-api-reports-acme"), "Tenant-Acme-Reader"
    )
    script = azure_cli.render(demo_ws, client="acme", today=DEMO_TODAY)
    hcl = terraform.render(demo_ws, client="acme", today=DEMO_TODAY)
    for text in (script, hcl):
        assert "# not assigned: group Tenant-Acme-Reader lives in your home tenant" in text
    _, calls = az_view(script, tmp_path)
    assert not [c for c in calls if "appRoleAssignedTo" in " ".join(c) and "reports" in " ".join(c)]
    assert 'azuread_app_role_assignment" "svc_api_reports_acme' not in hcl


def test_an_unrecorded_tenant_is_asked_for_not_guessed(demo_ws, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo_ws.client("acme").tenant = ""
    script = azure_cli.render(demo_ws, client="acme", today=DEMO_TODAY)
    assert 'sign_in "${TENANT_ACME:?set TENANT_ACME to the tenant id or domain of client acme}"' in script
    seen, calls = az_view(script, tmp_path, expect_ok=False)  # stops at acme's section, asking for it
    assert "TENANT_ACME" in (tmp_path / "az-stderr.txt").read_text()
    assert not [c for c in calls if c[0] != HOME]
    (tmp_path / "again").mkdir()
    seen, calls = az_view(script, tmp_path / "again", env_extra={"TENANT_ACME": ACME})
    assert seen == plan_view(demo_ws_with(demo_ws, ACME), client="acme")
    hcl = terraform.render(demo_ws, client="acme", today=DEMO_TODAY)
    assert 'variable "tenant_id_acme"' in hcl and "tenant_id = var.tenant_id_acme" in hcl


def test_checklist_names_the_tenant_of_every_group_and_app(demo_ws) -> None:  # type: ignore[no-untyped-def]
    from wizard.export import checklist

    text = checklist.render(demo_ws, client="acme", today=DEMO_TODAY)
    home_label, acme_label = f"your home tenant ({HOME})", f"Acme Logistics's tenant ({ACME})"
    lines = text.splitlines()
    for name, label in (
        ("Tenant-Acme-Analyst", home_label),
        ("svc-n8n-graph-acme", acme_label),
        ("svc-github-deploy-acme", acme_label),
        ("svc-api-portal-acme", home_label),
    ):
        line = next(x for x in lines if f"`{name}`" in x)
        assert line.endswith(f"in {label}"), line
    assert f"needs admin consent in {acme_label}" in text
    demo_ws.client("acme").app_placement = Placement.MULTI_TENANT
    text = checklist.render(demo_ws, client="acme", today=DEMO_TODAY)
    assert f"Register `svc-n8n-graph-acme` (secret) in {home_label} as a multi-tenant app" in text
    assert f"An administrator of {acme_label} consents to it" in text


def test_offboarding_says_which_tenant_each_step_happens_in(demo_ws) -> None:  # type: ignore[no-untyped-def]
    from wizard.offboarding import plan_offboarding

    steps = plan_offboarding(demo_ws, client="acme")
    where = {(s.subject, s.action.split()[0]): s.where for s in steps}
    assert where[("service-principal:svc-n8n-graph-acme", "Disable")].startswith(
        f"Acme Logistics's tenant ({ACME})"
    )
    assert where[("service-principal:svc-n8n-graph-acme", "Delete")].startswith(
        f"Acme Logistics's tenant ({ACME})"
    )
    assert where[("group:Tenant-Acme-Analyst", "Remove")].startswith(f"your home tenant ({HOME})")
    demo_ws.client("acme").app_placement = Placement.MULTI_TENANT
    steps = [
        s
        for s in plan_offboarding(demo_ws, client="acme")
        if s.subject == "service-principal:svc-n8n-graph-acme"
    ]
    texts = {s.action: s.where for s in steps}
    enterprise = next(
        w for a, w in texts.items() if a.startswith("Ask the client's admin to delete the enterprise")
    )
    registration = next(
        w for a, w in texts.items() if a.startswith("Delete the multi-tenant app registration")
    )
    assert enterprise.startswith("Acme Logistics's tenant") and registration.startswith("your home tenant")


def test_a_blueprint_keeps_its_apps_with_its_groups_and_its_issuer_there(demo_ws) -> None:  # type: ignore[no-untyped-def]
    from wizard.blueprints import BLUEPRINTS, apply_blueprint
    from wizard.blueprints.model import resolve_params
    from wizard.providers.entra.plan import build_plans

    ws = apply_blueprint(demo_ws, "data-api-oidc", "acme", {"owner": "alex@northwinddata.onmicrosoft.com"})
    new = [sp for sp in ws.service_principals if sp.notes.startswith("data-api-oidc")]
    assert len(new) >= 3  # the API, the command-line client, a service account
    assert {placement.service_principal_tenant(ws, sp).tenant for sp in new} == {HOME}
    steps = [
        s for p in build_plans(ws, client="acme") for s in p.steps if s.key.startswith("role-assignment:")
    ]
    assert steps and not [s for s in steps if s.manual]  # every role assignment stays inside one tenant
    issuers = resolve_params(BLUEPRINTS["data-api-oidc"], ws, "acme", {})["issuers"]
    assert issuers.startswith(f"https://login.microsoftonline.com/{HOME}/v2.0|")
