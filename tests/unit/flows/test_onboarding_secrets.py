"""Client onboarding asks where each credential's secret lives (the credentials flow's step, for this client) and
checks every free-text answer as it is typed (issue 13 follow-up, item 1)."""

from __future__ import annotations

import pytest

from flows import get_flow
from wizard.audit import run_audit
from wizard.flow_runner import FlowRunner
from wizard.model import Workspace
from wizard.secrets.refs import needs_secret
from wizard.steps import Kind, StepProblems
from wizard.ui.widgets.question_field import live_problem

CLIENT = {
    "name": "Initech Labs",
    "slug": "initech",
    "tenant_model": "separate-tenant",
    "tenant": "initechlabs.onmicrosoft.com",
    "residency": "EU",
}
SCRIPT: dict[str, dict[str, object]] = {
    "client": CLIENT,
    "roles": {"roles": ["Analyst"], "admin_roles": ["Owner"]},
    "automations": {"automations": ["n8n:graph"], "kind": "auto", "repo": "", "owner": ""},
    "services": {"services": ["microsoft-graph", "airtable", "quickbooks-online"], "host": "n8n-cloud"},
    "consent": {"data_export_consent": "", "confirm": True},
}


def _walk(ws: Workspace, changes: dict[str, dict[str, object]] | None = None) -> FlowRunner:
    runner = FlowRunner(get_flow("client-onboarding"), ws, restart=True)
    while not runner.completed:
        sid = runner.step.id
        runner.submit({**runner.saved_answers(), **SCRIPT.get(sid, {}), **(changes or {}).get(sid, {})})
    return runner


def test_onboarding_asks_where_each_secret_lives_after_the_methods(demo_ws: Workspace) -> None:
    ids = get_flow("client-onboarding").step_ids()
    assert "secrets" in ids and ids.index("secrets") == ids.index("methods") + 1


def test_accepting_the_suggestions_leaves_no_client_credential_without_a_reference(
    demo_ws: Workspace,
) -> None:
    ws = _walk(demo_ws).ws
    mine = [c for c in ws.credentials if c.client == "initech"]
    needing = [c for c in mine if needs_secret(ws, c.id)]
    assert needing, "the chosen services should include at least one credential with a stored secret"
    assert all(c.secret_ref for c in needing), [c.id for c in needing if not c.secret_ref]
    assert len({c.secret_ref for c in needing}) == len(needing)  # each its own store entry
    # ... and the audit's missing-reference finding says nothing about this client
    mine_ids = {f"credential:{c.id}" for c in mine}
    assert [f.subject for f in run_audit(ws) if f.rule_id == "no-secret-ref" and f.subject in mine_ids] == []


def test_the_secrets_step_refuses_a_value_and_a_clash(demo_ws: Workspace) -> None:
    runner = FlowRunner(get_flow("client-onboarding"), demo_ws, restart=True)
    while not runner.completed and runner.step.id != "secrets":
        runner.submit({**runner.saved_answers(), **SCRIPT.get(runner.step.id, {})})
    assert not runner.completed
    refs = [q.id for q in runner.step.questions]
    assert len(refs) >= 2
    with pytest.raises(StepProblems) as info:
        runner.submit(
            {**runner.saved_answers(), refs[0]: "env:INITECH_SHARED", refs[1]: "env:initech_shared"}
        )
    assert set(info.value.problems) & set(refs)
    with pytest.raises(StepProblems):
        runner.submit({**runner.saved_answers(), refs[0]: "just-a-name"})


def test_every_free_text_onboarding_question_has_a_validator(demo_ws: Workspace) -> None:
    runner = _walk(demo_ws)
    missing = [
        f"{s.id}.{q.id}"
        for s in get_flow("client-onboarding").steps(runner.ws)
        for q in s.questions
        if q.kind in (Kind.TEXT, Kind.LIST) and q.validate is None
    ]
    assert missing == []


def _question(ws: Workspace, step: str, qid: str):  # type: ignore[no-untyped-def]
    return get_flow("client-onboarding").build(ws, step).question(qid)


@pytest.mark.parametrize(
    ("step", "qid", "bad", "word", "good"),
    [
        ("client", "tenant", "initech labs", "domain", "initechlabs.onmicrosoft.com"),
        ("client", "tenant", "initech", "domain", "8f3e3c1a-1b2c-4d5e-8f90-123456789abc"),
        ("services", "owner", "alex", "e-mail", "alex@northwinddata.com"),
        ("services", "owner", "alex at northwind", "e-mail", "ops-team@northwind.co.uk"),
        ("roles", "roles", ["R&D <EU>"], "role name", ["Data-Steward"]),
        ("roles", "admin_roles", ["9 lives"], "role name", ["Owner"]),
        (
            "consent",
            "data_export_consent",
            "12345 / 6789",
            "letters",
            "Exports stay in the client's EU storage",
        ),
    ],
)
def test_onboarding_free_text_shows_its_problem_as_typed(
    demo_ws: Workspace, step, qid, bad, word, good
) -> None:  # type: ignore[no-untyped-def]
    q = _question(demo_ws, step, qid)
    problem = live_problem(q, bad)
    assert word.lower() in problem.lower(), problem
    assert live_problem(q, good) == ""


def test_a_bad_tenant_or_owner_is_refused_on_next(demo_ws: Workspace) -> None:
    runner = FlowRunner(get_flow("client-onboarding"), demo_ws, restart=True)
    with pytest.raises(StepProblems) as info:
        runner.submit({**runner.saved_answers(), **CLIENT, "tenant": "not a tenant"})
    assert set(info.value.problems) == {"tenant"}
    while not runner.completed and runner.step.id != "services":
        runner.submit({**runner.saved_answers(), **SCRIPT.get(runner.step.id, {})})
    with pytest.raises(StepProblems) as info:
        runner.submit({**runner.saved_answers(), **SCRIPT["services"], "owner": "alex"})
    assert set(info.value.problems) == {"owner"}
