"""Supabase keys: the catalogue, the advisor, both wizards, the explainers and the audit say the same thing,
and the inventory records which Supabase key each credential is.

The facts (https://supabase.com/docs/guides/api/api-keys): publishable keys (sb_publishable_...) and the
legacy anon JWT are public and reach only what Row Level Security allows; secret keys (sb_secret_...) and the
legacy service_role JWT bypass Row Level Security and belong in code you control. n8n's Supabase credential
asks for one of the latter (https://docs.n8n.io/integrations/builtin/credentials/supabase/), so idspine keeps
it out of workflows and gives them a limited Postgres role instead.
"""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from flows import get_flow
from wizard import explainer_library
from wizard.advice.methods import advise
from wizard.audit import run_audit
from wizard.catalogue import load_catalogue
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.flow_runner import FlowRunner
from wizard.inventory import dumps, parse
from wizard.model import Credential, Hat, Host, Method, SupabaseKey, Workspace


def body(explainer_id: str) -> str:
    return "\n".join(explainer_library.get(explainer_id).sections.values())


def texts_about_supabase_keys(ws: Workspace) -> dict[str, str]:
    """Every place idspine tells the user about Supabase's keys."""
    from wizard.providers.n8n.credentials import credential_type

    supabase = load_catalogue().get("supabase")
    method = next(m for m in supabase.methods if m.method == Method.API_KEY)
    n8n_step = get_flow("n8n").steps(ws)[0]
    supabase_step = get_flow("supabase").steps(ws)[0]
    return {
        "catalogue traps": " ".join(supabase.traps),
        "catalogue method": f"{method.label}. {method.why} {method.notes}",
        "n8n wizard": n8n_step.intro,
        "supabase wizard": " ".join(
            [supabase_step.intro] + [f"{q.prompt}. {q.help}" for q in supabase_step.questions]
        ),
        "n8n credential hint": credential_type("supabaseApi").hint,
        "explainer supabase-keys": body("supabase-keys"),
        "explainer least-privilege": body("least-privilege"),
        "explainer pat-vs-api-key-vs-oauth": body("pat-vs-api-key-vs-oauth"),
    }


def sentences(text: str) -> list[str]:
    flat = re.sub(r"\s+", " ", text)
    return [s for s in re.split(r"(?<=[.;!?])\s+|\s-\s", flat) if s]


def test_every_text_names_both_keys_that_bypass_row_level_security() -> None:
    """Wherever service_role is named, the secret key (its replacement, just as privileged) is named too."""
    problems = []
    for where, text in texts_about_supabase_keys(demo_workspace(DEMO_TODAY)).items():
        for sentence in sentences(text):
            if "service_role" in sentence and "secret" not in sentence.lower():
                problems.append(f"{where}: {sentence!r} names service_role but not the secret keys")
            if re.search(r"row.level security", sentence, re.I) and "Row Level Security" not in sentence:
                problems.append(f"{where}: {sentence!r} spells Row Level Security differently")
    assert not problems, "\n".join(problems)


def test_the_remedy_for_workflows_is_the_same_everywhere() -> None:
    """A limited Postgres role for workflows: catalogue, Supabase wizard, explainer and the audit's fix agree."""
    ws = demo_workspace(DEMO_TODAY)
    texts = texts_about_supabase_keys(ws)
    for where in ("catalogue method", "explainer supabase-keys"):
        assert "Postgres role" in texts[where], where
        assert "workflow" in texts[where], where
    runner = FlowRunner(get_flow("supabase"), ws)
    after = runner.submit({**runner.saved_answers(), "project_ref": "qwertyuiopasdfghjklz", "azure": False})
    checklist = " ".join(i.text for i in after.checklist if i.id.startswith("org:supabase-"))
    assert "Postgres role limited to their tables" in checklist
    finding = next(
        f
        for f in run_audit(ws, DEMO_TODAY)
        if f.subject == "credential:acme-supabase-service-role" and f.rule_id == "privileged-in-workflow"
    )
    assert "Postgres role" in finding.fix and finding.explainer == "supabase-keys"
    # and the n8n wizard never offers either privileged key to a workflow
    offered = {o.value for o in get_flow("n8n").steps(ws)[0].questions[-1].options}
    assert "acme-supabase-service-role" not in offered


def test_the_model_and_the_explainer_agree_on_which_keys_bypass_rls() -> None:
    assert {k for k in SupabaseKey if k.privileged} == {SupabaseKey.SECRET, SupabaseKey.SERVICE_ROLE}
    assert {k for k in SupabaseKey if k.legacy} == {SupabaseKey.ANON, SupabaseKey.SERVICE_ROLE}
    text = re.sub(r"\s+", " ", body("supabase-keys"))
    bypass = next(s for s in text.split("- **") if "bypasses RLS" in s)
    assert "service_role" in bypass and "sb_secret_" in bypass
    public = next(s for s in text.split("- **") if "meant to be public" in s)
    assert "anon" in public and "sb_publishable_" in public


# ---------------------------------------------------------------- the inventory records the key kind


def test_key_kind_is_optional_round_trips_and_older_files_still_load() -> None:
    ws = demo_workspace(DEMO_TODAY)
    assert ws.credential("acme-supabase-service-role").key_kind == SupabaseKey.SERVICE_ROLE  # type: ignore[union-attr]
    assert ws.credential("acme-supabase-anon").key_kind == SupabaseKey.ANON  # type: ignore[union-attr]
    text = dumps(ws)
    assert 'key_kind = "service-role"' in text
    again, _, _ = parse(text.encode())
    assert again.credential("acme-supabase-service-role").key_kind == SupabaseKey.SERVICE_ROLE  # type: ignore[union-attr]
    older, _, _ = parse(re.sub(r'key_kind = "[a-z-]+"\n', "", text).encode())
    assert all(c.key_kind is None for c in older.credentials)


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"service": "airtable", "key_kind": "secret", "privileged": True}, "for Supabase project keys"),
        ({"service": "supabase", "key_kind": "publishable", "privileged": True}, "privileged must be false"),
        ({"service": "supabase", "key_kind": "service-role", "privileged": False}, "privileged must be true"),
        ({"service": "supabase", "key_kind": "jwt", "privileged": False}, "key_kind"),
    ],
)
def test_key_kind_must_fit_the_credential(fields: dict[str, object], why: str) -> None:
    with pytest.raises(ValidationError) as info:
        Credential.model_validate({"id": "x-key", "method": "api-key", **fields})
    assert why in str(info.value)


def test_a_legacy_service_role_key_in_a_workflow_gets_the_migration_fix() -> None:
    ws = demo_workspace(DEMO_TODAY)
    finding = next(
        f
        for f in run_audit(ws, DEMO_TODAY)
        if f.subject == "credential:acme-supabase-service-role" and f.rule_id == "privileged-in-workflow"
    )
    # Supabase's leaked-key route: callers move to secret keys, then the legacy keys are deactivated
    assert "deactivate the legacy keys" in finding.fix and "sb_secret_" in finding.fix
    assert "JWT secret" not in finding.fix  # rotating it is only for a leaked JWT secret, not a leaked key
    role = ws.credential("acme-supabase-service-role")
    assert role is not None
    role.key_kind = SupabaseKey.SECRET  # a current secret key in the same place: still an error, plainer fix
    finding = next(
        f
        for f in run_audit(ws, DEMO_TODAY)
        if f.subject == "credential:acme-supabase-service-role" and f.rule_id == "privileged-in-workflow"
    )
    assert "legacy" not in finding.fix


@pytest.mark.parametrize(
    ("answer", "kind"), [(None, SupabaseKey.SECRET), ("service-role", SupabaseKey.SERVICE_ROLE)]
)
def test_supabase_wizard_records_which_key_the_server_holds(answer: str | None, kind: SupabaseKey) -> None:
    runner = FlowRunner(get_flow("supabase"), demo_workspace(DEMO_TODAY))
    answers = {
        **runner.saved_answers(),
        "project_ref": "qwertyuiopasdfghjklz",
        "azure": False,
        "service_role_ref": "keyvault://kv-northwind-ops/supabase-server-key",
    }
    if answer:
        answers["server_key_kind"] = answer
    ws = runner.submit(answers)
    key = ws.credential("northwind-supabase-service-role")
    assert key is not None and key.key_kind == kind and key.privileged
    assert ("legacy" in key.label) == kind.legacy


def test_advisor_records_a_supabase_key_as_a_secret_key() -> None:
    fields = advise("supabase", Hat.OWN_PRODUCTION, Host.AZURE).record(DEMO_TODAY)
    cred = Credential.model_validate({"id": "own-supabase", **fields})
    assert cred.key_kind == SupabaseKey.SECRET and cred.privileged


def test_recorded_labels_and_notes_end_at_a_word() -> None:
    """Labels and planned migrations the advisor writes into the inventory are shortened at a word, if at all."""
    import itertools

    problems = []
    for service, hat, host in itertools.product(load_catalogue().services.values(), Hat, Host):
        try:
            fields = advise(service.id, hat, host).record(DEMO_TODAY)
        except LookupError:
            continue
        advice = advise(service.id, hat, host)
        full = {"label": advice.recommended.label, "planned_migration": advice.migration or None}
        for key in ("label", "planned_migration"):
            value = str(fields.get(key, ""))
            source = full.get(key)
            if value.endswith("…"):
                stem = value[:-1]
                if source is not None and not (source.startswith(stem) and source[len(stem)] == " "):
                    problems.append(f"{service.id}/{hat}/{host} {key}: {value!r}")
            elif source is not None and value != source:
                problems.append(f"{service.id}/{hat}/{host} {key}: cut without a mark: {value!r}")
    assert not problems, "\n".join(sorted(set(problems))[:10])
