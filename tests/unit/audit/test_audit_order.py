"""The audit's order (most severe first, then subject, then rule) is kept by the faster sort."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from wizard.audit import SEVERITY_ORDER, Finding, Severity, run_audit, sort_findings
from wizard.demo import DEMO_TODAY, scaled_workspace

findings = st.builds(
    Finding,
    rule_id=st.sampled_from(["expired", "duplicate", "secret-collision", "missing-owner"]),
    severity=st.sampled_from(list(Severity)),
    subject=st.sampled_from(["credential:a", "credential:b", "group:x", "service-principal:s"]),
    message=st.text(max_size=5),
    fix=st.just("fix"),
    explainer=st.just("x"),
)


@given(st.lists(findings, max_size=60))
def test_the_order_is_severity_subject_rule_and_stable(items: list[Finding]) -> None:
    expected = sorted(items, key=lambda f: (SEVERITY_ORDER[f.severity], f.subject, f.rule_id))
    assert sort_findings(list(items)) == expected


def test_a_large_audit_comes_out_in_that_order() -> None:
    ws = scaled_workspace(2_000, DEMO_TODAY)
    found = run_audit(ws, dt.date(2026, 1, 1))
    assert len({f.severity for f in found}) > 1
    assert found == sorted(found, key=lambda f: (SEVERITY_ORDER[f.severity], f.subject, f.rule_id))
