"""Google: service account ids fit IAM's rule (6-30 characters, lowercase letters, digits, hyphens, a letter
first: IAM serviceAccounts.create accountId); a wildcard federated subject is a manual fix, never a
principal:// binding; a key appears only when the inventory asks for one."""

from __future__ import annotations

import re

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.providers.google.plan import account_id, build_plan
from wizard.vocabulary import IdP

RULE = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")


@pytest.mark.parametrize(
    "name", ["svc-n8n-graph-acme", "9lives", "A", "svc_with_UNDERSCORES_and_a_very_long_name_indeed"]
)
def test_account_ids_fit_the_iam_rule(name: str) -> None:
    assert RULE.match(account_id(name)), account_id(name)


def test_wildcard_subject_is_a_manual_fix_and_exact_one_is_bound() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.GOOGLE
    ws.consultancy.gcp_project = "northwind-ops"
    plan = build_plan(ws)
    fixes = [s for s in plan.manual if s.key == "federation:svc-github-deploy-globex/globex-any-ref"]
    assert fixes and "matches nothing" in fixes[0].summary
    bound = next(s for s in plan.steps if s.key == "federation:svc-github-deploy-acme/acme-pipeline-main")
    assert not bound.manual
    binding = bound.calls[-1]
    assert binding.path.endswith(":setIamPolicy") and "roles/iam.workloadIdentityUser" in binding.body
    assert "subject/repo:northwind/acme-pipeline:ref:refs/heads/main" in binding.body


def test_no_key_for_a_federated_account() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.GOOGLE
    plan = build_plan(ws)
    assert not any(s.kind == "credential" and "github" in s.subject for s in plan.steps)
