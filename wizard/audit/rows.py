"""Rows of the inventory inspector: every identity and credential flattened, with health and the tenant it lives
in (from wizard.placement), filterable fast.

Kept free of Textual so filtering and sorting are tested (and benchmarked) as plain Python.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from wizard import placement
from wizard.audit import SEVERITY_ORDER, Finding, run_audit
from wizard.model import Verification, Workspace

HEALTH_ORDER = {"error": 0, "warning": 1, "info": 2, "ok": 3}
COLUMNS = ("health", "kind", "name", "client", "service", "method", "owner", "expires", "status", "tenant")


class Row(NamedTuple):
    """One inspector row (a named tuple: built ten thousand times per opening, three times cheaper to make than
    a frozen dataclass)."""

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
    """All rows and the findings per subject (`audited`: run_audit(ws, today) when already at hand).

    Built for 10,000+ rows: findings are grouped and each subject's worst severity kept in one pass, and a
    credential's tenant is worked out once per (recorded placement, identity, client), the only fields of a
    credential placement.credential_tenant reads (tests/unit/audit/test_inspector_rows_fast.py compares every
    row with the tenant placement gives it).
    """
    findings: dict[str, list[Finding]] = {}  # as by_subject(), grouped in the same pass as the health
    worst: dict[str, tuple[int, str]] = {}
    for f in run_audit(ws, today) if audited is None else audited:
        subject, rank = f.subject, SEVERITY_ORDER[f.severity]
        found = findings.get(subject)
        if found is None:
            findings[subject] = [f]
            worst[subject] = (rank, f.severity.value)
        else:
            found.append(f)
            if rank < worst[subject][0]:
                worst[subject] = (rank, f.severity.value)
    ok = (9, "ok")

    rows: list[Row] = []
    append = rows.append
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
        h = worst.get(subject, ok)[1]
        exp = str(expires or "")
        hay = " ".join((kind, name, client, service, method, owner, exp, status, h, where[0])).lower()
        append(Row(subject, kind, name, client, service, method, owner, exp, status, h, hay, *where))

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
    places: dict[tuple[object, str, str], tuple[str, str]] = {}
    for c in ws.credentials:
        key = (c.tenant, c.identity, c.client)
        where = places.get(key)
        if where is None:
            where = places[key] = _where(placement.credential_tenant(fast, c))
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
            where,
        )
    return rows, findings


def _terms(query: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(words, field terms) of a filter query: `field:value` with a known column and a value is a field term."""
    fielded: list[tuple[str, str]] = []
    words: list[str] = []
    for t in query.lower().split():
        key, sep, value = t.partition(":")
        if sep and key in COLUMNS and value:
            fielded.append((key, value))
        else:
            words.append(t)
    return words, fielded


def filter_rows(rows: list[Row], query: str) -> list[Row]:
    """Rows matching every term; `field:value` terms match one column (client:acme health:error)."""
    words, fielded = _terms(query)
    if not words and not fielded:
        return rows
    if not fielded:
        if len(words) == 1:
            word = words[0]
            return [r for r in rows if word in r.haystack]
        return [r for r in rows if all(w in r.haystack for w in words)]

    def keep(r: Row) -> bool:
        return all(w in r.haystack for w in words) and all(v in getattr(r, k).lower() for k, v in fielded)

    return [r for r in rows if keep(r)]


def narrows(old: str, new: str) -> bool:
    """Whether every row matching `new` also matches `old`, so `new` need only look at `old`'s matches.

    True when each term of `old` is inside a term of `new` of the same sort: a word inside a longer word (in
    the haystack, so is any piece of it), a `field:value` inside a `field:longer-value` of the same column.
    Typing on at the end of a query does this; anything else filters all rows again.
    """
    old_words, old_fielded = _terms(old)
    new_words, new_fielded = _terms(new)
    return all(any(o in n for n in new_words) for o in old_words) and all(
        any(k == nk and v in nv for nk, nv in new_fielded) for k, v in old_fielded
    )


def refilter(rows: list[Row], matches: list[Row], old: str, new: str) -> list[Row]:
    """filter_rows(rows, new), given `matches` = filter_rows(rows, old): narrows the previous matches when it
    can (tests/unit/audit/test_inspector_rows_fast.py checks the two agree)."""
    return filter_rows(matches if narrows(old, new) else rows, new)


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
