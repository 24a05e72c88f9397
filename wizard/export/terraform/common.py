"""What the Terraform exports for IdPs other than Entra share: the objects they make, the header with the
required provider, and one-line notes for what the IdP has no object for (each note a comment, flattened).

Left out, with a note: Microsoft 365 groups and Azure managed identities (Microsoft objects), sign-in apps
(users sign in through them; they are no workload identity), Microsoft Graph permissions (granted in Entra),
federated credentials where the IdP's provider has no such object, recorded secrets (never in the text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlparse

from wizard.export.entra_objects import selected
from wizard.export.script_text import comment
from wizard.idps.catalogue import profile_for
from wizard.idps.profile import IdpProfile
from wizard.model import CredentialKind, Group, GroupKind, Permission, ServicePrincipal, Workspace


@dataclass
class Objects:
    """The groups and workload identities one export makes, and notes on what it leaves out."""

    groups: list[Group]
    workloads: list[ServicePrincipal]
    notes: list[str] = field(default_factory=list)


def objects(ws: Workspace, client: str | None) -> Objects:
    """The live groups and workload identities of one client (or all) that the IdP holds."""
    profile = profile_for(ws.consultancy.idp)
    groups, sps = selected(ws, client)
    out = Objects([g for g in groups if g.kind != GroupKind.M365], [])
    for g in groups:
        if g.kind == GroupKind.M365:
            out.notes.append(note(f"{g.name}: a Microsoft 365 group; not an object of {profile.name}"))
    for sp in sps:
        if sp.credential_kind == CredentialKind.MANAGED_IDENTITY:
            out.notes.append(note(f"{sp.name}: an Azure managed identity; not an object of {profile.name}"))
        elif sp.credential_kind == CredentialKind.NONE:
            out.notes.append(
                note(
                    f"{sp.name}: a sign-in application for people (no credential of its own), no "
                    f"{profile.workload.short}; register it in {profile.name} by hand"
                )
            )
        else:
            out.workloads.append(sp)
    return out


def note(text: str) -> str:
    """A one-line comment."""
    return comment(f"# {text}")


def header(ws: Workspace, client: str | None, today: dt.date | None, local: str, version: str) -> list[str]:
    """The opening comment and the terraform block naming the provider and its version constraint."""
    profile = profile_for(ws.consultancy.idp)
    today = today or dt.date.today()
    return [
        comment(
            f"# idspine export: Terraform ({profile.terraform_provider}) for {ws.consultancy.name}"
            + (f" (client {client})" if client else "")
            + f" in {profile.name}. Generated {today}."
        ),
        "# Keep the state private: it holds object ids and whatever credentials the provider generates.",
        "# Provider credentials come from sensitive variables (TF_VAR_...), never from this file.",
        "terraform {",
        "  required_providers {",
        f'    {local} = {{ source = "{profile.terraform_provider}", version = "{version}" }}',
        "  }",
        "}",
        "",
    ]


def is_graph(p: Permission) -> bool:
    """A Microsoft Graph permission: granted in Entra, meaningless in another IdP."""
    return p.resource.strip().lower() == "microsoft graph"


def permission_notes(profile: IdpProfile, sp: ServicePrincipal) -> list[str]:
    """Notes for the Microsoft Graph permissions recorded on a workload identity."""
    return [
        note(
            f"{sp.name}: Microsoft Graph permission {p.name} is granted in Microsoft Entra, not in {profile.name}"
        )
        for p in sp.permissions
        if is_graph(p)
    ]


def federation_notes(profile: IdpProfile, sp: ServicePrincipal) -> list[str]:
    """Notes for federated credentials the IdP's provider has no object for."""
    return [
        note(
            f"{sp.name}: federated credential {fc.name} (issuer {fc.issuer}, subject {fc.subject}) has no "
            f"{profile.name} object here; the {profile.workload.short} signs in with its own key instead"
        )
        for fc in sp.federated_credentials
    ]


def secret_notes(profile: IdpProfile, sp: ServicePrincipal) -> list[str]:
    """A note that a recorded credential exists already and is left alone."""
    if sp.credential_kind == CredentialKind.SECRET and sp.secret_ref:
        return [note(f"{sp.name}: its credential exists already ({sp.secret_ref}); not managed here")]
    return []


def host_of(address: str) -> str:
    """The host of an address given with or without a scheme ("northwind.okta.com")."""
    address = address.strip()
    if not address:
        return ""
    parsed = urlparse(address if "://" in address else f"https://{address}")
    return parsed.hostname or ""
