"""The review of a plan: what will be created, where, and what stays manual (shared by setup and onboarding)."""

from __future__ import annotations

from wizard.model import ChecklistItem, CredentialKind, Status, Workspace


def plan_text(ws: Workspace, client: str = "") -> str:
    """Plain-text plan for one context ('' = the consultancy itself)."""
    idp = ws.consultancy.idp.value if ws.consultancy.idp else "your IdP"
    groups = [g for g in ws.groups if g.client == client and g.status == Status.PLANNED]
    sps = [s for s in ws.service_principals if s.client == client and s.status == Status.PLANNED]
    creds = [c for c in ws.credentials if c.client == client and c.status == Status.PLANNED]
    lines = [f"Will be created in {idp}:"]
    lines += [f"  group {g.name}{' (admin)' if g.admin else ''}" for g in groups] or ["  (no new groups)"]
    lines += [f"  app registration + service principal {s.name} ({s.credential_kind})" for s in sps]
    lines += ["", "Recorded in the inventory, created by you at each service:"]
    lines += [f"  {c.service}: {c.method} — {c.label}" for c in creds] or ["  (no new credentials)"]
    manual = manual_steps(ws, client)
    if manual:
        lines += ["", "Stays manual (added to the checklist):"] + [f"  • {m.text}" for m in manual]
    return "\n".join(lines)


def manual_steps(ws: Workspace, client: str = "") -> list[ChecklistItem]:
    """Checklist items for what idspine cannot do for you."""
    items: list[ChecklistItem] = []
    prefix = client or "org"
    for sp in ws.service_principals:
        if sp.client != client or sp.status == Status.RETIRED:
            continue
        if any(p.admin_consent for p in sp.permissions):
            items.append(ChecklistItem(id=f"{prefix}:consent:{sp.name}".lower(), client=client,
                                       text=f"An administrator grants consent to {sp.name}'s application permissions"))
        if sp.credential_kind == CredentialKind.SECRET:
            items.append(ChecklistItem(id=f"{prefix}:secret:{sp.name}".lower(), client=client,
                                       text=f"Store {sp.name}'s client secret in the secret store and record "
                                            "the reference and expiry"))
        if sp.credential_kind == CredentialKind.FEDERATED and not sp.federated_credentials:
            items.append(ChecklistItem(id=f"{prefix}:federation:{sp.name}".lower(), client=client,
                                       text=f"Add the federated credential (exact subject) for {sp.name}"))
    if not client:
        items.append(ChecklistItem(id="org:break-glass", text="Create two break-glass admin accounts, exclude "
                                   "them from Conditional Access, seal their credentials offline, alert on use"))
        items.append(ChecklistItem(id="org:mfa", text="Require MFA for every member, phishing-resistant for admins"))
    return items


def add_checklist(ws: Workspace, items: list[ChecklistItem]) -> Workspace:
    """Add checklist items not present yet (by id); done ones stay done."""
    have = {i.id for i in ws.checklist}
    ws.checklist.extend(i for i in items if i.id not in have)
    return ws
