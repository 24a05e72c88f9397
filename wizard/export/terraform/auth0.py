"""Terraform for Auth0 (auth0/auth0 ~> 1.0): auth0_role per group (Auth0 has no groups; roles stand in); per
workload identity a machine-to-machine application (auth0_client, app_type non_interactive, client
credentials grant) and one auth0_client_grant per API it calls (the Auth0 Management API, or another API by
its identifier), with the recorded permissions as scopes.

No published schema package exists for this provider (no cdktf-cdktf-provider-auth0 on PyPI, no
@cdktf/provider-auth0 on npm); attributes follow auth0/terraform-provider-auth0 docs/index.md,
docs/resources/role.md, client.md and client_grant.md, checked in tests/unit/export/test_terraform_idps.py.
"""

from __future__ import annotations

import datetime as dt

from wizard.export.terraform.common import (
    federation_notes,
    header,
    host_of,
    is_graph,
    note,
    objects,
    permission_notes,
    secret_notes,
)
from wizard.export.terraform.hcl import Names, hlist, hstr, variable
from wizard.idps.catalogue import AUTH0
from wizard.model import Workspace

VERSION = "~> 1.0"
MANAGEMENT_API = '"https://${var.auth0_domain}/api/v2/"'


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """HCL for the roles, M2M applications and client grants of every client, or one."""
    objs = objects(ws, client)
    names = Names()
    out = header(ws, client, today, "auth0", VERSION)
    out += variable(
        "auth0_domain",
        "Auth0 tenant domain (tenant.eu.auth0.com or a custom domain)",
        host_of(ws.consultancy.idp_address),
    )
    out += variable("auth0_client_id", "client id of the M2M application Terraform signs in as")
    out += variable("auth0_client_secret", "that application's client secret", sensitive=True)
    out += [
        'provider "auth0" {',
        "  domain        = var.auth0_domain",
        "  client_id     = var.auth0_client_id",
        "  client_secret = var.auth0_client_secret",
        "}",
        "",
        *objs.notes,
    ]
    for g in objs.groups:
        rid = names("auth0_role", g.name)
        out += [f'resource "auth0_role" "{rid}" {{', f"  name        = {hstr(g.name)}"]
        if g.description:
            out.append(f"  description = {hstr(g.description)}")
        out += ["}", ""]
        if g.membership_rule:
            out += [
                note(
                    f"{g.name}: recorded membership rule {g.membership_rule}; Auth0 roles are assigned, not ruled"
                ),
                "",
            ]
    for sp in objs.workloads:
        app = names("auth0_client", sp.name)
        out += [
            *permission_notes(AUTH0, sp),
            *federation_notes(AUTH0, sp),
            *secret_notes(AUTH0, sp),
            "# Its credential (private key JWT or a secret) is set in the dashboard or with auth0_client_credentials.",
            f'resource "auth0_client" "{app}" {{',
            f"  name        = {hstr(sp.name)}",
        ]
        if sp.purpose:
            out.append(f"  description = {hstr(sp.purpose)}")
        out += ['  app_type    = "non_interactive"', '  grant_types = ["client_credentials"]', "}", ""]
        apis: dict[str, list[str]] = {}
        for p in sp.permissions:
            if not is_graph(p):
                apis.setdefault(p.resource, []).append(p.name)
        if not apis:
            out += [note(f"{sp.name}: no API recorded; add an auth0_client_grant when it calls one"), ""]
        for api, scopes in apis.items():
            audience = MANAGEMENT_API if "auth0" in api.lower() else hstr(api)
            out += [
                f'resource "auth0_client_grant" "{names("grant", f"{app}_{api}")}" {{',
                f"  client_id = auth0_client.{app}.id",
                f"  audience  = {audience}",
                f"  scopes    = {hlist(scopes)}",
                "}",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"
