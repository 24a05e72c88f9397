"""What a wizard step's answers added to the workspace, and taking it back when the answers change.

Objects are named by subject strings like the audit's: `client:SLUG`, `group:NAME`, `service-principal:NAME`,
`credential:ID`, `checklist:ID`. The step engine records which subjects each step produced; when a step is
answered again, objects the old answers produced that the new ones no longer produce are handled here:

- still only planned (groups, service principals, credentials with status planned; checklist items not done;
  clients nothing refers to any more): removed, together with references to them (a credential's identity,
  an app role's groups), so nothing stale remains in the plan, the checklist, the exports or off-boarding;
- applied for real (status active, or a client with live entries): kept, because they exist outside
  idspine and must be revoked there; a `retire:` checklist item says so, and the object stays in the
  client's off-boarding list until it is marked retired. Answering so that it is produced again withdraws
  that item.
- already retired: left alone.
"""

from __future__ import annotations

import re

from wizard.model import ChecklistItem, Status, Workspace

RETIRE_PREFIX = "retire:"
KIND_WORDS = {
    "client": "Client",
    "group": "Group",
    "service-principal": "Service principal",
    "credential": "Credential",
}


def subjects(ws: Workspace) -> set[str]:
    """Every object of the workspace as a subject string."""
    out = {f"client:{c.slug}" for c in ws.clients}
    out |= {f"group:{g.name}" for g in ws.groups}
    out |= {f"service-principal:{s.name}" for s in ws.service_principals}
    out |= {f"credential:{c.id}" for c in ws.credentials}
    out |= {f"checklist:{i.id}" for i in ws.checklist}
    return out


def claimed(ws: Workspace, flow: str, step: str) -> set[str]:
    """Subjects that some other step (of any flow) recorded as its own."""
    out: set[str] = set()
    for progress in ws.progress:
        for sid, items in progress.produced.items():
            if (progress.flow, sid) != (flow, step):
                out.update(items)
    return out


def status_of(ws: Workspace, subject: str) -> Status | None:
    """Planned (on paper only), active (exists for real or has live entries), retired, or None when absent."""
    kind, _, key = subject.partition(":")
    if kind == "group":
        found = [g.status for g in ws.groups if g.name == key]
    elif kind == "service-principal":
        found = [s.status for s in ws.service_principals if s.name == key]
    elif kind == "credential":
        found = [c.status for c in ws.credentials if c.id == key]
    elif kind == "client":
        client = ws.client(key)
        if client is None:
            return None
        return (
            Status.RETIRED
            if client.status == Status.RETIRED
            else (Status.ACTIVE if _client_in_use(ws, key) else Status.PLANNED)
        )
    elif kind == "checklist":
        found = [Status.ACTIVE if i.done else Status.PLANNED for i in ws.checklist if i.id == key]
    else:
        return None
    if not found:
        return None
    if Status.ACTIVE in found:
        return Status.ACTIVE
    return Status.PLANNED if Status.PLANNED in found else Status.RETIRED


def _client_in_use(ws: Workspace, slug: str) -> bool:
    return (
        any(g.client == slug for g in ws.groups)
        or any(s.client == slug for s in ws.service_principals)
        or any(c.client == slug for c in ws.credentials)
    )


def remove(ws: Workspace, gone: set[str]) -> Workspace:
    """The workspace (changed in place) without these objects, and without references to them."""
    if not gone:
        return ws
    names = {
        kind: {s.partition(":")[2] for s in gone if s.startswith(kind + ":")}
        for kind in ("client", "group", "service-principal", "credential", "checklist")
    }
    ws.groups = [g for g in ws.groups if g.name not in names["group"]]
    ws.service_principals = [s for s in ws.service_principals if s.name not in names["service-principal"]]
    ws.credentials = [c for c in ws.credentials if c.id not in names["credential"]]
    ws.checklist = [i for i in ws.checklist if i.id not in names["checklist"]]
    ws.clients = [c for c in ws.clients if c.slug not in names["client"]]
    for cred in ws.credentials:  # no reference may dangle
        if cred.identity in names["service-principal"]:
            cred.identity = ""
    for sp in ws.service_principals:
        for role in sp.app_roles:
            if any(g in names["group"] for g in role.groups):
                role.groups = [g for g in role.groups if g not in names["group"]]
    return ws


def removable(ws: Workspace, subject: str) -> bool:
    """True when the object exists only on paper (planned, not done, a client with no live entries)."""
    return status_of(ws, subject) == Status.PLANNED


def retire_item_id(subject: str) -> str:
    """The checklist id of the item asking to retire an object that answers no longer produce."""
    kind, _, key = subject.partition(":")
    slug = re.sub(r"[^a-z0-9._-]+", "-", key.lower()).strip("-") or "x"
    return f"{RETIRE_PREFIX}{kind}:{slug}"


def _client_of(ws: Workspace, subject: str) -> str:
    kind, _, key = subject.partition(":")
    pools = {
        "group": [(g.name, g.client) for g in ws.groups],
        "service-principal": [(s.name, s.client) for s in ws.service_principals],
        "credential": [(c.id, c.client) for c in ws.credentials],
        "client": [(c.slug, c.slug) for c in ws.clients],
    }
    return next((client for name, client in pools.get(kind, []) if name == key), "")


def retire_items(ws: Workspace, stale_live: set[str]) -> Workspace:
    """Ask (in the checklist) to retire live objects the answers no longer produce."""
    have = {i.id for i in ws.checklist}
    for subject in sorted(stale_live):
        kind, _, key = subject.partition(":")
        if kind not in KIND_WORDS:
            continue
        item_id = retire_item_id(subject)
        if item_id in have:
            continue
        if kind == "client":
            text = (
                f"Client {key} is no longer in your answers but has live entries: off-board it "
                f"(`idspine offboard {key}`), then mark its entries retired"
            )
        else:
            text = (
                f"{KIND_WORDS[kind]} {key} exists for real but your changed answers no longer include it: "
                "revoke it where it was created (the off-boarding list says how), then mark it retired"
            )
        ws.checklist.append(ChecklistItem(id=item_id, text=text, client=_client_of(ws, subject)))
        have.add(item_id)
    return ws


def refresh_checklist(ws: Workspace, fresh: Workspace, subjects_: set[str]) -> Workspace:
    """Open checklist items among these subjects take their text from `fresh` (the new answers' version);
    done ones keep the words they were ticked off under."""
    ids = {s.partition(":")[2] for s in subjects_ if s.startswith("checklist:")}
    if not ids:
        return ws
    texts = {i.id: (i.text, i.client) for i in fresh.checklist if i.id in ids}
    for item in ws.checklist:
        if item.id in texts and not item.done:
            item.text, item.client = texts[item.id]
    return ws


def awaiting_retirement(ws: Workspace) -> set[str]:
    """Objects with an open retire item (answers stopped producing them while they were live)."""
    open_ids = {i.id for i in ws.checklist if i.id.startswith(RETIRE_PREFIX) and not i.done}
    if not open_ids:
        return set()
    return {s for s in subjects(ws) if not s.startswith("checklist:") and retire_item_id(s) in open_ids}


def withdraw_retire_items(ws: Workspace, produced: set[str]) -> Workspace:
    """Drop open retire items for objects the answers produce again."""
    ids = {retire_item_id(s) for s in produced}
    ws.checklist = [i for i in ws.checklist if i.done or i.id not in ids]
    return ws
