"""First-time setup runs headless from an empty workspace to a saved plan and checklist, and resumes after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import FLOWS, get_flow
from tests.unit.explainers.conftest import REQUIRED_IDS
from wizard.audit import run_audit
from wizard.flow_runner import FlowRunner
from wizard.inventory import dumps, load, parse, save
from wizard.model import CredentialKind, Hat, IdP, Method, Status, new_workspace
from wizard.naming import check_group_name
from wizard.steps import Kind, StepProblems

EXPLAINER_DIR = Path(__file__).resolve().parents[3] / "explainers"
EXPLAINER_IDS = REQUIRED_IDS  # the concepts issues 5 and 19 ask for, listed once

ANSWERS = {
    "about": {
        "name": "Fjord Analytics",
        "home_tenant": "fjord.onmicrosoft.com",
        "hats": ["prototype", "client-delivery"],
        "tools": ["airtable", "microsoft-graph", "github", "n8n"],
    },
    "interview": {
        "licences": "m365-premium",
        "clients": "microsoft",
        "saas": "few",
        "self_host": "neutral",
        "residency": "standard",
        "external": "some",
        "budget": "moderate",
    },
    "confirm": {},
    "convention": {},
    "roles": {"template": "solo", "roles": ["Analyst"], "admin_roles": [], "kind": "security"},
    "automations": {
        "automations": ["n8n:graph", "github:deploy"],
        "kind": "auto",
        "repo": "fjord/pipelines",
        "owner": "ola@fjord.example",
    },
    "host": {"host": "n8n-self-hosted", "hat": "own-production", "owner": "ola@fjord.example"},
    "methods": {},
    "secrets": {},
    "review": {"confirm": True},
}


def fresh() -> FlowRunner:
    return FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))


def answer(runner: FlowRunner) -> None:
    """Submit the current step with its prefilled answers overlaid by the script's."""
    runner.submit({**runner.saved_answers(), **ANSWERS[runner.step.id]})


def run_to_end(runner: FlowRunner) -> None:
    while not runner.completed:
        answer(runner)


def test_the_steps_are_those_of_issue_3_in_order() -> None:
    assert get_flow("first-setup").step_ids() == [
        "about",
        "interview",
        "confirm",
        "convention",
        "roles",
        "automations",
        "host",
        "methods",
        "secrets",
        "review",
    ]


def test_first_setup_from_nothing_to_a_saved_plan_and_checklist(tmp_path: Path) -> None:
    runner = fresh()
    assert runner.label == f"Step 1 of {runner.total}"
    run_to_end(runner)
    ws = runner.ws
    c = ws.consultancy
    assert (c.name, c.slug, c.home_tenant) == ("Fjord Analytics", "fjord-analytics", "fjord.onmicrosoft.com")
    assert c.idp == IdP.ENTRA and any("Entra ID P1" in r for r in c.idp_reasons)
    assert any(r.startswith("Runner-up:") for r in c.idp_reasons)
    assert c.hats == [Hat.PROTOTYPE, Hat.CLIENT_DELIVERY] and "airtable" in c.tools
    # Groups: the solo template plus one extra role; the admin group apart; every name passes the convention.
    groups = {g.name: g for g in ws.groups}
    assert set(groups) == {"Org-Data-Engineer", "Org-Automation-Owner", "Org-Analyst", "Admin-Global"}
    assert groups["Admin-Global"].admin and not groups["Org-Analyst"].admin
    assert all(not check_group_name(n, c.naming, IdP.ENTRA) for n in groups)
    # One identity per automation; GitHub federated to one exact environment, n8n with a secret.
    sps = {sp.name: sp for sp in ws.service_principals}
    assert set(sps) == {"svc-n8n-graph-internal", "svc-github-deploy-internal"}
    gh = sps["svc-github-deploy-internal"]
    assert gh.credential_kind == CredentialKind.FEDERATED
    assert [f.subject for f in gh.federated_credentials] == ["repo:fjord/pipelines:environment:production"]
    assert sps["svc-n8n-graph-internal"].credential_kind == CredentialKind.SECRET
    assert all(sp.owner == "ola@fjord.example" for sp in sps.values())
    # A method per tool, chosen by the advisor, recorded as planned; where each secret lives (a reference
    # suggested from the credential's id and method), never a secret.
    creds = {cr.service: cr for cr in ws.credentials}
    assert set(creds) == {"airtable", "microsoft-graph", "github", "n8n"}
    assert all(cr.status == Status.PLANNED for cr in creds.values())
    assert creds["airtable"].secret_ref == "env:FJORD_ANALYTICS_AIRTABLE_OAUTH_CLIENT"  # its OAuth app secret
    assert all(cr.owner == "ola@fjord.example" for cr in creds.values())
    assert creds["microsoft-graph"].method == Method.OAUTH_CLIENT_CREDENTIALS
    assert creds["airtable"].n8n_type  # an n8n caller gets n8n's credential type recorded
    ids = {i.id for i in ws.checklist}
    assert {"org:break-glass", "org:mfa", "org:secret:svc-n8n-graph-internal"} <= ids
    assert ws.flow_progress("first-setup").completed
    # Save, load back, export the checklist; the audit finds nothing the answers did not cause.
    path = tmp_path / "idspine.toml"
    save(ws, path)
    assert load(path) == ws
    from wizard.export.checklist import render

    checklist = render(load(path))
    assert "break-glass" in checklist and "svc-n8n-graph-internal" in checklist
    assert run_audit(ws) == []


def test_the_review_step_says_what_where_and_what_stays_manual() -> None:
    runner = fresh()
    while runner.step.id != "review":
        answer(runner)
    preview = runner.preview(runner.saved_answers()) or ""
    assert "Will be created in entra, fjord.onmicrosoft.com" in preview
    assert "group Admin-Global (admin" in preview and "svc-github-deploy-internal (federated)" in preview
    assert "created by you at each service" in preview and "Stays manual" in preview
    assert "Runner-up" in preview
    assert get_flow("first-setup").review(runner.ws) == preview


def test_resume_after_restart_at_the_unfinished_step() -> None:
    runner = fresh()
    for _ in range(4):
        answer(runner)
    assert runner.step.id == "roles"
    reloaded, _, _ = parse(dumps(runner.ws).encode())  # "restart": the inventory is all that survives
    resumed = FlowRunner(get_flow("first-setup"), reloaded)
    assert resumed.step.id == "roles" and resumed.label == "Step 5 of 10"
    first = get_flow("first-setup").build(reloaded, "about")
    assert resumed.saved_answers(first)["name"] == "Fjord Analytics"
    interview = get_flow("first-setup").build(reloaded, "interview")
    assert resumed.saved_answers(interview)["licences"] == "m365-premium"
    run_to_end(resumed)
    assert resumed.completed and resumed.ws.consultancy.idp == IdP.ENTRA


def test_the_methods_step_follows_the_host_chosen_in_this_flow() -> None:
    runner = fresh()
    while runner.step.id != "host":
        answer(runner)
    runner.submit({**runner.saved_answers(), "host": "github-actions", "hat": "own-production"})
    questions = {q.id: q for q in runner.step.questions}
    assert "method.microsoft-graph" in questions
    assert questions["method.microsoft-graph"].default == Method.FEDERATION.value  # GitHub can federate
    assert all(q.kind == Kind.CHOICE and q.options for q in questions.values())


def test_back_and_reapply_never_duplicate() -> None:
    runner = fresh()
    run_to_end(runner)
    counts = (
        len(runner.ws.groups),
        len(runner.ws.service_principals),
        len(runner.ws.credentials),
        len(runner.ws.checklist),
    )
    again = FlowRunner(get_flow("first-setup"), runner.ws, restart=True)
    run_to_end(again)
    assert (
        len(again.ws.groups),
        len(again.ws.service_principals),
        len(again.ws.credentials),
        len(again.ws.checklist),
    ) == counts
    walker = fresh()
    for _ in range(6):
        answer(walker)
    for _ in range(3):
        walker.back()
    assert walker.step.id == "convention"
    run_to_end(walker)
    assert len(walker.ws.groups) == 4 and len(walker.ws.service_principals) == 2


def test_invalid_answers_are_reported_per_question_and_change_nothing() -> None:
    runner = fresh()
    ws_before = runner.ws
    with pytest.raises(StepProblems) as info:
        runner.submit({"name": "1234", "hats": ["astronaut"], "tools": ["airtable"]})
    assert set(info.value.problems) == {"name", "hats"}
    with pytest.raises(StepProblems) as info:
        runner.submit({**ANSWERS["about"], "hats": []})
    assert set(info.value.problems) == {"hats"}
    assert runner.ws is ws_before and runner.index == 0


def test_a_secret_typed_into_a_text_answer_is_refused_without_echo(canaries: dict[str, str]) -> None:
    runner = fresh()
    for value in canaries.values():
        with pytest.raises(StepProblems) as info:
            runner.submit({**ANSWERS["about"], "home_tenant": value})
        assert "secret" in info.value.problems["home_tenant"]
        assert value not in str(info.value)
    for _ in range(5):
        answer(runner)
    assert runner.step.id == "automations"
    for value in canaries.values():
        with pytest.raises(StepProblems) as info:
            runner.submit({**ANSWERS["automations"], "owner": value})
        assert value not in str(info.value)
    assert value not in dumps(runner.ws)


def test_naming_step_previews_and_rejects_what_the_idp_refuses() -> None:
    runner = fresh()
    for _ in range(3):
        answer(runner)
    assert runner.step.id == "convention"
    answers = runner.saved_answers()
    good = runner.preview(answers) or ""
    assert "✓ Tenant-Acme-Data-Engineer" in good and "✓ Admin-Global" in good and "mailNickname" in good
    spaced = {**answers, "group_template": "Tenant {Client} {Role}"}
    assert "✗ Tenant Acme Data-Engineer" in (runner.preview(spaced) or "")
    with pytest.raises(StepProblems) as info:
        runner.submit(spaced)
    assert "space" in info.value.problems["group_template"]
    cases = {
        "group_template": ("Tenant-{Role}", "{Client}"),
        "service_principal_template": ("svc-{tool}", "{purpose}"),
        "admin_group_template": ("Admin-{Client}-{Rank}", "unknown placeholder"),
        "max_length": ("12", "allows 12"),
        "allowed_pattern": ("[unclosed", "regular expression"),
    }
    for qid, (value, word) in cases.items():
        with pytest.raises(StepProblems) as info:
            runner.submit({**answers, qid: value})
        assert any(word in m for m in info.value.problems.values()), (qid, info.value.problems)
    with pytest.raises(StepProblems) as info:
        runner.submit({**answers, "blocked_words": ["engineer"]})
    assert "blocked word" in info.value.problems["group_template"]
    runner.submit(
        {
            **answers,
            "prefix": "fj-",
            "group_template": "fj-Tenant-{Client}-{Role}",
            "internal_group_template": "fj-Org-{Role}",
            "admin_group_template": "fj-Admin-{Client}-{Role}",
        }
    )
    assert runner.ws.consultancy.naming.prefix == "fj-"
    runner.submit(ANSWERS["roles"])
    assert all(g.name.startswith("fj-") for g in runner.ws.groups)


def test_every_question_of_every_flow_names_an_explainer_that_exists(demo_ws) -> None:  # type: ignore[no-untyped-def]
    assert len(EXPLAINER_IDS) >= 50
    assert {p.stem for p in EXPLAINER_DIR.glob("*.md")} >= EXPLAINER_IDS
    for flow_id in FLOWS:
        for ws in (demo_ws, new_workspace("Empty", "empty")):
            for step in get_flow(flow_id).steps(ws):
                assert set(step.explainers) <= EXPLAINER_IDS, (flow_id, step.id, step.explainers)
                for q in step.questions:
                    assert q.explainer in EXPLAINER_IDS and (EXPLAINER_DIR / f"{q.explainer}.md").is_file()
                    if q.kind == Kind.CHOICE:
                        assert q.options, (flow_id, q.id)
