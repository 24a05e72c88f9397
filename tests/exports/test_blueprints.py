"""Each blueprint produces the objects its description promises, idempotently, with valid names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard import explainer_library
from wizard.audit import run_audit
from wizard.blueprints import BLUEPRINTS, apply_blueprint
from wizard.blueprints.scopes import is_allowed, matching_grant, scopes_for
from wizard.model import CredentialKind, new_workspace
from wizard.naming import check_group_name

# blueprint id -> (groups, admin groups, apps, app roles mapped to a group, federated credentials)
EXPECTED = {
    "internal-app-jit": (3, 1, 1, 3, 0),
    "data-api-oidc": (2, 0, 2, 2, 0),
    "three-planes": (3, 1, 1, 3, 0),
    "staff-tenant-terraform": (3, 1, 1, 2, 3),
}


def fresh(demo_ws):  # type: ignore[no-untyped-def]
    ws = new_workspace("Fjord", "fjord")
    ws.consultancy.idp = demo_ws.consultancy.idp
    ws.clients = [c for c in demo_ws.clients if c.slug == "acme"]
    return ws


@pytest.mark.parametrize("bp_id", list(BLUEPRINTS))
def test_blueprint_objects_match_its_description(demo_ws, bp_id: str) -> None:  # type: ignore[no-untyped-def]
    ws = apply_blueprint(fresh(demo_ws), bp_id, "acme", {"repo": "fjord/acme-etl", "owner": "ola@fjord.example"})
    groups, admins, apps, mapped, fcs = EXPECTED[bp_id]
    assert len(ws.groups) == groups and sum(g.admin for g in ws.groups) == admins
    assert len(ws.service_principals) == apps
    assert sum(1 for sp in ws.service_principals for r in sp.app_roles if r.groups) == mapped
    all_fcs = [fc for sp in ws.service_principals for fc in sp.federated_credentials]
    assert len(all_fcs) == fcs and all("*" not in fc.subject for fc in all_fcs)
    assert all(not check_group_name(g.name, ws.consultancy.naming, ws.consultancy.idp) for g in ws.groups)
    assert all(explainer_library.exists(e) for e in BLUEPRINTS[bp_id].explainers)
    assert {i.client for i in ws.checklist} == {"acme"} and ws.checklist
    assert not [f for f in run_audit(ws) if f.severity.value == "error"]
    again = apply_blueprint(ws, bp_id, "acme", {"repo": "fjord/acme-etl", "owner": "ola@fjord.example"})
    assert (len(again.groups), len(again.service_principals), len(again.checklist)) == \
        (len(ws.groups), len(ws.service_principals), len(ws.checklist))


def test_staff_tenant_needs_a_repo_and_pins_environments(demo_ws) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="repo"):
        apply_blueprint(fresh(demo_ws), "staff-tenant-terraform", "acme")
    ws = apply_blueprint(fresh(demo_ws), "staff-tenant-terraform", "acme", {"repo": "fjord/acme-etl"})
    sp = ws.service_principals[0]
    assert sp.credential_kind == CredentialKind.FEDERATED
    assert {fc.subject for fc in sp.federated_credentials} == {
        "repo:fjord/acme-etl:environment:staging", "repo:fjord/acme-etl:environment:production",
        "repo:fjord/acme-etl:ref:refs/heads/main"}


def test_scope_fallback() -> None:
    granted = frozenset({"invoices:run", "reports:sync:read"})
    assert matching_grant(granted, "invoices:sync:run") == "invoices:run"
    assert is_allowed(granted, "reports:sync:read") and not is_allowed(granted, "reports:read")
    assert not is_allowed(granted, "invoices-archive:run") and not is_allowed(granted, "payroll:export:run")
    assert is_allowed(frozenset({"*"}), "payroll:export:run")
    assert scopes_for(["G1", "G2"], {"G1": ["a:read"], "G2": ["*"]}) == {"a:read", "*"}
    with pytest.raises(ValueError):
        is_allowed(granted, "not a scope")


segment = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)


@given(resource=segment, workflow=segment, action=segment, other=segment)
def test_fallback_properties(resource: str, workflow: str, action: str, other: str) -> None:
    needed = f"{resource}:{workflow}:{action}"
    assert is_allowed({needed}, needed) and is_allowed({f"{resource}:{action}"}, needed)
    assert is_allowed({"*"}, needed)
    if other != resource:
        assert not is_allowed({f"{other}:{action}"}, needed)
    assert not is_allowed(set(), needed)


def test_blueprint_command(demo_ws, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    from wizard.inventory import dumps, load

    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    assert "three-planes" in run_cli("blueprint", "list").out
    assert "identity-planes" in run_cli("blueprint", "show", "three-planes").out
    r = run_cli("blueprint", "apply", "internal-app-jit", "--client", "globex", "--file", str(path),
                "--owner", "alex@northwinddata.onmicrosoft.com")
    assert r.code == 0 and "3 group(s)" in r.out
    assert load(path).group("Tenant-Globex-App-Viewer")
    assert run_cli("blueprint", "apply", "staff-tenant-terraform", "--client", "globex", "--file",
                   str(path)).code == 2
