"""The Terraform export parses as HCL and uses only azuread v3 resource types and attributes."""

from __future__ import annotations

import io

import hcl2
import pytest

from wizard.blueprints import apply_blueprint
from wizard.demo import DEMO_TODAY
from wizard.export import terraform
from wizard.model import CredentialKind, Group, ServicePrincipal
from wizard.secrets.guard import find_secret_kind

# Resource types and top-level attributes, checked against the azuread provider docs (v3.x):
# https://registry.terraform.io/providers/hashicorp/azuread/latest/docs/resources/<type>
SCHEMA = {
    "azuread_group": {
        "display_name",
        "security_enabled",
        "mail_enabled",
        "description",
        "owners",
        "types",
        "dynamic_membership",
    },
    "azuread_application": {
        "display_name",
        "sign_in_audience",
        "owners",
        "app_role",
        "required_resource_access",
        "web",
        "public_client",
    },
    "azuread_service_principal": {"client_id", "owners", "app_role_assignment_required"},
    "azuread_application_federated_identity_credential": {
        "application_id",
        "display_name",
        "description",
        "audiences",
        "issuer",
        "subject",
    },
    "azuread_application_password": {"application_id", "display_name", "end_date"},
    "azuread_app_role_assignment": {"app_role_id", "principal_object_id", "resource_object_id"},
}
DATA = {
    "azuread_client_config": set(),
    "azuread_service_principal": {"client_id"},
    "azuread_user": {"user_principal_name"},
}
META = {"provider"}  # Terraform meta-argument: which provider configuration (tenant) a block uses


def parse(text: str) -> dict:
    return hcl2.load(io.StringIO(text))


def unq(key: str) -> str:
    """python-hcl2 keeps the quotes of block labels."""
    return key.strip('"')


def test_parses_and_uses_only_known_types_and_attributes(demo_ws) -> None:  # type: ignore[no-untyped-def]
    demo_ws = apply_blueprint(demo_ws, "data-api-oidc", "acme")  # public client, app-only roles, a new secret
    doc = parse(terraform.render(demo_ws, today=DEMO_TODAY))
    seen = set()
    for block in doc["resource"]:
        for rtype_q, instances in block.items():
            rtype = unq(rtype_q)
            assert rtype in SCHEMA, rtype
            for body in instances.values():
                attrs = {k for k in body if not k.startswith("__")}
                assert attrs <= SCHEMA[rtype] | META, (rtype, attrs - SCHEMA[rtype])
                seen.add(rtype)
    assert set(SCHEMA) == seen
    for block in doc["data"]:
        for dtype, instances in block.items():
            assert unq(dtype) in DATA
            for body in instances.values():
                assert {k for k in body if not k.startswith("__")} <= DATA[unq(dtype)] | META


def test_strings_are_escaped(demo_ws) -> None:  # type: ignore[no-untyped-def]
    assert terraform.hstr('a"b\\c') == '"a\\"b\\\\c"'
    demo_ws.groups.append(Group(name="Tenant-Acme-${var.x}", client="acme", description="50%{ off"))
    text = terraform.render(demo_ws, client="acme", today=DEMO_TODAY)
    # Terraform reads $${ and %%{ as literal ${ and %{ (python-hcl2's grammar does not know these escapes).
    assert '"Tenant-Acme-$${var.x}"' in text and '"50%%{ off"' in text
    assert "${var.x}" not in text.replace("$${var.x}", "")


def test_one_client_and_no_secret_values(demo_ws) -> None:  # type: ignore[no-untyped-def]
    text = terraform.render(demo_ws, client="acme", today=DEMO_TODAY)
    assert "svc-n8n-graph-acme" in text and "globex" not in text.lower()
    assert find_secret_kind(text) is None and 'output "' not in text
    with pytest.raises(KeyError):
        terraform.render(demo_ws, client="initech")


def test_resource_names_are_unique_and_comments_stay_comments(demo_ws) -> None:  # type: ignore[no-untyped-def]
    demo_ws.groups += [
        Group(name="Tenant-Acme-A-B", client="acme"),
        Group(name="Tenant-Acme-A_B", client="acme"),
        Group(name='Tenant-Acme-Mail\nresource "x" "y" {}', client="acme", kind="m365"),
    ]
    text = terraform.render(demo_ws, client="acme", today=DEMO_TODAY)
    doc = parse(text)
    groups = [
        name
        for block in doc["resource"]
        for rtype, inst in block.items()
        if unq(rtype) == "azuread_group"
        for name in inst
    ]
    assert len(groups) == len(set(groups)) == len([g for g in demo_ws.groups if g.client == "acme"]) - 1
    assert not any(
        unq(rtype) == "x" for block in doc["resource"] for rtype in block
    )  # the newline did not escape


def test_secrets_managed_identities_and_public_clients(demo_ws) -> None:  # type: ignore[no-untyped-def]
    demo_ws.service_principals += [
        ServicePrincipal(name="svc-app-new-acme", client="acme"),  # a secret, not yet created
        ServicePrincipal(
            name="svc-platform-workload-acme", client="acme", credential_kind=CredentialKind.MANAGED_IDENTITY
        ),
        ServicePrincipal(
            name="svc-cli-data-acme",
            client="acme",
            credential_kind=CredentialKind.NONE,
            redirect_uris=["http://localhost:8400/callback", "https://app.acme.example/cb"],
        ),
    ]
    text = terraform.render(demo_ws, client="acme", today=DEMO_TODAY)
    apps = {
        unq(name): body
        for block in parse(text)["resource"]
        for rtype, inst in block.items()
        if unq(rtype) == "azuread_application"
        for name, body in inst.items()
    }
    assert "svc_platform_workload_acme" not in apps  # made with its Azure resource, not an app registration
    cli = apps["svc_cli_data_acme"]
    assert [unq(u) for u in cli["public_client"][0]["redirect_uris"]] == ["http://localhost:8400/callback"]
    assert [unq(u) for u in cli["web"][0]["redirect_uris"]] == ["https://app.acme.example/cb"]
    passwords = [
        n
        for block in parse(text)["resource"]
        for rtype, inst in block.items()
        if unq(rtype) == "azuread_application_password"
        for n in inst
    ]
    assert [unq(n) for n in passwords] == ["svc_app_new_acme"]  # recorded secrets (secret_ref) are left alone
    assert 'end_date       = "2026-' in text or 'end_date       = "2027-' in text
