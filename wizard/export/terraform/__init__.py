"""Export: Terraform for the inventory's groups and workload identities, in the chosen IdP's own provider.

One module per identity provider (wizard.idps names the provider each uses): entra (hashicorp/azuread),
okta (okta/okta), google (hashicorp/google), keycloak (keycloak/keycloak), auth0 (auth0/auth0) and
authentik (goauthentik/authentik). Every string from the inventory is an escaped HCL literal (hcl.hstr),
every resource name a sanitised, unique identifier (hcl.Names); provider credentials are sensitive variables,
never values in the text.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING

from wizard.export.terraform.hcl import Names, hlist, hstr, ident
from wizard.idps.catalogue import profile_for

if TYPE_CHECKING:
    from wizard.model import Workspace

__all__ = ["MODULES", "Names", "file_suffix", "hlist", "hstr", "ident", "render"]

MODULES = {
    "entra": "entra",
    "okta": "okta",
    "google-cloud-identity": "google",
    "keycloak": "keycloak",
    "auth0": "auth0",
    "authentik": "authentik",
}


def file_suffix(ws: Workspace) -> str:
    """The export's file name suffix: the provider's short name (azuread.tf, okta.tf, google.tf, ...)."""
    return profile_for(ws.consultancy.idp).terraform_provider.split("/")[-1] + ".tf"


def render(ws: Workspace, client: str | None = None, today: dt.date | None = None) -> str:
    """HCL for every client, or one, in the chosen IdP's provider (KeyError when the client is unknown)."""
    if client is not None and ws.client(client) is None:
        raise KeyError(client)
    module = importlib.import_module(
        f"wizard.export.terraform.{MODULES[profile_for(ws.consultancy.idp).key]}"
    )
    text: str = module.render(ws, client=client, today=today)
    return text
