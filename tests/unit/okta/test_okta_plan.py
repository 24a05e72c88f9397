"""Okta: a recorded org address without a scheme gets https://; each workload identity is an API service app
created with private_key_jwt (Okta's only client authentication for Okta API scopes); no scope grant is
invented when the inventory names no okta.* scope."""

from __future__ import annotations

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.providers.okta.plan import build_plan
from wizard.vocabulary import IdP


def test_org_address_and_service_apps() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.OKTA
    ws.consultancy.idp_address = "northwind.okta.com/"
    plan = build_plan(ws)
    assert plan.base == "https://northwind.okta.com" and not plan.base_note
    apps = [s for s in plan.steps if s.kind == "workload"]
    assert apps and all("private_key_jwt" in s.calls[-1].body for s in apps)
    assert all(s.calls[-1].path == "/api/v1/apps" for s in apps)
    assert not any(s.kind == "grant" for s in plan.steps)  # the demo names no okta.* scope
