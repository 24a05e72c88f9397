"""authentik: each workload identity is an OAuth2 provider (confidential, with the authorization and
invalidation flows the API requires), an application pointing at it, and a service account whose app password
is the credential (authentik API v3: providers/oauth2, core/applications, core/users/service_account)."""

from __future__ import annotations

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.providers.authentik.plan import build_plan, slug
from wizard.vocabulary import IdP


def test_provider_application_and_service_account_in_order() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.AUTHENTIK
    ws.consultancy.idp_address = "https://auth.northwind.example/"
    plan = build_plan(ws)
    assert plan.base == "https://auth.northwind.example"
    assert plan.manual[0].key == "flows"  # the flow ids come first: the provider needs them
    steps = [s for s in plan.steps if s.subject == "svc-n8n-graph-acme"]
    paths = [c.path for s in steps for c in s.calls if c.method == "POST"]
    assert paths == [
        "/api/v3/providers/oauth2/",
        "/api/v3/core/applications/",
        "/api/v3/core/users/service_account/",
    ]
    provider = steps[0].calls[1]
    assert "authorization_flow" in provider.body and "invalidation_flow" in provider.body
    assert "client_type confidential" in provider.body


def test_slug() -> None:
    assert slug("svc-API_portal acme") == "svc-api-portal-acme"
    assert slug("***") == "app"
