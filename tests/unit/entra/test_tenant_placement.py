"""Where each object lives: one rule in the model (wizard.placement), per-tenant plans, and per-tenant apply where
each tenant's calls carry that tenant's own token (the Graph stand-in below plays several tenants behind one
address, as real Graph does: the token decides the tenant)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from graph_standin import Directory
from tenants_graph import TenantsGraph

from wizard import placement
from wizard.inventory import dumps, load, parse
from wizard.model import (
    AppRole,
    Client,
    Group,
    Placement,
    ServicePrincipal,
    TenantModel,
    Workspace,
)
from wizard.providers.entra.plan import build_plan, build_plans, render_plans
from wizard.providers.entra.tenant_tokens import TenantTokens, TokenMismatch, issuing_tenant


def loads_text(text: str) -> Workspace:
    return parse(text.encode())[0]


ACME = "acmelogistics.onmicrosoft.com"
HOME = "northwinddata.onmicrosoft.com"


def test_defaults_follow_the_tenant_model(demo_ws: Workspace) -> None:
    ws = demo_ws
    acme_sp = ws.service_principal("svc-n8n-graph-acme")
    portal = ws.service_principal("svc-api-portal-acme")  # app roles given to Tenant-Acme-* groups
    # separate-tenant: your people's groups at home, data-access apps in the client's tenant
    assert placement.group_tenant(ws, ws.group("Tenant-Acme-Analyst")).tenant == HOME
    assert placement.service_principal_tenant(ws, acme_sp).tenant == ACME
    assert placement.app_registration_tenant(ws, acme_sp).tenant == ACME
    assert placement.service_principal_tenant(ws, portal).tenant == HOME  # with the groups it serves
    assert placement.credential_tenant(ws, ws.credential("acme-graph-n8n")).tenant == ACME
    # b2b-guests: everything in your tenant
    globex = ws.service_principal("svc-n8n-graph-globex")
    assert placement.service_principal_tenant(ws, globex).key == "home"
    for model, expected in (
        (TenantModel.DELEGATED_ADMIN, Placement.CLIENT),
        (TenantModel.PARTITION, Placement.HOME),
        (TenantModel.B2B_GUESTS, Placement.HOME),
        (TenantModel.SEPARATE_TENANT, Placement.CLIENT),
    ):
        ws.client("acme").tenant_model = model
        assert placement.sp_placement(ws, acme_sp) == expected, model
        assert placement.group_placement(ws, ws.group("Tenant-Acme-Analyst")) == Placement.HOME


def test_multi_tenant_app_lives_at_home_and_its_service_principal_in_the_client(demo_ws: Workspace) -> None:
    demo_ws.client("acme").app_placement = Placement.MULTI_TENANT
    sp = demo_ws.service_principal("svc-n8n-graph-acme")
    assert placement.app_registration_tenant(demo_ws, sp).key == "home"
    assert placement.service_principal_tenant(demo_ws, sp).tenant == ACME
    assert placement.sign_in_audience(demo_ws, sp) == "AzureADMultipleOrgs"
    home, acme = build_plans(demo_ws, client="acme")
    assert home.step("application:svc-n8n-graph-acme").detail == "AzureADMultipleOrgs"
    assert acme.step("application:svc-n8n-graph-acme") is None
    assert acme.step("service-principal:svc-n8n-graph-acme") is not None
    consent = acme.step("admin-consent:svc-n8n-graph-acme")
    assert (
        consent is not None
        and f"https://login.microsoftonline.com/{ACME}/adminconsent?client_id=" in consent.summary
    )
    assert home.step("admin-consent:svc-n8n-graph-acme") is None


def test_an_inventory_without_the_field_loads_and_the_field_round_trips(
    demo_ws: Workspace, tmp_path: Path
) -> None:
    text = dumps(demo_ws)
    assert 'tenant = "home"' not in text and "app_placement" not in text  # nothing written for defaults
    ws = loads_text(text)
    assert placement.service_principal_tenant(ws, ws.service_principal("svc-n8n-graph-acme")).tenant == ACME
    ws.service_principal("svc-n8n-graph-acme").tenant = Placement.HOME
    ws.client("acme").app_placement = Placement.MULTI_TENANT
    again = loads_text(dumps(ws))
    assert again.service_principal("svc-n8n-graph-acme").tenant == Placement.HOME
    assert again.client("acme").app_placement == Placement.MULTI_TENANT
    with pytest.raises(ValueError):
        Group(name="Tenant-Acme-X", client="acme", tenant="multi-tenant")  # type: ignore[arg-type]


def test_plans_are_per_tenant_and_client_filter_keeps_tenants_apart(demo_ws: Workspace) -> None:
    plans = build_plans(demo_ws)
    assert [(p.key, p.tenant) for p in plans] == [("home", HOME), ("client:acme", ACME)]
    subjects = {p.key: {s.subject for s in p.steps} for p in plans}
    assert {"Tenant-Acme-Analyst", "svc-api-portal-acme", "svc-n8n-graph-globex"} <= subjects["home"]
    assert subjects["client:acme"] == {"svc-n8n-graph-acme", "svc-github-deploy-acme"}
    only = build_plans(demo_ws, client="acme")
    assert [p.key for p in only] == ["home", "client:acme"]
    assert not any("globex" in s.subject.lower() for p in only for s in p.steps)
    text = render_plans(plans)
    assert text.count("== Plan for ") == 2 and f"Acme Logistics's tenant ({ACME})" in text
    assert build_plan(demo_ws, tenant="acme").tenant == ACME
    with pytest.raises(ValueError):
        build_plan(demo_ws)  # two tenants: no silent merge


def test_a_role_for_a_group_in_another_tenant_becomes_a_manual_step(demo_ws: Workspace) -> None:
    demo_ws.groups.append(Group(name="Tenant-Acme-Reader", client="acme", tenant=Placement.HOME))
    demo_ws.service_principals.append(
        ServicePrincipal(
            name="svc-api-reports-acme",
            client="acme",
            tenant=Placement.CLIENT,
            app_roles=[AppRole(value="reports:read", display_name="Read", groups=["Tenant-Acme-Reader"])],
        )
    )
    acme = build_plan(demo_ws, tenant="acme")
    step = acme.step("role-assignment:svc-api-reports-acme/reports:read/Tenant-Acme-Reader")
    assert (
        step is not None
        and step.manual
        and "only assigns an app role to a group of the app's own tenant" in step.summary
    )


def test_a_client_tenant_not_recorded_is_shown_and_apply_refuses(
    demo_ws: Workspace, tmp_path: Path, run_cli
) -> None:  # type: ignore[no-untyped-def]
    demo_ws.clients.append(Client(slug="initech", name="Initech", tenant_model=TenantModel.SEPARATE_TENANT))
    demo_ws.service_principals.append(ServicePrincipal(name="svc-n8n-graph-initech", client="initech"))
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    res = run_cli("plan", "--file", str(path), "--client", "initech")
    assert res.code == 0 and "Initech's tenant (not recorded)" in res.out and "is not recorded" in res.out
    res = run_cli("apply", "--yes", "--file", str(path), "--client", "initech", "--token-env", "X")
    assert res.code == 2 and "record the tenant id or domain" in res.err


# ---------------------------------------------------------------- apply per tenant, one token per tenant


@pytest.fixture
def tenants() -> Iterator[tuple[TenantsGraph, Directory, Directory]]:
    home, acme = Directory(token="home-tenant-token"), Directory(token="acme-tenant-token")
    for d in (home, acme):
        d.add_user("alex@northwinddata.onmicrosoft.com")
    with TenantsGraph({"home": home, "acme": acme}) as server:
        yield server, home, acme


def test_apply_signs_in_per_tenant_and_each_object_lands_in_its_tenant(
    tenants, demo_ws: Workspace, tmp_path: Path, run_cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    server, home, acme = tenants
    demo_ws.consultancy.integrations.secret_store = "env-file"
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    monkeypatch.setenv("HOME_TOKEN", home.token)
    monkeypatch.setenv("ACME_TOKEN", acme.token)
    res = run_cli(
        "apply",
        "--yes",
        "--file",
        str(path),
        "--client",
        "acme",
        "--graph-url",
        server.base_url,
        "--token-env",
        "home=HOME_TOKEN",
        "--token-env",
        f"{ACME}=ACME_TOKEN",
        "--allow-loopback-http",
        "--env-file",
        str(tmp_path / "s.env"),
    )
    assert res.code == 0, res.out + res.err
    names = {
        p.key: {a["displayName"] for a in d.applications.values()}
        for p, d in ((build_plan(demo_ws, tenant="home"), home), (build_plan(demo_ws, tenant="acme"), acme))
    }
    assert names["client:acme"] == {"svc-n8n-graph-acme", "svc-github-deploy-acme"}
    assert names["home"] == {"svc-api-portal-acme"}
    assert {g["displayName"] for g in home.groups.values()} == {
        "Tenant-Acme-Data-Engineer",
        "Tenant-Acme-Analyst",
        "Admin-Acme-Owner",
    }
    assert acme.groups == {}
    ws = load(path)
    assert ws.service_principal("svc-n8n-graph-acme").tenant == Placement.CLIENT  # pinned by apply
    assert ws.group("Tenant-Acme-Analyst").tenant == Placement.HOME
    assert home.problems == [] and acme.problems == []


def test_one_token_is_never_used_for_two_tenants(
    tenants, demo_ws: Workspace, tmp_path: Path, run_cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    server, home, acme = tenants
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    monkeypatch.setenv("HOME_TOKEN", home.token)
    for extra in (
        ["--token-env", "HOME_TOKEN"],  # a bare VAR with two tenants involved
        ["--token-env", "home=HOME_TOKEN", "--token-env", "acme=HOME_TOKEN"],  # the same token twice
        ["--token-env", "home=HOME_TOKEN"],
    ):  # acme's token missing
        res = run_cli(
            "apply",
            "--yes",
            "--file",
            str(path),
            "--client",
            "acme",
            "--graph-url",
            server.base_url,
            "--allow-loopback-http",
            *extra,
        )
        assert res.code == 2, extra
        assert home.token not in res.out + res.err
    assert home.calls == [] and acme.calls == []  # refused before anything was sent


def jwt(tid: str) -> str:
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part({'tid': tid, 'aud': 'https://graph.microsoft.com'})}.sig"


def test_a_token_issued_by_another_tenant_is_refused() -> None:
    a, b = "0a0a0a0a-0000-4000-8000-00000000000a", "0b0b0b0b-0000-4000-8000-00000000000b"
    assert issuing_tenant(jwt(a)) == a and issuing_tenant("opaque") is None
    tokens = TenantTokens()
    tokens.put("home", "northwind.example", jwt(a))
    with pytest.raises(TokenMismatch) as info:
        tokens.put(
            "client:acme", "acme.example", jwt(a).replace(".sig", ".other")
        )  # same issuer, other token
    assert "same tenant" in str(info.value)
    with pytest.raises(TokenMismatch):
        tokens.put("client:globex", b.replace("b", "c"), jwt(b))  # a GUID tenant that did not issue it
    assert tokens.put("client:acme", b, jwt(b)) == jwt(b)


def test_a_multi_tenant_app_is_registered_at_home_and_its_service_principal_made_in_the_client(
    tenants, demo_ws: Workspace, tmp_path: Path, run_cli, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    server, home, acme = tenants
    demo_ws.client("acme").app_placement = Placement.MULTI_TENANT
    demo_ws.consultancy.integrations.secret_store = "env-file"
    path = tmp_path / "idspine.toml"
    path.write_text(dumps(demo_ws))
    monkeypatch.setenv("HOME_TOKEN", home.token)
    monkeypatch.setenv("ACME_TOKEN", acme.token)
    res = run_cli(
        "apply",
        "--yes",
        "--file",
        str(path),
        "--client",
        "acme",
        "--graph-url",
        server.base_url,
        "--token-env",
        "home=HOME_TOKEN",
        "--token-env",
        "acme=ACME_TOKEN",
        "--allow-loopback-http",
    )
    assert res.code == 0, res.out + res.err
    app = next(a for a in home.applications.values() if a["displayName"] == "svc-n8n-graph-acme")
    assert app["signInAudience"] == "AzureADMultipleOrgs"
    assert not [a for a in acme.applications.values()]  # no second registration in the client's tenant
    assert [s for s in acme.service_principals.values() if s["appId"] == app["appId"]]
    assert not [s for s in home.service_principals.values() if s["appId"] == app["appId"]]
    ws = load(path)
    consent = next(c for c in ws.checklist if c.id == "admin-consent:svc-n8n-graph-acme")
    assert f"https://login.microsoftonline.com/{ACME}/adminconsent?client_id={app['appId']}" in consent.text


def test_n8n_credentials_ask_the_tenant_where_their_app_lives(demo_ws: Workspace) -> None:
    from wizard.model import Credential, Method
    from wizard.providers.n8n.client import build_context

    graph = build_context(demo_ws, demo_ws.credential("acme-graph-n8n"))
    assert graph.tenant == ACME
    portal = Credential(
        id="acme-portal-n8n",
        service="microsoft-graph",
        method=Method.OAUTH_CLIENT_CREDENTIALS,
        client="acme",
        identity="svc-api-portal-acme",
    )
    assert build_context(demo_ws, portal).tenant == HOME  # the portal app lives at home, with its groups
    demo_ws.client(
        "acme"
    ).app_placement = Placement.MULTI_TENANT  # registered at home, tokens from acme's tenant
    assert build_context(demo_ws, demo_ws.credential("acme-graph-n8n")).tenant == ACME


def test_cli_plan_prints_one_section_per_tenant(run_cli) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("plan", "--demo")
    assert res.code == 0
    home, acme = res.out.split("== Plan for ")[1:]
    assert home.startswith(f"your home tenant ({HOME})") and "group:Tenant-Acme-Analyst" in home
    assert acme.startswith(f"Acme Logistics's tenant ({ACME})") and "application:svc-n8n-graph-acme" in acme
    assert "svc-n8n-graph-acme" not in home and "Tenant-Acme" not in acme
    only = run_cli("plan", "--demo", "--client", "acme", "--tenant", "acme")
    assert (
        only.code == 0
        and only.out.count("== Plan for ") == 1
        and "Plan for Acme Logistics's tenant" in only.out
    )
    assert "globex" not in only.out.lower()
    assert run_cli("plan", "--demo", "--tenant", "nowhere.example").code == 2
