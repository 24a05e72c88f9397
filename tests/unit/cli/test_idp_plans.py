"""`idspine plan` follows the chosen IdP: for Okta, Auth0, Google, Keycloak and authentik the dry run is in that
IdP's own API (never a Graph call); `idspine entra plan` for such a consultancy points to `idspine plan`; apply
(either spelling) refuses in one line, exit 2, before any sign-in or Graph call."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.demo import DEMO_TODAY, demo_workspace
from wizard.inventory import save
from wizard.model import Workspace
from wizard.providers.idp_plan import build_idp_plan, render_text
from wizard.vocabulary import IdP

ENTRA_WORDS = ("graph.microsoft.com", "Microsoft Graph", "app registration", "azuread")

# Per IdP: an address to record, and calls its plan must contain (vendor sources are named in each
# wizard/providers/<idp>/plan.py docstring).
EXPECTED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    IdP.OKTA.value: (
        "https://northwind.okta.com",
        "",
        (
            "POST /api/v1/groups",
            "POST /api/v1/apps",
            "token_endpoint_auth_method private_key_jwt",
            "client_credentials",
        ),
    ),
    IdP.AUTH0.value: (
        "northwind.eu.auth0.com",
        "",
        ("POST /api/v2/roles", "POST /api/v2/clients", "app_type non_interactive", "Auth0 Management API"),
    ),
    IdP.GOOGLE.value: (
        "northwind.example",
        "northwind-ops",
        (
            "POST https://cloudidentity.googleapis.com/v1/groups",
            "parent customers/{customerId}",
            "cloudidentity.googleapis.com/groups.discussion_forum",
            "POST https://iam.googleapis.com/v1/projects/northwind-ops/serviceAccounts",
            "/locations/global/workloadIdentityPools",
            "roles/iam.workloadIdentityUser",
        ),
    ),
    IdP.KEYCLOAK.value: (
        "https://sso.northwind.example/realms/northwind",
        "",
        (
            "POST /admin/realms/northwind/groups",
            "POST /admin/realms/northwind/clients",
            "serviceAccountsEnabled true",
            "clientAuthenticatorType client-jwt",
            "clientAuthenticatorType client-secret",
            "GET /admin/realms/northwind/clients/{id}/service-account-user",
        ),
    ),
    IdP.AUTHENTIK.value: (
        "https://auth.northwind.example",
        "",
        (
            "POST /api/v3/core/groups/",
            "POST /api/v3/providers/oauth2/",
            "POST /api/v3/core/applications/",
            "POST /api/v3/core/users/service_account/",
        ),
    ),
}


def demo_on(idp: str, address: str = "", project: str = "") -> Workspace:
    ws = demo_workspace(DEMO_TODAY)
    ws.consultancy.idp = IdP(idp)
    ws.consultancy.idp_address = address
    ws.consultancy.gcp_project = project
    return ws


@pytest.mark.parametrize("idp", sorted(EXPECTED))
def test_each_idp_plans_in_its_own_api_and_never_in_entra_words(idp: str) -> None:
    address, project, calls = EXPECTED[idp]
    text = render_text(build_idp_plan(demo_on(idp, address, project)))
    for call in calls:
        assert call in text, (idp, call)
    for word in ENTRA_WORDS:
        assert word.lower() not in text.lower(), (idp, word)
    assert "Live apply is Entra-only for now" in text and "Nothing has been changed" in text
    assert "not recorded" not in text  # the address was recorded


@pytest.mark.parametrize("idp", sorted(EXPECTED))
def test_an_unrecorded_address_is_said_plainly(idp: str) -> None:
    text = render_text(build_idp_plan(demo_on(idp)))
    assert "not recorded" in text.lower()
    for word in ENTRA_WORDS:
        assert word.lower() not in text.lower(), (idp, word)


def test_okta_grants_okta_api_scopes_and_leaves_the_admin_role_to_a_person() -> None:
    ws = demo_on(IdP.OKTA.value, "https://northwind.okta.com")
    sp = ws.service_principals[0]
    sp.permissions = [
        sp.permissions[0].model_copy(update={"resource": "Okta API", "name": "okta.groups.read"})
    ]
    plan = build_idp_plan(ws)
    text = render_text(plan)
    assert (
        "POST /api/v1/apps/{appId}/grants  {scopeId okta.groups.read, issuer https://northwind.okta.com}"
        in text
    )
    assert any(s.kind == "manual" and "admin role" in s.summary for s in plan.manual)


def test_google_asks_for_a_key_only_when_the_inventory_does_and_warns() -> None:
    plan = build_idp_plan(demo_on(IdP.GOOGLE.value, "northwind.example", "northwind-ops"))
    keys = [s for s in plan.steps if s.kind == "credential"]
    secret_kinds = {
        s.name for s in demo_workspace(DEMO_TODAY).service_principals if s.credential_kind == "secret"
    }
    assert {s.subject for s in keys} == secret_kinds
    assert all("Warning" in s.summary and s.calls[0].path.endswith("/keys") for s in keys)
    federated = [s for s in plan.steps if s.key.startswith("federation:")]
    assert federated and not any(s.subject == f.subject for f in federated for s in keys)


def test_client_filter_keeps_one_clients_objects() -> None:
    plan = build_idp_plan(demo_on(IdP.KEYCLOAK.value), client="acme")
    assert plan.steps and all("globex" not in s.subject.lower() for s in plan.steps)


def test_entra_has_no_idp_plan() -> None:
    with pytest.raises(ValueError, match="entra plan"):
        build_idp_plan(demo_workspace(DEMO_TODAY))


@pytest.fixture
def okta_file(tmp_path: Path) -> Path:
    path = tmp_path / "idspine.toml"
    save(demo_on(IdP.OKTA.value, "https://northwind.okta.com"), path)
    return path


@pytest.mark.parametrize("idp", sorted(EXPECTED))
def test_idspine_plan_follows_the_chosen_idp(run_cli, tmp_path: Path, idp: str) -> None:  # type: ignore[no-untyped-def]
    address, project, calls = EXPECTED[idp]
    path = tmp_path / "idspine.toml"
    save(demo_on(idp, address, project), path)
    res = run_cli("plan", "--file", str(path))
    assert res.code == 0, res.err
    assert calls[0] in res.out
    assert not any(word.lower() in res.out.lower() for word in ENTRA_WORDS)


def test_entra_plan_for_an_okta_consultancy_points_to_idspine_plan(run_cli, okta_file: Path) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("entra", "plan", "--file", str(okta_file))
    assert res.code == 2 and res.out == ""
    assert "uses Okta" in res.err and "`idspine plan`" in res.err and res.err.count("\n") == 1


@pytest.mark.parametrize("argv", [("apply",), ("entra", "apply")])
def test_apply_for_an_okta_consultancy_refuses_before_any_sign_in(  # type: ignore[no-untyped-def]
    run_cli, okta_file: Path, argv: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    import wizard.providers.entra.signin as signin

    def no_signin(*_a: object, **_k: object) -> None:
        raise AssertionError("apply tried to sign in")

    monkeypatch.setattr(signin, "silent_token", no_signin)
    monkeypatch.setenv("GRAPH_TOKEN", "not-a-real-token")
    res = run_cli(*argv, "--file", str(okta_file), "--yes", "--token-env", "GRAPH_TOKEN")
    assert res.code == 2 and res.out == ""
    assert res.err.count("\n") == 1
    assert "live apply is Entra-only for now" in res.err and "idspine plan" in res.err
    assert "export checklist" in res.err and "export terraform" in res.err


@pytest.mark.parametrize("idp", sorted(EXPECTED))
def test_planted_text_never_reaches_the_terminal_raw(idp: str) -> None:
    from tests.support.hostile import hostile_workspace, raw_characters

    ws = hostile_workspace(demo_on(idp, *EXPECTED[idp][:2]))
    text = render_text(build_idp_plan(ws))
    assert "Org-Data-Engineer" in text
    assert raw_characters(text) == [], idp


def test_verify_for_an_okta_consultancy_never_asks_entra(  # type: ignore[no-untyped-def]
    run_cli, okta_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verify goes to Okta's own token endpoint; Entra's sign-in (msal) is never reached, even when refused."""
    import wizard.providers.entra.signin_config as signin_config

    def no_entra(*_a: object, **_k: object) -> None:
        raise AssertionError("verify tried to sign in at Entra")

    monkeypatch.delenv("IDSPINE_OIDC_AUTHORITY", raising=False)
    monkeypatch.setattr(signin_config, "signin_config_from", no_entra)
    res = run_cli("verify", "svc-n8n-graph-acme", "--file", str(okta_file))
    assert res.code == 2 and res.out == "" and res.err.count("\n") == 1
    assert "Okta" in res.err and "--scope" in res.err
