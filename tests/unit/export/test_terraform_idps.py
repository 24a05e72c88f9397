"""Terraform for the IdPs other than Entra: each export parses as HCL (python-hcl2), names its own provider
with a version constraint, keeps provider secrets in sensitive variables, carries no Entra object, escapes
hostile inventory text, and uses only resource types and attributes its provider documents.

Where no published schema package exists (keycloak, auth0, authentik: no cdktf-cdktf-provider-* on PyPI and no
@cdktf/provider-* on npm) the allowed attributes below are taken from the provider's own documentation:
(read from the repositories' default branches: keycloak at v5.9.0, authentik at v2026.5.0, auth0 v1.x)
- keycloak/terraform-provider-keycloak (v5.x) docs/index.md, docs/resources/group.md, openid_client.md,
  openid_client_service_account_role.md, openid_client_service_account_realm_role.md,
  docs/data-sources/openid_client.md
- auth0/terraform-provider-auth0 (v1.x) docs/index.md, docs/resources/role.md, client.md, client_grant.md
- goauthentik/terraform-provider-authentik (2026.x) docs/index.md, docs/resources/group.md, user.md,
  provider_oauth2.md, application.md, docs/data-sources/flow.md
Okta and Google are checked against their published schemas in tests/peers/test_terraform_schema_idps.py; the
lists here for them are the attributes this export writes, so a new one is noticed in both places.
"""

from __future__ import annotations

import io
import re

import hcl2
import pytest

from wizard.demo import DEMO_TODAY
from wizard.export import FORMATS, NotForThisIdp, azure_cli, terraform
from wizard.idps.catalogue import profile_for
from wizard.model import CredentialKind, FederatedCredential, Group, Permission, ServicePrincipal, Workspace

META = {"provider", "depends_on", "count", "for_each", "lifecycle"}  # Terraform meta-arguments

DOCUMENTED = {
    "keycloak": {
        "provider": {
            "url",
            "realm",
            "client_id",
            "client_secret",
            "admin_url",
            "username",
            "password",
            "jwt_signing_key",
            "jwt_signing_alg",
            "base_path",
            "initial_login",
            "client_timeout",
            "tls_insecure_skip_verify",
            "root_ca_certificate",
            "additional_headers",
        },
        "resource": {
            "keycloak_group": {"realm_id", "name", "parent_id", "attributes", "organization_id"},
            "keycloak_openid_client": {
                "realm_id",
                "client_id",
                "name",
                "enabled",
                "description",
                "access_type",
                "client_secret",
                "client_authenticator_type",
                "standard_flow_enabled",
                "implicit_flow_enabled",
                "direct_access_grants_enabled",
                "service_accounts_enabled",
                "valid_redirect_uris",
            },
            "keycloak_openid_client_service_account_role": {
                "realm_id",
                "service_account_user_id",
                "client_id",
                "role",
            },
            "keycloak_openid_client_service_account_realm_role": {
                "realm_id",
                "service_account_user_id",
                "role",
            },
        },
        "data": {"keycloak_openid_client": {"realm_id", "client_id"}},
    },
    "auth0": {
        "provider": {
            "domain",
            "client_id",
            "client_secret",
            "api_token",
            "audience",
            "debug",
            "cli_login",
            "dynamic_credentials",
        },
        "resource": {
            "auth0_role": {"name", "description"},
            "auth0_client": {"name", "description", "app_type", "grant_types", "callbacks"},
            "auth0_client_grant": {"client_id", "audience", "scopes", "allow_all_scopes", "subject_type"},
        },
        "data": {},
    },
    "authentik": {
        "provider": {"url", "token", "insecure", "headers"},
        "resource": {
            "authentik_group": {"name", "attributes", "is_superuser", "parents", "roles", "users"},
            "authentik_user": {
                "username",
                "name",
                "type",
                "email",
                "groups",
                "is_active",
                "path",
                "attributes",
            },
            "authentik_provider_oauth2": {
                "name",
                "client_id",
                "client_type",
                "authorization_flow",
                "invalidation_flow",
                "allowed_redirect_uris",
                "signing_key",
            },
            "authentik_application": {"name", "slug", "protocol_provider", "group", "meta_description"},
        },
        "data": {"authentik_flow": {"slug"}},
    },
    "okta": {
        "provider": {"org_name", "base_url", "client_id", "private_key_id", "private_key", "scopes"},
        "resource": {
            "okta_group": {"name", "description"},
            "okta_app_oauth": {
                "label",
                "type",
                "grant_types",
                "response_types",
                "token_endpoint_auth_method",
                "jwks",
            },
            "okta_app_oauth_api_scope": {"app_id", "issuer", "scopes"},
        },
        "data": {},
    },
    "google-cloud-identity": {
        "provider": {"project"},
        "resource": {
            "google_cloud_identity_group": {"display_name", "description", "parent", "group_key", "labels"},
            "google_service_account": {"account_id", "display_name", "description"},
            "google_iam_workload_identity_pool": {"workload_identity_pool_id", "display_name", "description"},
            "google_iam_workload_identity_pool_provider": {
                "workload_identity_pool_id",
                "workload_identity_pool_provider_id",
                "display_name",
                "attribute_mapping",
                "attribute_condition",
                "oidc",
            },
            "google_service_account_iam_member": {"service_account_id", "role", "member"},
            "google_service_account_key": {"service_account_id"},
        },
        "data": {},
    },
}
ADDRESSES = {
    "okta": "northwind.okta.com",
    "google-cloud-identity": "northwind.example",
    "keycloak": "https://id.northwind.example/realms/northwind",
    "auth0": "northwind.eu.auth0.com",
    "authentik": "https://auth.northwind.example",
}
# A permission each IdP grants through its own objects (so every resource type above is made once).
OWN_PERMISSION = {
    "okta": Permission(resource="Okta management API", name="okta.users.read"),
    "google-cloud-identity": Permission(resource="Google Cloud", name="roles/viewer"),
    "keycloak": Permission(resource="realm-management", name="view-users"),
    "auth0": Permission(resource="Auth0 Management API", name="read:users"),
    "authentik": Permission(resource="authentik", name="view_user"),
}
IDPS = sorted(ADDRESSES)
HOSTILE = 'Evil "quote" ${var.x} %{ if true }\nresource "x" "y" {}\r\t\u202e'


def switched(ws: Workspace, idp: str) -> Workspace:
    ws = ws.model_copy(deep=True)
    ws.consultancy.idp = idp  # type: ignore[assignment]
    ws.consultancy.idp_address = ADDRESSES[idp]
    ws.consultancy.gcp_project = "northwind-ops"
    ws.service_principals[0].permissions.append(OWN_PERMISSION[idp])
    if idp == "keycloak":
        ws.service_principals[0].permissions.append(Permission(resource="Keycloak", name="offline_access"))
    ws.service_principals.append(
        ServicePrincipal(name="svc-etl-key-acme", client="acme")
    )  # a key, not made yet
    return ws


def parse(text: str) -> dict:
    return hcl2.load(io.StringIO(text))


def blocks(doc: dict, kind: str) -> list[tuple[str, str, dict]]:
    return [
        (rtype.strip('"'), name.strip('"'), body)
        for block in doc.get(kind, [])
        for rtype, inst in block.items()
        for name, body in inst.items()
    ]


def attrs(body: dict) -> set[str]:
    return {k for k in body if not k.startswith("__")}


@pytest.mark.parametrize("idp", IDPS)
def test_each_idp_parses_and_uses_only_documented_attributes(demo_ws, idp: str) -> None:  # type: ignore[no-untyped-def]
    text = terraform.render(switched(demo_ws, idp), today=DEMO_TODAY)
    doc = parse(text)
    spec = DOCUMENTED[idp]
    seen = set()
    for rtype, name, body in blocks(doc, "resource"):
        assert rtype in spec["resource"], rtype
        assert attrs(body) <= spec["resource"][rtype] | META, (
            rtype,
            name,
            attrs(body) - spec["resource"][rtype],
        )
        seen.add(rtype)
    assert seen == set(spec["resource"])  # every documented type is exercised by this inventory
    for dtype, _, body in blocks(doc, "data"):
        assert attrs(body) <= spec["data"][dtype]
    (provider,) = [(n, b) for block in doc["provider"] for n, b in block.items()]
    assert attrs(provider[1]) <= spec["provider"]
    required = attrs(doc["terraform"][0]["required_providers"][0])
    (local,) = required
    req = doc["terraform"][0]["required_providers"][0][local]
    assert req["source"].strip('"') == profile_for(idp).terraform_provider
    assert re.fullmatch(r"~> \d+\.\d+", req["version"].strip('"'))
    assert provider[0].strip('"') == local


@pytest.mark.parametrize("idp", IDPS)
def test_no_entra_objects_or_words(demo_ws, idp: str) -> None:  # type: ignore[no-untyped-def]
    text = terraform.render(switched(demo_ws, idp), today=DEMO_TODAY).lower()
    for word in ("azuread", "graph.microsoft.com", "app registration", "login.microsoftonline"):
        assert word not in text, word
    assert "svc-n8n-graph-acme" in text and "tenant-acme-analyst" in text.replace("_", "-")


@pytest.mark.parametrize("idp", IDPS)
def test_secrets_stay_in_sensitive_variables(demo_ws, idp: str) -> None:  # type: ignore[no-untyped-def]
    doc = parse(terraform.render(switched(demo_ws, idp), today=DEMO_TODAY))
    variables = {name.strip('"'): body for block in doc["variable"] for name, body in block.items()}
    (body,) = [b for block in doc["provider"] for b in block.values()]
    for key, value in body.items():
        if key in ("client_secret", "private_key", "token"):
            assert value.startswith("${var."), key
            assert variables[value[6:-1]].get("sensitive") is True and "default" not in variables[value[6:-1]]
    assert 'output "' not in terraform.render(demo_ws, today=DEMO_TODAY)


@pytest.mark.parametrize("idp", IDPS)
def test_hostile_names_stay_strings(demo_ws, idp: str) -> None:  # type: ignore[no-untyped-def]
    ws = switched(demo_ws, idp)
    ws.groups.append(Group(name=HOSTILE, client="acme", description=HOSTILE, membership_rule=HOSTILE))
    ws.service_principals.append(
        ServicePrincipal(
            name=f"svc-{HOSTILE}",
            client="acme",
            purpose=HOSTILE,
            credential_kind=CredentialKind.FEDERATED,
            permissions=[Permission(resource=OWN_PERMISSION[idp].resource, name=HOSTILE)],
            federated_credentials=[
                FederatedCredential(name="evil", issuer="https://issuer.example", subject=HOSTILE)
            ],
        )
    )
    text = terraform.render(ws, client="acme", today=DEMO_TODAY)
    doc = parse(text)
    assert not any(rtype == "x" for rtype, _, _ in blocks(doc, "resource"))
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "${var.x}" not in code.replace("$${var.x}", "") and "%{ if" not in code.replace("%%{ if", "")
    assert "$${var.x}" in code  # the name is there, as a literal
    assert "\u202e" not in text and "\r" not in text
    for line in text.splitlines():  # no comment line carries a raw newline's second half
        assert not line.startswith('resource "x"')


def test_idp_names_the_file(demo_ws) -> None:  # type: ignore[no-untyped-def]
    tf = FORMATS["terraform"]
    assert tf.file_name("acme", demo_ws) == "idspine-acme-azuread.tf"
    assert tf.file_name(None, switched(demo_ws, "okta")) == "idspine-okta.tf"
    assert tf.file_name() == "idspine-azuread.tf"


@pytest.mark.parametrize("idp", IDPS)
def test_az_script_refuses_a_non_entra_idp(demo_ws, idp: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotForThisIdp, match="export terraform"):
        azure_cli.render(switched(demo_ws, idp), today=DEMO_TODAY)
    assert azure_cli.render(demo_ws, today=DEMO_TODAY).startswith("#!/usr/bin/env bash")


def test_cli_export_az_says_one_clear_line(run_cli, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from wizard.demo import demo_workspace
    from wizard.inventory import save

    path = tmp_path / "idspine.toml"
    save(switched(demo_workspace(DEMO_TODAY), "okta"), path)
    r = run_cli("export", "az", "--file", str(path))
    assert r.code == 2 and r.out == ""
    assert len(r.err.strip().splitlines()) == 1 and "Entra" in r.err and "export terraform" in r.err
    r = run_cli("export", "terraform", "--file", str(path), "--today", "2026-11-23")
    assert r.code == 0 and 'resource "okta_group"' in r.out


def one(doc: dict, rtype: str, name: str) -> dict:
    return next(body for t, n, body in blocks(doc, "resource") if t == rtype and n == name)


def unq(value: object) -> object:
    return (
        value.strip('"')
        if isinstance(value, str)
        else [unq(v) for v in value]
        if isinstance(value, list)
        else value
    )


def test_each_idp_makes_its_own_workload_identity(demo_ws) -> None:  # type: ignore[no-untyped-def]
    app = "svc_n8n_graph_acme"
    okta = parse(terraform.render(switched(demo_ws, "okta"), today=DEMO_TODAY))
    body = one(okta, "okta_app_oauth", app)
    assert unq(body["type"]) == "service" and unq(body["grant_types"]) == ["client_credentials"]
    assert unq(body["token_endpoint_auth_method"]) == "private_key_jwt" and body["jwks"]
    assert unq(one(okta, "okta_app_oauth_api_scope", app)["scopes"]) == ["okta.users.read"]
    variables = {n.strip('"'): b for block in okta["variable"] for n, b in block.items()}
    assert unq(variables["okta_org_name"]["default"]) == "northwind"

    google = parse(terraform.render(switched(demo_ws, "google-cloud-identity"), today=DEMO_TODAY))
    group = one(google, "google_cloud_identity_group", "tenant_acme_analyst")
    assert "customers/" in group["parent"] and "tenant-acme-analyst" in group["group_key"][0]["id"]
    member = one(google, "google_service_account_iam_member", "svc_github_deploy_acme_acme_pipeline_main")
    assert unq(member["role"]) == "roles/iam.workloadIdentityUser"
    assert member["member"].endswith('/subject/repo:northwind/acme-pipeline:ref:refs/heads/main"')
    keys = [n for t, n, _ in blocks(google, "resource") if t == "google_service_account_key"]
    assert keys == ["svc_etl_key_acme"]  # only the key-based identity whose key is not yet made

    keycloak = parse(terraform.render(switched(demo_ws, "keycloak"), today=DEMO_TODAY))
    client = one(keycloak, "keycloak_openid_client", app)
    assert unq(client["access_type"]) == "CONFIDENTIAL" and client["service_accounts_enabled"] is True
    realm_roles = [unq(b["role"]) for t, _, b in blocks(keycloak, "resource") if t.endswith("realm_role")]
    client_roles = [unq(b["role"]) for t, _, b in blocks(keycloak, "resource") if t.endswith("account_role")]
    assert realm_roles == ["offline_access"] and client_roles == ["view-users"]
    variables = {n.strip('"'): b for block in keycloak["variable"] for n, b in block.items()}
    assert unq(variables["keycloak_realm"]["default"]) == "northwind"
    assert unq(variables["keycloak_url"]["default"]) == "https://id.northwind.example"

    auth0 = parse(terraform.render(switched(demo_ws, "auth0"), today=DEMO_TODAY))
    assert unq(one(auth0, "auth0_client", app)["app_type"]) == "non_interactive"
    grants = [b for t, _, b in blocks(auth0, "resource") if t == "auth0_client_grant"]
    assert len(grants) == 1 and "/api/v2/" in grants[0]["audience"]

    authentik = parse(terraform.render(switched(demo_ws, "authentik"), today=DEMO_TODAY))
    assert unq(one(authentik, "authentik_user", app)["type"]) == "service_account"
    assert one(authentik, "authentik_application", app)["protocol_provider"].startswith(
        "${authentik_provider_oauth2."
    )


def test_google_pool_providers_stay_apart(demo_ws) -> None:  # type: ignore[no-untyped-def]
    ws = switched(demo_ws, "google-cloud-identity")
    ws.service_principals.append(
        ServicePrincipal(
            name="svc-gitlab-deploy-acme",
            client="acme",
            credential_kind=CredentialKind.FEDERATED,
            federated_credentials=[
                FederatedCredential(
                    name="a", issuer="https://gitlab.example", subject="project_path:a/b:ref:main"
                ),
                FederatedCredential(
                    name="b", issuer="https://gitlab.example/x", subject="project_path:c/d:ref:main"
                ),
            ],
        )
    )
    doc = parse(terraform.render(ws, client="acme", today=DEMO_TODAY))
    providers = [
        (n, b) for t, n, b in blocks(doc, "resource") if t == "google_iam_workload_identity_pool_provider"
    ]
    assert len(providers) == 3  # GitHub's and the two GitLab issuers
    assert len({n for n, _ in providers}) == 3
    assert len({b["workload_identity_pool_provider_id"] for _, b in providers}) == 3
    for _, body in providers:
        assert 4 <= len(body["workload_identity_pool_provider_id"].strip('"')) <= 32
