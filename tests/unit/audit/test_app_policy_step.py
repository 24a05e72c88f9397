"""Issue 19: the tenant-wide app management policy is a planned, explained step that is never applied silently.

The Entra plan of a tenant that gets a new client secret lists it as a manual step with the Graph call it would
take (PATCH /policies/defaultAppManagementPolicy) and its licence; apply turns it into a checklist item and
never calls Graph for it (checked against the loopback Graph stand-in's call log); the checklist export names it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from graph_standin import Directory

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.explainer_library import exists
from wizard.export import checklist
from wizard.inventory import load
from wizard.model import ChecklistItem, CredentialKind, Workspace
from wizard.providers.entra.apply import apply_plan
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.plan import (
    APP_POLICY_LICENCE,
    APP_POLICY_PATH,
    build_plan,
    build_plans,
    render_text,
)
from wizard.providers.entra.retry import RetryPolicy
from wizard.secrets.sinks import EnvFileSink

TODAY = dt.date(2026, 11, 23)
EXPLAINERS = Path(__file__).resolve().parents[3] / "explainers"


def test_plan_lists_the_policy_as_a_manual_explained_step(entra_ws: Workspace) -> None:
    plan = build_plan(entra_ws)
    assert plan.step("client-secret:svc-n8n-sharepoint-globex") is not None
    step = plan.step("app-management-policy")
    assert step is not None and step.manual and step in plan.manual and step not in plan.automatic
    assert step.kind == "app-management-policy"
    assert f"PATCH {APP_POLICY_PATH}" in step.summary and any(c.startswith("PATCH ") for c in step.calls)
    assert APP_POLICY_LICENCE == "Microsoft Entra Workload ID Premium" and APP_POLICY_LICENCE in step.summary
    assert "P181D" in step.summary and "passwordAddition" in step.summary
    assert "never" in step.summary
    assert step.detail == "app-management-policies" and exists(step.detail)
    assert (EXPLAINERS / "app-management-policies.md").is_file()
    kinds = [s.kind for s in plan.steps]
    assert kinds.index("app-management-policy") < kinds.index(
        "client-secret"
    )  # set it before secrets are added
    text = render_text(plan)
    manual_part = text.split("Manual steps")[1]
    assert (
        "app management policy" in manual_part
        and f"by hand, not by idspine: PATCH {APP_POLICY_PATH}" in manual_part
    )


def test_no_policy_step_where_no_secret_is_added(entra_ws: Workspace) -> None:
    # The demo adds no client secret (its secrets exist): its plans stay as the screens show them.
    # (entra_ws is the demo fixture changed in place, so the plain demo is built afresh.)
    assert all(p.step("app-management-policy") is None for p in build_plans(demo_workspace(DEMO_TODAY)))
    sp = entra_ws.service_principal("svc-n8n-sharepoint-globex")
    assert sp is not None
    sp.credential_kind = CredentialKind.FEDERATED
    assert build_plan(entra_ws).step("app-management-policy") is None


def test_apply_records_the_policy_and_never_calls_graph_for_it(
    ws_file: Path, graph: GraphClient, directory: Directory, tmp_path: Path
) -> None:
    ws = load(ws_file)
    plan = build_plan(ws)
    assert plan.step("app-management-policy") is not None
    report = apply_plan(
        ws,
        plan,
        graph,
        path=ws_file,
        sink=EnvFileSink(tmp_path / "secrets.env"),
        retry=RetryPolicy(attempts=4, sleep=lambda s: None),
        today=TODAY,
    )
    assert report.ok, report.render_text()
    outcome = next(o for o in report.outcomes if o.key == "app-management-policy")
    assert outcome.status == "manual"
    assert directory.calls, "the stand-in saw the other steps' calls"
    assert not [c for c in directory.calls if "appmanagementpolic" in str(c).lower()]
    assert not [c for c in directory.calls if "/policies" in str(c).lower()]
    item = next(i for i in load(ws_file).checklist if i.id == "app-management-policy:home")
    assert not item.done and APP_POLICY_PATH in item.text


def test_checklist_names_the_policy_until_apply_records_it(entra_ws: Workspace) -> None:
    text = checklist.render(entra_ws, today=TODAY)
    section = text.split("## Tenant app management policy")[1].split("\n## ")[0]
    assert "/policies/defaultAppManagementPolicy" in section and "181 days" in section
    assert "Workload ID Premium" in section and "explainer: app-management-policies" in section
    assert "never sets it" in section
    assert "Tenant app management policy" in checklist.render(entra_ws, client="globex", today=TODAY)
    assert "Tenant app management policy" not in checklist.render(entra_ws, client="acme", today=TODAY)
    assert "Tenant app management policy" not in checklist.render(demo_workspace(DEMO_TODAY), today=TODAY)
    entra_ws.checklist.append(
        ChecklistItem(id="app-management-policy:home", text="set the app management policy", done=True)
    )
    after = checklist.render(entra_ws, today=TODAY)
    assert "Tenant app management policy" not in after  # recorded by apply: listed once, under Manual steps
    assert "- [x] set the app management policy" in after
