"""Explainers referenced elsewhere (catalogue, audit findings, advisor) exist, and the set is exactly the required one."""

from __future__ import annotations

from tests.unit.explainers.conftest import REQUIRED_IDS
from wizard import explainer_library as lib
from wizard.model import Hat, Host, Workspace


def test_all_required_explainers_exist_and_nothing_else() -> None:
    assert {e.id for e in lib.all_explainers()} == REQUIRED_IDS
    assert len(REQUIRED_IDS) >= 50


def test_every_catalogue_explainer_exists() -> None:
    from wizard.catalogue import load_catalogue

    for s in load_catalogue().services.values():
        for e in s.explainers:
            assert lib.exists(e), (s.id, e)


def test_every_audit_finding_on_the_demo_links_an_existing_explainer(demo_ws: Workspace) -> None:
    from wizard.audit import run_audit
    from wizard.demo import DEMO_TODAY

    findings = run_audit(demo_ws, DEMO_TODAY)
    assert findings
    for f in findings:
        assert lib.exists(f.explainer), (f.rule_id, f.explainer)


def test_every_advice_links_an_existing_explainer() -> None:
    from wizard.advice.methods import advise
    from wizard.catalogue import load_catalogue

    for service_id in load_catalogue().services:
        for hat in Hat:
            for host in Host:
                for m in advise(service_id, hat, host).ranked:
                    assert lib.exists(m.explainer), (service_id, hat, host, m.method, m.explainer)
