"""Every free-text question checks its answer where it is typed (issue 13, item 2, second half).

`live_problem` is what the wizard shows under a field a moment after each keystroke, so a validator on the
question is what makes a problem visible before Next.
"""

from __future__ import annotations

import pytest

from flows import get_flow
from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.steps import Kind, Question
from wizard.ui.widgets.question_field import live_problem

MY_FLOWS = ("first-setup", "naming", "groups", "service-principals", "credentials", "n8n", "supabase")


def _questions() -> dict[tuple[str, str, str], Question]:
    ws = demo_workspace(DEMO_TODAY)
    out = {}
    for flow_id in MY_FLOWS:
        for step in get_flow(flow_id).steps(ws):
            for q in step.questions:
                out[(flow_id, step.id, q.id)] = q
    return out


def test_every_free_text_question_has_a_validator() -> None:
    missing = [
        key for key, q in _questions().items() if q.kind in (Kind.TEXT, Kind.LIST) and q.validate is None
    ]
    assert missing == []


def _question(flow: str, step: str, qid: str) -> Question:
    return _questions()[(flow, step, qid)]


CASES = [
    # (flow, step, question, bad answer, a word of the message, a good answer)
    ("service-principals", "automations", "automations", ["n8n graph"], "tool:purpose", ["n8n:graph"]),
    ("service-principals", "automations", "automations", ["n8n:"], "tool:purpose", ["github:deploy"]),
    (
        "naming",
        "convention",
        "group_template",
        "Tenant-Static",
        "at least one placeholder",
        "Tenant-{Client}-{Role}",
    ),
    ("naming", "convention", "internal_group_template", "Org-Team", "at least one placeholder", "Org-{Role}"),
    (
        "naming",
        "convention",
        "group_template",
        "Tenant-{Client}-{Rank}",
        "unknown placeholder",
        "T-{client}-{role}",
    ),
    ("naming", "convention", "group_template", "Tenant-{Role}", "{Client}", "Tenant-{Client}-{Role}"),
    ("naming", "convention", "service_principal_template", "svc-{tool}", "{purpose}", "svc-{tool}-{purpose}"),
    ("naming", "convention", "admin_group_template", "Admin-{Client", "braces", "Admin-{Client}-{Role}"),
    ("naming", "convention", "prefix", "nw prefix", "letters", "nw-"),
    ("naming", "convention", "blocked_words", ["two words"], "single words", ["temp"]),
    ("service-principals", "automations", "owner", "alex", "e-mail", "alex@northwinddata.com"),
    ("service-principals", "automations", "owner", "alex@localhost", "e-mail", "ops-team@northwind.co.uk"),
    ("credentials", "host", "owner", "alex at northwind", "e-mail", "alex@northwinddata.onmicrosoft.com"),
    ("first-setup", "about", "home_tenant", "my tenant", "domain", "fjord.onmicrosoft.com"),
    ("first-setup", "about", "home_tenant", "fjord", "domain", "8f3e3c1a-1b2c-4d5e-8f90-123456789abc"),
    ("groups", "roles", "roles", ["R&D <EU>"], "role name", ["Data-Steward"]),
    ("groups", "roles", "roles", ["R&D (EU)"], "allowed pattern", ["Finance"]),
    ("n8n", "n8n", "api_key_ref", "N8N_API_KEY", "reference", "env:N8N_API_KEY"),
    ("supabase", "supabase", "access_token_ref", "keyvault://x/y", "keyvault", "keyvault://kv-acme/sb-token"),
    (
        "supabase",
        "supabase",
        "service_role_ref",
        "Ops/Supabase-role",
        "reference",
        "1password://Ops/Supabase-role",
    ),
]


@pytest.mark.parametrize(
    ("flow", "step", "qid", "bad", "word", "good"), CASES, ids=[f"{c[2]}:{c[3]}" for c in CASES]
)
def test_a_bad_answer_shows_its_problem_as_typed_and_a_good_one_none(
    flow, step, qid, bad, word, good
) -> None:  # type: ignore[no-untyped-def]
    q = _question(flow, step, qid)
    problem = live_problem(q, bad)
    assert word.lower() in problem.lower(), problem
    for part in bad if isinstance(bad, list) else [bad]:
        if len(part) > 8:
            assert part not in problem  # messages describe the problem, never repeat the answer
    assert live_problem(q, good) == ""
