"""Where each secret lives (issue 13, item 3): store keys, collisions, suggestions, the audit and the wizard step."""

from __future__ import annotations

import pytest

from flows import get_flow
from wizard.audit import Severity, run_audit
from wizard.demo import DEMO_TODAY
from wizard.flow_runner import FlowRunner
from wizard.model import Credential, CredentialKind, Method, ServicePrincipal, Status, new_workspace
from wizard.secrets.refs import collisions, store_key, suggest_reference
from wizard.steps import StepProblems


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("env:svc_a", "env:SVC_A"),
        ("keyvault://KV-Acme/Svc-Graph", "keyvault://kv-acme/svc-graph"),
        ("op://Clients/Acme/password", "1password://clients/ACME/password"),
        ("op://Clients/Acme/login/password", "op://clients/acme/password"),
        ("file:~/secrets.env#svc_a", "file:~/secrets.env#SVC_A"),
    ],
)
def test_references_that_name_one_store_entry_have_one_key(a: str, b: str) -> None:
    assert store_key(a) == store_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("env:SVC_A", "keyvault://kv-one/svc-a"),
        ("env:SVC_A", "env:SVC_B"),
        ("keyvault://kv-one/svc", "keyvault://kv-two/svc"),
        ("file:~/a.env#KEY", "file:~/b.env#KEY"),
    ],
)
def test_different_entries_have_different_keys(a: str, b: str) -> None:
    assert store_key(a) != store_key(b)


def test_a_non_reference_has_no_key() -> None:
    with pytest.raises(ValueError):
        store_key("SVC_A")


def _ws():  # type: ignore[no-untyped-def]
    return new_workspace("Northwind", "northwind")


@pytest.mark.parametrize(("one", "two"), [("svc-a", "svc_a"), ("svc.n8n.acme", "svc-n8n-acme")])
def test_service_principals_whose_new_secrets_would_share_a_store_name_collide(one: str, two: str) -> None:
    ws = _ws()
    ws.service_principals += [
        ServicePrincipal(name=one, owner="a@b.co"),
        ServicePrincipal(name=two, owner="a@b.co"),
    ]
    assert {(c.first, c.second) for c in collisions(ws)} == {
        (f"service-principal:{one}", f"service-principal:{two}")
    }
    findings = [f for f in run_audit(ws, DEMO_TODAY) if f.rule_id == "secret-collision"]
    assert {f.subject for f in findings} == {f"service-principal:{one}", f"service-principal:{two}"}
    assert all(f.severity == Severity.ERROR for f in findings)


def test_credentials_spelled_differently_but_in_one_entry_collide_and_a_shared_identity_secret_does_not() -> (
    None
):
    ws = _ws()
    ws.credentials += [
        Credential(
            id="a-pat", service="github", method=Method.PAT, owner="a@b.co", secret_ref="env:acme_pat"
        ),
        Credential(
            id="b-pat", service="github", method=Method.PAT, owner="a@b.co", secret_ref="env:ACME_PAT"
        ),
    ]
    assert [(c.first, c.second) for c in collisions(ws)] == [("credential:a-pat", "credential:b-pat")]
    ws = _ws()
    ws.service_principals.append(
        ServicePrincipal(name="svc-graph", owner="a@b.co", secret_ref="env:SVC_GRAPH", status=Status.ACTIVE)
    )
    ws.credentials.append(
        Credential(
            id="graph",
            service="microsoft-graph",
            method=Method.OAUTH_CLIENT_CREDENTIALS,
            identity="svc-graph",
            owner="a@b.co",
            secret_ref="env:svc_graph",
        )
    )
    assert collisions(ws) == []


def test_a_planned_credential_with_nothing_recorded_is_a_finding() -> None:
    ws = _ws()
    ws.credentials.append(
        Credential(
            id="northwind-airtable",
            service="airtable",
            method=Method.PAT,
            owner="a@b.co",
            status=Status.PLANNED,
        )
    )
    found = [f for f in run_audit(ws, DEMO_TODAY) if f.subject == "credential:northwind-airtable"]
    assert [f.rule_id for f in found if f.severity != Severity.INFO] == ["no-secret-ref"]
    assert "idspine edit northwind-airtable --secret-ref" in found[0].fix
    ws.credentials[0].secret_ref = "env:NORTHWIND_AIRTABLE_PAT"
    assert [f for f in run_audit(ws, DEMO_TODAY) if f.rule_id == "no-secret-ref"] == []
    # keyless methods need nothing recorded
    ws.credentials.append(
        Credential(
            id="northwind-gh",
            service="github",
            method=Method.FEDERATION,
            owner="a@b.co",
            status=Status.PLANNED,
        )
    )
    assert [f for f in run_audit(ws, DEMO_TODAY) if f.rule_id == "no-secret-ref"] == []


def test_suggestions_follow_the_convention_the_store_and_never_collide() -> None:
    ws = _ws()
    ws.credentials.append(
        Credential(id="acme-airtable", service="airtable", method=Method.PAT, client="acme")
    )
    assert suggest_reference(ws, "acme-airtable") == "env:ACME_AIRTABLE_PAT"
    ws.credentials.append(
        Credential(id="other", service="github", method=Method.PAT, secret_ref="env:acme_airtable_pat")
    )
    assert suggest_reference(ws, "acme-airtable") == "env:ACME_AIRTABLE_PAT_2"
    ws.consultancy.integrations.secret_store = "keyvault"
    ws.consultancy.integrations.keyvault_name = "kv-northwind"
    ws.consultancy.naming.prefix = "nw-"
    assert suggest_reference(ws, "acme-airtable") == "keyvault://kv-northwind/nw-acme-airtable-pat"


SETUP = {
    "about": {
        "name": "Fjord Analytics",
        "home_tenant": "fjord.onmicrosoft.com",
        "hats": ["prototype"],
        "tools": ["airtable", "github", "n8n"],
    },
    "automations": {"automations": ["n8n:graph"], "kind": "secret", "repo": "", "owner": "ola@fjord.example"},
    "host": {"host": "n8n-self-hosted", "hat": "own-production", "owner": "ola@fjord.example"},
    "review": {"confirm": True},
}


def _run_to(step_id: str) -> FlowRunner:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    for _ in range(runner.total):
        if runner.step.id == step_id:
            break
        runner.submit({**runner.saved_answers(), **SETUP.get(runner.step.id, {})})  # type: ignore[arg-type]
    assert runner.step.id == step_id
    return runner


def test_the_wizard_asks_where_each_secret_lives_with_suggestions() -> None:
    runner = _run_to("secrets")
    step = runner.step
    qids = [q.id for q in step.questions]
    assert qids == [f"ref.{c.id}" for c in runner.ws.credentials if c.method != Method.FEDERATION]
    saved = runner.saved_answers()
    assert all(str(v).startswith("env:FJORD_ANALYTICS_") for v in saved.values())
    ws = runner.submit(saved)
    assert all(c.secret_ref == saved[f"ref.{c.id}"] for c in ws.credentials if f"ref.{c.id}" in saved)
    runner.submit({"confirm": True})
    assert [f for f in run_audit(runner.ws, DEMO_TODAY) if f.severity != Severity.INFO] == []


def test_two_answers_naming_one_entry_or_a_secret_value_are_refused_without_echo() -> None:
    runner = _run_to("secrets")
    saved = runner.saved_answers()
    first, second = list(saved)[:2]
    with pytest.raises(StepProblems) as info:
        runner.submit({**saved, first: "env:fjord_shared", second: "env:FJORD_SHARED"})
    assert "FJORD_SHARED" in info.value.problems[second] and first not in info.value.problems
    canary = "ghp_" + "Zq8" * 12
    with pytest.raises(StepProblems) as info:
        runner.submit({**saved, first: canary})
    assert canary not in str(info.value.problems)
    # a reference another credential already holds is refused as typed
    ws = runner.ws
    ws.credentials.append(Credential(id="taken", service="github", method=Method.PAT, secret_ref="env:TAKEN"))
    runner.ws = ws
    question = runner.step.question(first)
    assert question.validate is not None and "taken" in question.validate("env:taken")[0]


def test_an_emptied_answer_leaves_nothing_recorded_and_check_says_so() -> None:
    runner = _run_to("secrets")
    saved = runner.saved_answers()
    first = next(iter(saved))
    runner.submit({**saved, first: ""})
    runner.submit({"confirm": True})
    cred = runner.ws.credential(first.removeprefix("ref."))
    assert cred is not None and cred.secret_ref is None
    assert [f.subject for f in run_audit(runner.ws, DEMO_TODAY) if f.rule_id == "no-secret-ref"] == [
        f"credential:{cred.id}"
    ]


def test_secret_kind_service_principals_are_not_asked_but_collide_checked() -> None:
    ws = _ws()
    ws.service_principals.append(ServicePrincipal(name="svc-a", credential_kind=CredentialKind.FEDERATED))
    ws.service_principals.append(ServicePrincipal(name="svc_a", credential_kind=CredentialKind.FEDERATED))
    assert collisions(ws) == []  # nothing will be stored for federated identities


@pytest.mark.parametrize("existing", ["svc_n8n_graph_internal", "svc.n8n.graph.internal"])
def test_the_wizard_refuses_an_identity_whose_secret_would_share_a_store_name(existing: str) -> None:
    ws = _ws()
    ws.service_principals.append(ServicePrincipal(name=existing, owner="a@b.co"))
    runner = FlowRunner(get_flow("service-principals"), ws)
    with pytest.raises(StepProblems) as info:
        runner.submit({"automations": ["n8n:graph"], "kind": "secret", "repo": "", "owner": "a@b.co"})
    assert "share one secret store entry" in info.value.problems["automations"]
    runner.submit({"automations": ["n8n:mail"], "kind": "secret", "repo": "", "owner": "a@b.co"})


def test_the_secrets_step_can_serve_a_client_context_read_from_the_workspace() -> None:
    """What client onboarding needs to add the step: the client and its services come from the workspace."""
    from flows.secret_refs import secret_steps
    from wizard.steps import Flow

    ws = _ws()
    ws.credentials.append(
        Credential(
            id="acme-airtable",
            service="airtable",
            method=Method.PAT,
            client="acme",
            owner="a@b.co",
            status=Status.PLANNED,
        )
    )
    flow = Flow("probe", "Probe", "", secret_steps(lambda w: "acme", lambda w: ["airtable"]))
    runner = FlowRunner(flow, ws)
    assert [q.id for q in runner.step.questions] == ["ref.acme-airtable"]
    ws = runner.submit(runner.saved_answers())
    assert ws.credential("acme-airtable").secret_ref == "env:ACME_AIRTABLE_PAT"
