"""Onboarding asks where a client's data-access apps live (default from the tenant model), records the choice on
the client, and the review reads the same placement as the plan: one block per tenant."""

from __future__ import annotations

import pytest

from flows import get_flow
from wizard import placement
from wizard.flow_runner import FlowRunner
from wizard.model import Placement, TenantModel, Workspace
from wizard.providers.entra.plan import build_plans

CLIENT = {
    "name": "Initech Labs",
    "slug": "initech",
    "tenant_model": "separate-tenant",
    "tenant": "initechlabs.onmicrosoft.com",
    "residency": "EU",
}
ANSWERS = {
    "roles": {"roles": ["Analyst"], "admin_roles": ["Owner"]},
    "automations": {"automations": ["n8n:graph"], "kind": "auto", "repo": "", "owner": ""},
    "services": {"services": ["microsoft-graph"], "host": "n8n-cloud"},
    "methods": {},
    "secrets": {},
    "consent": {"data_export_consent": "", "confirm": True},
}


def run(
    ws: Workspace, client: dict, placement_answer: str | None = None
) -> tuple[Workspace, dict[str, object]]:
    runner = FlowRunner(get_flow("client-onboarding"), ws, restart=True)
    defaults: dict[str, object] = {}
    while not runner.completed:
        sid = runner.step.id
        answers = {**runner.saved_answers(), **(client if sid == "client" else ANSWERS[sid])}
        if sid == "automations":
            q = next(q for q in runner.step.questions if q.id == "app_placement")
            defaults["app_placement"] = q.default
            defaults["preview"] = runner.preview({**answers, "app_placement": placement_answer or q.default})
            if placement_answer:
                answers["app_placement"] = placement_answer
        runner.submit(answers)
    return runner.ws, defaults


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("separate-tenant", "client"),
        ("delegated-admin", "client"),
        ("b2b-guests", "home"),
        ("partition", "home"),
    ],
)
def test_the_question_defaults_follow_the_tenant_model(demo_ws: Workspace, model: str, expected: str) -> None:
    ws, seen = run(demo_ws, {**CLIENT, "tenant_model": model})
    assert seen["app_placement"] == expected
    assert ws.client("initech").app_placement == Placement(expected)  # the user's pick is recorded


def test_review_and_plan_agree_on_every_tenant(demo_ws: Workspace) -> None:
    ws, seen = run(demo_ws, CLIENT)
    review = get_flow("client-onboarding").review(ws)
    home_block, client_block = review.split("Will be created in ")[1:3]
    assert home_block.startswith("entra, northwinddata.onmicrosoft.com")
    assert "group Tenant-Initech-Analyst" in home_block and "svc-n8n-graph-initech" not in home_block
    assert client_block.startswith("the client's tenant (initechlabs.onmicrosoft.com)")
    assert "app registration + service principal svc-n8n-graph-initech" in client_block
    # (the tenant-wide app management policy step is about the tenant, not an object placed in it)
    plans = {
        p.tenant: {s.subject for s in p.steps if s.kind != "app-management-policy"}
        for p in build_plans(ws, client="initech")
    }
    assert plans == {
        "northwinddata.onmicrosoft.com": {"Tenant-Initech-Analyst", "Admin-Initech-Owner"},
        "initechlabs.onmicrosoft.com": {"svc-n8n-graph-initech"},
    }
    assert "initechlabs.onmicrosoft.com" in str(seen["preview"])


def test_a_multi_tenant_choice_shows_in_the_review_and_the_plan(demo_ws: Workspace) -> None:
    ws, _ = run(demo_ws, CLIENT, "multi-tenant")
    sp = ws.service_principal("svc-n8n-graph-initech")
    assert placement.app_registration_tenant(ws, sp).key == "home"
    review = get_flow("client-onboarding").review(ws)
    assert (
        "app registration svc-n8n-graph-initech (secret; multi-tenant: its service principal appears in "
        "Initech Labs's tenant (initechlabs.onmicrosoft.com) when its admin consents)" in review
    )
    assert "service principal svc-n8n-graph-initech (made when the admin consents" in review
    home, there = build_plans(ws, client="initech")
    assert home.step("application:svc-n8n-graph-initech") and there.step(
        "service-principal:svc-n8n-graph-initech"
    )


def test_a_partition_cannot_put_apps_in_a_tenant_it_does_not_have(demo_ws: Workspace) -> None:
    from wizard.steps import StepProblems

    with pytest.raises(StepProblems) as info:
        run(demo_ws, {**CLIENT, "tenant_model": "partition"}, "client")
    assert "app_placement" in info.value.problems


def test_changing_the_tenant_model_resets_the_app_default(demo_ws: Workspace) -> None:
    ws, _ = run(demo_ws, CLIENT, "multi-tenant")
    ws, seen = run(ws, {**CLIENT, "tenant_model": TenantModel.B2B_GUESTS.value})
    assert seen["app_placement"] == "home"
