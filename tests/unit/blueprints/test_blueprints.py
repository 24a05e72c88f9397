"""Each blueprint produces the objects its description promises (table tests), idempotently, with valid names,
and the scope resolver follows resource:workflow:action → resource:action → * (property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard import explainer_library
from wizard.audit import run_audit
from wizard.blueprints import BLUEPRINTS, apply_blueprint, plan
from wizard.blueprints.scopes import has_access, is_allowed, matching_grant, scopes_for
from wizard.export import azure_cli, entra_objects, terraform
from wizard.model import CredentialKind, new_workspace
from wizard.naming import check_group_name

PARAMS = {"repo": "fjord/acme-etl", "owner": "ola@fjord.example"}

# blueprint id -> (groups, admin groups, {app name: credential kind}, app roles per app, federated subjects)
EXPECTED = {
    "internal-app-jit": (
        4,
        2,
        {"svc-app-signin-acme": CredentialKind.SECRET},
        {"svc-app-signin-acme": {"Viewer", "Editor", "Admin"}},
        set(),
    ),
    "data-api-oidc": (
        3,
        1,
        {
            "svc-api-data-acme": CredentialKind.NONE,
            "svc-cli-data-acme": CredentialKind.NONE,
            "svc-ingest-data-acme": CredentialKind.SECRET,
        },
        {"svc-api-data-acme": {"Data.Read", "Data.Write", "Data.Admin"}},
        set(),
    ),
    "three-planes": (
        2,
        1,
        {
            "svc-platform-signin-acme": CredentialKind.SECRET,
            "svc-platform-workload-acme": CredentialKind.MANAGED_IDENTITY,
        },
        {"svc-platform-signin-acme": {"Operator", "Manager"}},
        set(),
    ),
    "staff-tenant-terraform": (
        5,
        1,
        {
            "svc-staff-signin-acme": CredentialKind.SECRET,
            "svc-staff-api-acme": CredentialKind.NONE,
            "svc-github-deploy-acme": CredentialKind.FEDERATED,
        },
        {"svc-staff-api-acme": {"Engineer", "Operator", "Auditor", "Finance", "Admin"}},
        {
            "repo:fjord/acme-etl:environment:staging",
            "repo:fjord/acme-etl:environment:production",
            "repo:fjord/acme-etl:ref:refs/heads/main",
        },
    ),
}


def fresh(demo_ws):  # type: ignore[no-untyped-def]
    ws = new_workspace("Fjord", "fjord")
    ws.consultancy.idp = demo_ws.consultancy.idp
    ws.clients = [c for c in demo_ws.clients if c.slug == "acme"]
    return ws


def test_every_blueprint_is_in_the_table() -> None:
    assert set(BLUEPRINTS) == set(EXPECTED)


@pytest.mark.parametrize("bp_id", list(BLUEPRINTS))
def test_blueprint_objects_match_its_description(demo_ws, bp_id: str) -> None:  # type: ignore[no-untyped-def]
    ws = apply_blueprint(fresh(demo_ws), bp_id, "acme", PARAMS)
    groups, admins, apps, roles, subjects = EXPECTED[bp_id]
    assert len(ws.groups) == groups and sum(g.admin for g in ws.groups) == admins
    assert {sp.name: sp.credential_kind for sp in ws.service_principals} == apps
    assert {sp.name: {r.value for r in sp.app_roles} for sp in ws.service_principals if sp.app_roles} == roles
    # every group is mapped to exactly one app role, and every mapping points at a group of this blueprint
    mapped = [g for sp in ws.service_principals for r in sp.app_roles for g in r.groups]
    assert sorted(mapped) == sorted(g.name for g in ws.groups)
    assert {fc.subject for sp in ws.service_principals for fc in sp.federated_credentials} == subjects
    assert all(sp.owner == "ola@fjord.example" for sp in ws.service_principals)
    assert all(not check_group_name(g.name, ws.consultancy.naming, ws.consultancy.idp) for g in ws.groups)
    assert all(explainer_library.exists(e) for e in BLUEPRINTS[bp_id].explainers)
    assert {i.client for i in ws.checklist} == {"acme"} and len(ws.checklist) >= 5
    assert not [f for f in run_audit(ws) if f.severity.value == "error"]
    again = apply_blueprint(ws, bp_id, "acme", PARAMS)
    assert again == ws  # applying twice adds nothing
    # both IaC exports carry the blueprint's objects
    script, hcl = azure_cli.render(ws, client="acme"), terraform.render(ws, client="acme")
    for g in ws.groups:
        assert g.name in script and g.name in hcl


def test_internal_app_maps_groups_to_scopes_with_workflow_teams(demo_ws) -> None:  # type: ignore[no-untyped-def]
    preview = plan(fresh(demo_ws), "internal-app-jit", "acme", {"workflows": "esg2,payroll"})
    scopes = preview.group_scopes()
    team = scopes["Tenant-Acme-App-Esg2-Team"]
    assert is_allowed(team, "templates:esg2:write") and not is_allowed(team, "templates:payroll:write")
    assert not is_allowed(team, "templates:write")  # a workflow grant never widens to the whole resource
    assert is_allowed(
        scopes["Tenant-Acme-App-Editor"], "templates:payroll:write"
    )  # resource:action covers all
    assert not is_allowed(scopes["Tenant-Acme-App-Viewer"], "workflows:esg2:execute")
    assert scopes["Admin-Acme-Break-Glass"] == ("*",)
    assert any("break-glass" in i.text.lower() for i in preview.checklist)
    assert any("oid" in i.text and "tid" in i.text for i in preview.checklist)  # JIT keyed on oid + tid
    with pytest.raises(ValueError, match="workflows"):
        plan(fresh(demo_ws), "internal-app-jit", "acme", {"workflows": "ESG 2"})


def test_data_api_lists_issuer_audience_pairs_and_a_public_pkce_client(demo_ws) -> None:  # type: ignore[no-untyped-def]
    issuers = "https://accounts.google.com|abc.apps.googleusercontent.com,https://login.microsoftonline.com/t/v2.0|api://d"
    preview = plan(
        fresh(demo_ws), "data-api-oidc", "acme", {"issuers": issuers, "service_accounts": "etl,bi"}
    )
    text = " ".join(i.text for i in preview.checklist)
    assert "https://accounts.google.com (audience abc.apps.googleusercontent.com)" in text
    assert "api://d" in text and "API keys" in text
    cli = next(sp for sp in preview.service_principals if sp.name == "svc-cli-data-acme")
    assert cli.credential_kind == CredentialKind.NONE and entra_objects.split_redirects(cli.redirect_uris)[1]
    assert {sp.name for sp in preview.service_principals} >= {"svc-etl-data-acme", "svc-bi-data-acme"}
    api = next(sp for sp in preview.service_principals if sp.name == "svc-api-data-acme")
    assert {r.value: r.allowed for r in api.app_roles}["Data.Write"] == "both"  # services may hold it too
    with pytest.raises(ValueError, match="issuers"):
        plan(fresh(demo_ws), "data-api-oidc", "acme", {"issuers": "http://insecure.example|x"})


def test_three_planes_keep_end_users_out_of_the_directory(demo_ws) -> None:  # type: ignore[no-untyped-def]
    preview = plan(fresh(demo_ws), "three-planes", "acme")
    assert not any("viewer" in g.name.lower() or "developer" in g.name.lower() for g in preview.groups)
    text = " ".join(i.text for i in preview.checklist)
    assert "magic link" in text and "PIM" in text and "plane, tenant, subject" in text


def test_staff_tenant_pins_environments_and_branches(demo_ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="repo"):
        apply_blueprint(fresh(demo_ws), "staff-tenant-terraform", "acme")
    for bad in (
        {"repo": "fjord/*"},
        {"repo": "fjord/x", "branches": "release/*"},
        {
            "repo": "x",
        },
    ):
        with pytest.raises(ValueError):
            apply_blueprint(fresh(demo_ws), "staff-tenant-terraform", "acme", bad)
    ws = apply_blueprint(fresh(demo_ws), "staff-tenant-terraform", "acme", {"repo": "fjord/x"})
    more = apply_blueprint(
        ws,
        "staff-tenant-terraform",
        "acme",
        {"repo": "fjord/x", "environments": "staging,production,qa", "branches": "main,release/1.0"},
    )
    ci = more.service_principal("svc-github-deploy-acme")
    assert ci is not None and len(ci.federated_credentials) == 5  # only the new ones were added
    assert "repo:fjord/x:ref:refs/heads/release/1.0" in {fc.subject for fc in ci.federated_credentials}
    assert len(more.groups) == len(ws.groups)


def test_unknown_blueprint_or_client(demo_ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyError):
        apply_blueprint(fresh(demo_ws), "nope", "acme")
    with pytest.raises(KeyError):
        apply_blueprint(fresh(demo_ws), "three-planes", "initech")


def test_scope_fallback() -> None:
    granted = frozenset({"invoices:run", "reports:sync:read"})
    assert matching_grant(granted, "invoices:sync:run") == "invoices:run"
    assert is_allowed(granted, "reports:sync:read") and not is_allowed(granted, "reports:read")
    assert not is_allowed(granted, "invoices-archive:run") and not is_allowed(granted, "payroll:export:run")
    assert is_allowed(frozenset({"*"}), "payroll:export:run")
    assert has_access(granted, "invoices", "run", workflow="monthly") and not has_access(
        granted, "reports", "read"
    )
    assert scopes_for(["G1", "G2", "G3"], {"G1": ["a:read"], "G2": ["*"]}) == {"a:read", "*"}
    with pytest.raises(ValueError):
        is_allowed(granted, "not a scope")


segment = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)


@given(resource=segment, workflow=segment, action=segment, other=segment)
def test_fallback_properties(resource: str, workflow: str, action: str, other: str) -> None:
    needed = f"{resource}:{workflow}:{action}"
    assert is_allowed({needed}, needed) and is_allowed({f"{resource}:{action}"}, needed)
    assert is_allowed({"*"}, needed)
    assert matching_grant({needed, f"{resource}:{action}", "*"}, needed) == needed  # most specific wins
    if other != resource:
        assert not is_allowed({f"{other}:{action}", f"{other}:{workflow}:{action}"}, needed)
    if other != workflow:
        assert not is_allowed({f"{resource}:{other}:{action}"}, needed)
    if other != action:
        assert not is_allowed({f"{resource}:{other}", f"{resource}:{workflow}:{other}"}, needed)
    if workflow != action:
        assert not is_allowed({f"{resource}:{workflow}"}, needed)  # never a prefix
    assert not is_allowed(set(), needed)


@given(
    granted=st.sets(st.from_regex(r"[a-z]{1,3}(:[a-z]{1,3}){1,2}", fullmatch=True), max_size=6),
    needed=st.from_regex(r"[a-z]{1,3}(:[a-z]{1,3}){1,2}", fullmatch=True),
)
def test_more_grants_never_allow_less(granted: set[str], needed: str) -> None:
    if is_allowed(granted, needed):
        assert is_allowed(granted | {"x:y"}, needed)
    assert is_allowed(granted, needed) == (matching_grant(granted, needed) in granted)


def test_blueprint_command(demo_ws, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from wizard.inventory import dumps, load

    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    assert "three-planes" in run_cli("blueprint", "list").out
    assert "identity-planes" in run_cli("blueprint", "show", "three-planes").out
    shown = run_cli(
        "blueprint", "show", "internal-app-jit", "--client", "globex", "--demo", "-p", "workflows=esg2"
    )
    assert "Tenant-Globex-App-Esg2-Team: workflows:esg2:read" in shown.out
    r = run_cli(
        "blueprint",
        "apply",
        "internal-app-jit",
        "--client",
        "globex",
        "--file",
        str(path),
        "--owner",
        "alex@northwinddata.onmicrosoft.com",
    )
    assert r.code == 0 and "4 group(s), 1 app registration(s)" in r.out
    assert load(path).group("Tenant-Globex-App-Viewer")
    again = run_cli("blueprint", "apply", "internal-app-jit", "--client", "globex", "--file", str(path))
    assert "0 group(s), 0 app registration(s), 0 checklist item(s)" in again.out
    assert (
        run_cli(
            "blueprint", "apply", "staff-tenant-terraform", "--client", "globex", "--file", str(path)
        ).code
        == 2
    )
    assert (
        run_cli(
            "blueprint",
            "apply",
            "three-planes",
            "--client",
            "globex",
            "--file",
            str(path),
            "-p",
            "nonsense=1",
        ).code
        == 2
    )
    assert run_cli("blueprint", "apply", "three-planes", "--client", "globex", "--demo").code == 2
