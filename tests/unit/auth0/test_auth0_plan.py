"""Auth0: groups become roles; a permission on an API identifier becomes a client grant (POST
/api/v2/client-grants with client_id, audience and scope, per the Management API v2 reference); a permission
written for another provider is a manual step, not a grant."""

from __future__ import annotations

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.model import Permission
from wizard.providers.auth0.plan import build_plan
from wizard.vocabulary import IdP


def test_api_permission_becomes_a_client_grant() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.AUTH0
    sp = ws.service_principals[0]
    sp.permissions = [Permission(resource="https://api.northwind.example", name="read:invoices")]
    plan = build_plan(ws)
    grant = next(s for s in plan.steps if s.kind == "grant" and s.subject == sp.name)
    post = grant.calls[-1]
    assert (post.method, post.path) == ("POST", "/api/v2/client-grants")
    assert "audience https://api.northwind.example" in post.body and "read:invoices" in post.body
    assert not any(s.key == f"permissions:{sp.name}" for s in plan.steps)


def test_foreign_permission_is_manual_and_groups_are_roles() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.AUTH0
    plan = build_plan(ws)
    assert any(s.key == "permissions:svc-n8n-graph-acme" and s.manual for s in plan.steps)
    roles = [s for s in plan.steps if s.kind == "group"]
    assert len(roles) == len(ws.groups) and all(s.calls[-1].path == "/api/v2/roles" for s in roles)
    assert any("no groups" in note for note in plan.notes)
