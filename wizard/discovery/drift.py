"""`run_drift`: compare the inventory with every configured live system and add the answers up.

A source is a callable `(workspace) -> DriftReport` for one system (wizard/providers/drift_sources.py builds
the list for a workspace). A source that cannot read its system says so in `unreadable` instead of raising;
one that raises anyway is recorded the same way, so one broken system never hides what the others found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from wizard.discovery.findings import DriftFinding, DriftReport
from wizard.model import Workspace
from wizard.safe_text import one_line

DriftSource = Callable[[Workspace], DriftReport]


def source_name(source: DriftSource) -> str:
    """The system a source compares (its `system` attribute), for messages about it."""
    return str(getattr(source, "system", "") or getattr(source, "__name__", "") or "a live system")


def run_drift(ws: Workspace, sources: Iterable[DriftSource], now: dt.datetime | None = None) -> DriftReport:
    """Every source's comparison in one report, checked at *now* (default: the current time, UTC)."""
    report = DriftReport(checked_at=now or dt.datetime.now(dt.UTC))
    for source in sources:
        try:
            part = source(ws)
        except Exception as exc:  # noqa: BLE001 - a source must not raise; if it does, it could not read
            name = source_name(source)
            part = DriftReport(
                checked_at=report.checked_at,
                systems=[name],
                unreadable={name: f"could not compare ({type(exc).__name__}: {one_line(str(exc))[:200]})"},
            )
        report.merge(part)
    return report


def _entries_of(ws: Workspace, client: str) -> set[str]:
    return (
        {f"credential:{c.id}" for c in ws.credentials if c.client == client}
        | {f"service_principal:{s.name}" for s in ws.service_principals if s.client == client}
        | {f"service-principal:{s.name}" for s in ws.service_principals if s.client == client}
        | {f"group:{g.name}" for g in ws.groups if g.client == client}
    )


def _tenant_systems(ws: Workspace, client: str) -> set[str]:
    found = ws.client(client)
    return {f"entra:{found.tenant}"} if found and found.tenant else set()


def for_client(report: DriftReport, ws: Workspace, client: str) -> DriftReport:
    """Only the findings about one client: its inventory entries, and unrecorded objects in its tenant."""
    mine = _entries_of(ws, client)
    systems = _tenant_systems(ws, client)

    def keep(f: DriftFinding) -> bool:
        return f.entry in mine if f.entry else f.system in systems

    return DriftReport(
        checked_at=report.checked_at,
        systems=list(report.systems),
        findings=[f for f in report.findings if keep(f)],
        unreadable=dict(report.unreadable),
        notes=list(report.notes),
    )
