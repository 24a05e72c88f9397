"""The review of a plan: what will be created, where, and what stays manual (shared by setup and onboarding)."""

from __future__ import annotations

import re

from wizard.idps import where as idp_words
from wizard.model import ChecklistItem, Credential, CredentialKind, Group, ServicePrincipal, Status, Workspace
from wizard.placement import (
    HOME_KEY,
    OWN_TENANT_MODELS,
    Tenant,
    app_registration_tenant,
    group_tenant,
    home_tenant,
    service_principal_tenant,
    tenants,
)


def where(ws: Workspace, tenant: Tenant | None = None, client: str = "") -> str:
    """One tenant (default: the home tenant) in words, as the review names it."""
    tenant = tenant or home_tenant(ws)
    if not idp_words.is_entra(ws):
        prof = idp_words.profile(ws)
        if tenant.key != HOME_KEY:
            return f"{idp_words.label(ws, tenant)}, created by or with the client's admin"
        found = ws.client(client) if client else None
        own = f"{prof.name}, {idp_words.home_label(ws)}"
        if found is not None and found.tenant_model not in OWN_TENANT_MODELS:
            return f"{own} (kept apart for {found.name})"
        return own
    if tenant.key != HOME_KEY:
        found = ws.client(tenant.client)
        return (
            f"the client's tenant ({tenant.tenant or (found.name if found else tenant.client)}), created by "
            "or with the client's admin"
        )
    idp = ws.consultancy.idp.value if ws.consultancy.idp else "your identity provider"
    own = ws.consultancy.home_tenant or "your own tenant"
    found = ws.client(client) if client else None
    if found is not None and found.tenant_model not in OWN_TENANT_MODELS:
        return f"{idp}, {own} (a partition for {found.name})"
    return f"{idp}, {own}"


def plan_text(ws: Workspace, client: str = "") -> str:
    """Plain-text plan for one context ('' = the consultancy itself), one block per tenant the objects live in
    (wizard.placement decides, the same rule plan, apply and the exports follow)."""
    groups = [g for g in ws.groups if g.client == client and g.status == Status.PLANNED]
    sps = [s for s in ws.service_principals if s.client == client and s.status == Status.PLANNED]
    creds = [c for c in ws.credentials if c.client == client and c.status == Status.PLANNED]
    lines: list[str] = []
    for tenant in tenants(ws, groups, sps) or [home_tenant(ws)]:
        if lines:
            lines.append("")
        lines.append(f"Will be created in {where(ws, tenant, client)}:")
        if not idp_words.is_entra(ws):
            lines += _other_idp_objects(ws, tenant, groups, sps) or ["  (nothing new)"]
            continue
        mine = [
            f"  group {g.name}{' (admin, eligible not standing)' if g.admin else ''}"
            for g in groups
            if group_tenant(ws, g).key == tenant.key
        ]
        for s in sps:
            app, there = app_registration_tenant(ws, s), service_principal_tenant(ws, s)
            if app.key == there.key == tenant.key:
                mine.append(f"  app registration + service principal {s.name} ({s.credential_kind})")
            elif app.key == tenant.key:
                mine.append(
                    f"  app registration {s.name} ({s.credential_kind}; multi-tenant: its service principal "
                    f"appears in {there.label} when its admin consents)"
                )
            elif there.key == tenant.key:
                mine.append(
                    f"  service principal {s.name} (made when the admin consents to your multi-tenant app)"
                )
        lines += mine or ["  (nothing new)"]
    lines += [
        "",
        "Recorded in the inventory, created by you at each service (secrets go to your secret store):",
    ]
    lines += [f"  {c.service}: {c.method} — {c.label}" for c in creds] or ["  (no new credentials)"]
    manual = manual_steps(ws, client)
    if manual:
        lines += ["", "Stays manual (added to the checklist):"] + [f"  • {m.text}" for m in manual]
    return "\n".join(lines)


def _other_idp_objects(
    ws: Workspace, tenant: Tenant, groups: list[Group], sps: list[ServicePrincipal]
) -> list[str]:
    """The review lines for one place in an IdP other than Entra ID, in that IdP's words."""
    prof = idp_words.profile(ws)
    out = [
        f"  {prof.groups.term} {g.name}{' (admin, keep apart)' if g.admin else ''}"
        for g in groups
        if group_tenant(ws, g).key == tenant.key
    ]
    for s in sps:
        app, there = app_registration_tenant(ws, s), service_principal_tenant(ws, s)
        if app.key == tenant.key:
            let_in = "" if there.key == app.key else f"; let in at {idp_words.label(ws, there)} by its admin"
            out.append(f"  {prof.workload.short} {s.name} ({s.credential_kind}{let_in})")
    return out


def manual_steps(ws: Workspace, client: str = "") -> list[ChecklistItem]:
    """Checklist items for what idspine cannot do for you."""
    items: list[ChecklistItem] = []
    prefix = client or "org"
    entra = idp_words.is_entra(ws)
    for sp in ws.service_principals:
        if sp.client != client or sp.status == Status.RETIRED:
            continue
        key = re.sub(r"[^a-z0-9._-]+", "-", sp.name.lower()).strip("-") or "sp"
        if any(p.admin_consent for p in sp.permissions):
            items.append(
                ChecklistItem(
                    id=f"{prefix}:consent:{key}",
                    client=client,
                    text=f"An administrator grants consent to {sp.name}'s application permissions"
                    if entra
                    else f"An administrator of each service {sp.name} reaches grants it the access it needs",
                )
            )
        if sp.credential_kind == CredentialKind.SECRET:
            items.append(
                ChecklistItem(
                    id=f"{prefix}:secret:{key}",
                    client=client,
                    text=f"Store {sp.name}'s client secret in the secret store and record "
                    "the reference and expiry",
                )
            )
        if sp.credential_kind == CredentialKind.FEDERATED and not sp.federated_credentials:
            items.append(
                ChecklistItem(
                    id=f"{prefix}:federation:{key}",
                    client=client,
                    text=f"Add the federated credential (exact subject) for {sp.name}",
                )
            )
    for cred in ws.credentials:
        if (
            cred.client == client
            and cred.status == Status.PLANNED
            and cred.method.value in ("pat", "api-key", "service-account-key")
        ):
            items.append(
                ChecklistItem(id=f"{prefix}:create:{cred.id}", client=client, text=_create_text(cred))
            )
    if not client:
        items.append(
            ChecklistItem(
                id="org:break-glass",
                text="Create two break-glass admin accounts, exclude "
                "them from Conditional Access, seal their credentials offline, alert on use"
                if entra
                else "Create two break-glass admin accounts, keep them out of sign-in policies that could "
                "lock them out, seal their credentials offline, alert on use",
            )
        )
        items.append(
            ChecklistItem(id="org:mfa", text="Require MFA for every member, phishing-resistant for admins")
        )
    return items


def _create_text(cred: Credential) -> str:
    """The create step for a static credential; it asks for an expiry only where the catalogue says the
    creator can set one (`expiry_choice`), otherwise for a recorded end date."""
    from wizard.catalogue import load_catalogue

    try:
        info = load_catalogue().get(cred.service).method(cred.method)
    except KeyError:
        info = None
    what = f"the {cred.service} {cred.method.value}"
    if info is None:  # a service the catalogue does not know: no claim either way
        return f"Create {what}, store it, and record its reference and its expiry date if it has one"
    if info.expiry_choice:
        return f"Create {what} with an expiry, store it, and record its reference and expiry date"
    return (
        f"Create {what} (it cannot be given an expiry: record an end date and delete it then), store it, "
        "and record its reference"
    )


def add_checklist(ws: Workspace, items: list[ChecklistItem]) -> Workspace:
    """Add checklist items not present yet (by id); done ones stay done."""
    have = {i.id for i in ws.checklist}
    for item in items:
        if item.id not in have:
            ws.checklist.append(item)
            have.add(item.id)
    return ws
