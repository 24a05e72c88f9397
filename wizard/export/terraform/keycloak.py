"""Terraform for Keycloak (keycloak/keycloak ~> 5.0): keycloak_group per group in the realm; per workload
identity a confidential client with its service account (keycloak_openid_client, access_type CONFIDENTIAL,
service_accounts_enabled, standard flow off), and role grants for its service account: a realm role
(keycloak_openid_client_service_account_realm_role) for a permission on the realm, a client role
(keycloak_openid_client_service_account_role, the client looked up by its client_id) for one on another client
such as realm-management.

No published schema package exists for this provider (no cdktf-cdktf-provider-keycloak on PyPI, no
@cdktf/provider-keycloak on npm); attributes follow the provider documentation in
keycloak/terraform-provider-keycloak docs/index.md, docs/resources/group.md, openid_client.md,
openid_client_service_account_role.md, openid_client_service_account_realm_role.md and
docs/data-sources/openid_client.md (v5.x), checked in tests/unit/export/test_terraform_idps.py.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from wizard.export.terraform.common import (
    federation_notes,
    header,
    is_graph,
    note,
    objects,
    permission_notes,
    secret_notes,
)
from wizard.export.terraform.hcl import Names, hstr, variable
from wizard.idps.catalogue import KEYCLOAK
from wizard.model import CredentialKind, Workspace

VERSION = "~> 5.0"
REALM_RESOURCES = {"keycloak", "realm", "keycloak realm", "keycloak admin rest api"}


def _realm_address(address: str) -> tuple[str, str]:
    """(server URL, realm) from https://host/realms/REALM; empty parts when not given so."""
    parsed = urlparse(address.strip())
    parts = parsed.path.strip("/").split("/")
    realm = parts[parts.index("realms") + 1] if "realms" in parts[:-1] else ""
    base = f"{parsed.scheme}://{parsed.netloc}" if parsed.scheme and parsed.netloc else ""
    return base, realm


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """HCL for the groups and service-account clients of every client, or one."""
    url, realm = _realm_address(ws.consultancy.idp_address)
    objs = objects(ws, client)
    names = Names()
    out = header(ws, client, today, "keycloak", VERSION)
    out += variable("keycloak_url", "Keycloak server address (before /realms or /admin)", url)
    out += variable("keycloak_realm", "the realm the groups and clients live in", realm)
    out += variable(
        "keycloak_admin_realm", "realm of the client Terraform signs in as (master, or the same)", realm
    )
    out += variable("keycloak_client_id", "client id of the service-account client Terraform signs in as")
    out += variable("keycloak_client_secret", "that client's secret", sensitive=True)
    out += [
        'provider "keycloak" {',
        "  url           = var.keycloak_url",
        "  realm         = var.keycloak_admin_realm",
        "  client_id     = var.keycloak_client_id",
        "  client_secret = var.keycloak_client_secret",
        "}",
        "",
        *objs.notes,
    ]
    for g in objs.groups:
        gid = names("keycloak_group", g.name)
        out += [
            f'resource "keycloak_group" "{gid}" {{',
            "  realm_id = var.keycloak_realm",
            f"  name     = {hstr(g.name)}",
        ]
        if g.description:
            out.append(f"  attributes = {{ description = {hstr(g.description[:255])} }}")
        out += ["}", ""]
        if g.membership_rule:
            out += [
                note(
                    f"{g.name}: recorded membership rule {g.membership_rule}; Keycloak groups have no rule: assign members"
                ),
                "",
            ]
    lookups: dict[str, str] = {}
    for sp in objs.workloads:
        cid = names("keycloak_openid_client", sp.name)
        secret = sp.credential_kind == CredentialKind.SECRET
        out += [*permission_notes(KEYCLOAK, sp), *federation_notes(KEYCLOAK, sp), *secret_notes(KEYCLOAK, sp)]
        if secret:
            out.append(
                "# Keycloak generates the client secret; it is kept (sensitive) in the state, never in an output."
            )
        else:
            out.append(
                "# Signed JWT: register the workload's public key or JWKS URL on the client's Keys tab."
            )
        out += [
            f'resource "keycloak_openid_client" "{cid}" {{',
            "  realm_id                     = var.keycloak_realm",
            f"  client_id                    = {hstr(sp.name)}",
            f"  name                         = {hstr(sp.name)}",
        ]
        if sp.purpose:
            out.append(f"  description                  = {hstr(sp.purpose)}")
        out += [
            '  access_type                  = "CONFIDENTIAL"',
            "  service_accounts_enabled     = true",
            "  standard_flow_enabled        = false",
            "  direct_access_grants_enabled = false",
            f'  client_authenticator_type    = "{"client-secret" if secret else "client-jwt"}"',
            "}",
            "",
        ]
        for p in sp.permissions:
            if is_graph(p):
                continue
            grant = names("sa_role", f"{cid}_{p.resource}_{p.name}")
            if p.resource.strip().lower() in REALM_RESOURCES:
                out += [
                    f'resource "keycloak_openid_client_service_account_realm_role" "{grant}" {{',
                    "  realm_id                = var.keycloak_realm",
                    f"  service_account_user_id = keycloak_openid_client.{cid}.service_account_user_id",
                    f"  role                    = {hstr(p.name)}",
                    "}",
                    "",
                ]
                continue
            if p.resource not in lookups:
                lookups[p.resource] = names("data_client", p.resource)
                out += [
                    f'data "keycloak_openid_client" "{lookups[p.resource]}" {{',
                    "  realm_id  = var.keycloak_realm",
                    f"  client_id = {hstr(p.resource)}",
                    "}",
                    "",
                ]
            out += [
                f'resource "keycloak_openid_client_service_account_role" "{grant}" {{',
                "  realm_id                = var.keycloak_realm",
                f"  service_account_user_id = keycloak_openid_client.{cid}.service_account_user_id",
                f"  client_id               = data.keycloak_openid_client.{lookups[p.resource]}.id",
                f"  role                    = {hstr(p.name)}",
                "}",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"
