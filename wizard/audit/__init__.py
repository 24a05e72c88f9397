"""Audit of a workspace: every rule looks at the inventory and reports findings with a fix and an explainer."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter

from wizard.model import Workspace


class Severity(StrEnum):
    """How urgent a finding is; errors make `idspine check` fail."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in the inventory."""

    rule_id: str
    severity: Severity
    subject: str  # "credential:<id>", "service-principal:<name>", "group:<name>", "client:<slug>"
    message: str
    fix: str
    explainer: str

    @property
    def baseline(self) -> str:
        """The public baseline check this finding's rule mirrors (e.g. a Maester test id and page), or ''."""
        from wizard.audit.rules import BASELINES

        return BASELINES.get(self.rule_id, "")

    def as_dict(self) -> dict[str, str]:
        """Plain form for JSON output."""
        return {
            "rule": self.rule_id,
            "severity": self.severity.value,
            "subject": self.subject,
            "message": self.message,
            "fix": self.fix,
            "explainer": self.explainer,
            "baseline": self.baseline,
        }


def run_audit(ws: Workspace, today: dt.date | None = None) -> list[Finding]:
    """All findings for the workspace, most severe first, then by subject."""
    from wizard.audit.rules import RULES

    today = today or dt.date.today()
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(ws, today))
    return sort_findings(findings)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then by subject and rule; ties keep their order (a stable sort).

    The same order as sorting by (SEVERITY_ORDER, subject, rule_id), in two cheaper steps: hashing a
    severity (an enum) for each of 24,000 findings cost a quarter of the audit at 10,000 credentials.
    """
    findings.sort(key=attrgetter("subject", "rule_id"))
    by_severity: dict[str, list[Finding]] = {s.value: [] for s in SEVERITY_ORDER}
    for f in findings:
        by_severity[f.severity._value_].append(f)
    return [f for s in SEVERITY_ORDER for f in by_severity[s.value]]


def counts(findings: list[Finding]) -> dict[Severity, int]:
    """Number of findings per severity (every severity present, zero when none)."""
    c = Counter(f.severity for f in findings)
    return {s: c.get(s, 0) for s in Severity}


def by_subject(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Findings grouped by subject, for health badges."""
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.subject, []).append(f)
    return out
