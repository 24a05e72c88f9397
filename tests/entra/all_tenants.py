"""For tests whose one Graph stand-in plays every tenant: apply each tenant's plan in turn (home first)."""

from __future__ import annotations

from typing import Any

from wizard.entra_apply import ApplyReport, apply_plan
from wizard.entra_plan import build_plans
from wizard.model import Workspace
from wizard.providers.graph import GraphClient


def apply_every_tenant(ws: Workspace, graph: GraphClient, rotate: frozenset[str] = frozenset(),
                       **kw: Any) -> ApplyReport:
    """One report for all the per-tenant plans, stopping at the first tenant that fails."""
    total = ApplyReport()
    for plan in build_plans(ws, rotate=rotate):
        report = apply_plan(ws, plan, graph, **kw)
        total.outcomes += report.outcomes
        if not report.ok:
            total.stopped_at, total.error = report.stopped_at, report.error
            break
    return total
