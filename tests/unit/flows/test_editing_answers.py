"""Going back and changing an answer replaces what the old answer produced (issue 13, item 2).

Nothing from the old answer may remain in the plan, the checklist, the exports (checklist, CSV, az,
Terraform) or the off-boarding list; objects already applied for real are not dropped silently but listed
for retirement; fields later steps set on a surviving object are kept; no reference is left dangling.
"""

from __future__ import annotations

import datetime as dt
import re

from flows import get_flow
from wizard.demo import DEMO_TODAY
from wizard.export import FORMATS
from wizard.flow_runner import FlowRunner
from wizard.model import AppRole, Status, new_workspace
from wizard.offboarding import plan_offboarding, render_markdown
from wizard.providers.entra.plan import build_plan, render_text

SETUP = {
    "about": {
        "name": "Fjord Analytics",
        "home_tenant": "fjord.onmicrosoft.com",
        "hats": ["prototype", "client-delivery"],
        "tools": ["airtable", "microsoft-graph", "github", "n8n"],
    },
    "roles": {"template": "solo", "roles": ["Quarterback"], "admin_roles": [], "kind": "security"},
    "automations": {
        "automations": ["n8n:graph", "zapier:oldsync"],
        "kind": "secret",
        "repo": "",
        "owner": "ola@fjord.example",
    },
    "host": {"host": "n8n-self-hosted", "hat": "own-production", "owner": "ola@fjord.example"},
    "review": {"confirm": True},
}
OLD = ("Quarterback", "oldsync", "airtable")


def _everything(ws) -> str:  # type: ignore[no-untyped-def]
    """Every rendering of the workspace a user can see: plan, checklist, exports, off-boarding lists."""
    parts = [render_text(build_plan(ws, tenant="fjord.onmicrosoft.com")), get_flow("first-setup").review(ws)]
    for fmt in ("checklist", "csv", "az", "terraform"):
        parts.append(FORMATS[fmt].render(ws, today=DEMO_TODAY))
    for client in ws.clients:
        parts.append(render_markdown(ws, plan_offboarding(ws, client=client.slug), client.slug))
    parts.append(render_markdown(ws, plan_offboarding(ws, owner="ola@fjord.example"), "ola"))
    return "\n".join(parts)


def _answer(runner: FlowRunner, script: dict[str, dict[str, object]]) -> None:
    runner.submit({**runner.saved_answers(), **script.get(runner.step.id, {})})  # type: ignore[arg-type]


def _setup_to_end(script: dict[str, dict[str, object]]) -> FlowRunner:
    runner = FlowRunner(get_flow("first-setup"), new_workspace("My consultancy", "my-consultancy"))
    while not runner.completed:
        _answer(runner, script)
    return runner


def _back_to(runner: FlowRunner, step_id: str) -> None:
    while runner.step.id != step_id:
        runner.back()


def test_changing_earlier_answers_leaves_nothing_of_the_old_ones_anywhere() -> None:
    runner = _setup_to_end(SETUP)
    before = _everything(runner.ws)
    assert all(word in before for word in OLD)  # the old answers did produce something visible
    _back_to(runner, "about")
    changed = {
        **SETUP,
        "about": {**SETUP["about"], "tools": ["microsoft-graph", "github", "n8n"]},
        "roles": {**SETUP["roles"], "roles": ["Analyst"]},
        "automations": {**SETUP["automations"], "automations": ["n8n:graph"]},
    }
    while not runner.completed:
        _answer(runner, changed)
    after = _everything(runner.ws)
    for word in OLD:
        assert word not in after, word
    ws = runner.ws
    assert ws.group("Org-Analyst") is not None and ws.service_principal("svc-n8n-graph-internal") is not None
    assert [c.service for c in ws.credentials if c.service == "airtable"] == []


def test_one_changed_step_replaces_its_products_even_before_the_later_steps_are_answered_again() -> None:
    runner = _setup_to_end(SETUP)
    _back_to(runner, "automations")
    _answer(runner, {"automations": {**SETUP["automations"], "automations": ["n8n:graph"]}})
    ws = runner.ws  # the user stops here: the review step (which wrote the checklist) was not submitted again
    text = _everything(ws)
    assert "oldsync" not in text
    assert any("svc-n8n-graph-internal" in i.text for i in ws.checklist)


def test_applied_objects_are_listed_for_retirement_not_dropped() -> None:
    runner = _setup_to_end(SETUP)
    ws = runner.ws
    ws.service_principal("svc-zapier-oldsync-internal").status = Status.ACTIVE  # apply created it for real
    runner.ws = ws
    _back_to(runner, "automations")
    _answer(runner, {"automations": {**SETUP["automations"], "automations": ["n8n:graph"]}})
    ws = runner.ws
    kept = ws.service_principal("svc-zapier-oldsync-internal")
    assert kept is not None and kept.status == Status.ACTIVE
    retire = [
        i for i in ws.checklist if i.id.startswith("retire:") and "svc-zapier-oldsync-internal" in i.text
    ]
    assert len(retire) == 1 and not retire[0].done
    steps = plan_offboarding(ws, owner="ola@fjord.example")
    assert any("svc-zapier-oldsync" in s.subject for s in steps)
    # answering so that it is produced again withdraws the retirement item
    runner.back()
    _answer(runner, {"automations": SETUP["automations"]})
    assert not [i for i in runner.ws.checklist if i.id.startswith("retire:")]


def test_fields_later_steps_set_survive_and_references_do_not_dangle() -> None:
    runner = _setup_to_end(SETUP)
    ws = runner.ws
    cred = next(c for c in ws.credentials if c.service == "microsoft-graph")
    cred.expires = dt.date(2027, 1, 1)  # e.g. recorded later in the inspector
    cred.identity = "svc-zapier-oldsync-internal"
    graph = ws.service_principal("svc-n8n-graph-internal")
    graph.app_roles = [
        AppRole(value="Reader", display_name="Reader", groups=["Org-Quarterback", "Org-Data-Engineer"])
    ]
    runner.ws = ws
    _back_to(runner, "roles")
    _answer(runner, {"roles": {**SETUP["roles"], "roles": ["Analyst"]}})
    _answer(runner, {"automations": {**SETUP["automations"], "automations": ["n8n:graph"]}})
    ws = runner.ws
    cred = next(c for c in ws.credentials if c.service == "microsoft-graph")
    assert cred.expires == dt.date(2027, 1, 1)
    assert cred.identity == ""  # its service principal is gone; the reference went with it
    assert ws.service_principal("svc-n8n-graph-internal").app_roles[0].groups == ["Org-Data-Engineer"]


def test_objects_another_flow_also_produced_stay() -> None:
    runner = _setup_to_end(SETUP)
    groups = FlowRunner(get_flow("groups"), runner.ws)
    groups.submit({"template": "custom", "roles": ["Quarterback"], "admin_roles": [], "kind": "security"})
    runner.ws = groups.ws
    _back_to(runner, "roles")
    _answer(runner, {"roles": {**SETUP["roles"], "roles": ["Analyst"]}})
    # the groups flow added nothing (first setup had made it) so it is first setup's: gone
    assert runner.ws.group("Org-Quarterback") is None


def test_client_onboarding_edit_removes_the_old_client_entries() -> None:
    runner = _setup_to_end(SETUP)
    onboard = FlowRunner(get_flow("client-onboarding"), runner.ws)
    script = {
        "client": {
            "name": "Acme Logistics",
            "slug": "acme",
            "tenant_model": "separate-tenant",
            "tenant": "acme.onmicrosoft.com",
            "residency": "EU",
        },
        "roles": {"roles": ["Data-Engineer", "Linebacker"], "admin_roles": ["Owner"]},
        "automations": {
            "automations": ["n8n:graph", "zapier:oldsync"],
            "kind": "secret",
            "repo": "",
            "owner": "ola@fjord.example",
        },
        "services": {
            "services": ["microsoft-graph", "airtable"],
            "host": "n8n-self-hosted",
            "owner": "ola@fjord.example",
        },
        "consent": {"confirm": True, "data_export_consent": ""},
    }
    while not onboard.completed:
        _answer(onboard, script)
    assert "Linebacker" in _everything(onboard.ws)
    _back_to(onboard, "client")
    changed = {
        **script,
        "client": {**script["client"], "slug": "acme-eu"},
        "roles": {"roles": ["Data-Engineer"], "admin_roles": ["Owner"]},
        "automations": {**script["automations"], "automations": ["n8n:graph"]},
        "services": {**script["services"], "services": ["microsoft-graph"]},
    }
    while not onboard.completed:
        _answer(onboard, changed)
    ws = onboard.ws
    assert [c.slug for c in ws.clients] == ["acme-eu"]
    text = _everything(ws)
    for word in (
        "Linebacker",
        "zapier-oldsync-acme",
        "acme-airtable",
        "Tenant-Acme-Data-Engineer",
        "Admin-Acme-Owner",
        "client acme\n",
    ):
        assert word not in text, word
    assert not re.search(r"svc-n8n-graph-acme\b(?!-eu)", text)
    assert "Tenant-Acme-eu-Data-Engineer" in text or "Tenant-Acme-Eu-Data-Engineer" in text


def test_a_later_step_that_no_longer_fits_is_taken_back_until_answered_again() -> None:
    runner = _setup_to_end(SETUP)
    _back_to(runner, "convention")
    _answer(runner, {"convention": {"blocked_words": ["quarterback"]}})
    ws = runner.ws
    assert runner.step.id == "roles"
    # the roles step's answers now give a blocked name: what it (and the steps after it) produced is gone,
    # not left behind under the old convention
    assert ws.group("Org-Quarterback") is None and ws.groups == []
    assert ws.service_principals == [] and not any(i.id.startswith("org:secret:") for i in ws.checklist)
    assert runner.saved_answers()["roles"] == ["Quarterback"]  # kept, to prefill
    while not runner.completed:
        _answer(runner, {**SETUP, "roles": {**SETUP["roles"], "roles": ["Analyst"]}})
    assert runner.ws.group("Org-Analyst") is not None and runner.ws.service_principals


def test_changed_answers_update_surviving_planned_entries_too() -> None:
    """An entry the new answers still produce takes the new answers' values (group type, trusted repository)."""
    script = {
        **SETUP,
        "automations": {
            **SETUP["automations"],
            "automations": ["github:deploy"],
            "kind": "auto",
            "repo": "fjord/pipelines",
        },
    }
    runner = _setup_to_end(script)
    _back_to(runner, "roles")
    _answer(runner, {"roles": {**SETUP["roles"], "kind": "m365"}})
    _answer(runner, {"automations": {**script["automations"], "repo": "fjord/platform"}})
    ws = runner.ws
    assert {g.kind.value for g in ws.groups if not g.admin} == {"m365"}
    subjects = [fc.subject for fc in ws.service_principal("svc-github-deploy-internal").federated_credentials]
    assert subjects == ["repo:fjord/platform:environment:production"]
    assert "fjord/pipelines" not in _everything(ws)


def test_answering_methods_again_keeps_what_a_push_recorded() -> None:
    runner = _setup_to_end(SETUP)
    ws = runner.ws
    cred = next(c for c in ws.credentials if c.service == "airtable")
    cred.used_by = [*cred.used_by, "n8n:n8n.fjord.example"]  # as `idspine n8n push` records it
    cred.n8n_id = "abc123"
    runner.ws = ws
    _back_to(runner, "host")
    _answer(runner, {"host": {**SETUP["host"], "owner": "kari@fjord.example"}})
    _answer(runner, {})
    cred = next(c for c in runner.ws.credentials if c.service == "airtable")
    assert "n8n:n8n.fjord.example" in cred.used_by and cred.n8n_id == "abc123"
    assert {c.owner for c in runner.ws.credentials} == {"kari@fjord.example"}


def test_checklist_items_still_wanted_say_what_the_new_answers_say() -> None:
    runner = FlowRunner(get_flow("n8n"), _setup_to_end(SETUP).ws)
    runner.submit({**runner.saved_answers(), "url": "https://old-n8n.fjord.example", "sso": "saml"})
    runner.back()
    runner.submit({**runner.saved_answers(), "url": "https://n8n.fjord.example", "sso": "saml"})
    text = "\n".join(i.text for i in runner.ws.checklist)
    assert "old-n8n" not in text and "https://n8n.fjord.example/rest/sso/saml/acs" in text
    runner.back()
    runner.submit({**runner.saved_answers(), "sso": "none"})
    ids = {i.id for i in runner.ws.checklist}
    assert "org:n8n-mfa" in ids and not ids & {"org:n8n-sso-idp", "org:n8n-sso-n8n"}
