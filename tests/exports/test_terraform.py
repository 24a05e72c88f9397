"""The Terraform export parses as HCL and uses only azuread v3 resource types and attributes."""

from __future__ import annotations

import io

import hcl2
import pytest

from wizard.demo import DEMO_TODAY
from wizard.export import terraform
from wizard.model import Group
from wizard.secret_guard import find_secret_kind

# Resource types and top-level attributes, checked against the azuread provider docs (v3.x):
# https://registry.terraform.io/providers/hashicorp/azuread/latest/docs/resources/<type>
SCHEMA = {
    "azuread_group": {"display_name", "security_enabled", "mail_enabled", "description", "owners", "types",
                      "dynamic_membership"},
    "azuread_application": {"display_name", "sign_in_audience", "owners", "app_role", "required_resource_access",
                            "web"},
    "azuread_service_principal": {"client_id", "owners"},
    "azuread_application_federated_identity_credential": {"application_id", "display_name", "description",
                                                          "audiences", "issuer", "subject"},
    "azuread_application_password": {"application_id", "display_name", "end_date"},
    "azuread_app_role_assignment": {"app_role_id", "principal_object_id", "resource_object_id"},
}
DATA = {"azuread_client_config": set(), "azuread_service_principal": {"client_id"}}


def parse(text: str) -> dict:
    return hcl2.load(io.StringIO(text))


def unq(key: str) -> str:
    """python-hcl2 keeps the quotes of block labels."""
    return key.strip('"')


def test_parses_and_uses_only_known_types_and_attributes(demo_ws) -> None:  # type: ignore[no-untyped-def]
    doc = parse(terraform.render(demo_ws, today=DEMO_TODAY))
    seen = set()
    for block in doc["resource"]:
        for rtype_q, instances in block.items():
            rtype = unq(rtype_q)
            assert rtype in SCHEMA, rtype
            for body in instances.values():
                attrs = {k for k in body if not k.startswith("__")}
                assert attrs <= SCHEMA[rtype], (rtype, attrs - SCHEMA[rtype])
                seen.add(rtype)
    assert {"azuread_group", "azuread_application", "azuread_service_principal",
            "azuread_application_federated_identity_credential", "azuread_app_role_assignment"} <= seen
    for block in doc["data"]:
        for dtype, instances in block.items():
            assert unq(dtype) in DATA
            for body in instances.values():
                assert {k for k in body if not k.startswith("__")} <= DATA[unq(dtype)]


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
