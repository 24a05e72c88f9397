"""Terraform for authentik (goauthentik/authentik ~> 2026.2): authentik_group per group; per workload identity
a service account (authentik_user, type service_account), an OAuth2/OpenID provider
(authentik_provider_oauth2, confidential) and its application (authentik_application). The service account
signs in with an app password made in the admin interface, so its value never reaches the state.

No published schema package exists for this provider (no cdktf-cdktf-provider-authentik on PyPI, no
@cdktf/provider-authentik on npm); attributes follow goauthentik/terraform-provider-authentik docs/index.md,
docs/resources/group.md, user.md, provider_oauth2.md, application.md and docs/data-sources/flow.md (2026.x),
checked in tests/unit/export/test_terraform_idps.py. The two flows are authentik's defaults, looked up by slug.
"""

from __future__ import annotations

import datetime as dt
import json

from wizard.export.terraform.common import (
    federation_notes,
    header,
    note,
    objects,
    permission_notes,
    secret_notes,
)
from wizard.export.terraform.hcl import Names, hstr, slug, variable
from wizard.idps.catalogue import AUTHENTIK
from wizard.model import Workspace

VERSION = "~> 2026.2"
FLOWS = {
    "authorization": "default-provider-authorization-implicit-consent",
    "invalidation": "default-provider-invalidation-flow",
}


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """HCL for the groups, service accounts, OAuth2 providers and applications of every client, or one."""
    objs = objects(ws, client)
    names = Names()
    out = header(ws, client, today, "authentik", VERSION)
    out += variable("authentik_url", "authentik address", ws.consultancy.idp_address.strip())
    out += variable("authentik_token", "API token Terraform signs in with", sensitive=True)
    out += ['provider "authentik" {', "  url   = var.authentik_url", "  token = var.authentik_token", "}", ""]
    if objs.workloads:
        for key, flow in FLOWS.items():
            out += [f'data "authentik_flow" "{key}" {{', f'  slug = "{flow}"', "}", ""]
    out += objs.notes
    for g in objs.groups:
        gid = names("authentik_group", g.name)
        out += [f'resource "authentik_group" "{gid}" {{', f"  name       = {hstr(g.name)}"]
        if g.description:
            out.append(f"  attributes = {hstr(json.dumps({'description': g.description}))}")
        out += ["}", ""]
        if g.membership_rule:
            out += [
                note(
                    f"{g.name}: recorded membership rule {g.membership_rule}; authentik groups are assigned"
                ),
                "",
            ]
    for sp in objs.workloads:
        rid = names("authentik_user", sp.name)
        out += [
            *permission_notes(AUTHENTIK, sp),
            *[
                note(f"{sp.name}: {p.name} on {p.resource}: grant it through an authentik role or policy")
                for p in sp.permissions
                if p.resource.lower() != "microsoft graph"
            ],
            *federation_notes(AUTHENTIK, sp),
            *secret_notes(AUTHENTIK, sp),
            f'resource "authentik_user" "{rid}" {{',
            f"  username = {hstr(sp.name)}",
            f"  name     = {hstr(sp.name)}",
            '  type     = "service_account"',
            "}",
            "",
            f'resource "authentik_provider_oauth2" "{rid}" {{',
            f"  name               = {hstr(sp.name)}",
            f"  client_id          = {hstr(sp.name)}",
            '  client_type        = "confidential"',
            "  authorization_flow = data.authentik_flow.authorization.id",
            "  invalidation_flow  = data.authentik_flow.invalidation.id",
            "}",
            "",
            f'resource "authentik_application" "{rid}" {{',
            f"  name              = {hstr(sp.name)}",
            f"  slug              = {hstr(slug(sp.name, 'a-z0-9_-') or rid)}",
            f"  protocol_provider = authentik_provider_oauth2.{rid}.id",
            "}",
            "",
        ]
    return "\n".join(out).rstrip() + "\n"
