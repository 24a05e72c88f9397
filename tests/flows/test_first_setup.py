"""First-time setup runs headless from an empty workspace to a saved plan, and resumes after a restart."""

from __future__ import annotations

import pytest

from wizard.audit import run_audit
from wizard.inventory import dumps, parse
from wizard.model import CredentialKind, Hat, IdP, Method, Status, new_workspace
from wizard.naming import check_group_name
from wizard.steps import FlowRunner, Kind, StepProblems, get_flow

ANSWERS = {
    "about": {"name": "Fjord Analytics", "home_tenant": "fjord.onmicrosoft.com",
              "hats": ["prototype", "client-delivery"], "tools": ["airtable", "microsoft-graph", "github", "n8n"]},
    "interview": {"licences": "m365-premium", "clients": "microsoft", "saas": "few", "self_host": "neutral",
                  "residency": "standard", "external": "some", "budget": "moderate"},
    "confirm": {},
    "convention": {},
    "roles": {"roles": ["Data-Engineer", "Analyst"], "admin_roles": ["Global"], "kind": "security"},
    "automations": {"automations": ["n8n:graph", "github:deploy"], "kind": "auto", "repo": "fjord/pipelines",
                    "owner": "ola@fjord.example"},
    "host": {"host": "n8n-self-hosted", "hat": "own-production"},
    "methods": {},
    "review": {"confirm": True},
}


def run_to_end(runner: FlowRunner) -> None:
    while not runner.completed:
        step = runner.step
        answers = {**runner.saved_answers(), **ANSWERS[step.id]}
        runner.submit(answers)


def test_first_setup_from_nothing_to_a_plan() -> None:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    assert runner.label == f"Step 1 of {runner.total}"
    run_to_end(runner)
    ws = runner.ws
    assert ws.consultancy.name == "Fjord Analytics" and ws.consultancy.slug == "fjord-analytics"
    assert ws.consultancy.idp == IdP.ENTRA and ws.consultancy.idp_reasons
    assert ws.consultancy.hats == [Hat.PROTOTYPE, Hat.CLIENT_DELIVERY]
    names = {g.name for g in ws.groups}
    assert {"Org-Data-Engineer", "Org-Analyst", "Admin-Global"} <= names
    assert all(not check_group_name(g.name, ws.consultancy.naming, IdP.ENTRA) for g in ws.groups)
    assert next(g for g in ws.groups if g.name == "Admin-Global").admin
    sps = {sp.name: sp for sp in ws.service_principals}
    assert sps["svc-github-deploy-internal"].credential_kind == CredentialKind.FEDERATED
    assert sps["svc-github-deploy-internal"].federated_credentials[0].subject == \
        "repo:fjord/pipelines:environment:production"
    assert sps["svc-n8n-graph-internal"].credential_kind == CredentialKind.SECRET
    creds = {c.service: c for c in ws.credentials}
    assert set(creds) == {"airtable", "microsoft-graph", "github", "n8n"}
    assert all(c.status == Status.PLANNED for c in creds.values())
    assert creds["microsoft-graph"].method == Method.OAUTH_CLIENT_CREDENTIALS
    assert creds["airtable"].n8n_type  # an n8n credential type was recorded for an n8n caller
    assert any(i.id == "org:break-glass" for i in ws.checklist)
    assert ws.flow_progress("first-setup").completed
    # The plan is a valid inventory and no audit rule finds a dangling reference in it.
    again, _, _ = parse(dumps(ws).encode())
    assert again == ws
    assert not [f for f in run_audit(ws) if f.rule_id == "dangling"]


def test_resume_after_restart_at_the_unfinished_step() -> None:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    for _ in range(3):
        runner.submit({**runner.saved_answers(), **ANSWERS[runner.step.id]})
    saved = dumps(runner.ws)
    reloaded, _, _ = parse(saved.encode())  # "restart": the inventory is all that survives
    resumed = FlowRunner(get_flow("first-setup"), reloaded)
    assert resumed.index == 3 and resumed.step.id == runner.step.id
    assert resumed.saved_answers(get_flow("first-setup").steps(reloaded)[0])["name"] == "Fjord Analytics"
    run_to_end(resumed)
    assert resumed.completed


def test_back_and_reapply_never_duplicates() -> None:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    run_to_end(runner)
    before = (len(runner.ws.groups), len(runner.ws.service_principals), len(runner.ws.credentials),
              len(runner.ws.checklist))
    again = FlowRunner(get_flow("first-setup"), runner.ws, restart=True)
    run_to_end(again)
    after = (len(again.ws.groups), len(again.ws.service_principals), len(again.ws.credentials),
             len(again.ws.checklist))
    assert after == before
    runner2 = FlowRunner(get_flow("first-setup"), new_workspace("X", "x"))
    runner2.submit({**runner2.saved_answers(), **ANSWERS["about"]})
    runner2.back()
    assert runner2.index == 0
    runner2.submit({**runner2.saved_answers(), **ANSWERS["about"]})
    assert runner2.index == 1


def test_invalid_answers_are_reported_per_question_and_change_nothing() -> None:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    ws_before = runner.ws
    with pytest.raises(StepProblems) as info:
        runner.submit({"name": "", "hats": ["astronaut"], "tools": ["airtable"]})
    assert set(info.value.problems) == {"name", "hats"}
    assert runner.ws is ws_before and runner.index == 0


def test_a_secret_typed_into_a_text_answer_is_refused_without_echo(canaries: dict[str, str]) -> None:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    for value in canaries.values():
        with pytest.raises(StepProblems) as info:
            runner.submit({**ANSWERS["about"], "home_tenant": value})
        assert "secret" in info.value.problems["home_tenant"]
        assert value not in str(info.value)


def test_naming_step_rejects_a_pattern_the_idp_refuses() -> None:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    for _ in range(3):
        runner.submit({**runner.saved_answers(), **ANSWERS[runner.step.id]})
    assert runner.step.id == "convention"
    answers = runner.saved_answers()
    preview = runner.preview({**answers, "group_template": "Tenant {Client} {Role}"})
    assert "✗" in preview
    with pytest.raises(StepProblems) as info:
        runner.submit({**answers, "group_template": "Tenant {Client} {Role}"})
    assert "group_template" in info.value.problems
    with pytest.raises(StepProblems):
        runner.submit({**answers, "group_template": "Tenant-{Role}"})  # no {Client}


def test_every_question_names_a_known_explainer() -> None:
    from tests.catalogue.test_catalogue import EXPLAINER_IDS
    from wizard.demo import demo_workspace
    from wizard.steps import FLOW_MODULES

    ws = demo_workspace()
    for flow_id in FLOW_MODULES:
        for step in get_flow(flow_id).steps(ws):
            assert step.explainer in EXPLAINER_IDS, (flow_id, step.id)
            for q in step.questions:
                assert q.explainer in EXPLAINER_IDS, (flow_id, q.id)
                if q.kind in (Kind.CHOICE,):
                    assert q.options, (flow_id, q.id)
