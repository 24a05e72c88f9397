"""`idspine bootstrap` against the contract-checked Graph stand-in: one least-privilege public client app, its
service principal, the inventory record, later sign-ins using it, and nothing made twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from graph_standin import GRAPH_APP_ID, Fault

from wizard.inventory import load, save
from wizard.providers.entra.bootstrap import (
    GRAPH_SCOPES,
    OWN_APP_DISPLAY_NAME,
    OWN_APP_UNIQUE_NAME,
    OwnAppRegistrar,
)
from wizard.providers.entra.signin_config import (
    WAY_OWN_APP,
    WAY_YOUR_APP,
    recorded_client_id,
    signin_config_from,
)

# Delegated Microsoft Graph permission ids as Graph publishes them (Find-MgGraphPermission / the Graph
# permissions reference); the stand-in's Microsoft Graph only knows User.Read until these are added.
SCOPE_IDS = {
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    "Application.ReadWrite.All": "bdfbf15f-ee85-4955-8675-146e8e5296b5",
    "Group.ReadWrite.All": "4e46008b-f24c-477d-8fff-7bb4ec7aafe0",
    "AppRoleAssignment.ReadWrite.All": "84bccea3-f856-4a8a-967b-dbe0a3d53a64",
}


@pytest.fixture(autouse=True)
def graph_publishes_the_scopes(directory) -> None:  # type: ignore[no-untyped-def]
    sp = next(s for s in directory.service_principals.values() if s["appId"] == GRAPH_APP_ID)
    known = {s["value"] for s in sp["oauth2PermissionScopes"]}
    sp["oauth2PermissionScopes"] += [
        {"id": i, "value": v, "type": "Admin"} for v, i in SCOPE_IDS.items() if v not in known
    ]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, directory, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    for name in ("IDSPINE_CLIENT_ID", "IDSPINE_TENANT", "IDSPINE_OIDC_AUTHORITY", "IDSPINE_GRAPH_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
    cache = tmp_path / "cache" / "tokens.json"
    monkeypatch.setenv("IDSPINE_TOKEN_CACHE", str(cache))
    return cache


def bootstrap(run_cli, ws_file: Path, standin, *extra: str):  # type: ignore[no-untyped-def]
    return run_cli(
        "bootstrap",
        "--file",
        str(ws_file),
        "--graph-url",
        standin.base_url,
        "--token-env",
        "TEST_GRAPH_TOKEN",
        "--allow-loopback-http",
        *extra,
    )


def own_apps(directory) -> list[dict]:  # type: ignore[no-untyped-def]
    return [a for a in directory.applications.values() if a.get("uniqueName") == OWN_APP_UNIQUE_NAME]


def test_bootstrap_registers_a_least_privilege_public_client(
    run_cli, ws_file, standin, directory, env
) -> None:  # type: ignore[no-untyped-def]
    tenant = load(ws_file).consultancy.home_tenant
    res = bootstrap(run_cli, ws_file, standin)
    assert res.code == 0, res.err
    assert directory.problems == []  # every body matched the published Graph types
    [app] = own_apps(directory)
    assert app["isFallbackPublicClient"] is True
    assert app["publicClient"] == {"redirectUris": ["http://localhost"]}
    assert app["signInAudience"] == "AzureADMyOrg" and "web" not in app
    [access] = app["requiredResourceAccess"]
    assert access["resourceAppId"] == GRAPH_APP_ID
    assert sorted(a["id"] for a in access["resourceAccess"]) == sorted(SCOPE_IDS.values())
    assert {a["type"] for a in access["resourceAccess"]} == {"Scope"}  # delegated only, no app roles
    assert directory.count("servicePrincipal", appId=app["appId"]) == 1
    for name, _why in GRAPH_SCOPES:
        assert name in res.out
    assert f"idspine's own app {app['appId']}: created" in res.out
    assert directory.token not in res.out + res.err

    sp = next(s for s in load(ws_file).service_principals if s.tool == "idspine")
    assert sp.app_id == app["appId"] and sp.application_object_id == app["id"]
    assert sp.object_id and sp.discovered is None  # made by idspine, not found
    assert sp.credential_kind.value == "none" and sp.status.value == "active"

    later = signin_config_from(None, tenant, public_fallback=True)
    assert (later.client_id, later.way) == (app["appId"], WAY_OWN_APP)
    assert recorded_client_id(later.apps_file, tenant) == app["appId"]
    yours = signin_config_from(None, tenant, public_fallback=True, environ={"IDSPINE_CLIENT_ID": "x-yours"})
    assert yours.way == WAY_YOUR_APP and yours.client_id == "x-yours"


def test_a_second_run_changes_nothing(run_cli, ws_file, standin, directory, env) -> None:  # type: ignore[no-untyped-def]
    assert bootstrap(run_cli, ws_file, standin).code == 0
    writes = len(directory.writes())
    before = ws_file.read_text()
    res = bootstrap(run_cli, ws_file, standin)
    assert res.code == 0, res.err
    assert len(directory.writes()) == writes  # found by the recorded app id: no write at all
    assert len(own_apps(directory)) == 1
    assert ": exists." in res.out
    assert load(ws_file).model_dump() == load_from_text(before, ws_file.parent)


def load_from_text(text: str, folder: Path) -> dict:
    copy = folder / "before.toml"
    copy.write_text(text)
    return load(copy).model_dump()


def test_an_app_with_the_same_display_name_is_never_adopted(
    run_cli, ws_file, standin, directory, env
) -> None:  # type: ignore[no-untyped-def]
    directory.applications["someone-elses"] = {
        "id": "someone-elses",
        "appId": "11111111-1111-4111-8111-111111111111",
        "displayName": OWN_APP_DISPLAY_NAME,
        "passwordCredentials": [],
    }
    assert bootstrap(run_cli, ws_file, standin).code == 0
    sp = next(s for s in load(ws_file).service_principals if s.tool == "idspine")
    assert sp.app_id != "11111111-1111-4111-8111-111111111111"
    assert directory.count("application", displayName=OWN_APP_DISPLAY_NAME) == 2


def test_an_app_made_before_but_not_recorded_is_found_by_its_unique_name(
    run_cli, ws_file, standin, directory, env, entra_ws
) -> None:  # type: ignore[no-untyped-def]
    assert bootstrap(run_cli, ws_file, standin).code == 0
    [app] = own_apps(directory)
    save(entra_ws, ws_file, expected_digest=False)  # an inventory that never heard of it
    res = bootstrap(run_cli, ws_file, standin)
    assert res.code == 0, res.err
    assert len(own_apps(directory)) == 1
    sp = next(s for s in load(ws_file).service_principals if s.tool == "idspine")
    assert sp.app_id == app["appId"]
    assert sp.discovered is not None and sp.discovered.key == app["appId"]
    assert sp.discovered.source.startswith("entra:")


def test_a_lost_answer_still_makes_one_app(standin, directory, http_settings) -> None:  # type: ignore[no-untyped-def]
    directory.faults.append(Fault("lost", method="PATCH", path_re="uniqueName"))
    done = OwnAppRegistrar.connect(standin.base_url, directory.token, http_settings).ensure()
    assert len(own_apps(directory)) == 1 and done.action == "exists"
    assert done.app_id == own_apps(directory)[0]["appId"]


def test_missing_scopes_in_the_tenant_stop_before_any_write(standin, directory, http_settings) -> None:  # type: ignore[no-untyped-def]
    sp = next(s for s in directory.service_principals.values() if s["appId"] == GRAPH_APP_ID)
    sp["oauth2PermissionScopes"] = [
        s for s in sp["oauth2PermissionScopes"] if s["value"] != "Group.ReadWrite.All"
    ]
    from wizard.providers import ProviderError

    with pytest.raises(ProviderError, match="Group.ReadWrite.All"):
        OwnAppRegistrar.connect(standin.base_url, directory.token, http_settings).ensure()
    assert directory.writes() == []


def test_without_a_sign_in_it_says_what_to_do(run_cli, ws_file, standin, directory, env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PATH", "/nonexistent")  # no Azure CLI
    res = run_cli(
        "bootstrap", "--file", str(ws_file), "--graph-url", standin.base_url, "--allow-loopback-http"
    )
    assert res.code == 2 and "idspine signin --tenant" in res.err
    assert directory.calls == []
    assert run_cli("bootstrap", "--demo").code == 2


def test_a_domain_and_the_tenant_id_both_find_the_app(
    run_cli, ws_file, standin, directory, env, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import base64
    import json

    tid = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    claims = base64.urlsafe_b64encode(json.dumps({"tid": tid}).encode()).decode().rstrip("=")
    directory.token = f"eyJhbGciOiJub25lIn0.{claims}.c2ln"  # a token Entra would issue for that tenant
    monkeypatch.setenv("TEST_GRAPH_TOKEN", directory.token)
    res = bootstrap(run_cli, ws_file, standin, "--tenant", "fjord.onmicrosoft.com")
    assert res.code == 0, res.err
    [app] = own_apps(directory)
    for tenant in ("fjord.onmicrosoft.com", tid, tid.upper()):
        config = signin_config_from(None, tenant, public_fallback=True)
        assert (config.client_id, config.way) == (app["appId"], WAY_OWN_APP)
