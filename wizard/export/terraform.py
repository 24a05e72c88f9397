"""Export: Terraform (hashicorp/azuread ~> 3.0) resources for the inventory's groups, applications, service
principals, app roles and their group assignments, federated credentials and client secrets.

Attribute names follow the azuread v3 provider (client_id, not the v2 application_id), checked against
https://registry.terraform.io/providers/hashicorp/azuread/latest/docs. Secret values are marked sensitive by
the provider and never output here.
"""

from __future__ import annotations

import datetime as dt
import re

from wizard.export.azure_cli import GRAPH_APP_ID, SECRET_DAYS, _selected, role_id
from wizard.model import CredentialKind, GroupKind, Workspace


def ident(name: str) -> str:
    """A Terraform resource name for an object name."""
    out = re.sub(r"[^a-z0-9_]", "_", name.lower())
    return out if out[:1].isalpha() else f"r_{out}"


def hstr(value: str) -> str:
    """An HCL string literal with quotes, backslashes and template markers escaped."""
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + value.replace("${", "$${").replace("%{", "%%{") + '"'


def hlist(values: list[str]) -> str:
    return "[" + ", ".join(hstr(v) for v in values) + "]"


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """HCL for every client, or one (KeyError when the client is unknown)."""
    if client is not None and ws.client(client) is None:
        raise KeyError(client)
    today = today or dt.date.today()
    groups, sps = _selected(ws, client)
    out = [f"# idspine export: Terraform for {ws.consultancy.name}"
           + (f" (client {client})" if client else "") + f". Generated {today}.",
           "terraform {", "  required_providers {",
           '    azuread = { source = "hashicorp/azuread", version = "~> 3.0" }', "  }", "}", "",
           'data "azuread_client_config" "current" {}', ""]
    if any(p.resource.lower() == "microsoft graph" for sp in sps for p in sp.permissions):
        out += ['data "azuread_service_principal" "msgraph" {', f'  client_id = "{GRAPH_APP_ID}"', "}", ""]
    known_groups = {g.name for g in groups}
    for g in groups:
        if g.kind == GroupKind.M365:
            out.append(f"# {g.name}: a Microsoft 365 group (create in the admin center; not managed here)")
            continue
        out += [f'resource "azuread_group" "{ident(g.name)}" {{', f"  display_name     = {hstr(g.name)}",
                "  security_enabled = true", "  mail_enabled     = false"]
        if g.description:
            out.append(f"  description      = {hstr(g.description)}")
        out.append("  owners           = [data.azuread_client_config.current.object_id]")
        if g.membership_rule:
            out += ['  types            = ["DynamicMembership"]', "  dynamic_membership {", "    enabled = true",
                    f"    rule    = {hstr(g.membership_rule)}", "  }"]
        out += ["}", ""]
    for sp in sps:
        app = ident(sp.name)
        out += [f'resource "azuread_application" "{app}" {{', f"  display_name     = {hstr(sp.name)}",
                '  sign_in_audience = "AzureADMyOrg"',
                "  owners           = [data.azuread_client_config.current.object_id]"]
        for r in sp.app_roles:
            members = {"user": ["User"], "application": ["Application"], "both": ["User", "Application"]}[r.allowed]
            out += ["  app_role {", f"    allowed_member_types = {hlist(members)}",
                    f"    description          = {hstr(r.display_name)}",
                    f"    display_name         = {hstr(r.display_name)}", "    enabled              = true",
                    f'    id                   = "{role_id(sp.name, r.value)}"',
                    f"    value                = {hstr(r.value)}", "  }"]
        graph = [p for p in sp.permissions if p.resource.lower() == "microsoft graph"]
        if graph:
            out += ["  required_resource_access {", f'    resource_app_id = "{GRAPH_APP_ID}"']
            for p in graph:
                lookup = "app_role_ids" if p.type == "application" else "oauth2_permission_scope_ids"
                out += ["    resource_access {",
                        f"      id   = data.azuread_service_principal.msgraph.{lookup}[{hstr(p.name)}]",
                        f'      type = "{"Role" if p.type == "application" else "Scope"}"', "    }"]
            out.append("  }")
        if sp.redirect_uris:
            out += ["  web {", f"    redirect_uris = {hlist(sp.redirect_uris)}", "  }"]
        out += ["}", "", f'resource "azuread_service_principal" "{app}" {{',
                f"  client_id = azuread_application.{app}.client_id",
                "  owners    = [data.azuread_client_config.current.object_id]", "}", ""]
        for fc in sp.federated_credentials:
            out += [f'resource "azuread_application_federated_identity_credential" "{app}_{ident(fc.name)}" {{',
                    f"  application_id = azuread_application.{app}.id",
                    f"  display_name   = {hstr(fc.name)}", f"  description    = {hstr(fc.description)}",
                    f"  audiences      = {hlist(fc.audiences)}", f"  issuer         = {hstr(fc.issuer)}",
                    f"  subject        = {hstr(fc.subject)}", "}", ""]
        if sp.credential_kind == CredentialKind.SECRET:
            end = (today + dt.timedelta(days=SECRET_DAYS)).isoformat()
            out += [f'resource "azuread_application_password" "{app}" {{',
                    f"  application_id = azuread_application.{app}.id", '  display_name   = "idspine"',
                    f'  end_date       = "{end}T00:00:00Z"',
                    "  # The value is sensitive: hand it to Key Vault (azurerm_key_vault_secret), never to an output.",
                    "}", ""]
        for r in sp.app_roles:
            for gname in r.groups:
                if gname not in known_groups:
                    continue
                out += [f'resource "azuread_app_role_assignment" "{app}_{ident(r.value)}_{ident(gname)}" {{',
                        f'  app_role_id         = "{role_id(sp.name, r.value)}"',
                        f"  principal_object_id = azuread_group.{ident(gname)}.object_id",
                        f"  resource_object_id  = azuread_service_principal.{app}.object_id", "}", ""]
    return "\n".join(out).rstrip() + "\n"
