"""Audit rules on the inventory's own consistency: owners, names, duplicates, references and recorded tenants."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from wizard.audit import Finding, Severity
from wizard.audit.rules.scope import credential_subject, live
from wizard.model import (
    Workspace,
)
from wizard.naming import check_group_name


def missing_owner(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Identities and credentials nobody is answerable for. (The inventory records no departed people, so an owner
    who has left cannot be told apart here; offboarding reassigns ownership.)"""
    for c in live(ws.credentials):
        if not c.owner:
            yield Finding(
                "no-owner",
                Severity.WARNING,
                credential_subject(c),
                f"{c.label or c.id} has no owner.",
                "Record who rotates and revokes it (a person or a mailbox).",
                "credential-inventory",
            )
    for sp in live(ws.service_principals):
        if not sp.owner:
            yield Finding(
                "no-owner",
                Severity.WARNING,
                f"service-principal:{sp.name}",
                f"{sp.name} has no owner.",
                "Assign an owner in the IdP (two, ideally) and record it here.",
                "app-ownership",
            )


def group_names(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Group names that break the naming convention or the IdP's rules, and duplicates."""
    conv = ws.consultancy.naming
    seen: Counter[str] = Counter(g.name.lower() for g in live(ws.groups))
    for g in live(ws.groups):
        for problem in check_group_name(g.name, conv, ws.consultancy.idp):
            yield Finding(
                "group-naming",
                Severity.WARNING,
                f"group:{g.name}",
                problem,
                "Rename the group to follow the convention.",
                "naming-policy",
            )
        if seen[g.name.lower()] > 1:
            yield Finding(
                "duplicate",
                Severity.WARNING,
                f"group:{g.name}",
                f"{seen[g.name.lower()]} groups are called {g.name}.",
                "Merge them or give each a distinct role in its name.",
                "naming-policy",
            )


def duplicates(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """The same secret recorded twice, or two identities with one name."""
    refs: Counter[str] = Counter(c.secret_ref for c in live(ws.credentials) if c.secret_ref)
    sp_ids = {sp.name for sp in ws.service_principals}
    for c in live(ws.credentials):
        # A credential that belongs to a service principal may share its secret reference.
        if c.secret_ref and refs[c.secret_ref] > 1 and c.identity not in sp_ids:
            yield Finding(
                "duplicate",
                Severity.WARNING,
                credential_subject(c),
                f"{c.secret_ref} is recorded on {refs[c.secret_ref]} credentials.",
                "One secret should serve one purpose; split it or merge the entries.",
                "least-privilege",
            )
    names: Counter[str] = Counter(sp.name for sp in ws.service_principals)
    for name, n in names.items():
        if n > 1:
            yield Finding(
                "duplicate",
                Severity.ERROR,
                f"service-principal:{name}",
                f"{n} service principals are called {name}; apply would not know which to use.",
                "Rename one of them.",
                "service-principals",
            )


def dangling_references(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """References to clients, identities or groups that do not exist."""
    clients = {c.slug for c in ws.clients}
    sps = {sp.name for sp in ws.service_principals}
    groups = {g.name for g in ws.groups}
    fix = "Add the missing entry or correct the name."
    for c in ws.credentials:
        if c.client and c.client not in clients:
            yield Finding(
                "dangling",
                Severity.ERROR,
                credential_subject(c),
                f"Unknown client {c.client!r}.",
                fix,
                "credential-inventory",
            )
        if c.identity and c.identity not in sps:
            yield Finding(
                "dangling",
                Severity.ERROR,
                credential_subject(c),
                f"Unknown service principal {c.identity!r}.",
                fix,
                "service-principals",
            )
    for g in ws.groups:
        if g.client and g.client not in clients:
            yield Finding(
                "dangling",
                Severity.ERROR,
                f"group:{g.name}",
                f"Unknown client {g.client!r}.",
                fix,
                "credential-inventory",
            )
    for sp in ws.service_principals:
        if sp.client and sp.client not in clients:
            yield Finding(
                "dangling",
                Severity.ERROR,
                f"service-principal:{sp.name}",
                f"Unknown client {sp.client!r}.",
                fix,
                "credential-inventory",
            )
        for role in sp.app_roles:
            for gname in role.groups:
                if gname not in groups:
                    yield Finding(
                        "dangling",
                        Severity.ERROR,
                        f"service-principal:{sp.name}",
                        f"App role {role.value} is mapped to unknown group {gname!r}.",
                        fix,
                        "app-roles",
                    )


def duplicate_keys(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Two entries sharing the key other entries and commands look them up by (client slug, credential id,
    checklist id, flow): every lookup silently takes the first, so edits, pushes and rotations could hit the
    wrong one. (Groups and service principals with one name are reported by group_names and duplicates.)"""
    keyed = (
        ("client", "clients", "slug", "credential-inventory"),
        ("credential", "credentials", "id", "credential-inventory"),
        ("checklist", "checklist", "id", "credential-inventory"),
        ("progress", "progress", "flow", "credential-inventory"),
    )
    for subject, field, key, explainer in keyed:
        seen: Counter[str] = Counter(getattr(item, key) for item in getattr(ws, field))
        for value, n in seen.items():
            if n > 1:
                yield Finding(
                    "duplicate-key",
                    Severity.ERROR,
                    f"{subject}:{value}",
                    f"{n} entries in [[{field}]] have {key} = {value!r}; lookups by {key} would pick the "
                    "first one silently.",
                    f"Give each entry its own {key}, or merge them into one.",
                    explainer,
                )


def tenant_not_recorded(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """Objects placed in a tenant whose id or domain the inventory does not hold: plan cannot name it and apply
    refuses that tenant until it is recorded. One finding per tenant, counting what waits for it."""
    from wizard import placement

    waiting: Counter[placement.Tenant] = Counter()
    for group in live(ws.groups):
        waiting[placement.group_tenant(ws, group)] += 1
    for sp in live(ws.service_principals):
        waiting.update(
            {placement.app_registration_tenant(ws, sp), placement.service_principal_tenant(ws, sp)}
        )
    for tenant, count in waiting.items():
        if tenant.recorded:
            continue
        if tenant.client:
            subject = f"client:{tenant.client}"
            fix = (
                f"Record the client's tenant id (a GUID, shown on the Overview page of its Entra admin center) or "
                f"primary domain as `tenant` under the client {tenant.client} in the inventory."
            )
        else:
            subject = "consultancy"
            fix = "Record your tenant id or primary domain as `home_tenant` under [consultancy] in the inventory."
        yield Finding(
            "tenant-not-recorded",
            Severity.WARNING,
            subject,
            f"{count} object(s) belong in {tenant.label.removesuffix(' (not recorded)')}, whose tenant id "
            "or domain is not recorded; apply will not sign in there until it is.",
            fix,
            "tenant-placement",
        )
