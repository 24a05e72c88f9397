"""How a discovered Entra object meets the inventory: matching by ids, never by display name, and what differs.

Shared by the review (wizard.discovery.adopt) and the drift compare (wizard.discovery.entra_drift), so a review
that says "in inventory" and a drift run that says "in sync" mean the same thing. Expiry is not a difference:
an end date that has passed but is recorded as it is stays in sync.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from wizard.discovery.entra_snapshot import (
    CertificateInfo,
    DiscoveredApp,
    DiscoveredGroup,
    EntraSnapshot,
    PasswordInfo,
)
from wizard.model import Credential, FederatedCredential, Group, Permission, ServicePrincipal, Workspace
from wizard.secrets.guard import find_secret_kind

_FIC_NAME_BAD = re.compile(r"[^A-Za-z0-9_-]+")


def app_key(app: DiscoveredApp) -> str:
    return f"app:{app.app_id}"


def password_key(key_id: str) -> str:
    return f"secret:{key_id}"


def certificate_key(key_id: str) -> str:
    return f"cert:{key_id}"


def group_key(group: DiscoveredGroup) -> str:
    return f"group:{group.object_id}"


class Index:
    """The inventory's Entra objects by their stable ids (and the names and credential ids in use), so matching
    thousands of discovered objects stays linear. Add entries adopted meanwhile with `add_*`."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.sps: dict[str, ServicePrincipal] = {}  # app id / application object id / sp object id -> entry
        self.creds: dict[str, Credential] = {}  # key id -> entry
        self.groups: dict[str, Group] = {}  # object id -> entry
        self.sp_names = {sp.name for sp in ws.service_principals}
        self.cred_ids = {c.id for c in ws.credentials}
        self.group_names = {g.name: g for g in ws.groups}
        for sp in ws.service_principals:
            self.add_sp(sp)
        for c in ws.credentials:
            self.add_credential(c)
        for g in ws.groups:
            self.add_group(g)

    def add_sp(self, sp: ServicePrincipal) -> None:
        self.sp_names.add(sp.name)
        for key in (sp.object_id, sp.application_object_id, sp.app_id):  # app id wins a clash: added last
            if key:
                self.sps[key.lower()] = sp

    def add_credential(self, cred: Credential) -> None:
        self.cred_ids.add(cred.id)
        if cred.key_id:
            self.creds.setdefault(cred.key_id.lower(), cred)

    def add_group(self, group: Group) -> None:
        self.group_names.setdefault(group.name, group)
        if group.object_id:
            self.groups.setdefault(group.object_id.lower(), group)


def find_sp(idx: Index, app: DiscoveredApp) -> ServicePrincipal | None:
    """The recorded service principal with this app's app id, application object id or service principal id."""
    for key in (app.app_id, app.application_object_id, app.service_principal_object_id):
        if key and key.lower() in idx.sps:
            return idx.sps[key.lower()]
    return None


def find_credential(idx: Index, key_id: str) -> Credential | None:
    return idx.creds.get(key_id.lower())


def find_group(idx: Index, group: DiscoveredGroup) -> Group | None:
    return idx.groups.get(group.object_id.lower())


def safe(text: str) -> bool:
    """Whether server text may enter the inventory (nothing in it is shaped like a secret)."""
    return find_secret_kind(text) is None


def live_permissions(app: DiscoveredApp) -> list[Permission]:
    """The app's requested permissions (admin consent where the grant exists), then grants nobody requested."""
    granted = {(g.resource_name, g.name) for g in app.grants}
    out: dict[tuple[str, str, str], Permission] = {}
    for p in app.permissions:
        if safe(p.resource_name) and safe(p.name):
            consent = p.type == "application" and (p.resource_name, p.name) in granted
            out.setdefault(
                (p.resource_name, p.name, p.type),
                Permission(
                    resource=p.resource_name,
                    name=p.name,
                    type=p.type,
                    admin_consent=consent or p.type == "delegated",
                ),
            )
    for g in app.grants:
        if safe(g.resource_name) and safe(g.name):
            out.setdefault(
                (g.resource_name, g.name, "application"),
                Permission(resource=g.resource_name, name=g.name, type="application", admin_consent=True),
            )
    return list(out.values())


def fic_name(name: str, fallback: str) -> str:
    """A federated credential name the model accepts (Graph allows more characters than idspine stores)."""
    cleaned = _FIC_NAME_BAD.sub("-", name).strip("-_")[:120]
    return cleaned if cleaned and cleaned[0].isalnum() else f"fic-{fallback[:8]}"


def live_federated(app: DiscoveredApp) -> list[FederatedCredential]:
    return [
        FederatedCredential(
            name=fic_name(f.name, f.id or str(i)),
            issuer=f.issuer,
            subject=f.subject,
            audiences=list(f.audiences) or ["api://AzureADTokenExchange"],
        )
        for i, f in enumerate(app.federated)
        if safe(f.issuer) and safe(f.subject)
    ]


def _perm_set(perms: list[Permission]) -> set[tuple[str, str, str]]:
    return {(p.resource.lower(), p.name, p.type) for p in perms}


def _fmt(items: set[Any]) -> str:
    return ", ".join(sorted(" ".join(i) if isinstance(i, tuple) else i for i in items)) or "none"


def audience(app: DiscoveredApp) -> str | None:
    """The inventory's sign_in_audience for the application's signInAudience (None: no application object or
    no audience read). AzureADMyOrg is single-tenant; AzureADMultipleOrgs and the personal-account audiences
    are multi-tenant (https://learn.microsoft.com/en-us/graph/api/resources/application, signInAudience)."""
    if app.application_object_id is None or not app.sign_in_audience:
        return None
    return (
        "multi-tenant"
        if "Multiple" in app.sign_in_audience or "Personal" in app.sign_in_audience
        else "single-tenant"
    )


def _settings_differences(sp: ServicePrincipal, app: DiscoveredApp) -> list[str]:
    """Assignment required and sign-in audience, compared only where the inventory records them (None: not
    recorded, not compared) and Entra gave a value."""
    out = []
    recorded, live_required = sp.assignment_required, app.assignment_required
    if recorded is not None and live_required is not None and recorded != live_required:
        out.append(f"assignment required: recorded {_yes(recorded)}; in Entra {_yes(live_required)}")
    live = audience(app)
    if sp.sign_in_audience is not None and live is not None and sp.sign_in_audience != live:
        out.append(
            f"sign-in audience: recorded {sp.sign_in_audience}; in Entra {live} ({app.sign_in_audience})"
        )
    return out


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def app_differences(sp: ServicePrincipal, app: DiscoveredApp) -> list[str]:
    """What the recorded service principal says differently from Entra (assignment required, sign-in audience,
    redirect URIs, permissions, federated subjects); one short line each. All but assignment required are
    compared only where Entra holds an application object."""
    out = _settings_differences(sp, app)
    if app.application_object_id is None:
        return out
    recorded, live = set(sp.redirect_uris), {u for u in app.redirect_uris if safe(u)}
    if recorded != live:
        out.append(f"redirect URIs: recorded {_fmt(recorded)}; in Entra {_fmt(live)}")
    rec_perm, live_perm = _perm_set(sp.permissions), _perm_set(live_permissions(app))
    if rec_perm != live_perm:
        out.append(f"permissions: recorded {_fmt(rec_perm)}; in Entra {_fmt(live_perm)}")
    rec_fic = {(f.issuer, f.subject) for f in sp.federated_credentials}
    live_fic = {(f.issuer, f.subject) for f in app.federated}
    if rec_fic != live_fic:
        out.append(
            f"federated subjects: recorded {_fmt({s for _, s in rec_fic})}; in Entra {_fmt({s for _, s in live_fic})}"
        )
    return out


def end_date(end: dt.datetime | None) -> dt.date | None:
    return end.date() if end is not None else None


def last_used(
    snapshot: EntraSnapshot, app: DiscoveredApp, info: PasswordInfo | CertificateInfo
) -> dt.date | None:
    """A credential's last use: its own key's last sign-in when the per-credential report was read, else (the
    report refused) its app's last sign-in, which every credential on the app shares."""
    at = info.last_used if snapshot.credential_activity else app.last_sign_in
    return at.date() if at is not None else None


def credential_difference(cred: Credential, end: dt.datetime | None) -> str:
    """'' when the recorded expiry matches Entra's end date, else one line (a past date is still in sync)."""
    live = end_date(end)
    if cred.expires == live:
        return ""
    return f"end date: recorded {cred.expires or 'none'}; in Entra {live or 'none'}"


def snapshot_keys(snapshot: EntraSnapshot) -> list[str]:
    """Every adoptable key in the snapshot, apps with their credentials, then groups."""
    keys = []
    for app in snapshot.apps:
        keys.append(app_key(app))
        keys.extend(password_key(p.key_id) for p in app.passwords)
        keys.extend(certificate_key(c.key_id) for c in app.certificates)
    keys.extend(group_key(g) for g in snapshot.groups)
    return keys


_HOLE = "\x00"


def group_prefixes(ws: Workspace, client: str = "") -> list[str]:
    """The fixed start of each group name template (with the client filled in when one is given), so discover
    reads only the groups that follow the naming convention: 'Tenant-Acme-', 'Org-', 'Admin-'."""
    from wizard.naming import render

    conv = ws.consultancy.naming
    out: dict[str, None] = {}
    for template in (conv.group_template, conv.internal_group_template, conv.admin_group_template):
        values = dict.fromkeys(("client", "role", "tool", "purpose"), _HOLE)
        if client and template is not conv.internal_group_template:
            values["client"] = client
        try:
            rendered = render(template, **values)
        except KeyError:
            continue
        prefix = (conv.prefix + rendered).split(_HOLE, 1)[0]
        if prefix:
            out.setdefault(prefix, None)
    return list(out)


class TargetError(ValueError):
    """The tenant to discover cannot be named; the message is one line, safe to show."""


def discover_target(ws: Workspace, tenant: str | None = None, client: str | None = None) -> tuple[str, str]:
    """(tenant id or domain to read, client slug adopted entries belong to) from --tenant / --client.

    --tenant takes 'home', a client slug, or a tenant id/domain; without it, the client's tenant, else home."""
    if client and ws.client(client) is None:
        raise TargetError(f"unknown client {client!r}")
    if tenant:
        if tenant == "home":
            target, slug = ws.consultancy.home_tenant, client or ""
        elif (named := ws.client(tenant)) is not None:
            target, slug = named.tenant, client or named.slug
        else:
            match = next((c for c in ws.clients if c.tenant and c.tenant.lower() == tenant.lower()), None)
            target, slug = tenant, client or (match.slug if match else "")
    elif client:
        target, slug = ws.client(client).tenant, client  # type: ignore[union-attr]
    else:
        target, slug = ws.consultancy.home_tenant, ""
    if not target:
        who = f"client {slug}" if slug and tenant != "home" else "the home tenant"
        raise TargetError(f"no tenant id or domain is recorded for {who}: record it, or pass --tenant ID")
    return target, slug
