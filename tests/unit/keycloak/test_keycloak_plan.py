"""Keycloak: the admin API path comes from the realm's address (https://HOST[/PREFIX]/realms/REALM ->
/[PREFIX/]admin/realms/REALM, per the Keycloak Admin REST API reference); a secret client reads its generated
secret once; a certificate or federated one uses client-jwt."""

from __future__ import annotations

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.providers.keycloak.plan import admin_base, build_plan
from wizard.vocabulary import IdP


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("https://sso.example.com/realms/acme", ("https://sso.example.com", "/admin/realms/acme")),
        ("https://sso.example.com/auth/realms/acme/", ("https://sso.example.com", "/auth/admin/realms/acme")),
        ("sso.example.com/realms/acme", ("https://sso.example.com", "/admin/realms/acme")),
        ("https://sso.example.com", ("", "")),
        ("", ("", "")),
    ],
)
def test_admin_base_from_the_realm_address(address: str, expected: tuple[str, str]) -> None:
    assert admin_base(address) == expected


def test_a_non_realm_address_is_named_and_placeholders_used() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.KEYCLOAK
    ws.consultancy.idp_address = "https://sso.example.com"
    plan = build_plan(ws)
    assert "is not a realm address" in plan.base_note
    assert plan.steps[0].calls[-1].path == "/admin/realms/{realm}/groups"


def test_authenticator_follows_the_credential_kind() -> None:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP.KEYCLOAK
    plan = build_plan(ws)
    bodies = {s.subject: s.calls[-1].body for s in plan.steps if s.kind == "workload"}
    assert "clientAuthenticatorType client-secret" in bodies["svc-n8n-graph-acme"]
    assert "clientAuthenticatorType client-jwt" in bodies["svc-github-deploy-acme"]
    secrets = [s.subject for s in plan.steps if s.kind == "credential"]
    assert secrets == ["svc-n8n-graph-acme", "svc-n8n-graph-globex"]
    assert all(
        c.path.endswith("/client-secret") for s in plan.steps if s.kind == "credential" for c in s.calls
    )
