"""Rows of the inventory inspector: every identity and credential flattened, with health and the tenant it lives
in (from wizard.placement), filterable fast.

Kept free of Textual so filtering and sorting are tested (and benchmarked) as plain Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wizard import placement
from wizard.audit import SEVERITY_ORDER, Finding, by_subject, run_audit
from wizard.model import Verification, Workspace

HEALTH_ORDER = {"error": 0, "warning": 1, "info": 2, "ok": 3}
COLUMNS = ("health", "kind", "name", "client", "service", "method", "owner", "expires", "status", "tenant")


@dataclass(frozen=True, slots=True)
class Row:
    """One inspector row."""

    subject: str  # audit subject, also the row key
    kind: str
    name: str
    client: str
    service: str
    method: str
    owner: str
    expires: str
    status: str
    health: str
    haystack: str  # lower-case text the filter searches
    tenant: str = ""  # short: "home", the client tenant's domain or id, "home → …" for a multi-tenant app
    tenant_label: str = ""  # for the detail pane: the tenant(s) in words, with id or domain

    def cells(self) -> tuple[str, ...]:
        """Cell values in column order."""
        return (
            self.health,
            self.kind,
            self.name,
            self.client,
            self.service,
            self.method,
            self.owner,
            self.expires,
            self.status,
            self.tenant,
        )


def _short(t: placement.Tenant) -> str:
    if t.key == placement.HOME_KEY:
        return "home"
    return t.tenant or f"{t.client}'s (not recorded)"


def _where(*sides: placement.Tenant) -> tuple[str, str]:
    """(cell, words) for an object in one tenant, or registered in the first and living in the second."""
    if len(sides) == 2 and sides[0].key != sides[1].key:
        return (
            f"{_short(sides[0])} → {_short(sides[1])}",
            f"registered in {sides[0].label}; service principal in {sides[1].label}",
        )
    return _short(sides[-1]), sides[-1].label


def build_rows(
    ws: Workspace, today: dt.date | None = None, audited: list[Finding] | None = None
) -> tuple[list[Row], dict[str, list[Finding]]]:
    """All rows and the findings per subject (`audited`: run_audit(ws, today) when already at hand)."""
    findings = by_subject(run_audit(ws, today) if audited is None else audited)

    def health(subject: str) -> str:
        found = findings.get(subject)
        return min(found, key=lambda f: SEVERITY_ORDER[f.severity]).severity.value if found else "ok"

    rows: list[Row] = []
    fast = placement.indexed(ws)  # one dict lookup per object, not a scan of the clients per row

    def add(
        subject: str,
        kind: str,
        name: str,
        client: str,
        service: str,
        method: str,
        owner: str,
        expires: object,
        status: str,
        where: tuple[str, str],
    ) -> None:
        h = health(subject)
        exp = str(expires or "")
        hay = " ".join((kind, name, client, service, method, owner, exp, status, h, where[0])).lower()
        rows.append(Row(subject, kind, name, client, service, method, owner, exp, status, h, hay, *where))

    for g in ws.groups:
        add(
            f"group:{g.name}",
            "group",
            g.name,
            g.client,
            "",
            "admin" if g.admin else g.kind.value,
            ", ".join(g.owners),
            "",
            g.status.value,
            _where(placement.group_tenant(fast, g)),
        )
    for sp in ws.service_principals:
        add(
            f"service-principal:{sp.name}",
            "service-principal",
            sp.name,
            sp.client,
            sp.tool,
            sp.credential_kind.value,
            sp.owner,
            sp.secret_expires,
            sp.status.value,
            _where(placement.app_registration_tenant(fast, sp), placement.service_principal_tenant(fast, sp)),
        )
    for c in ws.credentials:
        add(
            f"credential:{c.id}",
            "credential",
            c.id,
            c.client,
            c.service,
            c.method.value,
            c.owner,
            c.expires,
            c.status.value,
            _where(placement.credential_tenant(fast, c)),
        )
    return rows, findings


def filter_rows(rows: list[Row], query: str) -> list[Row]:
    """Rows matching every term; `field:value` terms match one column (client:acme health:error)."""
    terms = query.lower().split()
    if not terms:
        return rows
    fielded: list[tuple[str, str]] = []
    words: list[str] = []
    for t in terms:
        key, sep, value = t.partition(":")
        if sep and key in COLUMNS and value:
            fielded.append((key, value))
        else:
            words.append(t)

    def keep(r: Row) -> bool:
        return all(w in r.haystack for w in words) and all(v in getattr(r, k).lower() for k, v in fielded)

    return [r for r in rows if keep(r)]


def sort_rows(rows: list[Row], column: str, reverse: bool = False) -> list[Row]:
    """Rows sorted by a column (health by severity, others alphabetically)."""
    if column == "health":
        return sorted(rows, key=lambda r: (HEALTH_ORDER[r.health], r.name), reverse=reverse)
    return sorted(rows, key=lambda r: (getattr(r, column).lower(), r.name), reverse=reverse)


def detail_facts(ws: Workspace, subject: str) -> list[tuple[str, str]]:
    """More facts about one row's object for the detail pane: where its secret lives, its Entra key id, last
    use, n8n id and users, and where and when `discover` found it. Values are hostile text: escape them."""
    kind, _, key = subject.partition(":")
    facts: list[tuple[str, str]] = []
    found = None
    if kind == "credential":
        c = ws.credential(key)
        if c is None:
            return []
        facts = [
            ("secret", c.secret_ref or ""),
            ("key id", c.key_id or ""),
            ("last used", str(c.last_used or "")),
            ("n8n id", c.n8n_id),
            ("used by", ", ".join(c.used_by)),
        ]
        found = c.discovered
    elif kind == "service-principal":
        sp = ws.service_principal(key)
        if sp is None:
            return []
        facts = [
            ("secret", sp.secret_ref or ""),
            ("app id", sp.app_id or sp.client_id),
            ("verified", "" if sp.verification is None else _verified(sp.verification)),
        ]
        found = sp.discovered
    elif kind == "group":
        g = ws.group(key)
        found = g.discovered if g is not None else None
    if found is not None:
        facts.append(("discovered", f"{found.source}, {found.at:%Y-%m-%d %H:%M} UTC"))
    return [(k, v) for k, v in facts if v]


def _verified(v: Verification) -> str:
    return f"{'ok' if v.ok else 'failed'} {v.at:%Y-%m-%d}"
