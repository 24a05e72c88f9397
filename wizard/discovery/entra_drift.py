"""Entra drift: the inventory against one tenant's EntraSnapshot, as DriftFindings (wizard.discovery.findings).

- unknown: an app in Entra that no service principal records (matched by app id / object ids, never by name);
- missing: an active service principal, credential or group of this tenant, recorded with a live id, that
  Entra no longer holds (groups only for the name prefixes discover read);
- changed: assignment required and sign-in audience (where the inventory records them), redirect URIs,
  permissions, federated subjects, a credential's end date;
- unrecorded-secret: a client secret or certificate on a recorded app that no credential records.
Expiry is not drift: a recorded end date that has passed, recorded as it is, is in sync (`check` reports it).
"""

from __future__ import annotations

from wizard.discovery import entra_match as em
from wizard.discovery.entra_snapshot import DiscoveredApp, EntraSnapshot
from wizard.discovery.findings import DriftFinding, DriftKind, DriftReport
from wizard.model import ServicePrincipal, Status, Workspace
from wizard.placement import app_registration_tenant, group_tenant, service_principal_tenant


def _in_tenant(ws: Workspace, sp: ServicePrincipal, snapshot: EntraSnapshot) -> bool:
    if sp.discovered is not None and sp.discovered.source == snapshot.source:
        return True
    tenant = snapshot.tenant.lower()
    return tenant in (
        app_registration_tenant(ws, sp).tenant.lower(),
        service_principal_tenant(ws, sp).tenant.lower(),
    )


def compare_entra(ws: Workspace, snapshot: EntraSnapshot) -> DriftReport:
    """How the inventory and the tenant *snapshot* was read from disagree (a report for one system)."""
    system = snapshot.source
    report = DriftReport(checked_at=snapshot.read_at, systems=[system])
    add = report.findings.append
    idx = em.Index(ws)
    for app in snapshot.apps:
        sp = em.find_sp(idx, app)
        if sp is None:
            what = "application" if app.application_object_id else "service principal"
            creds = len(app.passwords) + len(app.certificates)
            add(
                DriftFinding(
                    DriftKind.UNKNOWN,
                    system,
                    what,
                    app.app_id,
                    app.display_name,
                    f"{creds} secret(s)/certificate(s)" if creds else "",
                )
            )
            continue
        entry = f"service_principal:{sp.name}"
        for diff in em.app_differences(sp, app):
            add(
                DriftFinding(
                    DriftKind.CHANGED, system, "application", app.app_id, app.display_name, diff, entry
                )
            )
        _credentials(idx, app, sp, system, report)
    _missing(ws, snapshot, system, report)
    return report


def _credentials(
    idx: em.Index, app: DiscoveredApp, sp: ServicePrincipal, system: str, report: DriftReport
) -> None:
    rows = [("client secret", p.key_id, p.display_name, p.end) for p in app.passwords]
    rows += [("certificate", c.key_id, c.display_name, c.end) for c in app.certificates]
    for what, key_id, name, end in rows:
        cred = em.find_credential(idx, key_id)
        if cred is None:
            report.findings.append(
                DriftFinding(
                    DriftKind.UNRECORDED_SECRET,
                    system,
                    what,
                    key_id,
                    name,
                    f"on {sp.name}, ends {em.end_date(end) or 'never'}; no credential records it",
                    f"service_principal:{sp.name}",
                )
            )
            continue
        diff = em.credential_difference(cred, end)
        if diff:
            report.findings.append(
                DriftFinding(DriftKind.CHANGED, system, what, key_id, name, diff, f"credential:{cred.id}")
            )


def _missing(ws: Workspace, snapshot: EntraSnapshot, system: str, report: DriftReport) -> None:
    app_ids = {a.app_id for a in snapshot.apps}
    app_oids = {a.application_object_id for a in snapshot.apps if a.application_object_id}
    sp_oids = {a.service_principal_object_id for a in snapshot.apps if a.service_principal_object_id}
    live_ids = app_ids | app_oids | sp_oids
    key_ids = {p.key_id for a in snapshot.apps for p in a.passwords} | {
        c.key_id for a in snapshot.apps for c in a.certificates
    }
    in_tenant: dict[str, ServicePrincipal] = {}
    for sp in ws.service_principals:
        if sp.status != Status.ACTIVE or not _in_tenant(ws, sp, snapshot):
            continue
        in_tenant[sp.name] = sp
        ids = [i.lower() for i in (sp.app_id, sp.application_object_id, sp.object_id) if i]
        if ids and not (set(ids) & live_ids):
            report.findings.append(
                DriftFinding(
                    DriftKind.MISSING,
                    system,
                    "application",
                    sp.app_id or "",
                    sp.name,
                    "recorded with live ids, not found in the tenant",
                    f"service_principal:{sp.name}",
                )
            )
    for cred in ws.credentials:
        if (
            cred.status == Status.ACTIVE
            and cred.key_id
            and cred.identity in in_tenant
            and cred.key_id.lower() not in key_ids
        ):
            report.findings.append(
                DriftFinding(
                    DriftKind.MISSING,
                    system,
                    "client secret",
                    cred.key_id,
                    cred.label or cred.id,
                    f"recorded on {cred.identity}, not on the app in Entra (removed?)",
                    f"credential:{cred.id}",
                )
            )
    group_ids = {g.object_id for g in snapshot.groups}
    prefixes = tuple(p.lower() for p in snapshot.group_prefixes)
    for g in ws.groups:
        if (
            g.status != Status.ACTIVE
            or not g.object_id
            or not prefixes
            or not g.name.lower().startswith(prefixes)
        ):
            continue
        here = group_tenant(ws, g).tenant.lower() == snapshot.tenant.lower() or (
            g.discovered is not None and g.discovered.source == snapshot.source
        )
        if here and g.object_id.lower() not in group_ids:
            report.findings.append(
                DriftFinding(
                    DriftKind.MISSING,
                    system,
                    "group",
                    g.object_id,
                    g.name,
                    "recorded with an object id, not found",
                    f"group:{g.name}",
                )
            )
