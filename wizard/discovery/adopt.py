"""Review and adopt what `discover entra` read: nothing enters the inventory before someone chose it.

`review(ws, snapshot)` lists every found object with its stable key (app:<appId>, secret:<keyId>,
cert:<keyId>, group:<objectId>) and whether the inventory has it (matched by ids, never by display name),
lacks it, or records it differently. `adopt(ws, snapshot, keys)` records the chosen ones (None: all); adopting
an app adopts its secrets and certificates too, adopting a secret or certificate adopts its app when the
inventory lacks it. New entries carry `discovered` (where and when). Adopting twice changes nothing the
second time. Names from servers are hostile: they become valid, unique names, and a display name shaped like
a secret is replaced (with a note) rather than stored. `adopt_and_save` saves through the lock and digest.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wizard.discovery import entra_match as em
from wizard.discovery.entra_snapshot import (
    CertificateInfo,
    DiscoveredApp,
    DiscoveredGroup,
    EntraSnapshot,
    PasswordInfo,
)
from wizard.model import (
    Credential,
    CredentialKind,
    Discovered,
    Group,
    GroupKind,
    Method,
    Placement,
    ServicePrincipal,
    Status,
    Workspace,
)
from wizard.safe_text import plain_text

if TYPE_CHECKING:
    from wizard.inventory_writer import InventoryWriter

ENTRA_SERVICE = "microsoft-graph"  # the catalogue's Microsoft Graph / Entra entry (aliases: entra, m365)
_SLUG_BAD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ReviewItem:
    """One found object for the review table. name and detail are server text: escape them for output."""

    key: str
    kind: str  # "app", "secret", "certificate", "group"
    name: str
    status: str  # "in inventory", "new", "changed"
    detail: str = ""
    parent: str = ""  # a credential's app key


@dataclass
class AdoptReport:
    added: list[str] = field(default_factory=list)  # "service_principal:NAME", "credential:ID", "group:NAME"
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # renamed or skipped objects, unknown keys

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


# A server's names keep their readable words (wizard.safe_text.plain_text drops escape sequences and controls),
# never escapes with their backslashes removed ("u001b[31m").
def _clean(text: str, limit: int = 64) -> str:
    return plain_text(text).replace("\\", "").strip()[:limit].strip()


def review(ws: Workspace, snapshot: EntraSnapshot) -> list[ReviewItem]:
    """Every found object, in snapshot order, with its status against the inventory."""
    items: list[ReviewItem] = []
    idx = em.Index(ws)
    for app in snapshot.apps:
        sp = em.find_sp(idx, app)
        diffs = em.app_differences(sp, app) if sp else []
        detail = "; ".join(diffs) if diffs else _app_summary(app)
        status = "new" if sp is None else ("changed" if diffs else "in inventory")
        items.append(ReviewItem(em.app_key(app), "app", app.display_name or app.app_id, status, detail))
        for kind, key, creds in (
            ("secret", em.password_key, app.passwords),
            ("certificate", em.certificate_key, app.certificates),
        ):
            for c in creds:
                rec = em.find_credential(idx, c.key_id)
                diff = em.credential_difference(rec, c.end) if rec else ""
                st = "new" if rec is None else ("changed" if diff else "in inventory")
                expired = " (expired)" if c.end is not None and c.end < snapshot.read_at else ""
                ends = f"ends {em.end_date(c.end) or 'never'}{expired}"
                items.append(
                    ReviewItem(
                        key(c.key_id), kind, c.display_name or c.key_id, st, diff or ends, em.app_key(app)
                    )
                )
    for g in snapshot.groups:
        status = "in inventory" if em.find_group(idx, g) else "new"
        items.append(
            ReviewItem(
                em.group_key(g), "group", g.display_name, status, "Microsoft 365" if g.unified else "security"
            )
        )
    return items


def _app_summary(app: DiscoveredApp) -> str:
    parts = [f"{len(app.passwords)} secret(s)", f"{len(app.certificates)} cert(s)"]
    if app.federated:
        parts.append(f"{len(app.federated)} federated")
    if app.application_object_id is None:
        parts.append("service principal only")
    return ", ".join(parts)


def adopt(
    ws: Workspace,
    snapshot: EntraSnapshot,
    keys: set[str] | None,
    *,
    client: str = "",
    now: dt.datetime | None = None,
) -> AdoptReport:
    """Record the chosen found objects in *ws* (in place). *client*: the client slug new entries belong to."""
    report = AdoptReport()
    at = (now or snapshot.read_at).replace(microsecond=0)
    known = set(em.snapshot_keys(snapshot))
    if keys is not None:
        report.notes.extend(f"{k}: not in this discovery; skipped" for k in sorted(keys - known))
    placement = _placement(ws, snapshot, client)
    idx = em.Index(ws)
    for app in snapshot.apps:
        cred_keys = [em.password_key(p.key_id) for p in app.passwords] + [
            em.certificate_key(c.key_id) for c in app.certificates
        ]
        wanted_creds = [k for k in cred_keys if keys is None or k in keys or em.app_key(app) in keys]
        if keys is not None and em.app_key(app) not in keys and not wanted_creds:
            continue
        sp = _adopt_app(idx, snapshot, app, client, placement, at, report)
        if sp is not None:
            _adopt_credentials(idx, snapshot, app, sp, set(wanted_creds), at, report)
    for g in snapshot.groups:
        if keys is None or em.group_key(g) in keys:
            _adopt_group(idx, snapshot, g, client, at, report)
    return report


def _placement(ws: Workspace, snapshot: EntraSnapshot, client: str) -> Placement | None:
    tenant = snapshot.tenant.lower()
    if tenant and tenant == ws.consultancy.home_tenant.lower():
        return Placement.HOME
    c = ws.client(client) if client else None
    if c is not None and tenant and tenant == c.tenant.lower():
        return Placement.CLIENT
    return None


def _unique_name(idx: em.Index, wanted: str, app_id: str) -> str:
    name = wanted
    if name in idx.sp_names:
        name = f"{wanted[:50]}-{app_id[:8]}"
    n = 2
    while name in idx.sp_names:
        name = f"{wanted[:50]}-{app_id[:8]}-{n}"
        n += 1
    return name


def _sp_name(idx: em.Index, app: DiscoveredApp, report: AdoptReport) -> str:
    wanted = _clean(app.display_name)
    if not wanted or not em.safe(wanted):
        if wanted:
            report.notes.append(
                f"app {app.app_id}: its display name looks like a secret; recorded as app-{app.app_id[:8]}"
            )
        wanted = f"app-{app.app_id[:8]}"
    return _unique_name(idx, wanted, app.app_id)


def _owner(app: DiscoveredApp) -> tuple[str, str]:
    """(owner text: the enabled owners' UPNs, a note naming disabled owners or '')."""
    enabled = [o.user_principal_name or o.display_name for o in app.owners if o.account_enabled is not False]
    disabled = [o.user_principal_name or o.display_name for o in app.owners if o.account_enabled is False]
    owner = "; ".join(_clean(x, 120) for x in enabled if x and em.safe(x))[:300]
    note = (
        (
            "owners with disabled accounts in Entra: "
            + "; ".join(_clean(x, 120) for x in disabled if em.safe(x))
        )
        if disabled
        else ""
    )
    return owner, note[:500]


def _kind(app: DiscoveredApp) -> CredentialKind:
    if app.passwords:
        return CredentialKind.SECRET
    if app.certificates:
        return CredentialKind.CERTIFICATE
    return CredentialKind.FEDERATED if app.federated else CredentialKind.NONE


def _latest(app: DiscoveredApp) -> tuple[dt.date | None, dt.date | None]:
    creds = [(c.start, c.end) for c in app.passwords] or [(c.start, c.end) for c in app.certificates]
    if not creds:
        return None, None
    start, end = max(creds, key=lambda se: se[1] or dt.datetime.max.replace(tzinfo=dt.UTC))
    return em.end_date(start), em.end_date(end)


def _adopt_app(
    idx: em.Index,
    snapshot: EntraSnapshot,
    app: DiscoveredApp,
    client: str,
    placement: Placement | None,
    at: dt.datetime,
    report: AdoptReport,
) -> ServicePrincipal | None:
    sp = em.find_sp(idx, app)
    owner, owner_note = _owner(app)
    live: dict[str, Any] = {
        "app_id": app.app_id,
        "application_object_id": app.application_object_id,
        "object_id": app.service_principal_object_id,
        "assignment_required": app.assignment_required,
    }
    if app.application_object_id is not None:
        live |= {
            "redirect_uris": [u for u in app.redirect_uris if em.safe(u)],
            "permissions": em.live_permissions(app),
            "federated_credentials": em.live_federated(app),
            "sign_in_audience": em.audience(app),
        }
    if sp is None:
        created, expires = _latest(app)
        sp = ServicePrincipal(
            name=_sp_name(idx, app, report),
            client=client,
            status=Status.ACTIVE,
            credential_kind=_kind(app),
            secret_created=created,
            secret_expires=expires,
            owner=owner,
            notes=owner_note,
            tenant=placement,
            discovered=Discovered(source=snapshot.source, at=at, key=em.app_key(app)),
            **{k: v for k, v in live.items() if v is not None},
        )
        idx.ws.service_principals.append(sp)
        idx.add_sp(sp)
        report.added.append(f"service_principal:{sp.name}")
        return sp
    if app.application_object_id is None and sp.application_object_id is not None:
        # Registered in another tenant, seen here only as its service principal (consent to a multi-tenant
        # app): the entry's ids are the registering tenant's and must not take this tenant's.
        report.unchanged.append(f"service_principal:{sp.name}")
        return sp
    before = sp.model_dump()
    for name, value in live.items():
        if value is not None and getattr(sp, name) != value:
            setattr(sp, name, value)
    if sp.status == Status.PLANNED:
        sp.status = Status.ACTIVE
    if not sp.owner and owner:
        sp.owner = owner
    idx.add_sp(sp)
    (report.updated if sp.model_dump() != before else report.unchanged).append(f"service_principal:{sp.name}")
    return sp


def _credential_id(idx: em.Index, sp_name: str, key_id: str) -> str:
    base = _SLUG_BAD.sub("-", sp_name.lower()).strip("-")[:22].strip("-") or "app"
    for n in (8, 12, 36):
        cid = f"entra-{base}-{key_id.lower().replace('-', '')[:n]}"[:40].strip("-")
        if cid not in idx.cred_ids:
            return cid
    return f"entra-{key_id.lower().replace('-', '')[:33]}"


def _adopt_credentials(
    idx: em.Index,
    snapshot: EntraSnapshot,
    app: DiscoveredApp,
    sp: ServicePrincipal,
    wanted: set[str],
    at: dt.datetime,
    report: AdoptReport,
) -> None:
    rows: list[tuple[str, PasswordInfo | CertificateInfo, str]] = [
        (em.password_key(p.key_id), p, "client secret") for p in app.passwords
    ]
    rows += [(em.certificate_key(c.key_id), c, "certificate") for c in app.certificates]
    for key, info, what in rows:
        if key not in wanted:
            continue
        start, end = em.end_date(info.start), em.end_date(info.end)
        last_used = em.last_used(snapshot, app, info)
        cred = em.find_credential(idx, info.key_id)
        if cred is None:
            label = _clean(info.display_name, 80)
            cred = Credential(
                id=_credential_id(idx, sp.name, info.key_id),
                service=ENTRA_SERVICE,
                method=Method.OAUTH_CLIENT_CREDENTIALS,
                client=sp.client,
                identity=sp.name,
                label=f"{what} {label}".strip() if em.safe(label) else what,
                owner=sp.owner,
                created=start,
                expires=end,
                key_id=info.key_id,
                last_used=last_used,
                status=Status.ACTIVE,
                tenant=sp.tenant if sp.tenant != Placement.MULTI_TENANT else None,
                discovered=Discovered(source=snapshot.source, at=at, key=key),
            )
            idx.ws.credentials.append(cred)
            idx.add_credential(cred)
            report.added.append(f"credential:{cred.id}")
            continue
        before = cred.model_dump()
        cred.expires, cred.created = end, start or cred.created
        if last_used is not None and (cred.last_used is None or last_used > cred.last_used):
            cred.last_used = last_used
        (report.updated if cred.model_dump() != before else report.unchanged).append(f"credential:{cred.id}")


def _adopt_group(
    idx: em.Index,
    snapshot: EntraSnapshot,
    g: DiscoveredGroup,
    client: str,
    at: dt.datetime,
    report: AdoptReport,
) -> None:
    if em.find_group(idx, g) is not None:
        report.unchanged.append(f"group:{g.display_name}")
        return
    name = _clean(g.display_name, 256)
    if not name or not em.safe(name):
        report.notes.append(f"group {g.object_id}: its name is empty or looks like a secret; skipped")
        return
    existing = idx.group_names.get(name)
    if existing is not None and existing.object_id is None:  # recorded by name, never applied: same name only
        report.notes.append(
            f"group {name}: recorded without an object id; not matched by name alone, skipped"
        )
        return
    if existing is not None:
        name = f"{name} ({g.object_id[:8]})"
    description = _clean(g.description, 500)
    group = Group(
        name=name,
        client=client,
        kind=GroupKind.M365 if g.unified else GroupKind.SECURITY,
        description=description if em.safe(description) else "",
        object_id=g.object_id,
        status=Status.ACTIVE,
        discovered=Discovered(source=snapshot.source, at=at, key=em.group_key(g)),
    )
    idx.ws.groups.append(group)
    idx.add_group(group)
    report.added.append(f"group:{name}")


def adopt_and_save(
    writer: InventoryWriter,
    ws: Workspace,
    snapshot: EntraSnapshot,
    keys: set[str] | None,
    *,
    client: str = "",
) -> AdoptReport:
    """Adopt and save through the writer (lock + digest; replayed onto a file another writer changed)."""
    reports: list[AdoptReport] = []
    writer.change(ws, lambda w: reports.append(adopt(w, snapshot, keys, client=client)))
    if reports[-1].changed:
        writer.save(ws)
    return reports[-1]
